import { ATTR_SERVICE_NAME } from '@burnrate/core';
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
import { ProtoSpanView } from './proto-span-view';
import { ProtoReader, WireType, wireTypeName } from './proto-wire';
import { emptyIngestResult, type IngestResult, type SpanSink } from './span-sink';
import { StringCache } from './string-cache';

const TWO_32 = 4294967296;
const SERVICE_NAME_BYTES = Buffer.from(ATTR_SERVICE_NAME, 'utf8');

/**
 * Reads an OTLP `ExportTraceServiceRequest` in protobuf wire format straight
 * into the engine, without building span objects.
 *
 * A request is walked twice over the same bytes: first to check that it is well
 * formed (so that a malformed request records nothing) and to find the spans
 * that cannot be used, then to fill one reused {@link ProtoSpanView} per span
 * and hand it to the sink. Only the fields the SLIs need are read (resource
 * `service.name`, span name, kind, start and end time, attributes, status
 * code); everything else is skipped by wire type.
 */
export class ProtoTraceDecoder {
  private readonly _sink: SpanSink;
  private readonly _r = new ProtoReader();
  private readonly _view: ProtoSpanView;
  private readonly _valueReader = new ProtoReader();
  private readonly _strings: StringCache;
  private _record = false;
  private _result: IngestResult = emptyIngestResult();
  private _serviceName: string | undefined = undefined;
  private _ri = 0;
  private _si = 0;
  private _pi = 0;
  private _where = '';

  constructor(sink: SpanSink, strings: StringCache = new StringCache()) {
    this._sink = sink;
    this._strings = strings;
    this._view = new ProtoSpanView(strings);
  }

  /** Checks, then records every usable span of `body`. Never throws. */
  ingest(body: Uint8Array): IngestResult {
    const buf = Buffer.isBuffer(body)
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const result = emptyIngestResult();
    this._result = result;
    try {
      this._record = false;
      this._walk(buf);
      if (result.error !== '') {
        result.spans = 0;
        result.rejected = 0;
        result.rejectMessage = '';
        return result;
      }
      this._record = true;
      this._walk(buf);
    } catch (e) {
      result.error = `cannot decode the request: ${(e as Error).message}`;
    }
    return result;
  }

  private _fail(message: string): void {
    if (this._result.error === '') this._result.error = `${this._where}: ${message}`;
    this._r.pos = this._r.end;
  }

  private _walk(buf: Buffer): void {
    const r = this._r;
    r.reset(buf, 0, buf.length);
    this._ri = 0;
    this._where = 'ExportTraceServiceRequest';
    while (r.pos < r.end) {
      const tag = r.varint();
      if (tag >>> 3 === REQUEST_RESOURCE_SPANS) {
        if ((tag & 7) !== WireType.LEN) return this._wrongType('resource_spans', tag);
        const e = r.lengthEnd();
        if (r.error !== '') break;
        this._resourceSpans(buf, r.pos, e);
        if (this._result.error !== '') return;
        this._where = 'ExportTraceServiceRequest';
        r.pos = e;
        this._ri++;
      } else r.skip(tag & 7);
    }
    if (r.error !== '') this._fail(r.error);
  }

  private _wrongType(field: string, tag: number): void {
    this._fail(
      `${field} (field ${tag >>> 3}): expected wire type LEN, got ${wireTypeName(tag & 7)}`
    );
  }

