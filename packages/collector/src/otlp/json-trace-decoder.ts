import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@burnrate/core';
import { checkJsonBounds, clipMessage } from './json-limits';
import { JsonSpanView } from './json-span-view';
import {
  checkAnyValue,
  checkAttributes,
  checkEnum,
  checkHexId,
  enumOf,
  field,
  isObject,
  nanosOf,
  show,
} from './json-values';
import { adjustedCount } from './adjusted-count';
import { apiSpanKind } from './otlp-fields';
import { emptyIngestResult, type IngestResult, type SpanSink } from './span-sink';

type Obj = Record<string, unknown>;

const KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;
const EMPTY: readonly Obj[] = [];

/**
 * Spans held before a request is known to be well formed; a request with more
 * is checked first, then walked again to record, batch by batch.
 */
export const MAX_HELD_JSON_SPANS = 16384;

/** Up to this many decimal digits, unix nanoseconds are read as two numbers (no BigInt). */
const MAX_FAST_NANOS_DIGITS = 19;
/** Seconds part of a time read without BigInt: below 2^53 / 5^9, `seconds × 1e9` is exact. */
const MAX_FAST_SECONDS = 4_611_686_018;
/** Scratch output of {@link nanosParts}: whole seconds, then the nanoseconds below. */
const NANOS = new Float64Array(2);

/** What the fast pass does when its batch is full, and at the end. */
const enum Mode {
  /** Hold every span: nothing is recorded before the whole request is checked. */
  HOLD,
  /** The request did not fit: only check it, dropping batches as they fill. */
  CHECK,
  /** The request is known to be well formed: record batches as they fill. */
  RECORD,
}

/**
 * Reads an OTLP/JSON `ExportTraceServiceRequest` into the engine. The text is
 * parsed with `JSON.parse`; the request is then checked as a whole (a malformed
 * request records nothing) and every usable span is handed to the sink through
 * one reused {@link JsonSpanView}.
 *
 * The fast pass reads requests as SDKs and collectors write them (camelCase
 * keys, scalar attribute values, times as decimal strings or numbers) in one
 * walk that checks every span and holds what the SLIs need of it in reused
 * arrays, reading each field where it is expected (no per-span strings, no
 * BigInt). Anything else (snake_case keys, list values, odd numbers, and every
 * malformed request) goes through the general path, which checks everything
 * and names where a request is malformed.
 */
export class JsonTraceDecoder {
  private readonly _sink: SpanSink;
  private readonly _view = new JsonSpanView();
  private _mode = Mode.HOLD;
  private _result: IngestResult = emptyIngestResult();
  private _count = 0;
  /** Held spans: the span object, its attributes, its resource's service name. */
  private readonly _spans: Obj[] = [];
  private readonly _attributes: Array<Obj[] | undefined> = [];
  private readonly _services: Array<string | undefined> = [];
  private readonly _versions: Array<string | undefined> = [];
  /** Kind (API numbering) and status code of each held span. */
  private readonly _codes = new Int32Array(2 * MAX_HELD_JSON_SPANS);
  /** End time and duration (ms) of each held span. */
  private readonly _times = new Float64Array(2 * MAX_HELD_JSON_SPANS);

  constructor(sink: SpanSink) {
    this._sink = sink;
  }

  /**
   * Checks, then records every usable span of `body` (UTF-8 JSON). Never
   * throws. The bounds of `json-limits.ts` are checked first, unless the
   * caller did so while the body arrived (`boundsChecked`).
   */
  ingest(body: Uint8Array, boundsChecked = false): IngestResult {
    const result = emptyIngestResult();
    if (body.length === 0) return result;
    this._result = result;
    const bound = boundsChecked ? '' : checkJsonBounds(body);
    if (bound !== '') {
      result.error = bound;
      return result;
    }
    this._sink.tick?.();
    let doc: unknown;
    try {
      doc = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    } catch (e) {
      result.error = clipMessage(`invalid JSON: ${(e as Error).message}`);
      return result;
    }
    try {
      this._count = 0;
      this._mode = Mode.HOLD;
      if (this._walk(doc, result)) {
        if ((this._mode as Mode) === Mode.CHECK) {
          this._count = 0;
          this._mode = Mode.RECORD;
          this._walk(doc, result);
        }
        this._recordHeld();
        return result;
      }
      // the general path: every shape, and the error of a malformed request
      this._count = 0;
      result.spans = 0;
      result.rejected = 0;
      result.rejectMessage = '';
      result.error = clipMessage(this._check(doc, result));
      if (result.error !== '') {
        result.spans = 0;
        result.rejected = 0;
        result.rejectMessage = '';
        return result;
      }
      this._record(doc as Obj, result);
    } catch (e) {
      result.error = clipMessage(`cannot decode the request: ${(e as Error).message}`);
    } finally {
      this._release();
    }
    return result;
  }

