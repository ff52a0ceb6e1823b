export type {
  AlertTier,
  AttributeMatcher,
  AttributeValue,
  Budgeting,
  Clock,
  CollectorSettings,
  GoodPredicates,
  JourneySpanSelector,
  LatencyPredicate,
  RoutePattern,
  Severity,
  SloDefinition,
  SloSpec,
  CorrectionDefinition,
  OneTimeCorrection,
  RecurringCorrection,
  Recurrence,
  Weekday,
  SloWindow,
  SpanSelector,
  SpanView,
  StatusPredicate,
  TraceSli,
} from './types';
export {
  JourneyAssembler,
  DEFAULT_MAX_TRACES_IN_FLIGHT,
  DEFAULT_MAX_TRACE_BUFFER_BYTES,
  DEFAULT_MAX_TRACE_AGE_MS,
  TRACE_BYTES,
  KEPT_SPAN_BYTES,
  DECIDED_ID_BYTES,
} from './journey/journey-assembler';
export type { JourneyAssemblerOptions, JourneyCounts, TraceEnd } from './journey/journey-assembler';
export {
  FAILURE_REASON_FAILED_PREFIX,
  FAILURE_REASON_FAILED_OTHER,
} from './journey/compiled-journey';
export { DEFAULT_DECISION_WAIT_MS, MAX_DECISION_WAIT_MS } from './spec/check-journey';
export { SpanKindValue, SpanStatusValue } from './types';
export {
  parseDuration,
  formatDuration,
  humanizeDuration,
  MINUTE_MS,
  HOUR_MS,
  DAY_MS,
} from './duration';
export {
  errorBudgetFraction,
  budgetEvents,
  timeBudgetMs,
  remainingRatio,
  burnRate,
  timeToExhaustionMs,
  sliRatio,
} from './math/budget';
export {
  DEFAULT_TIER_TEMPLATES,
  REFERENCE_WINDOW_MS,
  SCALE_BELOW_MS,
  deriveTiers,
  burnRateThreshold,
  budgetConsumedAt,
  alertWindows,
  roundAlertWindow,
  defaultMinEvents,
  resolveMinEvents,
  resolveNoDataAfterMs,
  DEFAULT_NO_DATA_AFTER_MS,
} from './math/tiers';
export type { TierTemplate } from './math/tiers';
export { recordedWindows, exhaustionWindow } from './windows/recorded-windows';
export { RollingWindow, DEFAULT_BUCKETS } from './windows/window';
export type { RollingWindowState } from './windows/window';
export { CalendarWindow } from './windows/calendar-window';
export { calendarPeriod, parseLocalDateTime } from './windows/calendar';
export { SliceTracker } from './windows/timeslices';
export { RouteTable, parseRoutePattern, globToRegExp } from './classify/route-table';
export { SpanFacts } from './classify/span-facts';
export { internString } from './intern';
export { truncateLabelValue, MAX_LABEL_VALUE_BYTES, LABEL_TRUNCATED_MARKER } from './label-value';
export {
  CompiledSlo,
  Outcome,
  compileAttributeMatcher,
  FAILURE_REASON_STATUS,
  FAILURE_REASON_LATENCY,
  FAILURE_REASON_ATTRIBUTE_PREFIX,
} from './classify/classify';
export type { AttributePredicate } from './classify/classify';
export { GRPC_CODE_BY_NAME, GRPC_SERVER_ERROR_CODES, grpcCodeOf } from './classify/grpc-codes';
export {
  ATTR_HTTP_ROUTE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_STATUS_CODE,
  ATTR_URL_PATH,
  ATTR_HTTP_TARGET,
  ATTR_RPC_SERVICE,
  ATTR_RPC_METHOD,
  ATTR_RPC_GRPC_STATUS_CODE,
  ATTR_RPC_STATUS_CODE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from './semconv';
export {
  METRIC_SLO_OBJECTIVE,
  METRIC_SLO_SLI,
  METRIC_SLO_ERROR_BUDGET_REMAINING,
  METRIC_SLO_BURN_RATE,
  METRIC_SLO_TIME_TO_EXHAUSTION,
  METRIC_SLO_ALERT_FIRING,
  METRIC_SLO_EVENTS,
  METRIC_SLO_SPANS_DROPPED,
  METRIC_SLO_BAD_EVENTS,
  METRIC_SLO_ELIGIBLE_EVENTS,
  METRIC_SLO_STATUS,
  ATTR_SLO_STATUS,
  ATTR_SLO_FAILURE_REASON,
  ATTR_OTEL_METRIC_OVERFLOW,
  ATTR_SLO_NAME,
  ATTR_SLO_WINDOW,
  ATTR_SLO_SEVERITY,
  ATTR_SLO_OUTCOME,
  ATTR_SLO_DROP_REASON,
  SLO_OUTCOME_GOOD,
  SLO_OUTCOME_BAD,
  UNIT_RATIO,
  UNIT_SECONDS,
  UNIT_EVENTS,
  METRIC_SLO_JOURNEY_TRACES,
  METRIC_SLO_JOURNEY_LATE_SPANS,
  METRIC_SLO_JOURNEY_TRACES_IN_FLIGHT,
  METRIC_SLO_JOURNEY_BUFFER_BYTES,
  ATTR_SLO_JOURNEY_END,
  TIME_TO_EXHAUSTION_MAX_SECONDS,
} from './metric-names';
export { SpecError, suggest } from './spec/spec-error';
export type { SpecIssue } from './spec/spec-error';
export { validateSpec, parseSpec, loadSpec, parseBytes } from './spec/spec';
export {
  fromOpenSlo,
  isOpenSloDocument,
  spreadDocuments,
  OPENSLO_KINDS,
  SHORT_WINDOW_ANNOTATION,
  RUNBOOK_ANNOTATION,
  BURNRATE_SOURCE,
} from './spec/openslo';
export type { OpenSloOrigin } from './spec/openslo';
export { toOpenSlo, sloToOpenSlo, openSloYaml, toShorthand } from './spec/openslo-export';
export { selectorRaw, goodRaw } from './spec/spec-writer';
export { SloState, CORRECTED } from './engine/slo-state';
export { CorrectionSchedule, CORRECTION_LOOKAROUND_MS } from './corrections/correction-schedule';
export type { CorrectionInterval } from './corrections/correction-schedule';
export { parseRecurrence, formatRecurrence, occurrenceStarts } from './corrections/recurrence';
export { parseInstant } from './spec/check-corrections';
export {
  SloHistory,
  fineStepMs,
  historyReadingIntervalMs,
  coarseStepMs,
  FINE_POINTS,
  COARSE_MAX_POINTS,
} from './history/slo-history';
export type { SloHistoryState, SloHistorySeries, HistorySample } from './history/slo-history';
export { HistoryRing, HISTORY_STATUSES } from './history/history-ring';
export {
  periodReport,
  reportPeriod,
  periodSeriesFromHistory,
  REPORT_PERIODS,
} from './history/period-report';
export type {
  PeriodSeries,
  ReportPeriod,
  SloPeriodReport,
  WeekReport,
  AlertIntervalReport,
  BurnStats,
  WeekdayReport,
} from './history/period-report';
export type { HistoryReading, HistorySeries, HistoryRingState } from './history/history-ring';
export type {
  SloSnapshot,
  SloStateOptions,
  WindowReading,
  TierReading,
  DropReason,
  RecordOutcome,
  SloStateData,
} from './engine/slo-state';
export { SloEngine, systemClock, STATE_VERSION, DEFAULT_MAX_FUTURE_SKEW_MS } from './engine/engine';
export { MonotonicClock } from './engine/monotonic-clock';
export type { MonotonicClockOptions, MonotonicSource } from './engine/monotonic-clock';
export {
  AttributionLedger,
  DEFAULT_MAX_ATTRIBUTION_KEYS,
  DEFAULT_ATTRIBUTION_BUCKETS,
  EXEMPLARS_PER_SLO,
  EXEMPLARS_PER_KEY,
} from './attribution/attribution-ledger';
export type {
  AttributionKey,
  AttributionLedgerOptions,
  AttributionLedgerState,
  AttributionReading,
  AttributionRow,
  Exemplar,
} from './attribution/attribution-ledger';
export { LedgerRing } from './attribution/ledger-ring';
export type { LedgerRingState } from './attribution/ledger-ring';
export {
  explainSlo,
  explanationText,
  groupText,
  DEPLOY_SHARE,
  DEPLOY_LEAD_MS,
  EXPLAIN_TOP,
  EXPLAIN_TRACES,
} from './attribution/explain';
export type { Explanation, Offender, VersionShare, DeployCorrelation } from './attribution/explain';
export type {
  SloEngineOptions,
  DropCounts,
  EngineState,
  GroupedSloStateData,
} from './engine/engine';
export {
  SloGroups,
  OVERFLOW_GROUP_VALUE,
  MAX_GROUP_VALUE_LENGTH,
  labelOf as groupLabelOf,
} from './groups/slo-groups';
export type { GroupValues, SloGroupsOptions, GroupStateFactory } from './groups/slo-groups';
export {
  checkGrouping,
  groupLabelName,
  DEFAULT_MAX_GROUPS,
  MAX_MAX_GROUPS,
  MAX_GROUP_BY_KEYS,
} from './spec/check-groups';
export type { GroupingSpec } from './spec/check-groups';
export {
  classifyStatus,
  explainStatus,
  releaseDecision,
  strictestDecision,
  DECISION_ORDER,
} from './math/status';
export type { SloStatus, ReleaseDecision, StatusInputs, StatusExplanation } from './math/status';
export {
  DEFAULT_POLICY,
  DEFAULT_STATUS_THRESHOLDS,
  STATUS_ORDER,
  CRITICAL_EXHAUSTION_SHARE,
  WARNING_EXHAUSTION_SHARE,
  exhaustionBound,
  policyDecision,
  policyChangeTypes,
  restrictiveness,
  statusesByRestrictiveness,
} from './policy/policy';
export type {
  ErrorBudgetPolicy,
  StatusRule,
  StatusThresholds,
  PolicyException,
  PolicyAlerts,
  PolicyDecision,
} from './policy/policy';
export { compositeReading, compositeSnapshots, compositeExhaustionMs } from './composite/composite';
export type {
  CompositeComponent,
  CompositeDefinition,
  CompositeSnapshot,
  ComponentReading,
  BudgetReading,
} from './composite/composite';
export { replay, parseReplayCsv, wholeMinutes, MAX_REPLAY_MINUTES } from './replay';
export { reachesThreshold, THRESHOLD_RELATIVE_EPSILON } from './math/threshold';
export type {
  ReplayOptions,
  ReplayResult,
  ReplayRow,
  ReplayTier,
  ReplayBudgetPeriod,
  ReplayCorrected,
  AlertInterval,
} from './replay';