  private _resourceSpans(buf: Buffer, start: number, end: number): void {
    const r = this._r;
    const outer = r.end;
    this._where = `resource_spans[${this._ri}]`;
    this._serviceName = undefined;
    r.pos = start;
    r.end = end;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag >>> 3 === RESOURCE_SPANS_RESOURCE) {
        if ((tag & 7) !== WireType.LEN) return this._wrongType('resource', tag);
        const e = r.lengthEnd();
        if (r.error !== '') break;
        this._resource(buf, r.pos, e);
        if (this._result.error !== '') return;
        this._where = `resource_spans[${this._ri}]`;
        r.end = end;
        r.pos = e;
      } else r.skip(tag & 7);
    }
    if (r.error !== '') return this._fail(r.error);
    r.pos = start;
    this._si = 0;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag >>> 3 === RESOURCE_SPANS_SCOPE_SPANS) {
        if ((tag & 7) !== WireType.LEN) return this._wrongType('scope_spans', tag);
        const e = r.lengthEnd();
        if (r.error !== '') break;
        this._scopeSpans(buf, r.pos, e);
        if (this._result.error !== '') return;
        this._where = `resource_spans[${this._ri}]`;
        r.end = end;
        r.pos = e;
        this._si++;
      } else r.skip(tag & 7);
    }
    if (r.error !== '') return this._fail(r.error);
    r.end = outer;
  }

  private _resource(buf: Buffer, start: number, end: number): void {
    const r = this._r;
    this._where = `resource_spans[${this._ri}].resource`;
    r.pos = start;
    r.end = end;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag >>> 3 === RESOURCE_ATTRIBUTES) {
        if ((tag & 7) !== WireType.LEN) return this._wrongType('attributes', tag);
        const e = r.lengthEnd();
        if (r.error !== '') break;
        if (this._record) this._serviceNameOf(buf, r.pos, e);
        else {
          validateKeyValue(r, e, 0);
          if (r.error !== '') return this._fail(r.error);
          r.end = end;
        }
        r.pos = e;
      } else r.skip(tag & 7);
    }
    if (r.error !== '') this._fail(r.error);
  }

  /** Sets the service name when the KeyValue at `buf[start, end)` is `service.name` with a string. */
  private _serviceNameOf(buf: Buffer, start: number, end: number): void {
    const r = this._valueReader;
    r.reset(buf, start, end);
    let isServiceName = false;
    let vs = -1;
    let ve = -1;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag === ((KEY_VALUE_KEY << 3) | WireType.LEN)) {
        const e = r.lengthEnd();
        isServiceName =
          e - r.pos === SERVICE_NAME_BYTES.length &&
          buf.compare(SERVICE_NAME_BYTES, 0, SERVICE_NAME_BYTES.length, r.pos, e) === 0;
        r.pos = e;
      } else if (tag === ((KEY_VALUE_VALUE << 3) | WireType.LEN)) {
        ve = r.lengthEnd();
        vs = r.pos;
        r.pos = ve;
      } else r.skip(tag & 7);
    }
    if (!isServiceName || vs < 0) return;
    const v = decodeAnyValue(r, buf, vs, ve, this._strings);
    if (typeof v === 'string') this._serviceName = v;
  }

  private _scopeSpans(buf: Buffer, start: number, end: number): void {
    const r = this._r;
    this._where = `resource_spans[${this._ri}].scope_spans[${this._si}]`;
    r.pos = start;
    r.end = end;
    this._pi = 0;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag >>> 3 === SCOPE_SPANS_SPANS) {
        if ((tag & 7) !== WireType.LEN) return this._wrongType('spans', tag);
        const e = r.lengthEnd();
        if (r.error !== '') break;
        this._span(buf, r.pos, e);
        if (this._result.error !== '') return;
        r.end = end;
        r.pos = e;
        this._pi++;
      } else r.skip(tag & 7);
    }
    if (r.error !== '') this._fail(r.error);
  }

  private _span(buf: Buffer, start: number, end: number): void {
    const r = this._r;
    const record = this._record;
    const view = this._view;
    view._begin(buf);
    let startLo = 0;
    let startHi = 0;
    let endLo = 0;
    let endHi = 0;
    let hasStart = false;
    let hasEnd = false;
    r.pos = start;
    r.end = end;
    while (r.pos < end) {
      const tag = r.varint();
      const wt = tag & 7;
      switch (tag >>> 3) {
        case SPAN_NAME: {
          if (wt !== WireType.LEN) return this._spanWrongType('name', tag, WireType.LEN);
          const e = r.lengthEnd();
          view._nameStart = r.pos;
          view._nameEnd = e;
          r.pos = e;
          break;
        }
        case SPAN_KIND:
          if (wt !== WireType.VARINT) return this._spanWrongType('kind', tag, WireType.VARINT);
          view.kind = apiSpanKind(r.varint());
          break;
        case SPAN_START_TIME:
        case SPAN_END_TIME: {
          if (wt !== WireType.I64) return this._spanWrongType('time', tag, WireType.I64);
          const p = r.pos;
          if (p + 8 > end) {
            r.fail(`truncated fixed64 at byte ${p}`);
            break;
          }
          r.pos = p + 8;
          if (tag >>> 3 === SPAN_START_TIME) {
            startLo = buf.readUInt32LE(p);
            startHi = buf.readUInt32LE(p + 4);
            hasStart = startLo !== 0 || startHi !== 0;
          } else {
            endLo = buf.readUInt32LE(p);
            endHi = buf.readUInt32LE(p + 4);
            hasEnd = endLo !== 0 || endHi !== 0;
          }
          break;
        }
        case SPAN_ATTRIBUTES: {
          if (wt !== WireType.LEN) return this._spanWrongType('attributes', tag, WireType.LEN);
          const e = r.lengthEnd();
          if (r.error !== '') break;
          if (record) this._attribute(buf, r.pos, e);
          else {
            validateKeyValue(r, e, 0);
            if (r.error !== '') break;
            r.end = end;
          }
          r.pos = e;
          break;
        }
        case SPAN_STATUS: {
          if (wt !== WireType.LEN) return this._spanWrongType('status', tag, WireType.LEN);
          const e = r.lengthEnd();
          if (r.error !== '') break;
          r.end = e;
          while (r.pos < e) {
            const t = r.varint();
            if (t >>> 3 === STATUS_CODE) {
              if ((t & 7) !== WireType.VARINT)
                return this._spanWrongType('status.code', t, WireType.VARINT);
              view.statusCode = r.varint();
            } else r.skip(t & 7);
          }
          r.end = end;
          break;
        }
        default:
          r.skip(wt);
      }
    }
    if (r.error !== '') return this._spanFail(r.error);
    const reason = !hasEnd
      ? 'end_time_unix_nano is missing'
      : !hasStart
        ? 'start_time_unix_nano is missing'
        : endHi < startHi || (endHi === startHi && endLo < startLo)
          ? 'the span ends before it starts'
          : '';
    const result = this._result;
    if (!record) {
      result.spans++;
      if (reason !== '') {
        if (result.rejected === 0) result.rejectMessage = `${this._spanPath()}: ${reason}`;
        result.rejected++;
      }
      return;
    }
    if (reason !== '') return;
    view.endTimeMs = (endHi * TWO_32 + endLo) / 1e6;
    view.durationMs = ((endHi - startHi) * TWO_32 + (endLo - startLo)) / 1e6;
    view.serviceName = this._serviceName;
    result.accepted++;
    this._sink.record(view);
  }

  private _attribute(buf: Buffer, start: number, end: number): void {
    const r = this._valueReader;
    r.reset(buf, start, end);
    let ks = start;
    let ke = start;
    let vs = -1;
    let ve = -1;
    while (r.pos < end) {
      const tag = r.varint();
      if (tag === ((KEY_VALUE_KEY << 3) | WireType.LEN)) {
        ke = r.lengthEnd();
        ks = r.pos;
        r.pos = ke;
      } else if (tag === ((KEY_VALUE_VALUE << 3) | WireType.LEN)) {
        ve = r.lengthEnd();
        vs = r.pos;
        r.pos = ve;
      } else r.skip(tag & 7);
    }
    this._view._addAttribute(ks, ke, vs, ve);
  }

  private _spanPath(): string {
    return `resource_spans[${this._ri}].scope_spans[${this._si}].spans[${this._pi}]`;
  }

  private _spanWrongType(field: string, tag: number, want: number): void {
    this._spanFail(
      `${field} (field ${tag >>> 3}): expected wire type ${wireTypeName(want)}, got ${wireTypeName(tag & 7)}`
    );
  }

  private _spanFail(message: string): void {
    this._where = this._spanPath();
    this._fail(message);
  }
}
