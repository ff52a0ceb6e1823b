export { TestReceiver, closedPort } from './http-receiver';
export type { ReceivedRequest, ReceiverMode } from './http-receiver';
export {
  OtlpMetricsReceiver,
  decodeMetricsProto,
  valueIn,
  latestValue,
} from './otlp-metrics-receiver';
export { attributesOf, flatten } from './otlp-json-metrics';
export { exportTraceServiceRequestType } from './otlp-trace-schema';
export type {
  KeyValue,
  OtlpNumberPoint,
  OtlpMetric,
  OtlpMetricsRequest,
  FlatPoint,
} from './otlp-json-metrics';
export { routeSpan } from './route-span';
export type { RouteSpan } from './route-span';