  /** Drops the references to the last request's objects. */
  private _release(): void {
    const n = this._spans.length;
    for (let i = 0; i < n && this._spans[i] !== undefined; i++) {
      this._spans[i] = undefined as unknown as Obj;
      this._attributes[i] = undefined;
      this._services[i] = undefined;
      this._versions[i] = undefined;
    }
    this._count = 0;
    const view = this._view;
    view._attributes = undefined;
    view.name = '';
    view.serviceName = undefined;
    view.serviceVersion = undefined;
    view._span = undefined;
  }

  /**
   * The fast pass over a parsed request (see the class comment). Returns
   * false, having recorded nothing, when the request is not of the fast shape
   * or is malformed; counts spans and rejected spans otherwise.
   */
  private _walk(doc: unknown, result: IngestResult): boolean {
    if (!isObject(doc)) return false;
    const rss = doc.resourceSpans;
    if (rss === undefined) return doc.resource_spans === undefined || doc.resource_spans === null;
    if (rss === null) return true;
    if (!Array.isArray(rss)) return false;
    for (let ri = 0; ri < rss.length; ri++) {
      const rs: unknown = rss[ri];
      if (!isObject(rs)) return false;
      let service: string | undefined = undefined;
      let version: string | undefined = undefined;
      const resource = rs.resource;
      if (resource !== undefined && resource !== null) {
        if (!isObject(resource)) return false;
        const attributes = resource.attributes;
        if (attributes !== undefined && attributes !== null) {
          if (!Array.isArray(attributes)) return false;
          for (let i = 0; i < attributes.length; i++) {
            if (!keyValueOk(attributes[i])) return false;
          }
          service = serviceNameOf(resource);
          version = resourceStringOf(resource, ATTR_SERVICE_VERSION);
        }
      }
      const sss = rs.scopeSpans;
      if (sss === undefined) {
        if (rs.scope_spans !== undefined && rs.scope_spans !== null) return false;
        continue;
      }
      if (sss === null) continue;
      if (!Array.isArray(sss)) return false;
      for (let si = 0; si < sss.length; si++) {
        const ss: unknown = sss[si];
        if (!isObject(ss)) return false;
        const spans = ss.spans;
        if (spans === undefined || spans === null) continue;
        if (!Array.isArray(spans)) return false;
        for (let pi = 0; pi < spans.length; pi++) {
          const reason = this._span(spans[pi], service, version);
          if (reason === MALFORMED) return false;
          if (this._mode === Mode.RECORD) continue;
          result.spans++;
          if (reason !== '') {
            if (result.rejected === 0)
              result.rejectMessage = `resourceSpans[${ri}].scopeSpans[${si}].spans[${pi}]: ${reason}`;
            result.rejected++;
          }
        }
      }
    }
    return true;
  }

