import type { AttributeValue, SpanView } from '@burnrate/core';
import { jsonAnyValue } from './json-values';

/**
 * A {@link SpanView} over one span of a parsed OTLP/JSON request. One instance
 * is reused for every span; attribute values are converted when asked.
 */
export class JsonSpanView implements SpanView {
  kind = -1;
  name = '';
  endTimeMs = 0;
  durationMs = 0;
  statusCode = 0;
  serviceName: string | undefined = undefined;
  /** The resource's `service.version`. */
  serviceVersion: string | undefined = undefined;
  /** @internal the span object (its ids are read only for bad events) */
  _span: Record<string, unknown> | undefined = undefined;
  /** @internal the span's `attributes` array (KeyValue objects), validated */
  _attributes: ReadonlyArray<Record<string, unknown>> | undefined = undefined;

  /** The span's `traceId` (hex, as OTLP/JSON writes it); undefined when absent. */
  get traceId(): string | undefined {
    return idOf(this._span, 'traceId', 'trace_id');
  }

  /** Whether the span has a `parentSpanId` (journeys: a root span has none). */
  get hasParent(): boolean {
    return idOf(this._span, 'parentSpanId', 'parent_span_id') !== undefined;
  }

  /** The span's `spanId` (hex); undefined when absent. */
  get spanId(): string | undefined {
    return idOf(this._span, 'spanId', 'span_id');
  }

  /** The attribute's value (the last one when a key repeats); undefined when absent. */
  attribute(key: string): AttributeValue | undefined {
    const attrs = this._attributes;
    // `"attributes": null` is valid OTLP/JSON (an absent field) and may reach here as null
    if (attrs === undefined || attrs === null) return undefined;
    for (let i = attrs.length - 1; i >= 0; i--) {
      const kv = attrs[i];
      if (kv.key === key) return valueOf(kv.value);
    }
    return undefined;
  }
}

/**
 * An AnyValue as {@link jsonAnyValue} reads it; a value with one scalar field
 * (what SDKs write) is read directly.
 */
function valueOf(v: unknown): AttributeValue {
  if (typeof v !== 'object' || v === null) return jsonAnyValue(v);
  const o = v as Record<string, unknown>;
  let only = '';
  let fields = 0;
  for (const k in o) {
    only = k;
    if (++fields > 1) break;
  }
  if (fields === 1) {
    const x = o[only];
    switch (only) {
      case 'stringValue':
        if (typeof x === 'string') return x;
        break;
      case 'intValue':
        if (typeof x === 'number' && Number.isSafeInteger(x)) return x;
        break;
      case 'boolValue':
        if (typeof x === 'boolean') return x;
        break;
      case 'doubleValue':
        if (typeof x === 'number') return x;
        break;
    }
  }
  return jsonAnyValue(v);
}

/** A hex id field (camelCase, else snake_case), lowercased; undefined when absent or empty. */
function idOf(
  span: Record<string, unknown> | undefined,
  camel: string,
  snake: string
): string | undefined {
  if (span === undefined || span === null) return undefined;
  let v = span[camel];
  if (v === undefined || v === null) v = span[snake];
  return typeof v === 'string' && v.length > 0 ? v.toLowerCase() : undefined;
}
