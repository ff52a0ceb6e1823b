import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@burnrate/core';
import { decodeAnyValue, validateKeyValue } from './any-value';
import {
  apiSpanKind,
  KEY_VALUE_KEY,
  KEY_VALUE_VALUE,
  REQUEST_RESOURCE_SPANS,
  RESOURCE_ATTRIBUTES,
  RESOURCE_SPANS_RESOURCE,
  RESOURCE_SPANS_SCOPE_SPANS,
  SCOPE_SPANS_SPANS,
  SPAN_ATTRIBUTES,
  SPAN_END_TIME,
  SPAN_KIND,
  SPAN_NAME,
  SPAN_START_TIME,
  SPAN_STATUS,
  STATUS_CODE,
} from './otlp-fields';
import { AttributeKeys } from './attribute-keys';
import { adjustedCountAt } from './adjusted-count';
import { ATTRIBUTE_STRIDE, ProtoSpanBatch, SPAN_STRIDE, SpanSlot } from './proto-span-batch';
import { ProtoSpanView } from './proto-span-view';
import { ProtoReader, WireType, wireTypeName } from './proto-wire';
import { emptyIngestResult, type IngestResult, type SpanSink } from './span-sink';
import { StringCache } from './string-cache';

const TWO_32 = 4294967296;
const SERVICE_NAME_BYTES = Buffer.from(ATTR_SERVICE_NAME, 'utf8');
const SERVICE_VERSION_BYTES = Buffer.from(ATTR_SERVICE_VERSION, 'utf8');

/** A field's tag: its number and wire type. */
function tagOf(field: number, wireType: number): number {
  return (field << 3) | wireType;
}

const TAG_RESOURCE_SPANS = tagOf(REQUEST_RESOURCE_SPANS, WireType.LEN);
const TAG_RESOURCE = tagOf(RESOURCE_SPANS_RESOURCE, WireType.LEN);
const TAG_SCOPE_SPANS = tagOf(RESOURCE_SPANS_SCOPE_SPANS, WireType.LEN);
const TAG_RESOURCE_ATTRIBUTES = tagOf(RESOURCE_ATTRIBUTES, WireType.LEN);
const TAG_SPANS = tagOf(SCOPE_SPANS_SPANS, WireType.LEN);
const TAG_NAME = tagOf(SPAN_NAME, WireType.LEN);
const TAG_KIND = tagOf(SPAN_KIND, WireType.VARINT);
const TAG_START_TIME = tagOf(SPAN_START_TIME, WireType.I64);
const TAG_END_TIME = tagOf(SPAN_END_TIME, WireType.I64);
const TAG_ATTRIBUTES = tagOf(SPAN_ATTRIBUTES, WireType.LEN);
const TAG_STATUS = tagOf(SPAN_STATUS, WireType.LEN);
const TAG_STATUS_CODE = tagOf(STATUS_CODE, WireType.VARINT);
const TAG_KEY = tagOf(KEY_VALUE_KEY, WireType.LEN);
const TAG_VALUE = tagOf(KEY_VALUE_VALUE, WireType.LEN);
/** Span fields that are skipped, as SDKs write them (`trace.proto` numbers). */
const TAG_TRACE_ID = tagOf(1, WireType.LEN);
const TAG_SPAN_ID = tagOf(2, WireType.LEN);
const TAG_TRACE_STATE = tagOf(3, WireType.LEN);
const TAG_PARENT_SPAN_ID = tagOf(4, WireType.LEN);
const TAG_EVENTS = tagOf(11, WireType.LEN);
const TAG_LINKS = tagOf(13, WireType.LEN);
const TAG_FLAGS = tagOf(16, WireType.I32);
const TAG_DROPPED_ATTRIBUTES_COUNT = tagOf(10, WireType.VARINT);
const TAG_DROPPED_EVENTS_COUNT = tagOf(12, WireType.VARINT);
const TAG_DROPPED_LINKS_COUNT = tagOf(14, WireType.VARINT);
/** `AnyValue` scalar tags, for the attribute fast path. */
const TAG_ANY_STRING = 0x0a;
const TAG_ANY_BOOL = 0x10;
const TAG_ANY_INT = 0x18;
const TAG_ANY_DOUBLE = 0x21;