  /**
   * Checks one span of the fast shape and holds it when it is usable. Returns
   * '' when held, why it cannot be used when not, or {@link MALFORMED}.
   */
  private _span(span: unknown, service: string | undefined, version: string | undefined): string {
    if (!isObject(span)) return MALFORMED;
    if (!hexIdOk(span.traceId) || !hexIdOk(span.spanId) || !hexIdOk(span.parentSpanId))
      return MALFORMED;
    if (
      span.trace_id !== undefined ||
      span.span_id !== undefined ||
      span.parent_span_id !== undefined ||
      span.start_time_unix_nano !== undefined ||
      span.end_time_unix_nano !== undefined
    )
      return MALFORMED;
    const name = span.name;
    if (name !== undefined && name !== null && typeof name !== 'string') return MALFORMED;
    const k = span.kind;
    let kind = 0;
    if (typeof k === 'number') {
      if (!Number.isInteger(k)) return MALFORMED;
      kind = k;
    } else if (typeof k === 'string') {
      kind = KIND_NAMES.indexOf(k as (typeof KIND_NAMES)[number]);
      if (kind < 0) return MALFORMED;
    } else if (k !== undefined && k !== null) return MALFORMED;
    if (!nanosParts(span.startTimeUnixNano)) return MALFORMED;
    const startS = NANOS[0];
    const startNs = NANOS[1];
    if (!nanosParts(span.endTimeUnixNano)) return MALFORMED;
    const endS = NANOS[0];
    const endNs = NANOS[1];
    const attributes = span.attributes;
    if (attributes !== undefined && attributes !== null) {
      if (!Array.isArray(attributes)) return MALFORMED;
      for (let i = 0; i < attributes.length; i++) {
        if (!keyValueOk(attributes[i])) return MALFORMED;
      }
    }
    const status = span.status;
    let code = 0;
    if (status !== undefined && status !== null) {
      if (!isObject(status)) return MALFORMED;
      const c = status.code;
      if (typeof c === 'number') {
        // beyond int32 (not held in the typed array): the general path
        if (!Number.isInteger(c) || c < -0x80000000 || c > 0x7fffffff) return MALFORMED;
        code = c;
      } else if (typeof c === 'string') {
        code = STATUS_NAMES.indexOf(c as (typeof STATUS_NAMES)[number]);
        if (code < 0) return MALFORMED;
      } else if (c !== undefined && c !== null) return MALFORMED;
    }
    if (endS === 0 && endNs === 0) return 'endTimeUnixNano is missing';
    if (startS === 0 && startNs === 0) return 'startTimeUnixNano is missing';
    if (endS < startS || (endS === startS && endNs < startNs))
      return 'the span ends before it starts';
    if (this._count === MAX_HELD_JSON_SPANS) {
      if (this._mode === Mode.RECORD) this._recordHeld();
      else this._mode = Mode.CHECK;
      this._count = 0;
    }
    const i = this._count++;
    this._spans[i] = span;
    this._attributes[i] = attributes as Obj[] | undefined;
    this._services[i] = service;
    this._versions[i] = version;
    this._codes[2 * i] = apiSpanKind(kind);
    this._codes[2 * i + 1] = code;
    // (seconds × 1e9 + ns) / 1e6 rounds once, as Number(BigInt(nanos)) / 1e6 does
    this._times[2 * i] = (endS * 1e9 + endNs) / 1e6;
    this._times[2 * i + 1] = ((endS - startS) * 1e9 + (endNs - startNs)) / 1e6;
    return '';
  }

  /** Hands every held span to the sink. */
  private _recordHeld(): void {
    const result = this._result;
    const view = this._view;
    const sink = this._sink;
    const codes = this._codes;
    const times = this._times;
    const n = this._count;
    for (let i = 0; i < n; i++) {
      const name = this._spans[i].name;
      view.name = typeof name === 'string' ? name : '';
      view.kind = codes[2 * i];
      view.statusCode = codes[2 * i + 1];
      view.endTimeMs = times[2 * i];
      view.durationMs = times[2 * i + 1];
      view.serviceName = this._services[i];
      view.serviceVersion = this._versions[i];
      view._span = this._spans[i];
      view._attributes = this._attributes[i];
      result.accepted++;
      sink.record(view, weightOf(this._spans[i]));
    }
  }

