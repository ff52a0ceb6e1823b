export { SloSpanProcessor, PROVIDER_CHECK_EVERY } from './slo-span-processor';
export type { SloSpanProcessorOptions, ProcessorNotifications } from './types';
export { ReadableSpanView } from './readable-span-view';
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
export { VERSION } from './version';
