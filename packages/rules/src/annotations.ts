import {
  groupLabelName,
  errorBudgetFraction,
  type AlertTier,
  type SloDefinition,
  exhaustionWindow,
} from '@burnrate/core';
import { formatNumber, groupLabels, matchers, promDuration } from './promql';
import {
  LABEL_SLO_NAME,
  METRIC_SLO_BAD_EVENTS_TOTAL,
  LABEL_SLO_WINDOW,
  RECORD_BUDGET_REMAINING,
  RECORD_BURN_RATE,
  RECORD_TIME_TO_EXHAUSTION,
} from './semconv';

/** A Go-template block that runs an instant query and prints its first value through `fn`. */
function queried(expr: string, fn: string, args = ''): string {
  return `{{ with ${queryOf(expr, args)} }}{{ . | first | value | ${fn} }}{{ end }}`;
}

/**
 * A template's `query` call: the expression as a raw string, or for a grouped
 * SLO built by `printf` from the alert's group labels (`args`:
 * `$labels.http_route …`, which the expression names as `%[1]s …`).
 */
function queryOf(expr: string, args: string): string {
  return args === '' ? `query \`${expr}\`` : `printf \`${expr}\` ${args} | query`;
}

/**
 * A grouped SLO's label matchers for a template query (`http_route="%[1]s"`)
 * and the `printf` arguments that fill them from the alert's labels; both
 * empty for an ungrouped SLO.
 */
function groupTemplate(slo: SloDefinition): { match: Record<string, string>; args: string } {
  const labels = groupLabels(slo);
  return {
    match: Object.fromEntries(labels.map((l, i) => [l, `%[${i + 1}]s`])),
    args: labels.map(l => `$labels.${l}`).join(' '),
  };
}

/**
 * The numbers an alert's annotations print, known to the one rendering them
 * (burnrate's own notifications) instead of queried by Prometheus' templates.
 */
export interface TierAlertValues {
  /** Burn rate over the tier's long window (`$value` of the alert). */
  readonly longBurnRate: number;
  /** Remaining budget ratio. */
  readonly remaining: number;
  /** Seconds until the budget is spent at the 1 h burn rate; `null` or Infinity when not burning. */
  readonly timeToExhaustionSeconds: number | null;
  /**
   * The key with the most bad events over the tier's long window (`explain`'s
   * first offender): printed as the `top_offender` annotation, left out when absent.
   */
  readonly topOffender?: TopOffender | null;
  /** The group's values by `groupBy` attribute (a group of a grouped SLO). */
  readonly group?: Readonly<Record<string, string>>;
}

/** What the `top_offender` annotation names. */
export interface TopOffender {
  /** HTTP method, `''` when none. */
  readonly method: string;
  /** `http.route` (or RPC `service/method`). */
  readonly route: string;
  /** HTTP status (≥ 100) or gRPC code; null when none. */
  readonly code: number | null;
  readonly reason: string | null;
  readonly version: string | null;
  /** Share of the bad events (0–1). */
  readonly share: number;
}

/** Labels of `slo_bad_events_total` the top-offender query keeps. */
const OFFENDER_LABELS = [
  'http_request_method',
  'http_route',
  'http_response_status_code',
  'rpc_grpc_status_code',
  'slo_failure_reason',
  'service_version',
];

/**
 * The PromQL of the top offender over `range`: the (method, route, code,
 * reason, version) series of `slo_bad_events_total` with the largest share of
 * the SLO's bad events, summed across replicas.
 */
export function topOffenderQuery(
  sloName: string,
  range: string,
  group: Readonly<Record<string, string>> = {}
): string {
  const sel = `${METRIC_SLO_BAD_EVENTS_TOTAL}${matchers({ [LABEL_SLO_NAME]: sloName, ...group })}`;
  return (
    `topk(1, sum by (${OFFENDER_LABELS.join(', ')}) (increase(${sel}[${range}]))` +
    ` / scalar(sum(increase(${sel}[${range}]))))`
  );
}

/** The `top_offender` text as the template prints it: `GET /api/orders/:id 503 (status, version 1.2.0): 75% of the bad events`. */
export function topOffenderText(o: TopOffender | null): string {
  if (o === null) return 'none recorded';
  const method = o.method !== '' ? `${o.method} ` : '';
  const code = o.code === null ? '' : o.code >= 100 ? ` ${o.code}` : ` gRPC ${o.code}`;
  const reason = o.reason ?? '';
  const version = o.version !== null && o.version !== '' ? `version ${o.version}` : '';
  const why =
    reason !== '' || version !== '' ? ` (${[reason, version].filter(Boolean).join(', ')})` : '';
  return `${method}${o.route}${code}${why}: ${humanizePercentage(o.share)} of the bad events`;
}

/** The Go template printing {@link topOffenderText} from {@link topOffenderQuery}. */
function topOffenderTemplate(
  sloName: string,
  range: string,
  group: { match: Record<string, string>; args: string }
): string {
  return (
    `{{ with ${queryOf(topOffenderQuery(sloName, range, group.match), group.args)} }}{{ range . }}` +
    `{{ with .Labels.http_request_method }}{{ . }} {{ end }}{{ .Labels.http_route }}` +
    `{{ with .Labels.http_response_status_code }} {{ . }}{{ end }}` +
    `{{ with .Labels.rpc_grpc_status_code }} gRPC {{ . }}{{ end }}` +
    ` ({{ .Labels.slo_failure_reason }}{{ with .Labels.service_version }}, version {{ . }}{{ end }})` +
    `: {{ .Value | humanizePercentage }} of the bad events{{ end }}{{ else }}none recorded{{ end }}`
  );
}