/**
 * Spans held before a request is known to be well formed. A request with more
 * (or with more than {@link MAX_HELD_ATTRIBUTES} attributes) is walked twice:
 * once to check it, once to record it batch by batch; memory stays bounded
 * whatever the request's size.
 */
export const MAX_HELD_SPANS = 16384;
/** Attributes held before a request is known to be well formed (see {@link MAX_HELD_SPANS}). */
export const MAX_HELD_ATTRIBUTES = 262144;
/** Attributes per span beyond which the span is rejected (partial success). */
export const MAX_SPAN_ATTRIBUTES = 65536;

/** What the walker does when its batch is full, and at the end. */
const enum Mode {
  /** Hold every span: nothing is recorded before the whole request is checked. */
  HOLD,
  /** The request did not fit: only check it, dropping batches as they fill. */
  CHECK,
  /** The request is known to be well formed: record batches as they fill. */
  RECORD,
}

/**
 * Reads an OTLP `ExportTraceServiceRequest` in protobuf wire format straight
 * into the engine, without building span objects.
 *
 * One pass over the bytes checks the request and stores what the SLIs need of
 * each span (name, kind, status code, end time and duration, the byte ranges
 * of its attributes, its resource's `service.name`) in typed arrays reused
 * from request to request ({@link ProtoSpanBatch}); only when the whole
 * request is well formed is each span handed to the sink, through one reused
 * {@link ProtoSpanView} that decodes attribute values when asked. Every other
 * field is skipped by its wire type. Requests too large to hold are checked
 * first, then walked again to record.
 */
export class ProtoTraceDecoder {
  private readonly _sink: SpanSink;
  private readonly _r = new ProtoReader();
  private readonly _kv = new ProtoReader();
  private readonly _view: ProtoSpanView;
  private readonly _strings: StringCache;
  private readonly _batch = new ProtoSpanBatch();
  private readonly _keys = new AttributeKeys();
  private _result: IngestResult = emptyIngestResult();
  private _mode = Mode.HOLD;
  /** The current resource's `service.name`. */
  private _service: string | undefined = undefined;
  /** The current resource's `service.version`. */
  private _version: string | undefined = undefined;
  /** Its index in the batch's services, −1 until a span of it is held. */
  private _serviceSlot = -1;
  private _ri = 0;
  private _si = 0;
  private _pi = 0;

  constructor(sink: SpanSink, strings: StringCache = new StringCache()) {
    this._sink = sink;
    this._strings = strings;
    this._view = new ProtoSpanView(strings, this._keys);
  }

  /** Checks, then records every usable span of `body`. Never throws. */
  ingest(body: Uint8Array): IngestResult {
    const buf = Buffer.isBuffer(body)
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const result = emptyIngestResult();
    this._result = result;
    const batch = this._batch;
    this._sink.tick?.();
    try {
      this._clearBatch();
      this._mode = Mode.HOLD;
      this._walk(buf);
      if (result.error !== '') {
        result.spans = 0;
        result.rejected = 0;
        result.rejectMessage = '';
        return result;
      }
      if ((this._mode as Mode) === Mode.CHECK) {
        this._clearBatch();
        this._mode = Mode.RECORD;
        this._walk(buf);
      }
      this._recordBatch(buf);
    } catch (e) {
      result.error = `cannot decode the request: ${(e as Error).message}`;
    } finally {
      this._clearBatch();
      this._view._release();
      this._r.reset(this._view._buf, 0, 0);
      this._kv.reset(this._view._buf, 0, 0);
      batch.shrink();
    }
    return result;
  }

  private _clearBatch(): void {
    this._batch.clear();
    this._batch.knownKeys = this._keys.count;
    this._serviceSlot = -1;
  }

