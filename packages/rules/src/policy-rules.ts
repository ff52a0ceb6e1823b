import {
  DEFAULT_POLICY,
  exhaustionBound,
  resolveNoDataAfterMs,
  STATUS_ORDER,
  statusesByRestrictiveness,
  type ErrorBudgetPolicy,
  type SloDefinition,
  type SloSpec,
  type SloStatus,
} from '@burnrate/core';
import {
  eligibleEventsExpr,
  eligibleMatchers,
  formatNumber,
  groupLabels,
  matchers,
  promDuration,
} from './promql';
import {
  ALERT_BUDGET_BURN,
  ALERT_BUDGET_EXHAUSTED,
  ALERT_BUDGET_EXHAUSTION_SOON,
  ALERT_BUDGET_LOW,
  LABEL_SEVERITY,
  LABEL_SLO_NAME,
  LABEL_SLO_STATUS,
  LABEL_SLO_WINDOW,
  METRIC_SLO_EVENTS_TOTAL,
  RECORD_BUDGET_REMAINING,
  RECORD_BURN_RATE,
  RECORD_STATUS,
  RECORD_STATUS_CODE,
  RECORD_TIME_TO_EXHAUSTION,
} from './semconv';
import type { AlertingRule, RecordingRule } from './types';

/** The number `slo:status:code` records for a status: its index in `STATUS_ORDER`. */
export function statusCode(status: SloStatus): number {
  return STATUS_ORDER.indexOf(status);
}

/** The policy of a spec, or the defaults. */
export function specPolicy(spec: SloSpec): ErrorBudgetPolicy {
  return spec.policy ?? DEFAULT_POLICY;
}

const first = (code: number, condition: string) => `(vector(${code}) and on () (${condition}))`;

/**
 * The status rules of one SLO, after its alerts in its group: `slo:status:code`
 * (0 healthy, 1 attention, 2 no-data, 3 warning, 4 critical, 5 exhausted) from
 * the same conditions as core's `explainStatus`, first match wins, with the
 * policy's thresholds:
 *
 *   (vector(5) and on () (remaining <= exhausted))
 *   or (vector(2) and on () (no eligible event over alerting.noDataAfter))
 *   or (vector(4) and on () (ALERTS{…page, firing} or tte < critical))
 *   or (vector(3) and on () (ALERTS{…ticket, firing} or remaining < R or tte < warning))
 *   or (vector(1) and on () (remaining < R' or burn(1h) > B))
 *   or vector(0)
 *
 * (`A or B` of two label-less vectors is A when A has a sample: the first match),
 * then `slo:status{slo_status}` per class, 1 for the current one, like the gauge.
 */
export function sloStatusRules(
  slo: SloDefinition,
  exhaustionWindowMs: number,
  policy: ErrorBudgetPolicy
): RecordingRule[] {
  const t = policy.thresholds;
  const base = { ...slo.labels, [LABEL_SLO_NAME]: slo.name };
  const one = { [LABEL_SLO_NAME]: slo.name };
  const remaining = `${RECORD_BUDGET_REMAINING}${matchers(one)}`;
  const tte = `${RECORD_TIME_TO_EXHAUSTION}${matchers(one)}`;
  const burn = `${RECORD_BURN_RATE}${matchers({ ...one, [LABEL_SLO_WINDOW]: promDuration(exhaustionWindowMs) })}`;
  const alerts = (severity: string) =>
    `ALERTS${matchers({ alertname: ALERT_BUDGET_BURN, alertstate: 'firing', [LABEL_SLO_NAME]: slo.name, [LABEL_SEVERITY]: severity })}`;
  const windowMs = slo.window.durationMs;
  const seconds = (ms: number) => formatNumber(ms / 1000);
  const noData =
    `absent(${METRIC_SLO_EVENTS_TOTAL}${eligibleMatchers(slo.name)})\n` +
    `  or ${eligibleEventsExpr(slo.name, resolveNoDataAfterMs(slo))} <= 0`;
  const critical = [
    ...(t.criticalOnPage ? [alerts('page')] : []),
    `${tte} < ${seconds(exhaustionBound('critical', t, windowMs))}`,
  ];
  const warning = [
    ...(t.warningOnTicket ? [alerts('ticket')] : []),
    `${remaining} < ${formatNumber(t.warningRemainingBelow)}`,
    `${tte} < ${seconds(exhaustionBound('warning', t, windowMs))}`,
  ];
  const attention = [
    `${remaining} < ${formatNumber(t.attentionRemainingBelow)}`,
    `${burn} > ${formatNumber(t.attentionBurnRateAbove)}`,
  ];
  const by = groupLabels(slo);
  if (by.length > 0) {
    // a grouped SLO: one status per group. Every condition is brought to the group's
    // labels (`max by (g) (…)`) so that `or` keeps the first match of each group; the
    // SLO-wide no-data applies to every group, as in the engine
    const groups = `max by (${by.join(', ')}) (${remaining})`;
    const perGroup = (code: number, condition: string) =>
      `(0 * max by (${by.join(', ')}) (${condition}) + ${code})`;
    const expr = [
      perGroup(
        statusCode('exhausted'),
        `${remaining} <= ${formatNumber(t.exhaustedRemainingAtMost)}`
      ),
      `(0 * ${groups} + ${statusCode('no-data')} and on () (${noData}))`,
      perGroup(statusCode('critical'), critical.join(' or ')),
      perGroup(statusCode('warning'), warning.join(' or ')),
      perGroup(statusCode('attention'), attention.join(' or ')),
      `0 * ${groups}`,
    ].join('\nor ');
    return [
      { record: RECORD_STATUS_CODE, expr, labels: base },
      ...statusClassRules(slo.name, base),
    ];
  }
  const expr = [
    first(statusCode('exhausted'), `${remaining} <= ${formatNumber(t.exhaustedRemainingAtMost)}`),
    first(statusCode('no-data'), noData),
    first(statusCode('critical'), critical.join(' or ')),
    first(statusCode('warning'), warning.join(' or ')),
    first(statusCode('attention'), attention.join(' or ')),
    'vector(0)',
  ].join('\nor ');
  return [{ record: RECORD_STATUS_CODE, expr, labels: base }, ...statusClassRules(slo.name, base)];
}

