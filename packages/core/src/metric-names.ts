/**
 * Names of the instruments and attributes that burnrate publishes, in
 * OpenTelemetry style (dotted names, UCUM units). The Prometheus exporter
 * renders dots as underscores and adds `_total` to counters:
 * `slo.error_budget.remaining` becomes `slo_error_budget_remaining`,
 * `slo.events` becomes `slo_events_total`. docs/metrics.md explains each one.
 * The one source of these names: `@burnrate/metrics` publishes them, the
 * collector counts with them and `@burnrate/rules` derives its Prometheus
 * names from them. The attributes `slo.bad_events` shares with spans
 * (`http.route`, `http.response.status_code`, `rpc.grpc.status_code`) are the
 * span attribute keys of `./semconv`.
 */

/** Gauge: the SLO's objective as a ratio (99.9 % → 0.999). Unit `1`. */
export const METRIC_SLO_OBJECTIVE = 'slo.objective';
/** Gauge: the SLI over the SLO window, good / eligible (1 without events). Unit `1`. */
export const METRIC_SLO_SLI = 'slo.sli';
/**
 * Gauge: remaining error budget ratio over the SLO window,
 * `1 − bad / ((1 − objective) × eligible)`; 1 → 0 → negative when overspent. Unit `1`.
 */
export const METRIC_SLO_ERROR_BUDGET_REMAINING = 'slo.error_budget.remaining';
/**
 * Gauge: burn rate over each alert window (attribute {@link ATTR_SLO_WINDOW}),
 * `(bad_w / eligible_w) / (1 − objective)`; 0 without events. Unit `1`.
 */
export const METRIC_SLO_BURN_RATE = 'slo.burn_rate';
/**
 * Gauge: seconds until the budget is spent at the 1 h burn rate,
 * `remaining × window / burn_rate(1h)`; 0 once spent. Capped at
 * {@link TIME_TO_EXHAUSTION_MAX_SECONDS}, which is also what "not burning" (infinite) reports.
 * Unit `s`.
 */
export const METRIC_SLO_TIME_TO_EXHAUSTION = 'slo.time_to_exhaustion';
/** Gauge: 1 while any alert tier of the severity ({@link ATTR_SLO_SEVERITY}) fires, else 0. Unit `1`. */
export const METRIC_SLO_ALERT_FIRING = 'slo.alert.firing';
/**
 * Counter: eligible events since the process started (or the state was restored),
 * by outcome ({@link ATTR_SLO_OUTCOME}). Unit `{event}`. Prometheus: `slo_events_total`.
 */
export const METRIC_SLO_EVENTS = 'slo.events';
/**
 * Counter: events that were not counted, by reason ({@link ATTR_SLO_DROP_REASON}).
 * One span dropped for two SLOs counts two. Carries no `slo.name`: drops are
 * counted per engine. Unit `{event}`. Prometheus: `slo_spans_dropped_total`.
 */
export const METRIC_SLO_SPANS_DROPPED = 'slo.spans.dropped';
/**
 * Counter: bad events since the process started, by SLO, route
 * (`http.route`, `http.request.method`), status code (`http.response.status_code`,
 * or `rpc.grpc.status_code` for gRPC codes), failure reason ({@link ATTR_SLO_FAILURE_REASON})
 * and `service.version`: what is burning the budget. Fed by the engine's
 * attribution ledger, whose keys are capped per SLO (`maxAttributionKeys`,
 * default 100); events of keys past the cap are counted in one series per SLO
 * with {@link ATTR_OTEL_METRIC_OVERFLOW} `true`. Unit `{event}`.
 * Prometheus: `slo_bad_events_total`.
 */
export const METRIC_SLO_BAD_EVENTS = 'slo.bad_events';
/**
 * Counter: eligible (good and bad) events since the process started, by SLO,
 * route (`http.route`, `http.request.method`) and
 * `service.version`, from the same ledger and cap as
 * {@link METRIC_SLO_BAD_EVENTS}: the denominator of per-route and per-version
 * burn rates. Unit `{event}`. Prometheus: `slo_eligible_events_total`.
 */
