export { generateRules, generateRuleObject, PROMETHEUS_RULE_API_VERSION } from './generate-rules';
export {
  buildRuleGroups,
  sloRules,
  tierRuleLabels,
  tierAlertLabels,
  sliceRules,
  noDataRule,
  GROUP_PREFIX,
  SLICES_GROUP_SUFFIX,
  NO_DATA_RANGE_MS,
} from './rule-groups';
export { groupLabels } from './promql';
export {
  tierAnnotations,
  humanizePercentage,
  humanizeSeconds,
  topOffenderQuery,
  topOffenderText,
} from './annotations';
export type { TopOffender } from './annotations';
export type { TierAlertValues } from './annotations';
export {
  errorRatioExpr,
  badSliceExpr,
  sliceErrorRatioExpr,
  reachesThresholdExpr,
  eligibleEventsExpr,
  eligibleMatchers,
  formatNumber,
  promDuration,
} from './promql';
export { recordedWindows, exhaustionWindow } from '@burnrate/core';
export {
  scrapeIntervalWarnings,
  DEFAULT_SCRAPE_INTERVAL_MS,
  MIN_SCRAPES_PER_WINDOW,
} from './scrape-interval';
export {
  METRIC_SLO_EVENTS_TOTAL,
  LABEL_SLO_NAME,
  LABEL_SLO_OUTCOME,
  LABEL_SLO_WINDOW,
  LABEL_SEVERITY,
  LABEL_SLO_LONG_WINDOW,
  LABEL_SLO_SHORT_WINDOW,
  RECORD_ERROR_RATIO,
  RECORD_BURN_RATE,
  RECORD_SLI,
  RECORD_BUDGET_REMAINING,
  RECORD_TIME_TO_EXHAUSTION,
  RECORD_TIMESLICE_BAD,
  RECORD_CORRECTION_ACTIVE,
  RECORD_CORRECTION_LOCAL_TIME,
  LABEL_TIME_ZONE,
  RECORD_OBJECTIVE,
  RECORD_BURN_RATE_THRESHOLD,
  ALERT_BUDGET_BURN,
  ALERT_NO_DATA,
  ALERT_BUDGET_LOW,
  ALERT_BUDGET_EXHAUSTED,
  ALERT_BUDGET_EXHAUSTION_SOON,
  LABEL_SLO_STATUS,
  RECORD_STATUS,
  RECORD_STATUS_CODE,
} from './semconv';
export {
  sloStatusRules,
  statusClassRules,
  compositeStatusRules,
  budgetAlertRules,
  statusCode,
} from './policy-rules';
export { compositeRules, leafShares } from './composite-rules';
export type { LeafShare } from './composite-rules';
export type {
  RulesFormat,
  RulesOptions,
  RecordingRule,
  AlertingRule,
  RuleGroup,
  RuleFile,
  PrometheusRuleResource,
} from './types';
export { generateDashboard, DASHBOARD_SCHEMA_VERSION } from './dashboard';
export type { DashboardOptions, GrafanaDashboard, GrafanaPanel } from './dashboard';
export { generateRuleTests, counterValues } from './rule-tests';
export type {
  RuleTestOptions,
  RuleTestFile,
  RuleTestGroup,
  PromqlExprTest,
  ExpectedSample,
} from './rule-tests';
export {
  correctionActiveExpr,
  correctionRules,
  localTimeExpr,
  withCorrections,
  utcOffsetExpr,
  offsetChanges,
  OFFSET_TABLE_FROM_MS,
  OFFSET_TABLE_TO_MS,
} from './correction-rules';
export { correctionAnnotations } from './correction-annotations';
