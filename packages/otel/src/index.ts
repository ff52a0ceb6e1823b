export { SloSpanProcessor, PROVIDER_CHECK_EVERY } from './slo-span-processor';
export type { SloSpanProcessorOptions, ProcessorNotifications } from './types';
export { SloMetrics, timeToExhaustionSeconds } from './slo-metrics';
export type { SloMetricsOptions, DropCountsReader } from './slo-metrics';
export { ReadableSpanView, hrTimeToMs } from './readable-span-view';
export { resolveSpec } from './resolve-spec';
export type { SpecInput } from './resolve-spec';
export { AlwaysRecordSampler } from './always-record-sampler';
export {
  SpanDiagnostics,
  METRIC_SPANS_UNMATCHED,
  MAX_SEEN_SERVICES,
  DIAGNOSTIC_REPEAT_MS,
} from './span-diagnostics';
export { DEFAULT_DIAGNOSTICS_INTERVAL_MS } from './slo-span-processor';
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
  ATTR_HTTP_ROUTE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_SERVICE_VERSION,
  ATTR_SLO_FAILURE_REASON,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_RPC_GRPC_STATUS_CODE,
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
  TIME_TO_EXHAUSTION_MAX_SECONDS,
  METER_NAME,
} from './semconv';
export { VERSION } from './version';
export { readRegisterConfig, startBurnrate } from './start';
export type { RegisterConfig, BurnrateHandle } from './start';
