/**
 * Names of the collector's own metrics and their attributes. The SLO
 * instruments themselves (`slo.*`, including `slo.spans.dropped` by
 * `slo.drop.reason`) come from `SloMetrics` of `@burnrate/metrics`.
 */

/** Spans found in well-formed export requests (`burnrate_collector_spans_received_total`). */
export const METRIC_COLLECTOR_SPANS_RECEIVED = 'burnrate.collector.spans.received';
/** Spans handed to the engine; the engine may still drop them (`slo.spans.dropped`). */
export const METRIC_COLLECTOR_SPANS_ACCEPTED = 'burnrate.collector.spans.accepted';
/** Spans that cannot be used (no end time, ends before it starts): `partial_success.rejected_spans`. */
export const METRIC_COLLECTOR_SPANS_REJECTED = 'burnrate.collector.spans.rejected';
/** Export requests answered, by {@link ATTR_COLLECTOR_TRANSPORT} and {@link ATTR_COLLECTOR_RESPONSE_CODE}. */
export const METRIC_COLLECTOR_REQUESTS = 'burnrate.collector.requests';
/** Bytes of request bodies being read and decoded now. */
export const METRIC_COLLECTOR_IN_FLIGHT = 'burnrate.collector.in_flight';
/** State snapshots written, by {@link ATTR_COLLECTOR_RESULT} (`ok`, `error`). */
export const METRIC_COLLECTOR_STATE_SNAPSHOTS = 'burnrate.collector.state.snapshots';
/** State files found corrupt or incompatible at start (moved aside, the collector started empty). */
export const METRIC_COLLECTOR_STATE_RESTORE_FAILURES = 'burnrate.collector.state.restore_failures';
/** Connections closed at once because the listener held its maximum (`maxConnections`), by {@link ATTR_COLLECTOR_TRANSPORT}. */
export const METRIC_COLLECTOR_CONNECTIONS_REFUSED = 'burnrate.collector.connections.refused';

/** Transport of a request: `http` or `grpc`. */
export const ATTR_COLLECTOR_TRANSPORT = 'burnrate.transport';
/** Response code of a request: the HTTP status (`200`, `400`, …) or the gRPC code name (`OK`, `INVALID_ARGUMENT`, …). */
export const ATTR_COLLECTOR_RESPONSE_CODE = 'burnrate.response.code';
/** Result of an operation: `ok` or `error`. */
export const ATTR_COLLECTOR_RESULT = 'burnrate.result';

/** Instrumentation scope of the collector's own metrics. */
export const COLLECTOR_METER_NAME = '@burnrate/collector';
