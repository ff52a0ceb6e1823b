export { startCollector } from './collector';
export {
  DEFAULT_HOST,
  DEFAULT_HTTP_PORT,
  DEFAULT_GRPC_PORT,
  DEFAULT_METRICS_PORT,
  DEFAULT_SNAPSHOT_INTERVAL_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_GRPC_MESSAGE_BYTES,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_IDLE_TIMEOUT_MS,
  METRICS_PATH,
  COLLECTOR_SERVICE_NAME,
} from './collector';
export type { CollectorOptions, RunningCollector, CollectorLogger } from './types';
export { collectorOptionsFrom } from './settings';
export type { CollectorFlags } from './settings';
export { stderrLogger, silentLogger } from './logger';
export { ProtoTraceDecoder } from './otlp/proto-trace-decoder';
export { JsonTraceDecoder } from './otlp/json-trace-decoder';
export { ProtoSpanView } from './otlp/proto-span-view';
export { JsonSpanView } from './otlp/json-span-view';
export type { SpanSink, IngestResult } from './otlp/span-sink';
export {
  TRACES_PATH,
  SLOS_PATH,
  HEALTH_PATH,
  READY_PATH,
  RETRY_AFTER_SECONDS,
} from './transport/http-receiver';
export { TRACE_EXPORT_PATH, TRACE_SERVICE_DEFINITION } from './transport/grpc-receiver';
// the status page and its JSON API live in @burnrate/status (shared with @burnrate/register)
export {
  slosResponse,
  StatusPage,
  SLO_PATH_PREFIX,
  HISTORY_SUFFIX,
  historyResponse,
} from '@burnrate/status';
export type {
  StatusPageOptions,
  HistoryResponse,
  HistoryColumns,
  HistoryTier,
  SloReport,
  SlosResponse,
  SlosResponseExtras,
} from '@burnrate/status';
export { StateStore, STATE_FILE_FORMAT, STATE_FILE_VERSION } from './state/state-store';
export type { StateFile, RestoreOutcome } from './state/state-store';
export {
  encodeExportResponseProto,
  encodeExportResponseJson,
  encodeStatusProto,
  encodeStatusJson,
  RpcCode,
} from './transport/otlp-response';
export {
  METRIC_COLLECTOR_SPANS_RECEIVED,
  METRIC_COLLECTOR_SPANS_ACCEPTED,
  METRIC_COLLECTOR_SPANS_REJECTED,
  METRIC_COLLECTOR_REQUESTS,
  METRIC_COLLECTOR_IN_FLIGHT,
  METRIC_COLLECTOR_STATE_SNAPSHOTS,
  METRIC_COLLECTOR_STATE_RESTORE_FAILURES,
  METRIC_COLLECTOR_CONNECTIONS_REFUSED,
  ATTR_COLLECTOR_TRANSPORT,
  ATTR_COLLECTOR_RESPONSE_CODE,
  ATTR_COLLECTOR_RESULT,
  COLLECTOR_METER_NAME,
} from './semconv';
