import {
  formatDuration,
  groupLabelName,
  THRESHOLD_RELATIVE_EPSILON,
  type SloDefinition,
} from '@burnrate/core';
import { LABEL_SLO_NAME, LABEL_SLO_OUTCOME, METRIC_SLO_EVENTS_TOTAL } from './semconv';

/**
 * A number as PromQL and YAML text: 15 significant digits, which drops binary
 * noise (`13.440000000000001` → `13.44`) and keeps every digit a spec can carry.
 */
export function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(Number(value.toPrecision(15)));
}

/**
 * A window as a Prometheus duration. `formatDuration` writes compound durations
 * (`2m8s571ms` for the 1 h alert window of a 1 d SLO), which Prometheus accepts
 * since 2.x in range selectors and labels alike; milliseconds are rounded.
 */
export function promDuration(ms: number): string {
  return formatDuration(ms);
}

/** Escapes a label value for a PromQL string literal. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A label matcher list `{a="x",b="y"}`. */
export function matchers(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(',')}}`;
}

/**
 * The error ratio of one SLO over `window`, summed across every replica:
 *
 *   (sum(rate(bad[w])) or vector(0)) / (sum(rate(eligible[w])) > 0) or vector(0)
 *
 * Why this shape (Sloth #133 and #657 are what happens otherwise):
 * - `sum` without `by`: the rule selects one SLO and sets `slo_name` itself, so
 *   every operand is label-less and `or vector(0)` matches it one to one (a
 *   `sum by (slo_name)` result would sit beside the `vector(0)` element and the
 *   rule labels would turn them into duplicate series).
 * - numerator `or vector(0)`: a replica that has never counted a bad event
 *   exports no bad series; the ratio is then 0, not absent.
 * - denominator `> 0`: with no eligible traffic in the window the filter drops
 *   the sample instead of dividing 0 by 0 (NaN), and the outer `or vector(0)`
 *   yields 0 — exactly core's "no events: burn rate 0". No epsilon, so a small
 *   real rate is never distorted (a `clamp_min(…, 1e-x)` would be for a 90 d
 *   window with one event: 1/7776000 per second).
 *
 * With `by` (a grouped SLO's labels, `http_route`), one ratio per group:
 *
 *   (sum by (g) (rate(bad[w])) or 0 * sum by (g) (rate(eligible[w])))
 *   / (sum by (g) (rate(eligible[w])) > 0) or 0 * sum by (g) (rate(eligible[w]))
 *
 * where `0 * eligible` plays `vector(0)`'s part for each group that has
 * series (a group without any series has no ratio: it does not exist yet).
 */
export function errorRatioExpr(
  sloName: string,
  windowMs: number,
  by: readonly string[] = []
): string {
  const w = promDuration(windowMs);
  const eligible = eligibleMatchers(sloName);
  const bad = matchers({ [LABEL_SLO_NAME]: sloName, [LABEL_SLO_OUTCOME]: 'bad' });
  if (by.length > 0) {
    // per group: `or vector(0)` would add a label-less element; `0 * eligible` is a
    // zero for each group that has eligible series instead
    const sumBy = `sum by (${by.join(', ')})`;
    const allEvents = `${sumBy} (rate(${METRIC_SLO_EVENTS_TOTAL}${eligible}[${w}]))`;
    return (
      `(${sumBy} (rate(${METRIC_SLO_EVENTS_TOTAL}${bad}[${w}])) or 0 * ${allEvents})\n` +
      `/\n(${allEvents} > 0)\n` +
      `or 0 * ${allEvents}`
    );
  }
  return (
    `(sum(rate(${METRIC_SLO_EVENTS_TOTAL}${bad}[${w}])) or vector(0))\n` +
    `/\n(sum(rate(${METRIC_SLO_EVENTS_TOTAL}${eligible}[${w}])) > 0)\n` +
    `or vector(0)`
  );
}

/**
 * `lhs` at or above `threshold`, within core's relative epsilon (the engine's
 * `reachesThreshold`): `lhs >= 14.4 * (1 - 1e-9)`. Exactly 14.4x fires although
 * `0.0144 / 0.001` is 14.399999999999999 in binary floating point.
 */
export function reachesThresholdExpr(lhs: string, threshold: number): string {
  return `${lhs} >= ${formatNumber(threshold)} * (1 - ${formatNumber(THRESHOLD_RELATIVE_EPSILON)})`;
}

/**
 * The per-slice rule of a timeslices SLO, evaluated once per slice (its group's
 * interval is the slice): 1 when the slice just ended was bad, its good ratio
 * below the slice target, else 0. A slice without events is good, as in core:
 *
 *   ((sum(rate(good[s])) or vector(0)) / (sum(rate(eligible[s])) > 0) < bool target) or vector(0)
 */
export function badSliceExpr(
  sloName: string,
  sliceMs: number,
  sliceTarget: number,
  by: readonly string[] = []
): string {
  const s = promDuration(sliceMs);
  const eligible = matchers({ [LABEL_SLO_NAME]: sloName, [LABEL_SLO_OUTCOME]: 'good|bad' }).replace(
    `${LABEL_SLO_OUTCOME}=`,
    `${LABEL_SLO_OUTCOME}=~`
  );
  const good = matchers({ [LABEL_SLO_NAME]: sloName, [LABEL_SLO_OUTCOME]: 'good' });
  if (by.length > 0) {
    const sumBy = `sum by (${by.join(', ')})`;
    const allEvents = `${sumBy} (rate(${METRIC_SLO_EVENTS_TOTAL}${eligible}[${s}]))`;
    return (
      `(\n  (${sumBy} (rate(${METRIC_SLO_EVENTS_TOTAL}${good}[${s}])) or 0 * ${allEvents})\n` +
      `  /\n  (${allEvents} > 0)\n` +
      `  < bool ${formatNumber(sliceTarget)}\n)\nor 0 * ${allEvents}`
    );
  }
  return (
    `(\n  (sum(rate(${METRIC_SLO_EVENTS_TOTAL}${good}[${s}])) or vector(0))\n` +
    `  /\n  (sum(rate(${METRIC_SLO_EVENTS_TOTAL}${eligible}[${s}])) > 0)\n` +
    `  < bool ${formatNumber(sliceTarget)}\n)\nor vector(0)`
  );
}

/**
 * The error ratio of a timeslices SLO over `window`: bad slices / slices in the
 * window, as core counts them (every slice of the window is eligible, the empty
 * ones good). The range is half a slice shorter than the window so that it holds
 * exactly window / slice samples of the once-per-slice rule whether the range
 * includes its start (Prometheus 2) or not (Prometheus 3).
 */
export function sliceErrorRatioExpr(
  sloName: string,
  badSliceRecord: string,
  sliceMs: number,
  windowMs: number,
  by: readonly string[] = []
): string {
  const range = promDuration(Math.max(sliceMs / 2, windowMs - sliceMs / 2));
  if (by.length > 0)
    return (
      `sum by (${by.join(', ')}) (sum_over_time(${badSliceRecord}${matchers({ [LABEL_SLO_NAME]: sloName })}[${range}]))\n` +
      `/ ${formatNumber(windowMs / sliceMs)}`
    );
  return (
    `sum(sum_over_time(${badSliceRecord}${matchers({ [LABEL_SLO_NAME]: sloName })}[${range}]))\n` +
    `/ ${formatNumber(windowMs / sliceMs)}\nor vector(0)`
  );
}

/** The matchers of one SLO's eligible events: `{slo_name="x",slo_outcome=~"good|bad"}`. */
export function eligibleMatchers(sloName: string): string {
  return matchers({ [LABEL_SLO_NAME]: sloName, [LABEL_SLO_OUTCOME]: 'good|bad' }).replace(
    `${LABEL_SLO_OUTCOME}=`,
    `${LABEL_SLO_OUTCOME}=~`
  );
}

/**
 * Eligible events of one SLO over `window`, summed across replicas (label-less):
 * `sum(increase(slo_events_total{…,slo_outcome=~"good|bad"}[w]))`; the
 * `alerting.minEvents` condition of the alerts and the `SloNoData` alert read it.
 * With `by`, one sum per group (`sum by (http_route) (increase(…))`).
 */
export function eligibleEventsExpr(
  sloName: string,
  windowMs: number,
  by: readonly string[] = []
): string {
  if (by.length > 0)
    return `sum by (${by.join(', ')}) (increase(${METRIC_SLO_EVENTS_TOTAL}${eligibleMatchers(sloName)}[${promDuration(windowMs)}]))`;
  return `sum(increase(${METRIC_SLO_EVENTS_TOTAL}${eligibleMatchers(sloName)}[${promDuration(windowMs)}]))`;
}

/**
 * The Prometheus labels of a grouped SLO's `groupBy` attributes
 * (`http.route` → `http_route`), as the exporter writes them; empty for an
 * ungrouped SLO. Every rule of a grouped SLO aggregates `by` them, so that
 * each group has its own error ratios, burn rates, budget and alerts.
 */
export function groupLabels(slo: SloDefinition): string[] {
  return (slo.groupBy ?? []).map(groupLabelName);
}
