import { ATTR_SERVICE_NAME } from '@burnrate/core';
import { JsonSpanView } from './json-span-view';
import {
  checkAttributes,
  checkEnum,
  checkHexId,
  enumOf,
  field,
  isObject,
  nanosOf,
  show,
} from './json-values';
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
 * Reads an OTLP/JSON `ExportTraceServiceRequest` into the engine. The text is
 * parsed with `JSON.parse`; the request is then checked as a whole (a malformed
 * request records nothing) and every usable span is handed to the sink through
 * one reused {@link JsonSpanView}.
 */
export class JsonTraceDecoder {
  private readonly _sink: SpanSink;
  private readonly _view = new JsonSpanView();

  constructor(sink: SpanSink) {
    this._sink = sink;
  }

  /** Checks, then records every usable span of `body` (UTF-8 JSON). Never throws. */
  ingest(body: Uint8Array): IngestResult {
    const result = emptyIngestResult();
    if (body.length === 0) return result;
    let doc: unknown;
    try {
      doc = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    } catch (e) {
      result.error = `invalid JSON: ${(e as Error).message}`;
      return result;
    }
    try {
      result.error = this._check(doc, result);
      if (result.error !== '') {
        result.spans = 0;
        result.rejected = 0;
        result.rejectMessage = '';
        return result;
      }
      this._record(doc as Obj, result);
    } catch (e) {
      result.error = `cannot decode the request: ${(e as Error).message}`;
    }
    return result;
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
          view._attributes = (span.attributes as Obj[] | undefined) ?? undefined;
          result.accepted++;
          this._sink.record(view);
        }
      }
    }
    view._attributes = undefined;
  }
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
  if (!isObject(resource) || !Array.isArray(resource.attributes)) return undefined;
  let name: string | undefined;
  for (const kv of resource.attributes as Obj[]) {
    if (kv.key !== ATTR_SERVICE_NAME || !isObject(kv.value)) continue;
    const s = field(kv.value, 'stringValue', 'string_value');
    if (typeof s === 'string') name = s;
  }
  return name;
}
