/**
 * Field numbers of the OTLP trace protobuf schema
 * (opentelemetry/proto/collector/trace/v1/trace_service.proto,
 * trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto)
 * that the decoder reads. Every other field is skipped by its wire type.
 */

/** `ExportTraceServiceRequest.resource_spans`. */
export const REQUEST_RESOURCE_SPANS = 1;
/** `ResourceSpans.resource`. */
export const RESOURCE_SPANS_RESOURCE = 1;
/** `ResourceSpans.scope_spans`. */
export const RESOURCE_SPANS_SCOPE_SPANS = 2;
/** `Resource.attributes`. */
export const RESOURCE_ATTRIBUTES = 1;
/** `ScopeSpans.spans`. */
export const SCOPE_SPANS_SPANS = 2;
/** `Span.name`. */
export const SPAN_NAME = 5;
/** `Span.kind` (OTLP numbering: UNSPECIFIED 0, INTERNAL 1, SERVER 2, …). */
export const SPAN_KIND = 6;
/** `Span.start_time_unix_nano` (fixed64). */
export const SPAN_START_TIME = 7;
/** `Span.end_time_unix_nano` (fixed64). */
export const SPAN_END_TIME = 8;
/** `Span.attributes`. */
export const SPAN_ATTRIBUTES = 9;
/** `Span.status`. */
export const SPAN_STATUS = 15;
/** `Status.code`. */
export const STATUS_CODE = 3;
/** `KeyValue.key`. */
export const KEY_VALUE_KEY = 1;
/** `KeyValue.value`. */
export const KEY_VALUE_VALUE = 2;
/** `AnyValue.string_value`. */
export const ANY_STRING = 1;
/** `AnyValue.bool_value`. */
export const ANY_BOOL = 2;
/** `AnyValue.int_value`. */
export const ANY_INT = 3;
/** `AnyValue.double_value`. */
export const ANY_DOUBLE = 4;
/** `AnyValue.array_value` (`ArrayValue.values`, field 1). */
export const ANY_ARRAY = 5;
/** `AnyValue.kvlist_value` (`KeyValueList.values`, field 1). */
export const ANY_KVLIST = 6;
/** `AnyValue.bytes_value`. */
export const ANY_BYTES = 7;
/** `ArrayValue.values` and `KeyValueList.values`. */
export const LIST_VALUES = 1;

/** Deepest AnyValue nesting accepted (arrays and kvlists inside each other). */
export const MAX_ANY_VALUE_DEPTH = 32;

/** Converts an OTLP span kind to the OTel API numbering (`SpanKindValue`); −1 for unspecified or unknown. */
export function apiSpanKind(otlpKind: number): number {
  return otlpKind >= 1 && otlpKind <= 5 ? otlpKind - 1 : -1;
}