export const METRIC_SLO_ELIGIBLE_EVENTS = 'slo.eligible_events';
/**
 * Gauge: the SLO's status class, one series per class (attribute
 * {@link ATTR_SLO_STATUS}: `healthy`, `attention`, `warning`, `critical`,
 * `exhausted`, `no-data`), 1 for the current one and 0 for the others. The
 * thresholds are the spec's `policy:` (docs/policy.md). Unit `1`.
 */
export const METRIC_SLO_STATUS = 'slo.status';

/**
 * Counter: traces the journey assembler let go, by how
 * ({@link ATTR_SLO_JOURNEY_END}: `decided`, `decided_early`, `not_journey`,
 * `no_entry`); per engine, no `slo.name` (one trace may count for several
 * journey SLOs). Published only when the spec has journey SLOs. Unit `{trace}`.
 * Prometheus: `slo_journey_traces_total`.
 */
export const METRIC_SLO_JOURNEY_TRACES = 'slo.journey.traces';
/**
 * Counter: spans that arrived after their trace was let go, by how the trace
 * ended ({@link ATTR_SLO_JOURNEY_END}); they change nothing. Unit `{span}`.
 * Prometheus: `slo_journey_late_spans_total`.
 */
export const METRIC_SLO_JOURNEY_LATE_SPANS = 'slo.journey.late_spans';
/** Gauge: traces held by the journey assembler now (bounded by `maxTracesInFlight`). Unit `{trace}`. */
export const METRIC_SLO_JOURNEY_TRACES_IN_FLIGHT = 'slo.journey.traces_in_flight';
/** Gauge: estimated bytes the traces in flight hold (bounded by `maxTraceBufferBytes`). Unit `By`. */
export const METRIC_SLO_JOURNEY_BUFFER_BYTES = 'slo.journey.buffer_bytes';
/** Attribute of the journey counters: how a trace ended (see {@link METRIC_SLO_JOURNEY_TRACES}). */
export const ATTR_SLO_JOURNEY_END = 'slo.journey.end';

/** Attribute on every `slo.*` series: the SLO's name from the spec. */
export const ATTR_SLO_NAME = 'slo.name';
/** Attribute of `slo.burn_rate`: the alert window as a duration (`5m`, `1h`, `3d`). */
export const ATTR_SLO_WINDOW = 'slo.window';
/** Attribute of `slo.alert.firing`: `page` or `ticket`. */
export const ATTR_SLO_SEVERITY = 'slo.severity';
/** Attribute of `slo.status`: the status class the series stands for. */
export const ATTR_SLO_STATUS = 'slo.status';
/** Attribute of `slo.events`: `good` or `bad`. */
export const ATTR_SLO_OUTCOME = 'slo.outcome';
/** Attribute of `slo.spans.dropped`: `too_old` (ended before the SLO window), `future` or `invalid`. */
export const ATTR_SLO_DROP_REASON = 'slo.drop.reason';

/** Attribute of `slo.bad_events`: why the event is bad, `status`, `latency` or `attribute:<key>`. */
export const ATTR_SLO_FAILURE_REASON = 'slo.failure.reason';
/**
 * Attribute `true` on the one `slo.bad_events` series per SLO that counts bad
 * events past the series cap (the OpenTelemetry SDK's overflow attribute).
 */
export const ATTR_OTEL_METRIC_OVERFLOW = 'otel.metric.overflow';

/** `slo.outcome` value of good events. */
export const SLO_OUTCOME_GOOD = 'good';
/** `slo.outcome` value of bad events. */
export const SLO_OUTCOME_BAD = 'bad';

/** Unit of ratios (objective, SLI, remaining budget, burn rate, firing). */
export const UNIT_RATIO = '1';
/** Unit of `slo.time_to_exhaustion`. */
export const UNIT_SECONDS = 's';
/** Unit of the event counters. */
export const UNIT_EVENTS = '{event}';

/**
 * What `slo.time_to_exhaustion` reports when the budget is not burning
 * (an infinite time to exhaustion), and the cap of every other value:
 * 100 × 365 days in seconds. OTLP and most back ends cannot carry infinity,
 * and omitting the point would leave the last finite value standing in
 * cumulative exporters.
 */
export const TIME_TO_EXHAUSTION_MAX_SECONDS = 100 * 365 * 86_400;
