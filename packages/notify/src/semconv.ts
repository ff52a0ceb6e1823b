/** Names of the notifier's own metrics and their attributes. */

/** Messages delivered (2xx), by {@link ATTR_RECEIVER}. */
export const METRIC_NOTIFICATIONS_SENT = 'burnrate.notifications.sent';
/** Messages given up, by {@link ATTR_RECEIVER} and {@link ATTR_DROP_REASON}. */
export const METRIC_NOTIFICATIONS_DROPPED = 'burnrate.notifications.dropped';
/** Attempts after a failed one (timeout, connection error, 408, 429, 5xx), by {@link ATTR_RECEIVER}. */
export const METRIC_NOTIFICATIONS_RETRIES = 'burnrate.notifications.retries';
/** Messages waiting in the receivers' queues, by {@link ATTR_RECEIVER}. */
export const METRIC_NOTIFICATIONS_QUEUED = 'burnrate.notifications.queued';
/** Alert state changes (a tier starting to fire or resolving), by `slo.severity` and {@link ATTR_ALERT_STATE}. */
export const METRIC_ALERT_TRANSITIONS = 'burnrate.alert.transitions';

/** Kind of receiver: `alertmanager` or `webhook`. */
export const ATTR_RECEIVER = 'burnrate.receiver';
/** Why a message was dropped: `queue_full`, `failed` (retries exhausted), `rejected` (4xx), `shutdown`. */
export const ATTR_DROP_REASON = 'burnrate.drop.reason';
/** State an alert changed to: `firing` or `resolved`. */
export const ATTR_ALERT_STATE = 'burnrate.alert.state';
/** Severity of the alert tier (as the SLO instruments' `slo.severity`). */
export const ATTR_SLO_SEVERITY = 'slo.severity';

/** Instrumentation scope of the notifier's metrics. */
export const NOTIFY_METER_NAME = '@burnrate/notify';