  /** Hands every held span to the sink. */
  private _recordBatch(buf: Buffer): void {
    const batch = this._batch;
    const spans = batch.spans;
    const times = batch.times;
    const services = batch.services;
    const view = this._view;
    const sink = this._sink;
    const result = this._result;
    const n = batch.count;
    view._point(buf, batch.attributes, batch.knownKeys);
    for (let i = 0; i < n; i++) {
      const o = i * SPAN_STRIDE;
      view._nameStart = spans[o + SpanSlot.NAME_START];
      view._nameEnd = spans[o + SpanSlot.NAME_END];
      view.kind = spans[o + SpanSlot.KIND];
      view.statusCode = spans[o + SpanSlot.STATUS];
      view._attrStart = spans[o + SpanSlot.ATTRIBUTES_START];
      view._attrEnd = spans[o + SpanSlot.ATTRIBUTES_END];
      view.serviceName = services[spans[o + SpanSlot.RESOURCE]];
      view.serviceVersion = batch.versions[spans[o + SpanSlot.RESOURCE]];
      view._traceIdAt = spans[o + SpanSlot.TRACE_ID];
      view._spanIdAt = spans[o + SpanSlot.SPAN_ID];
      view.hasParent = spans[o + SpanSlot.HAS_PARENT] === 1;
      view.endTimeMs = times[2 * i];
      view.durationMs = times[2 * i + 1];
      const ts = spans[o + SpanSlot.TRACE_STATE_START];
      result.accepted++;
      sink.record(view, ts < 0 ? 1 : adjustedCountAt(buf, ts, spans[o + SpanSlot.TRACE_STATE_END]));
    }
  }

  /** Makes room for one more span: a full batch is dropped or recorded, by mode. */
  private _flush(buf: Buffer): void {
    if (this._mode === Mode.RECORD) this._recordBatch(buf);
    else this._mode = Mode.CHECK;
    this._clearBatch();
  }

  private _fail(where: string, message: string): void {
    if (this._result.error === '') this._result.error = `${where}: ${message}`;
    this._r.pos = this._r.end;
  }

  private _wrongType(where: string, field: string, tag: number, want: number): void {
    this._fail(
      where,
      `${field} (field ${tag >>> 3}): expected wire type ${wireTypeName(want)}, got ${wireTypeName(tag & 7)}`
    );
  }

  private _walk(buf: Buffer): void {
    const r = this._r;
    r.reset(buf, 0, buf.length);
    this._ri = 0;
    while (r.pos < r.end) {
      const tag = r.varint();
      if (tag === TAG_RESOURCE_SPANS) {
        const e = r.lengthEnd();
        if (r.error !== '') break;
        if (!this._resourceSpans(buf, r.pos, e)) return;
        r.end = buf.length;
        r.pos = e;
        this._ri++;
      } else if (tag >>> 3 === REQUEST_RESOURCE_SPANS) {
        return this._wrongType('ExportTraceServiceRequest', 'resource_spans', tag, WireType.LEN);
      } else r.skip(tag & 7);
    }
    if (r.error !== '') this._fail('ExportTraceServiceRequest', r.error);
  }

