import {
  DEFAULT_POLICY,
  type ErrorBudgetPolicy,
  errorBudgetFraction,
  resolveMinEvents,
  resolveNoDataAfterMs,
  type AlertTier,
  type SloDefinition,
  type SloSpec,
  exhaustionWindow,
  recordedWindows,
} from '@burnrate/core';
import { tierAnnotations } from './annotations';
import { withCorrections } from './correction-rules';
import {
  badSliceExpr,
  eligibleEventsExpr,
  eligibleMatchers,
  errorRatioExpr,
  formatNumber,
  groupLabels,
  matchers,
  promDuration,
  reachesThresholdExpr,
  sliceErrorRatioExpr,
} from './promql';
import {
  ALERT_BUDGET_BURN,
  ALERT_NO_DATA,
  METRIC_SLO_EVENTS_TOTAL,
  LABEL_SEVERITY,
  LABEL_SLO_LONG_WINDOW,
  LABEL_SLO_NAME,
  LABEL_SLO_SHORT_WINDOW,
  LABEL_SLO_WINDOW,
  RECORD_BUDGET_REMAINING,
  RECORD_BURN_RATE,
  RECORD_BURN_RATE_THRESHOLD,
  RECORD_ERROR_RATIO,
  RECORD_OBJECTIVE,
  RECORD_SLI,
  RECORD_TIME_TO_EXHAUSTION,
  RECORD_TIMESLICE_BAD,
} from './semconv';
import type { AlertingRule, RecordingRule, RuleFile, RuleGroup, RulesOptions } from './types';
import { budgetAlertRules, sloStatusRules, specPolicy } from './policy-rules';
import { compositeRules } from './composite-rules';

/** Prefix of every generated group name. */
export const GROUP_PREFIX = 'burnrate-';

/**
 * Builds the rule groups for a spec: one group per SLO, evaluated in order, so
 * the alerts read burn rates recorded in the same evaluation:
 *
 * 1. `slo:error_ratio:rate{slo_window}` for every alert window (and 1 h) and the SLO window,
 * 2. `slo:burn_rate:rate{slo_window}` = error ratio / (1 − objective) for the alert windows,
 * 3. `slo:sli:ratio`, `slo:error_budget_remaining:ratio` (1 − ratio_W / (1 − objective)),
 *    `slo:time_to_exhaustion:seconds` (remaining × W / burn(1h); +Inf on a rolling window
 *    when burn(1h) ≤ 1, 0 once exhausted),
 * 4. constants `slo:objective:ratio` and `slo:burn_rate_threshold:ratio` (for dashboards),
 * 5. one `SloErrorBudgetBurn` alert per tier: both windows at or above the tier's burn rate
 *    (within core's relative epsilon, as the engine compares), and at least
 *    `alerting.minEvents` eligible events in the long window; none with `tiers: []`,
 * 6. `SloNoData` ({@link noDataRule}).
 *
 * Calendar windows use their nominal length (week 7 d, month 30 d, quarter 90 d) as a
 * rolling window: PromQL has no calendar-aligned range.
 *
 * A timeslices SLO gets one more group, `burnrate-<slo>-slices`, evaluated once per
 * slice ({@link sliceRules}); its error ratio over a window is then the share of bad
 * slices among the window's slices (the budget counted in bad slices over W), and
 * everything after step 1 is the same.
 */
export function buildRuleGroups(spec: SloSpec, options: RulesOptions = {}): RuleFile {
  const wanted = options.slos;
  if (wanted !== undefined) {
    const unknown = wanted.filter(
      n => !spec.slos.some(x => x.name === n) && !spec.composites?.some(x => x.name === n)
    );
    if (unknown.length > 0) {
      throw new Error(
        `unknown SLO ${unknown.map(n => JSON.stringify(n)).join(', ')}; the spec has ${spec.slos.map(s => s.name).join(', ')}`
      );
    }
  }
  const groups: RuleGroup[] = [];
  spec.slos.forEach(slo => {
    if (wanted !== undefined && !wanted.includes(slo.name)) return;
    const budgeting = slo.budgeting;
    if (budgeting.method === 'timeslices') {
      groups.push({
        name: `${GROUP_PREFIX}${slo.name}${SLICES_GROUP_SUFFIX}`,
        interval: promDuration(budgeting.sliceMs),
        rules: sliceRules(slo),
      });
    }
    const group: RuleGroup = {
      name: `${GROUP_PREFIX}${slo.name}`,
      rules: withCorrections(slo, spec.corrections, sloRules(slo, specPolicy(spec))),
    };
    if (options.interval !== undefined) group.interval = options.interval;
    groups.push(group);
  });
  for (const c of spec.composites ?? []) {
    if (wanted !== undefined && !wanted.includes(c.name)) continue;
    const group: RuleGroup = { name: `${GROUP_PREFIX}${c.name}`, rules: compositeRules(spec, c) };
    if (options.interval !== undefined) group.interval = options.interval;
    groups.push(group);
  }
  return { groups };
}