  private _check(doc: unknown, result: IngestResult): string {
    if (!isObject(doc))
      return `ExportTraceServiceRequest: expected a JSON object, got ${show(doc)}`;
    const rss = field(doc, 'resourceSpans', 'resource_spans');
    if (rss === undefined || rss === null) return '';
    if (!Array.isArray(rss)) return `resourceSpans: expected an array, got ${show(rss)}`;
    for (let ri = 0; ri < rss.length; ri++) {
      const rs = rss[ri];
      const rp = `resourceSpans[${ri}]`;
      if (!isObject(rs)) return `${rp}: expected an object, got ${show(rs)}`;
      const resource = rs.resource;
      if (resource !== undefined && resource !== null) {
        if (!isObject(resource)) return `${rp}.resource: expected an object, got ${show(resource)}`;
        const e = checkAttributes(resource.attributes, `${rp}.resource.attributes`);
        if (e !== '') return e;
      }
      const sss = field(rs, 'scopeSpans', 'scope_spans');
      if (sss === undefined || sss === null) continue;
      if (!Array.isArray(sss)) return `${rp}.scopeSpans: expected an array, got ${show(sss)}`;
      for (let si = 0; si < sss.length; si++) {
        const ss = sss[si];
        const sp = `${rp}.scopeSpans[${si}]`;
        if (!isObject(ss)) return `${sp}: expected an object, got ${show(ss)}`;
        const spans = ss.spans;
        if (spans === undefined || spans === null) continue;
        if (!Array.isArray(spans)) return `${sp}.spans: expected an array, got ${show(spans)}`;
        for (let pi = 0; pi < spans.length; pi++) {
          const path = `${sp}.spans[${pi}]`;
          const e = checkSpan(spans[pi], path);
          if (e !== '') return e;
          result.spans++;
          const reason = rejectReason(spans[pi] as Obj);
          if (reason !== '') {
            if (result.rejected === 0) result.rejectMessage = `${path}: ${reason}`;
            result.rejected++;
          }
        }
      }
    }
    return '';
  }

  private _record(doc: Obj, result: IngestResult): void {
    const rss = (field(doc, 'resourceSpans', 'resource_spans') as Obj[] | undefined) ?? EMPTY;
    const view = this._view;
    for (const rs of rss) {
      const serviceName = serviceNameOf(rs.resource as Obj | undefined);
      const serviceVersion = resourceStringOf(rs.resource as Obj | undefined, ATTR_SERVICE_VERSION);
      const sss = (field(rs, 'scopeSpans', 'scope_spans') as Obj[] | undefined) ?? EMPTY;
      for (const ss of sss) {
        const spans = (ss.spans as Obj[] | undefined) ?? EMPTY;
        for (const span of spans) {
          if (rejectReason(span) !== '') continue;
          const start = nanosOf(field(span, 'startTimeUnixNano', 'start_time_unix_nano'));
          const end = nanosOf(field(span, 'endTimeUnixNano', 'end_time_unix_nano'));
          view.kind = apiSpanKind(enumOf(span.kind, KIND_NAMES));
          view.name = typeof span.name === 'string' ? span.name : '';
          view.endTimeMs = Number(end) / 1e6;
          view.durationMs = Number(end - start) / 1e6;
          const status = span.status;
          view.statusCode = isObject(status) ? enumOf(status.code, STATUS_NAMES) : 0;
          view.serviceName = serviceName;
          view.serviceVersion = serviceVersion;
          view._span = span;
          view._attributes = (span.attributes as Obj[] | undefined) ?? undefined;
          result.accepted++;
          this._sink.record(view, weightOf(span));
        }
      }
    }
    view._attributes = undefined;
    view._span = undefined;
  }
}

/** What {@link JsonTraceDecoder}'s fast pass returns for a span it does not take. */
/** The adjusted count a JSON span declares in `traceState` (`ot=th:…`), 1 when none. */
function weightOf(span: Obj): number {
  const ts = span.traceState ?? span.trace_state;
  return typeof ts === 'string' && ts !== '' ? adjustedCount(ts) : 1;
}

const MALFORMED = '\u0000malformed';

const HEX_ID_RE = /^[0-9a-fA-F]*$/;

/** A trace or span id of the fast shape: absent, or hex of even length. */
function hexIdOk(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  return typeof v === 'string' && (v.length & 1) === 0 && HEX_ID_RE.test(v);
}

/** A KeyValue of the fast shape: a string key, a scalar value or one the general check accepts. */
function keyValueOk(kv: unknown): boolean {
  if (!isObject(kv)) return false;
  const key = kv.key;
  if (key !== undefined && key !== null && typeof key !== 'string') return false;
  const value = kv.value;
  if (value === undefined || value === null) return true;
  if (!isObject(value)) return false;
  for (const k in value) {
    const v = value[k];
    if (k === 'stringValue') {
      if (typeof v !== 'string') return checkAnyValue(value, 'value') === '';
    } else if (k === 'intValue') {
      if (typeof v !== 'number' || !Number.isInteger(v))
        return checkAnyValue(value, 'value') === '';
    } else if (k === 'boolValue') {
      if (typeof v !== 'boolean') return checkAnyValue(value, 'value') === '';
    } else if (k === 'doubleValue') {
      if (typeof v !== 'number') return checkAnyValue(value, 'value') === '';
    } else return checkAnyValue(value, 'value') === '';
  }
  return true;
}