  /** Reads the resource first (wherever it sits), then the spans. Returns false on an error. */
  private _resourceSpans(buf: Buffer, start: number, end: number): boolean {
    const r = this._r;
    this._service = undefined;
    this._version = undefined;
    this._serviceSlot = -1;
    r.pos = start;
    r.end = end;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag === TAG_RESOURCE) {
        const e = r.lengthEnd();
        if (r.error !== '') break;
        if (!this._resource(buf, r.pos, e)) return false;
        r.end = end;
        r.pos = e;
      } else if (tag >>> 3 === RESOURCE_SPANS_RESOURCE) {
        this._wrongType(this._resourceSpansPath(), 'resource', tag, WireType.LEN);
        return false;
      } else r.skip(tag & 7);
    }
    if (r.error !== '') {
      this._fail(this._resourceSpansPath(), r.error);
      return false;
    }
    r.pos = start;
    this._si = 0;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag === TAG_SCOPE_SPANS) {
        const e = r.lengthEnd();
        if (r.error !== '') break;
        if (!this._scopeSpans(buf, r.pos, e)) return false;
        r.end = end;
        r.pos = e;
        this._si++;
      } else if (tag >>> 3 === RESOURCE_SPANS_SCOPE_SPANS) {
        this._wrongType(this._resourceSpansPath(), 'scope_spans', tag, WireType.LEN);
        return false;
      } else r.skip(tag & 7);
    }
    if (r.error !== '') {
      this._fail(this._resourceSpansPath(), r.error);
      return false;
    }
    return true;
  }

  /** Checks a `Resource` and reads its `service.name` (the last string one). */
  private _resource(buf: Buffer, start: number, end: number): boolean {
    const r = this._r;
    r.pos = start;
    r.end = end;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag === TAG_RESOURCE_ATTRIBUTES) {
        const e = r.lengthEnd();
        if (r.error !== '') break;
        const kvStart = r.pos;
        validateKeyValue(r, e, 0);
        if (r.error !== '') break;
        this._serviceNameOf(buf, kvStart, e);
        r.end = end;
        r.pos = e;
      } else if (tag >>> 3 === RESOURCE_ATTRIBUTES) {
        this._wrongType(`${this._resourceSpansPath()}.resource`, 'attributes', tag, WireType.LEN);
        return false;
      } else r.skip(tag & 7);
    }
    if (r.error !== '') {
      this._fail(`${this._resourceSpansPath()}.resource`, r.error);
      return false;
    }
    return true;
  }

  /**
   * Sets the service name (or version) when the (checked) KeyValue at
   * `buf[start, end)` is `service.name` (or `service.version`) with a string.
   */
  private _serviceNameOf(buf: Buffer, start: number, end: number): void {
    const r = this._kv;
    r.reset(buf, start, end);
    let isServiceName = false;
    let isVersion = false;
    let vs = -1;
    let ve = -1;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag === TAG_KEY) {
        const e = r.lengthEnd();
        isServiceName =
          e - r.pos === SERVICE_NAME_BYTES.length &&
          buf.compare(SERVICE_NAME_BYTES, 0, SERVICE_NAME_BYTES.length, r.pos, e) === 0;
        isVersion =
          e - r.pos === SERVICE_VERSION_BYTES.length &&
          buf.compare(SERVICE_VERSION_BYTES, 0, SERVICE_VERSION_BYTES.length, r.pos, e) === 0;
        r.pos = e;
      } else if (tag === TAG_VALUE) {
        ve = r.lengthEnd();
        vs = r.pos;
        r.pos = ve;
      } else r.skip(tag & 7);
    }
    if ((!isServiceName && !isVersion) || vs < 0) return;
    const v = decodeAnyValue(r, buf, vs, ve, this._strings);
    if (typeof v !== 'string') return;
    if (isServiceName) this._service = v;
    else this._version = v;
  }

  private _scopeSpans(buf: Buffer, start: number, end: number): boolean {
    const r = this._r;
    r.pos = start;
    r.end = end;
    this._pi = 0;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag === TAG_SPANS) {
        const e = r.lengthEnd();
        if (r.error !== '') break;
        if (!this._span(buf, r.pos, e)) return false;
        r.end = end;
        r.pos = e;
        this._pi++;
      } else if (tag >>> 3 === SCOPE_SPANS_SPANS) {
        this._wrongType(this._scopePath(), 'spans', tag, WireType.LEN);
        return false;
      } else r.skip(tag & 7);
    }
    if (r.error !== '') {
      this._fail(this._scopePath(), r.error);
      return false;
    }
    return true;
  }

  /**
   * Checks one span and holds what the SLIs need of it. Returns false on an
   * error (the request is malformed); a well-formed span that cannot be used
   * is counted as rejected and not held.
   */
  private _span(buf: Buffer, start: number, end: number): boolean {
    const r = this._r;
    const batch = this._batch;
    if (
      batch.count === MAX_HELD_SPANS ||
      batch.attributesUsed >= MAX_HELD_ATTRIBUTES * ATTRIBUTE_STRIDE
    )
      this._flush(buf);
    const keys = this._keys;
    let attrs = batch.attributes;
    const attrStart = batch.attributesUsed;
    let a = attrStart;
    let nameStart = 0;
    let nameEnd = 0;
    let kind = -1;
    let status = 0;
    let startLo = 0;
    let startHi = 0;
    let endLo = 0;
    let endHi = 0;
    let hasStart = false;
    let hasEnd = false;
    let tooManyAttributes = false;
    let traceId = -1;
    let spanId = -1;
    let traceStateStart = -1;
    let traceStateEnd = -1;
    let hasParent = 0;
    // The cursor is the local `p`; one-byte tags and lengths (nearly all of
    // them) are read inline, the rest through the reader `r`, which also
    // reports wire errors with their byte offsets.
    r.end = end;
    let p = start;
    fields: while (p < end) {
      let tag = buf[p];
      if (tag < 0x80) p++;
      else {
        r.pos = p;
        tag = r.varint();
        if (r.error !== '') break;
        p = r.pos;
      }
      switch (tag) {
        case TAG_ATTRIBUTES: {
          let e = 0;
          if (p < end && buf[p] < 0x80 && p + 1 + buf[p] <= end) {
            e = p + 1 + buf[p];
            p++;
          } else {
            r.pos = p;
            e = r.lengthEnd();
            if (r.error !== '') break fields;
            p = r.pos;
          }
          if (a - attrStart === MAX_SPAN_ATTRIBUTES * ATTRIBUTE_STRIDE) {
            // too many to hold: checked, not held, and the span is rejected
            tooManyAttributes = true;
            r.pos = p;
            validateKeyValue(r, e, 0);
            if (r.error !== '') break fields;
          } else {
            if (a + ATTRIBUTE_STRIDE > attrs.length) attrs = batch.growAttributes();
            if (!keyValueAt(buf, p, e, attrs, a)) {
              r.pos = p;
              this._keyValue(buf, p, e, attrs, a);
              if (r.error !== '') break fields;
            }
            attrs[a + 4] = keys.match(buf, attrs[a], attrs[a + 1]);
            a += ATTRIBUTE_STRIDE;
          }
          r.end = end;
          p = e;
          break;
        }
        case TAG_TRACE_ID:
          // a 16-byte id has a one-byte length: kept as its offset, hex only when read
          if (p + 17 <= end && buf[p] === 16) {
            traceId = p + 1;
            p += 17;
            break;
          }
          traceId = -1;
          if (p < end && buf[p] < 0x80 && p + 1 + buf[p] <= end) p += 1 + buf[p];
          else {
            r.pos = p;
            p = r.lengthEnd();
            if (r.error !== '') break fields;
          }
          break;
        case TAG_SPAN_ID:
          if (p + 9 <= end && buf[p] === 8) {
            spanId = p + 1;
            p += 9;
            break;
          }
          spanId = -1;
          if (p < end && buf[p] < 0x80 && p + 1 + buf[p] <= end) p += 1 + buf[p];
          else {
            r.pos = p;
            p = r.lengthEnd();
            if (r.error !== '') break fields;
          }
          break;
        case TAG_TRACE_STATE:
          // kept as a byte range: read (for the sampling threshold) only when recorded
          if (p < end && buf[p] < 0x80 && p + 1 + buf[p] <= end) {
            traceStateStart = p + 1;
            p = traceStateEnd = p + 1 + buf[p];
          } else {
            r.pos = p;
            traceStateEnd = r.lengthEnd();
            if (r.error !== '') break fields;
            traceStateStart = r.pos;
            p = traceStateEnd;
          }
          if (traceStateEnd === traceStateStart) traceStateStart = traceStateEnd = -1;
          break;
        case TAG_PARENT_SPAN_ID:
          // a parent id of any length but zero: the span is not a root
          hasParent = p < end && buf[p] !== 0 ? 1 : 0;
          if (p < end && buf[p] < 0x80 && p + 1 + buf[p] <= end) p += 1 + buf[p];
          else {
            r.pos = p;
            p = r.lengthEnd();
            if (r.error !== '') break fields;
          }
          break;
        case TAG_EVENTS:
        case TAG_LINKS:
          if (p < end && buf[p] < 0x80 && p + 1 + buf[p] <= end) p += 1 + buf[p];
          else {
            r.pos = p;
            p = r.lengthEnd();
            if (r.error !== '') break fields;
          }
          break;
        case TAG_NAME: {
          if (p < end && buf[p] < 0x80 && p + 1 + buf[p] <= end) {
            nameStart = p + 1;
            p = nameEnd = p + 1 + buf[p];
          } else {
            r.pos = p;
            nameEnd = r.lengthEnd();
            if (r.error !== '') break fields;
            nameStart = r.pos;
            p = nameEnd;
          }
          break;
        }
        case TAG_KIND:
          if (p < end && buf[p] < 0x80) kind = apiSpanKind(buf[p++]);
          else {
            r.pos = p;
            kind = apiSpanKind(r.varint());
            if (r.error !== '') break fields;
            p = r.pos;
          }
          break;
        case TAG_START_TIME:
        case TAG_END_TIME: {
          if (p + 8 > end) {
            r.pos = p;
            r.fail(`truncated fixed64 at byte ${p}`);
            break fields;
          }
          // little-endian halves as unsigned 32-bit ints (no BigInt)
          const lo = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
          const hi =
            (buf[p + 4] | (buf[p + 5] << 8) | (buf[p + 6] << 16) | (buf[p + 7] << 24)) >>> 0;
          p += 8;
          if (tag === TAG_START_TIME) {
            startLo = lo;
            startHi = hi;
            hasStart = lo !== 0 || hi !== 0;
          } else {
            endLo = lo;
            endHi = hi;
            hasEnd = lo !== 0 || hi !== 0;
          }
          break;
        }
        case TAG_DROPPED_ATTRIBUTES_COUNT:
        case TAG_DROPPED_EVENTS_COUNT:
        case TAG_DROPPED_LINKS_COUNT:
          if (p < end && buf[p] < 0x80) p++;
          else {
            r.pos = p;
            r.skip(WireType.VARINT);
            if (r.error !== '') break fields;
            p = r.pos;
          }
          break;
        case TAG_FLAGS:
          if (p + 4 > end) {
            r.pos = p;
            r.fail(`truncated fixed32 at byte ${p}`);
            break fields;
          }
          p += 4;
          break;
        case TAG_STATUS: {
          r.pos = p;
          const e = r.lengthEnd();
          if (r.error !== '') break fields;
          r.end = e;
          while (r.pos < e) {
            const t = r.varint();
            if (t === TAG_STATUS_CODE) {
              // an int32 enum, as protobufjs reads it: the low 32 bits, signed
              // (2 + 2^32 is ERROR, not an unknown code read as unset)
              status = (r.varint() % TWO_32) | 0;
            } else if (t >>> 3 === STATUS_CODE) {
              this._spanWrongType('status.code', t, WireType.VARINT);
              return false;
            } else r.skip(t & 7);
          }
          if (r.error !== '') break fields;
          r.end = end;
          p = e;
          break;
        }
        default: {
          const want = expectedWireType(tag >>> 3);
          if (want >= 0) {
            this._spanWrongType(fieldName(tag >>> 3), tag, want);
            return false;
          }
          r.pos = p;
          r.skip(tag & 7);
          if (r.error !== '') break fields;
          p = r.pos;
        }
      }
    }
    if (r.error !== '') {
      this._fail(this._spanPath(), r.error);
      return false;
    }
    const reason = !hasEnd
      ? 'end_time_unix_nano is missing'
      : !hasStart
        ? 'start_time_unix_nano is missing'
        : endHi < startHi || (endHi === startHi && endLo < startLo)
          ? 'the span ends before it starts'
          : tooManyAttributes
            ? `more than ${MAX_SPAN_ATTRIBUTES} attributes`
            : '';
    const result = this._result;
    if (this._mode !== Mode.RECORD) result.spans++;
    if (reason !== '') {
      if (this._mode !== Mode.RECORD) {
        if (result.rejected === 0) result.rejectMessage = `${this._spanPath()}: ${reason}`;
        result.rejected++;
      }
      return true;
    }
    if (this._serviceSlot < 0) {
      this._serviceSlot = batch.servicesUsed;
      batch.versions[batch.servicesUsed] = this._version;
      batch.services[batch.servicesUsed++] = this._service;
    }
    const i = batch.count++;
    let spans = batch.spans;
    if ((i + 1) * SPAN_STRIDE > spans.length) spans = batch.growSpans();
    const o = i * SPAN_STRIDE;
    spans[o + SpanSlot.NAME_START] = nameStart;
    spans[o + SpanSlot.NAME_END] = nameEnd;
    spans[o + SpanSlot.KIND] = kind;
    spans[o + SpanSlot.STATUS] = status;
    spans[o + SpanSlot.ATTRIBUTES_START] = attrStart;
    spans[o + SpanSlot.ATTRIBUTES_END] = a;
    spans[o + SpanSlot.RESOURCE] = this._serviceSlot;
    spans[o + SpanSlot.TRACE_ID] = traceId;
    spans[o + SpanSlot.SPAN_ID] = spanId;
    spans[o + SpanSlot.TRACE_STATE_START] = traceStateStart;
    spans[o + SpanSlot.TRACE_STATE_END] = traceStateEnd;
    spans[o + SpanSlot.HAS_PARENT] = hasParent;
    const times = batch.times;
    // nanoseconds → milliseconds from the two 32-bit halves (no BigInt)
    times[2 * i] = (endHi * TWO_32 + endLo) / 1e6;
    times[2 * i + 1] = ((endHi - startHi) * TWO_32 + (endLo - startLo)) / 1e6;
    batch.attributesUsed = a;
    return true;
  }

  /**
   * The general KeyValue path (fields in any order, unknown fields, lists):
   * checks it and stores the ranges of its last key and value at `attrs[a]`.
   */
  private _keyValue(buf: Buffer, start: number, end: number, attrs: Int32Array, a: number): void {
    const r = this._r;
    validateKeyValue(r, end, 0);
    if (r.error !== '') return;
    const kr = this._kv;
    kr.reset(buf, start, end);
    let ks = start;
    let ke = start;
    let vs = -1;
    let ve = -1;
    while (kr.pos < end) {
      const tag = kr.varint();
      if (tag === TAG_KEY) {
        ke = kr.lengthEnd();
        ks = kr.pos;
        kr.pos = ke;
      } else if (tag === TAG_VALUE) {
        ve = kr.lengthEnd();
        vs = kr.pos;
        kr.pos = ve;
      } else kr.skip(tag & 7);
    }
    attrs[a] = ks;
    attrs[a + 1] = ke;
    attrs[a + 2] = vs;
    attrs[a + 3] = ve;
  }

  private _resourceSpansPath(): string {
    return `resource_spans[${this._ri}]`;
  }

  private _scopePath(): string {
    return `${this._resourceSpansPath()}.scope_spans[${this._si}]`;
  }

  private _spanPath(): string {
    return `${this._scopePath()}.spans[${this._pi}]`;
  }

  private _spanWrongType(field: string, tag: number, want: number): void {
    this._wrongType(this._spanPath(), field, tag, want);
  }
}

