import type { AttributeValue, SpanView } from '@burnrate/core';
import { decodeAnyValue } from './any-value';
import { ProtoReader } from './proto-wire';
import type { StringCache } from './string-cache';

const NONE = -1;

/**
 * A {@link SpanView} over one span inside an OTLP protobuf buffer. The decoder
 * reuses one instance for every span: it stores the byte ranges of the span's
 * attributes, and {@link attribute} compares keys as bytes (no string is built)
 * and decodes a value only when asked.
 */
export class ProtoSpanView implements SpanView {
  kind = -1;
  endTimeMs = 0;
  durationMs = 0;
  statusCode = 0;
  serviceName: string | undefined = undefined;
  /** @internal */ _buf: Buffer = Buffer.alloc(0);
  /** @internal */ _nameStart = 0;
  /** @internal */ _nameEnd = 0;
  /** @internal */ _attrCount = 0;
  /** @internal key start, key end, value start, value end (−1 when absent), per attribute */
  _attrs = new Int32Array(4 * 64);
  private readonly _strings: StringCache;
  private readonly _reader = new ProtoReader();
  private readonly _keys = new Map<string, Buffer>();

  constructor(strings: StringCache) {
    this._strings = strings;
  }

  /** Span name (decoded on demand). */
  get name(): string {
    return this._strings.get(this._buf, this._nameStart, this._nameEnd);
  }

  /** @internal Starts a new span over `buf`. */
  _begin(buf: Buffer): void {
    this._buf = buf;
    this._attrCount = 0;
    this._nameStart = 0;
    this._nameEnd = 0;
    this.kind = -1;
    this.statusCode = 0;
  }

  /** @internal Appends an attribute's byte ranges. */
  _addAttribute(keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
    let a = this._attrs;
    const i = this._attrCount * 4;
    if (i + 4 > a.length) {
      const grown = new Int32Array(a.length * 2);
      grown.set(a);
      this._attrs = a = grown;
    }
    a[i] = keyStart;
    a[i + 1] = keyEnd;
    a[i + 2] = valueStart;
    a[i + 3] = valueEnd;
    this._attrCount++;
  }

  /** The attribute's value (the last one when a key repeats); undefined when absent. */
  attribute(key: string): AttributeValue | undefined {
    let k = this._keys.get(key);
    if (k === undefined) {
      k = Buffer.from(key, 'utf8');
      if (this._keys.size < 4096) this._keys.set(key, k);
    }
    const len = k.length;
    const a = this._attrs;
    const buf = this._buf;
    for (let i = (this._attrCount - 1) * 4; i >= 0; i -= 4) {
      const ks = a[i];
      if (a[i + 1] - ks !== len) continue;
      let j = len - 1;
      while (j >= 0 && buf[ks + j] === k[j]) j--;
      if (j >= 0) continue;
      const vs = a[i + 2];
      return vs === NONE ? null : decodeAnyValue(this._reader, buf, vs, a[i + 3], this._strings);
    }
    return undefined;
  }
}
