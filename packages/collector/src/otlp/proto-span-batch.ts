/**
 * The spans of one OTLP protobuf request as the decoder found them: byte
 * positions and decoded fields in typed arrays that grow to the largest request
 * seen and are reused for every request after it, so that checking a whole
 * request before recording any of it allocates nothing per span.
 */

/** Slots of one span in {@link ProtoSpanBatch.spans}. */
export const SpanSlot = {
  /** Byte range of the span name. */
  NAME_START: 0,
  NAME_END: 1,
  /** Span kind, OTel API numbering (−1 unspecified). */
  KIND: 2,
  /** `Status.code`. */
  STATUS: 3,
  /** Range of the span's attributes in {@link ProtoSpanBatch.attributes} (indices of int32s). */
  ATTRIBUTES_START: 4,
  ATTRIBUTES_END: 5,
  /** Index of its resource's `service.name` in {@link ProtoSpanBatch.services}. */
  RESOURCE: 6,
  /** Byte offset of the span's 16-byte `trace_id`, −1 when absent or of another length. */
  TRACE_ID: 7,
  /** Byte offset of the span's 8-byte `span_id`, −1 when absent or of another length. */
  SPAN_ID: 8,
  /** Byte range of the span's `trace_state`, −1 when absent or empty. */
  TRACE_STATE_START: 9,
  TRACE_STATE_END: 10,
  /** 1 when the span has a non-empty `parent_span_id` (journeys find the root by it), else 0. */
  HAS_PARENT: 11,
} as const;

/** Int32 slots per span. */
export const SPAN_STRIDE = 12;

/**
 * Int32 slots per attribute: key start, key end, value start, value end (−1
 * when the KeyValue has no value), and the key's id in the decoder's
 * `AttributeKeys` (0 when the key was not registered when the span was read).
 */
export const ATTRIBUTE_STRIDE = 5;

const INITIAL_ATTRIBUTES = ATTRIBUTE_STRIDE * 16 * 1024;

/** Decoded spans of one request, reused from request to request. */
export class ProtoSpanBatch {
  /** {@link SPAN_STRIDE} int32s per span, see {@link SpanSlot}. */
  spans: Int32Array = new Int32Array(SPAN_STRIDE * 1024);
  /** Two float64s per span: end time and duration, in milliseconds. */
  times: Float64Array = new Float64Array(2 * 1024);
  /** {@link ATTRIBUTE_STRIDE} int32s per attribute, spans one after the other. */
  attributes: Int32Array = new Int32Array(INITIAL_ATTRIBUTES);
  /** Resource `service.name` of each `ResourceSpans`, by its index in the request. */
  readonly services: Array<string | undefined> = [];
  /** Resource `service.version` of each `ResourceSpans`, beside {@link services}. */
  readonly versions: Array<string | undefined> = [];
  /** Entries used in {@link services}. */
  servicesUsed = 0;
  /** Spans in the batch. */
  count = 0;
  /** Int32s used in {@link attributes}. */
  attributesUsed = 0;
  /** Keys registered when the batch began: attributes carry ids up to this one. */
  knownKeys = 0;

  /** Empties the batch (keeps the arrays). */
  clear(): void {
    this.count = 0;
    this.attributesUsed = 0;
    this.servicesUsed = 0;
  }

  /** Doubles the span arrays, keeping their content; returns the new {@link spans}. */
  growSpans(): Int32Array {
    const spans = new Int32Array(this.spans.length * 2);
    spans.set(this.spans);
    this.spans = spans;
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    return spans;
  }

  /** Doubles the attribute array, keeping its content; returns it. */
  growAttributes(): Int32Array {
    const attributes = new Int32Array(this.attributes.length * 2);
    attributes.set(this.attributes);
    this.attributes = attributes;
    return attributes;
  }

  /** Drops the attribute array back to its initial size when a request made it grow past 4 MiB. */
  shrink(): void {
    if (this.attributes.length > 1 << 20) this.attributes = new Int32Array(INITIAL_ATTRIBUTES);
  }
}