/**
 * The fast path for a KeyValue as every SDK writes it: the key, then a value
 * holding one scalar (string, bool, int, double) or nothing, short lengths.
 * Stores the key and value ranges at `attrs[a]` and returns true when the
 * bytes at `buf[start, end)` have that shape and are well formed; returns
 * false (having checked nothing) otherwise.
 */
function keyValueAt(
  buf: Buffer,
  start: number,
  end: number,
  attrs: Int32Array,
  a: number
): boolean {
  // key: tag, one-byte length, bytes
  if (end - start < 4 || buf[start] !== TAG_KEY) return false;
  const keyLen = buf[start + 1];
  if (keyLen >= 0x80) return false;
  const ks = start + 2;
  const ke = ks + keyLen;
  // value: tag, one-byte length, the AnyValue up to the end
  if (ke + 2 > end || buf[ke] !== TAG_VALUE) return false;
  const valueLen = buf[ke + 1];
  const vs = ke + 2;
  const ve = vs + valueLen;
  if (valueLen >= 0x80 || ve !== end) return false;
  if (valueLen > 0) {
    const t = buf[vs];
    if (t === TAG_ANY_STRING) {
      if (buf[vs + 1] !== valueLen - 2) return false;
    } else if (t === TAG_ANY_INT || t === TAG_ANY_BOOL) {
      // one varint of 1 to 10 bytes that ends exactly at the value's end
      if (valueLen < 2 || valueLen > 11 || buf[ve - 1] >= 0x80) return false;
      for (let p = vs + 1; p < ve - 1; p++) if (buf[p] < 0x80) return false;
    } else if (t !== TAG_ANY_DOUBLE || valueLen !== 9) return false;
  }
  attrs[a] = ks;
  attrs[a + 1] = ke;
  attrs[a + 2] = vs;
  attrs[a + 3] = ve;
  return true;
}

/** The wire type a span field must have, −1 for fields the decoder does not read. */
function expectedWireType(field: number): number {
  switch (field) {
    case SPAN_NAME:
    case SPAN_ATTRIBUTES:
    case SPAN_STATUS:
      return WireType.LEN;
    case SPAN_KIND:
      return WireType.VARINT;
    case SPAN_START_TIME:
    case SPAN_END_TIME:
      return WireType.I64;
    default:
      return -1;
  }
}

/** A span field's name in error messages. */
function fieldName(field: number): string {
  switch (field) {
    case SPAN_NAME:
      return 'name';
    case SPAN_KIND:
      return 'kind';
    case SPAN_ATTRIBUTES:
      return 'attributes';
    case SPAN_STATUS:
      return 'status';
    default:
      return 'time';
  }
}