/** `slo:status{slo_status="…"}`: 1 for the class `slo:status:code` holds, 0 for the others. */
export function statusClassRules(name: string, base: Record<string, string>): RecordingRule[] {
  const code = `${RECORD_STATUS_CODE}${matchers({ [LABEL_SLO_NAME]: name })}`;
  return STATUS_ORDER.map(status => ({
    record: RECORD_STATUS,
    expr: `${code} == bool ${statusCode(status)}`,
    labels: { ...base, [LABEL_SLO_STATUS]: status },
  }));
}

/**
 * A composite's `slo:status:code`: the most restrictive status of its leaf SLOs
 * under the policy (decision first, then severity; core's `restrictiveness`),
 * first match wins:
 *
 *   (vector(5) and on () (count(slo:status:code{slo_name=~"a|b"} == 5) > 0)) or …
 */
export function compositeStatusRules(
  name: string,
  leaves: readonly string[],
  base: Record<string, string>,
  policy: ErrorBudgetPolicy
): RecordingRule[] {
  const sel = `${RECORD_STATUS_CODE}{${LABEL_SLO_NAME}=~"${leaves.join('|')}"}`;
  const expr = statusesByRestrictiveness(policy)
    .map(s => first(statusCode(s), `count(${sel} == ${statusCode(s)}) > 0`))
    .join('\nor ');
  return [{ record: RECORD_STATUS_CODE, expr, labels: base }, ...statusClassRules(name, base)];
}

/**
 * The budget-level alerts the policy asks for (`policy.alerts`), for an SLO or
 * a composite: `SloErrorBudgetLow` (remaining below a share),
 * `SloErrorBudgetExhausted` (remaining at or below the exhausted threshold) and
 * `SloErrorBudgetExhaustionSoon` (time to exhaustion under a bound). None by default.
 */
export function budgetAlertRules(
  name: string,
  labels: Readonly<Record<string, string>>,
  policy: ErrorBudgetPolicy,
  runbook?: string
): AlertingRule[] {
  const a = policy.alerts;
  const one = matchers({ [LABEL_SLO_NAME]: name });
  const remaining = `${RECORD_BUDGET_REMAINING}${one}`;
  const ruleLabels = { ...labels, [LABEL_SLO_NAME]: name, [LABEL_SEVERITY]: a.severity };
  const extra: Record<string, string> = runbook !== undefined ? { runbook_url: runbook } : {};
  const rules: AlertingRule[] = [];
  const pct = (v: number) => `${formatNumber(v * 100)} %`;
  if (a.budgetBelow !== undefined)
    rules.push({
      alert: ALERT_BUDGET_LOW,
      expr: `${remaining} < ${formatNumber(a.budgetBelow)}`,
      labels: ruleLabels,
      annotations: {
        summary: `SLO ${name} has less than ${pct(a.budgetBelow)} of its error budget left`,
        description: `{{ $value | humanizePercentage }} of the error budget of ${name} is left (policy.alerts.budgetBelow: ${pct(a.budgetBelow)}).`,
        ...extra,
      },
    });
  if (a.exhausted) {
    const at = policy.thresholds.exhaustedRemainingAtMost;
    rules.push({
      alert: ALERT_BUDGET_EXHAUSTED,
      expr: `${remaining} <= ${formatNumber(at)}`,
      labels: ruleLabels,
      annotations: {
        summary: `SLO ${name} has exhausted its error budget`,
        description: `{{ $value | humanizePercentage }} of the error budget of ${name} is left (exhausted at ${pct(at)} or less).`,
        ...extra,
      },
    });
  }
  if (a.exhaustsWithinMs !== undefined)
    rules.push({
      alert: ALERT_BUDGET_EXHAUSTION_SOON,
      expr: `${RECORD_TIME_TO_EXHAUSTION}${one} < ${formatNumber(a.exhaustsWithinMs / 1000)}`,
      labels: ruleLabels,
      annotations: {
        summary: `SLO ${name} exhausts its error budget within ${promDuration(a.exhaustsWithinMs)}`,
        description: `At the burn rate of the last hour the error budget of ${name} is exhausted in {{ $value | humanizeDuration }} (policy.alerts.exhaustsWithin: ${promDuration(a.exhaustsWithinMs)}).`,
        ...extra,
      },
    });
  return rules;
}