/**
 * Reads unix nanoseconds (absent, a decimal string or an integer number) into
 * {@link NANOS} as whole seconds and the nanoseconds below them (0, 0 when
 * absent). Returns false when the value is invalid or out of the fast range.
 */
function nanosParts(v: unknown): boolean {
  if (v === undefined || v === null) {
    NANOS[0] = 0;
    NANOS[1] = 0;
    return true;
  }
  if (typeof v === 'string') {
    const n = v.length;
    if (n === 0 || n > MAX_FAST_NANOS_DIGITS) return false;
    const split = n > 9 ? n - 9 : 0;
    let seconds = 0;
    let ns = 0;
    for (let i = 0; i < n; i++) {
      const d = v.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) return false;
      if (i < split) seconds = seconds * 10 + d;
      else ns = ns * 10 + d;
    }
    if (seconds > MAX_FAST_SECONDS) return false;
    NANOS[0] = seconds;
    NANOS[1] = ns;
    return true;
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v >= MAX_FAST_SECONDS * 1e9) return false;
    let seconds = Math.floor(v / 1e9);
    let ns = v - seconds * 1e9;
    if (ns < 0) {
      seconds--;
      ns += 1e9;
    }
    NANOS[0] = seconds;
    NANOS[1] = ns;
    return true;
  }
  return false;
}

function checkSpan(span: unknown, path: string): string {
  if (!isObject(span)) return `${path}: expected an object, got ${show(span)}`;
  for (const [camel, snake] of [
    ['traceId', 'trace_id'],
    ['spanId', 'span_id'],
    ['parentSpanId', 'parent_span_id'],
  ] as const) {
    const e = checkHexId(field(span, camel, snake));
    if (e !== '') return `${path}.${camel}: ${e}`;
  }
  if (span.name !== undefined && span.name !== null && typeof span.name !== 'string') {
    return `${path}.name: expected a string, got ${show(span.name)}`;
  }
  if (span.kind !== undefined && span.kind !== null) {
    const e = checkEnum(span.kind, KIND_NAMES);
    if (e !== '') return `${path}.kind: ${e}`;
  }
  for (const [camel, snake] of [
    ['startTimeUnixNano', 'start_time_unix_nano'],
    ['endTimeUnixNano', 'end_time_unix_nano'],
  ] as const) {
    const v = field(span, camel, snake);
    if (nanosOf(v) < 0n)
      return `${path}.${camel}: expected unix nanoseconds as a string or a number, got ${show(v)}`;
  }
  const e = checkAttributes(span.attributes, `${path}.attributes`);
  if (e !== '') return e;
  const status = span.status;
  if (status !== undefined && status !== null) {
    if (!isObject(status)) return `${path}.status: expected an object, got ${show(status)}`;
    if (status.code !== undefined && status.code !== null) {
      const ce = checkEnum(status.code, STATUS_NAMES);
      if (ce !== '') return `${path}.status.code: ${ce}`;
    }
  }
  return '';
}

function rejectReason(span: Obj): string {
  const start = nanosOf(field(span, 'startTimeUnixNano', 'start_time_unix_nano'));
  const end = nanosOf(field(span, 'endTimeUnixNano', 'end_time_unix_nano'));
  if (end === 0n) return 'endTimeUnixNano is missing';
  if (start === 0n) return 'startTimeUnixNano is missing';
  if (end < start) return 'the span ends before it starts';
  return '';
}

function serviceNameOf(resource: Obj | undefined): string | undefined {
  return resourceStringOf(resource, ATTR_SERVICE_NAME);
}

/** A string resource attribute (the last one when a key repeats). */
function resourceStringOf(resource: Obj | undefined, key: string): string | undefined {
  if (!isObject(resource) || !Array.isArray(resource.attributes)) return undefined;
  let name: string | undefined;
  for (const kv of resource.attributes as Obj[]) {
    if (kv.key !== key || !isObject(kv.value)) continue;
    const s = field(kv.value, 'stringValue', 'string_value');
    if (typeof s === 'string') name = s;
  }
  return name;
}
