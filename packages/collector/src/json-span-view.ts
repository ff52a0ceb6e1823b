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
  /** @internal the span's `attributes` array (KeyValue objects), validated */
  _attributes: ReadonlyArray<Record<string, unknown>> | undefined = undefined;

  /** The attribute's value (the last one when a key repeats); undefined when absent. */
  attribute(key: string): AttributeValue | undefined {
    const attrs = this._attributes;
    if (attrs === undefined) return undefined;
    for (let i = attrs.length - 1; i >= 0; i--) {
      const kv = attrs[i];
      if (kv.key === key) return jsonAnyValue(kv.value);
    }
    return undefined;
  }
}
