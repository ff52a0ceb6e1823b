import {
  ATTR_SLO_NAME,
  ATTR_SLO_OUTCOME,
  ATTR_SLO_STATUS,
  ATTR_SLO_WINDOW,
  METRIC_SLO_BAD_EVENTS,
  METRIC_SLO_ELIGIBLE_EVENTS,
  METRIC_SLO_EVENTS,
} from '@burnrate/core';

/**
 * Prometheus names that the generated rules read and write. The inputs are the
 * `slo.events` counters of the metrics contract (docs/metrics.md) as the
 * OpenTelemetry Prometheus exporter renders them, derived from the instrument
 * and attribute names of `@burnrate/core`; the outputs are recording rules named
 * `level:metric:operations`, level `slo` (one series per SLO, summed across
 * every replica, `job` and `instance`).
 */

/** A name as the Prometheus exporter renders it: every character outside `[a-zA-Z0-9_:]` becomes `_`. */
function promName(otelName: string): string {
  return otelName.replace(/[^a-zA-Z0-9_:]/g, '_');
}

/** The `slo.events` counter as rendered by the Prometheus exporter (`slo_events_total`). */
export const METRIC_SLO_EVENTS_TOTAL = `${promName(METRIC_SLO_EVENTS)}_total`;
/**
 * The `slo.bad_events` counter as rendered by the Prometheus exporter: bad
 * events by route, method, status code, failure reason and version.
 */
export const METRIC_SLO_BAD_EVENTS_TOTAL = `${promName(METRIC_SLO_BAD_EVENTS)}_total`;
/** The `slo.eligible_events` counter: eligible events by route, method and version. */
export const METRIC_SLO_ELIGIBLE_EVENTS_TOTAL = `${promName(METRIC_SLO_ELIGIBLE_EVENTS)}_total`;
/** Label carrying the SLO name (`slo.name`). */
export const LABEL_SLO_NAME = promName(ATTR_SLO_NAME);
/** Label carrying the event outcome (`slo.outcome`: `good` or `bad`). */
export const LABEL_SLO_OUTCOME = promName(ATTR_SLO_OUTCOME);
/** Label carrying a window length as `formatDuration` writes it (`slo.window`: `5m`, `28d`). */
export const LABEL_SLO_WINDOW = promName(ATTR_SLO_WINDOW);
/** Label carrying the alert severity (`page` or `ticket`). */
export const LABEL_SEVERITY = 'severity';
/** Label of `slo:status`: the status class the series stands for (`slo.status`). */
export const LABEL_SLO_STATUS = promName(ATTR_SLO_STATUS);
/** Label of an alert or threshold series naming the tier's long window. */
export const LABEL_SLO_LONG_WINDOW = 'slo_long_window';
/** Label of an alert or threshold series naming the tier's short window. */
export const LABEL_SLO_SHORT_WINDOW = 'slo_short_window';

/**
 * Error ratio `bad / eligible` over the window named by `slo_window`, summed across
 * instances; 0 without traffic. Recorded for every alert window and the SLO window.
 */
export const RECORD_ERROR_RATIO = 'slo:error_ratio:rate';
/** Burn rate over the window named by `slo_window`: error ratio / (1 − objective). */
export const RECORD_BURN_RATE = 'slo:burn_rate:rate';
/** The SLI over the SLO window: 1 − error ratio (1 without traffic). */
export const RECORD_SLI = 'slo:sli:ratio';
/** Remaining error budget over the SLO window: 1 − error ratio / (1 − objective); 1 → 0 → negative. */
export const RECORD_BUDGET_REMAINING = 'slo:error_budget_remaining:ratio';
/** Seconds until the budget is spent at the 1 h burn rate; +Inf when not burning, 0 when spent. */
export const RECORD_TIME_TO_EXHAUSTION = 'slo:time_to_exhaustion:seconds';
/** The objective as a ratio (0.999), a constant series per SLO. */
export const RECORD_OBJECTIVE = 'slo:objective:ratio';
/** Burn-rate threshold of each alert tier (labels `severity`, `slo_long_window`, `slo_short_window`). */
export const RECORD_BURN_RATE_THRESHOLD = 'slo:burn_rate_threshold:ratio';

/**
 * The status class as a number: 0 healthy, 1 attention, 2 no-data, 3 warning,
 * 4 critical, 5 exhausted (core's `STATUS_ORDER`), from the spec's `policy:`.
 */
export const RECORD_STATUS_CODE = 'slo:status:code';
/** 1 on the series of the current status class (`slo_status`), 0 on the others: the `slo.status` gauge. */
export const RECORD_STATUS = 'slo:status';

/**
 * Timeslices SLOs: 1 when the slice that just ended was bad (good ratio below the
 * slice target), else 0; recorded once per slice by the `burnrate-<slo>-slices` group.
 */
export const RECORD_TIMESLICE_BAD = 'slo:timeslice_bad:bool';
/**
 * 1 while a correction (maintenance window) of the SLO is active, else 0
 * (docs/corrections.md); only for SLOs that corrections apply to.
 */
export const RECORD_CORRECTION_ACTIVE = 'slo:correction:active';
/**
 * The local time of a correction's `timeZone` as seconds since the epoch read as
 * UTC (`time()` + the zone's UTC offset, daylight-saving changes written out),
 * label `time_zone`; read by `slo:correction:active`.
 */
export const RECORD_CORRECTION_LOCAL_TIME = 'slo:correction_local_time:seconds';
/** Label of {@link RECORD_CORRECTION_LOCAL_TIME}: the IANA zone. */
export const LABEL_TIME_ZONE = 'time_zone';

/** Name of the generated multiwindow burn-rate alert. */
export const ALERT_BUDGET_BURN = 'SloErrorBudgetBurn';
/** `policy.alerts.budgetBelow`: the remaining budget is below that share. */
export const ALERT_BUDGET_LOW = 'SloErrorBudgetLow';
/** `policy.alerts.exhausted`: the budget is exhausted. */
export const ALERT_BUDGET_EXHAUSTED = 'SloErrorBudgetExhausted';
/** `policy.alerts.exhaustsWithin`: the budget runs out sooner than that. */
export const ALERT_BUDGET_EXHAUSTION_SOON = 'SloErrorBudgetExhaustionSoon';
/** Name of the generated alert for an SLO without eligible events (`alerting.noDataAfter`). */
export const ALERT_NO_DATA = 'SloNoData';