/** Suffix of the per-slice group of a timeslices SLO (`burnrate-<slo>-slices`). */
export const SLICES_GROUP_SUFFIX = '-slices';

/**
 * The per-slice rule of a timeslices SLO: `slo:timeslice_bad:bool`, 1 for a bad
 * slice, in a group of its own whose interval is the slice, so that it is
 * evaluated once per slice. Empty for an occurrences SLO.
 */
export function sliceRules(slo: SloDefinition): RecordingRule[] {
  const budgeting = slo.budgeting;
  if (budgeting.method !== 'timeslices') return [];
  return [
    {
      record: RECORD_TIMESLICE_BAD,
      expr: badSliceExpr(slo.name, budgeting.sliceMs, budgeting.sliceTarget, groupLabels(slo)),
      labels: { ...slo.labels, [LABEL_SLO_NAME]: slo.name },
    },
  ];
}

/** Every rule of one SLO, in evaluation order (status and budget alerts by `policy`). */
export function sloRules(
  slo: SloDefinition,
  policy: ErrorBudgetPolicy = DEFAULT_POLICY
): Array<RecordingRule | AlertingRule> {
  const name = slo.name;
  const base: Record<string, string> = { ...slo.labels, [LABEL_SLO_NAME]: name };
  const fraction = formatNumber(errorBudgetFraction(slo.target));
  const windowMs = slo.window.durationMs;
  const windows = recordedWindows(slo);
  const by = groupLabels(slo);
  const rules: Array<RecordingRule | AlertingRule> = [];
  const select = (record: string, window?: number) =>
    `${record}${matchers(window === undefined ? { [LABEL_SLO_NAME]: name } : { [LABEL_SLO_NAME]: name, [LABEL_SLO_WINDOW]: promDuration(window) })}`;

  const ratioWindows = windows.includes(windowMs) ? windows : [...windows, windowMs];
  for (const w of ratioWindows) {
    rules.push({
      record: RECORD_ERROR_RATIO,
      expr:
        slo.budgeting.method === 'timeslices'
          ? sliceErrorRatioExpr(name, RECORD_TIMESLICE_BAD, slo.budgeting.sliceMs, w, by)
          : errorRatioExpr(name, w, by),
      labels: { ...base, [LABEL_SLO_WINDOW]: promDuration(w) },
    });
  }
  for (const w of windows) {
    rules.push({
      record: RECORD_BURN_RATE,
      expr: `${select(RECORD_ERROR_RATIO, w)} / ${fraction}`,
      labels: { ...base, [LABEL_SLO_WINDOW]: promDuration(w) },
    });
  }
  // `max without (slo_window)` drops the window label: one series per SLO, like the gauges.
  const overWindow = `max without (${LABEL_SLO_WINDOW}) (${select(RECORD_ERROR_RATIO, windowMs)})`;
  rules.push({
    record: RECORD_SLI,
    expr: `1 - ${overWindow}`,
    labels: { ...base },
  });
  rules.push({
    record: RECORD_BUDGET_REMAINING,
    expr: `1 - ${overWindow} / ${fraction}`,
    labels: { ...base },
  });
  // remaining × W / burn(1h), 0 once the budget is spent (`> 0` drops the sample and
  // `or … * 0 + 0` gives a positive zero). +Inf when not burning (x/0); on a rolling
  // window also whenever burn(1h) ≤ 1: the window forgets as fast as it spends, so the
  // budget is never exhausted (`> 1` drops the sample, `* +Inf` fills it in).
  const remaining = select(RECORD_BUDGET_REMAINING);
  const burn1h = select(RECORD_BURN_RATE, exhaustionWindow(slo));
  rules.push({
    record: RECORD_TIME_TO_EXHAUSTION,
    expr:
      slo.window.type === 'rolling'
        ? `(${remaining} > 0) * ${formatNumber(windowMs / 1000)}\n` +
          `/ ignoring(${LABEL_SLO_WINDOW}) (${burn1h} > 1)\n` +
          `or (${remaining} > 0) * +Inf\n` +
          `or ${remaining} * 0 + 0`
        : `(${remaining} > 0) * ${formatNumber(windowMs / 1000)}\n` +
          `/ ignoring(${LABEL_SLO_WINDOW}) ${burn1h}\n` +
          `or ${remaining} * 0 + 0`,
    labels: { ...base },
  });
  rules.push({
    record: RECORD_OBJECTIVE,
    expr: `vector(${formatNumber(slo.target)})`,
    labels: { ...base },
  });
  const seen = new Set<string>();
  for (const tier of slo.alerting.tiers) {
    const long = promDuration(tier.longWindowMs);
    const short = promDuration(tier.shortWindowMs);
    const key = `${tier.severity}/${long}/${short}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rules.push({
      record: RECORD_BURN_RATE_THRESHOLD,
      expr: `vector(${formatNumber(tier.burnRate)})`,
      labels: {
        ...base,
        [LABEL_SEVERITY]: tier.severity,
        [LABEL_SLO_WINDOW]: long,
        [LABEL_SLO_LONG_WINDOW]: long,
        [LABEL_SLO_SHORT_WINDOW]: short,
      },
    });
  }
  const minEvents = resolveMinEvents(slo);
  for (const tier of slo.alerting.tiers) {
    const burn = (w: number) =>
      reachesThresholdExpr(
        `max without (${LABEL_SLO_WINDOW}) (${select(RECORD_BURN_RATE, w)})`,
        tier.burnRate
      );
    // alerting.minEvents: the long window must hold that many eligible events
    const enough =
      minEvents > 0
        ? `\nand on (${by.join(', ')})\n${eligibleEventsExpr(name, tier.longWindowMs, by)} >= ${minEvents}`
        : '';
    rules.push({
      alert: ALERT_BUDGET_BURN,
      expr: `${burn(tier.longWindowMs)}\nand\n${burn(tier.shortWindowMs)}${enough}`,
      ...(tier.holdMs ? { for: promDuration(tier.holdMs) } : {}),
      labels: tierRuleLabels(slo, tier),
      annotations: tierAnnotations(slo, tier),
    });
  }
  rules.push(noDataRule(slo));
  rules.push(...sloStatusRules(slo, exhaustionWindow(slo), policy));
  rules.push(...budgetAlertRules(name, slo.labels, policy, slo.alerting.runbook));
  return rules;
}

/**
 * The `SloNoData` alert of one SLO (severity `ticket`): its `slo_events_total`
 * series are absent, or have not increased over the last 5 minutes (or
 * `alerting.noDataAfter` when shorter), for `alerting.noDataAfter` — the engine's
 * `no-data` status, which dead instrumentation would otherwise pass as 100 % good.
 */
export function noDataRule(slo: SloDefinition): AlertingRule {
  const afterMs = resolveNoDataAfterMs(slo);
  const range = Math.min(afterMs, NO_DATA_RANGE_MS);
  const selector = `${METRIC_SLO_EVENTS_TOTAL}${eligibleMatchers(slo.name)}`;
  const after = promDuration(afterMs);
  return {
    alert: ALERT_NO_DATA,
    expr: `absent(${selector})\n` + `or\n${eligibleEventsExpr(slo.name, range)} <= 0`,
    for: after,
    labels: { ...slo.labels, [LABEL_SLO_NAME]: slo.name, [LABEL_SEVERITY]: 'ticket' },
    annotations: {
      summary: `SLO ${slo.name} has had no eligible events for ${after}`,
      description:
        `No ${METRIC_SLO_EVENTS_TOTAL} of ${slo.name} increased for ${after} (or none exist): its budget and burn rates ` +
        'read as perfect because nothing is measured. Check that the service runs and that its spans reach burnrate ' +
        '(instrumentation, sampling, the exporter, the scrape).',
      ...(slo.alerting.runbook !== undefined ? { runbook_url: slo.alerting.runbook } : {}),
    },
  };
}

/** The range over which {@link noDataRule} looks for an increase, at most. */
export const NO_DATA_RANGE_MS = 5 * 60_000;

/**
 * Labels of one tier's alerting rule: the SLO's own labels, `slo_name`,
 * `severity`, `slo_long_window` and `slo_short_window`. The alerts Prometheus
 * sends carry exactly these plus `alertname` (the expression's result is
 * label-less apart from them): see {@link tierAlertLabels}.
 */
export function tierRuleLabels(slo: SloDefinition, tier: AlertTier): Record<string, string> {
  return {
    ...slo.labels,
    [LABEL_SLO_NAME]: slo.name,
    [LABEL_SEVERITY]: tier.severity,
    [LABEL_SLO_LONG_WINDOW]: promDuration(tier.longWindowMs),
    [LABEL_SLO_SHORT_WINDOW]: promDuration(tier.shortWindowMs),
  };
}

/**
 * The label set of the alert the generated rules send to Alertmanager for one
 * tier (`alertname` and {@link tierRuleLabels}): its identity there. burnrate's
 * own notifications use the same set, so that Alertmanager deduplicates an
 * incident seen by both.
 */
export function tierAlertLabels(slo: SloDefinition, tier: AlertTier): Record<string, string> {
  return { alertname: ALERT_BUDGET_BURN, ...tierRuleLabels(slo, tier) };
}
