import type { AttributeValue, SpanView } from '@burnrate/core';
import { decodeAnyValue } from './any-value';
import { AttributeKeys } from './attribute-keys';
import { ATTRIBUTE_STRIDE } from './proto-span-batch';
import { ProtoReader } from './proto-wire';
import type { StringCache } from './string-cache';

const NONE = -1;
/** Int32s per attribute in the decoder's positions (`ATTRIBUTE_STRIDE`). */
const STRIDE = ATTRIBUTE_STRIDE;
const EMPTY_BUFFER = Buffer.alloc(0);
const EMPTY_POSITIONS = new Int32Array(0);
/** Distinct keys without an id whose UTF-8 bytes are kept. */
const MAX_KEYS = 4096;
/** `AnyValue` scalar tags (field number and wire type). */
const TAG_STRING = 0x0a;
const TAG_BOOL = 0x10;
const TAG_INT = 0x18;
const TAG_DOUBLE = 0x21;

/**
 * A {@link SpanView} over one span inside an OTLP protobuf buffer. The decoder
 * reuses one instance for every span: it points it at the byte ranges of the
 * span's attributes (kept by the decoder, four int32s per attribute), and
 * {@link attribute} compares keys as bytes (no string is built) and decodes a
 * value only when asked.
 */
export class ProtoSpanView implements SpanView {
  kind = -1;
  endTimeMs = 0;
  durationMs = 0;
  statusCode = 0;
  serviceName: string | undefined = undefined;
  /** The resource's `service.version`. */
  serviceVersion: string | undefined = undefined;
  /** Whether the span has a parent span id (journeys: a root span has none). */
  hasParent = false;
  /** @internal byte offset of the 16-byte trace id, −1 when none */
  _traceIdAt = -1;
  /** @internal byte offset of the 8-byte span id, −1 when none */
  _spanIdAt = -1;
  /** @internal */ _buf: Buffer = EMPTY_BUFFER;
  /** @internal */ _nameStart = 0;
  /** @internal */ _nameEnd = 0;
  /** @internal key start, key end, value start, value end (−1 when absent), key id, per attribute */
  _attrs: Int32Array = EMPTY_POSITIONS;
  /** @internal attributes carry key ids up to this one */
  _knownKeys = 0;
  /** @internal this span's attributes: `_attrs[_attrStart, _attrEnd)` */
  _attrStart = 0;
  /** @internal */ _attrEnd = 0;
  /** The bytes and hex string of the last trace id read. */
  private readonly _lastTraceId = Buffer.alloc(16);
  private _lastTraceIdHex: string | undefined = undefined;
  private readonly _strings: StringCache;
  private readonly _reader = new ProtoReader();
  private readonly _keys: AttributeKeys;
  /** Bytes of keys that have no id. */
  private readonly _otherKeys = new Map<string, Buffer>();

  /**
   * @param strings cache of decoded strings
   * @param keys the key ids the decoder tags attributes with
   */
  constructor(strings: StringCache, keys: AttributeKeys = new AttributeKeys()) {
    this._strings = strings;
    this._keys = keys;
  }

  /** Span name (decoded on demand). */
  get name(): string {
    return this._strings.get(this._buf, this._nameStart, this._nameEnd);
  }

  /**
   * The trace id as hex: built when read (the engine reads it for bad events,
   * journey SLOs for every span). Spans of one trace often follow each other:
   * the same 16 bytes as the last id read give the same string, not a new one.
   */
  get traceId(): string | undefined {
    const at = this._traceIdAt;
    if (at < 0) return undefined;
    const buf = this._buf;
    const last = this._lastTraceId;
    let i = 0;
    while (i < 16 && buf[at + i] === last[i]) i++;
    if (i === 16 && this._lastTraceIdHex !== undefined) return this._lastTraceIdHex;
    buf.copy(last, 0, at, at + 16);
    this._lastTraceIdHex = buf.toString('hex', at, at + 16);
    return this._lastTraceIdHex;
  }

  /** The span id as hex, built when read. */
  get spanId(): string | undefined {
    const at = this._spanIdAt;
    return at < 0 ? undefined : this._buf.toString('hex', at, at + 8);
  }

  /** @internal Points the view at a request's bytes and its attribute positions. */
  _point(buf: Buffer, attrs: Int32Array, knownKeys: number): void {
    this._buf = buf;
    this._attrs = attrs;
    this._knownKeys = knownKeys;
  }

  /** @internal Drops the references to the last request. */
  _release(): void {
    this._buf = EMPTY_BUFFER;
    this._attrs = EMPTY_POSITIONS;
    this._attrStart = 0;
    this._attrEnd = 0;
    this._nameStart = 0;
    this._nameEnd = 0;
    this.serviceName = undefined;
    this.serviceVersion = undefined;
    this._traceIdAt = -1;
    this._spanIdAt = -1;
    this.hasParent = false;
  }

  /** The attribute's value (the last one when a key repeats); undefined when absent. */
  attribute(key: string): AttributeValue | undefined {
    const a = this._attrs;
    const first = this._attrStart;
    const id = this._keys.idOf(key);
    if (id !== 0 && id <= this._knownKeys) {
      // the decoder tagged every attribute with this key's id
      for (let i = this._attrEnd - STRIDE; i >= first; i -= STRIDE) {
        if (a[i + 4] === id) return this._value(a[i + 2], a[i + 3]);
      }
      return undefined;
    }
    const k = id !== 0 ? this._keys.bytesOf(id) : this._bytesOf(key);
    const len = k.length;
    const buf = this._buf;
    for (let i = this._attrEnd - STRIDE; i >= first; i -= STRIDE) {
      const ks = a[i];
      if (a[i + 1] - ks !== len) continue;
      let j = len - 1;
      while (j >= 0 && buf[ks + j] === k[j]) j--;
      if (j < 0) return this._value(a[i + 2], a[i + 3]);
    }
    return undefined;
  }

  private _bytesOf(key: string): Buffer {
    let k = this._otherKeys.get(key);
    if (k === undefined) {
      k = Buffer.from(key, 'utf8');
      if (this._otherKeys.size < MAX_KEYS) this._otherKeys.set(key, k);
    }
    return k;
  }

  /** The AnyValue at `buf[vs, ve)`: scalars as SDKs write them inline, the rest through {@link decodeAnyValue}. */
  private _value(vs: number, ve: number): AttributeValue {
    if (vs === NONE || vs === ve) return null;
    const buf = this._buf;
    const size = ve - vs;
    switch (buf[vs]) {
      case TAG_STRING:
        if (buf[vs + 1] === size - 2) return this._strings.get(buf, vs + 2, ve);
        break;
      case TAG_INT:
        // one to three varint bytes: 0 … 2^21 − 1 (status codes, counts)
        if (size === 2 && buf[vs + 1] < 0x80) return buf[vs + 1];
        if (size === 3 && buf[vs + 2] < 0x80 && buf[vs + 1] >= 0x80)
          return (buf[vs + 1] & 0x7f) | (buf[vs + 2] << 7);
        if (size === 4 && buf[vs + 3] < 0x80 && (buf[vs + 2] & buf[vs + 1]) >= 0x80)
          return (buf[vs + 1] & 0x7f) | ((buf[vs + 2] & 0x7f) << 7) | (buf[vs + 3] << 14);
        break;
      case TAG_BOOL:
        if (size === 2) return buf[vs + 1] !== 0;
        break;
      case TAG_DOUBLE:
        if (size === 9) return buf.readDoubleLE(vs + 1);
        break;
    }
    return decodeAnyValue(this._reader, buf, vs, ve, this._strings);
  }
}