/** Go's `printf "%.4g"` for the numbers templates print (no exponent form needed at these sizes). */
function g4(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** Prometheus' `humanizePercentage`: `%.4g%%` of v × 100. */
export function humanizePercentage(v: number): string {
  return `${g4(v * 100)}%`;
}

/** Prometheus' `humanizeDuration` of seconds: `1d 2h 3m 4s`, `4m 5s`, `12.5s`, `+Inf`. */
export function humanizeSeconds(v: number | null): string {
  if (v === null || v === Infinity) return '+Inf';
  if (Number.isNaN(v) || v === -Infinity) return String(v);
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const total = Math.trunc(Math.abs(v));
    const seconds = total % 60;
    const minutes = Math.trunc(total / 60) % 60;
    const hours = Math.trunc(total / 3600) % 24;
    const days = Math.trunc(total / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(Math.abs(v))}s`;
  }
  let x = v;
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p']) {
    if (Math.abs(x) >= 1) break;
    prefix = p;
    x *= 1000;
  }
  return `${g4(x)}${prefix}s`;
}

/** "28d rolling" or "calendar month (rules: rolling 30d)". */
export function describeWindow(slo: SloDefinition): string {
  const w = slo.window;
  const text = promDuration(w.durationMs);
  return w.type === 'rolling' ? text : `calendar ${w.unit}, rules over a rolling ${text}`;
}

/** The percent form of a ratio for reading, 4 significant digits: 0.02 → `2%`, 1/36 → `2.778%`. */
/**
 * A group as the rules' summary prints it (` (http_route=/a)`, labels as
 * Prometheus names them; an empty value prints empty, as `$labels` would).
 */
function valuesGroupText(group: Readonly<Record<string, string>> | undefined): string {
  if (group === undefined) return '';
  return ` (${Object.entries(group)
    .map(([k, v]) => `${groupLabelName(k)}=${v}`)
    .join(', ')})`;
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(4))}%`;
}

/**
 * Annotations of one tier's alert, in words: the burn rate, the share of the
 * budget the long window consumes at the threshold and at the current rate, the
 * remaining budget and the time to exhaustion; `top_offender`: the route,
 * code, reason and version with the largest share of the bad events over the
 * long window ({@link topOffenderQuery}); `runbook_url` when the spec has one.
 * `$value` is the long-window burn rate (the left operand of the alert expression).
 *
 * Without `values` the numbers are Prometheus templates (the generated rules);
 * with them, the same text with the numbers printed as those templates would
 * (burnrate's own notifications to Alertmanager and webhooks).
 */
export function tierAnnotations(
  slo: SloDefinition,
  tier: AlertTier,
  values?: TierAlertValues
): Record<string, string> {
  const name = slo.name;
  const long = promDuration(tier.longWindowMs);
  const short = promDuration(tier.shortWindowMs);
  const windowText = promDuration(slo.window.durationMs);
  const threshold = formatNumber(tier.burnRate);
  const group = groupTemplate(slo);
  const sel = (record: string, extra: Record<string, string> = {}) =>
    `${record}${matchers({ [LABEL_SLO_NAME]: name, ...group.match, ...extra })}`;
  const consumedNow = `${sel(RECORD_BURN_RATE, { [LABEL_SLO_WINDOW]: long })} * ${formatNumber(
    tier.longWindowMs / slo.window.durationMs
  )}`;
  const hour = promDuration(exhaustionWindow(slo));
  const value =
    values !== undefined ? values.longBurnRate.toFixed(2) : '{{ $value | printf "%.2f" }}';
  const consumedText =
    values !== undefined
      ? humanizePercentage((values.longBurnRate * tier.longWindowMs) / slo.window.durationMs)
      : queried(consumedNow, 'humanizePercentage', group.args);
  const remainingText =
    values !== undefined
      ? humanizePercentage(values.remaining)
      : queried(sel(RECORD_BUDGET_REMAINING), 'humanizePercentage', group.args);
  const exhaustedText =
    values !== undefined
      ? humanizeSeconds(values.timeToExhaustionSeconds)
      : queried(sel(RECORD_TIME_TO_EXHAUSTION), 'humanizeDuration', group.args);
  const groupText =
    values !== undefined
      ? valuesGroupText(values.group)
      : groupLabels(slo).length === 0
        ? ''
        : ` (${groupLabels(slo)
            .map(l => `${l}={{ $labels.${l} }}`)
            .join(', ')})`;
  const annotations: Record<string, string> = {
    summary: `SLO ${name}${groupText} is burning its error budget ${value}x too fast (${tier.severity}: ${long}/${short} at ${threshold}x)`,
    description:
      `${name}${groupText} (objective ${percent(slo.target)} good, ${describeWindow(slo)}, error budget ${percent(errorBudgetFraction(slo.target))}) ` +
      `burned its error budget at ${value}x the sustainable rate over the last ${long}, ` +
      `and at least ${threshold}x over the last ${short}. ` +
      `At ${threshold}x a ${long} window consumes ${percent(tier.budgetConsumed)} of the ${windowText} budget; ` +
      `at the current rate the last ${long} consumed ${consumedText}. ` +
      `Budget remaining: ${remainingText}; ` +
      `at the ${hour} burn rate it is exhausted in ${exhaustedText}.`,
  };
  if (values === undefined) annotations.top_offender = topOffenderTemplate(name, long, group);
  else if (values.topOffender !== undefined)
    annotations.top_offender = topOffenderText(values.topOffender);
  if (slo.alerting.runbook !== undefined) annotations.runbook_url = slo.alerting.runbook;
  return annotations;
}
