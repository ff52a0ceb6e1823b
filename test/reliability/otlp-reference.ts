/**
 * An independent reference for what the collector's OTLP decoders should
 * count: the request decoded with protobufjs (the schema of
 * @burnrate/test-utils, written from the OTLP .proto files) or `JSON.parse`, turned into plain span objects, and fed
 * to a fresh `SloEngine` through a plain {@link SpanView}. None of the
 * collector's decoding code is used.
 */
import {
  SloEngine,
  type AttributeValue,
  type Clock,
  type SloSpec,
  type SpanView,
} from '@burnrate/core';
import { exportTraceServiceRequestType } from '@burnrate/test-utils';

/** A span as the reference decoders see it. */
export interface RefSpan {
  /** OTel API kind (OTLP − 1), −1 unspecified or unknown. */
  kind: number;
  name: string;
  startNs: bigint;
  endNs: bigint;
  statusCode: number;
  serviceName: string | undefined;
  /** Attributes in wire order; the last of a repeated key wins. */
  attributes: Array<[string, AttributeValue]>;
}

/** The OTLP trace request schema (opentelemetry-proto v1), as the ingest benchmark's baseline decodes it. */
const REQUEST = exportTraceServiceRequestType();

type Obj = Record<string, unknown>;

function longToBigint(v: unknown, unsigned: boolean): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'number') return BigInt(v);
  const l = v as { low: number; high: number };
  const big = (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
  return unsigned ? big : BigInt.asIntN(64, big);
}

/** A plain AnyValue (protobufjs object) as `SpanView.attribute` returns it. */
function protoValue(v: Obj | undefined | null): AttributeValue {
  const plain = protoPlain(v);
  if (plain === null || typeof plain !== 'object') return plain as AttributeValue;
  if (Array.isArray(plain)) return plain.map(element);
  return jsonText(plain);
}

function protoPlain(v: Obj | undefined | null): unknown {
  if (v === undefined || v === null) return null;
  switch (v.value) {
    case 'stringValue':
      return v.stringValue;
    case 'boolValue':
      return v.boolValue;
    case 'intValue': {
      const n = longToBigint(v.intValue, false);
      return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
    case 'doubleValue':
      return v.doubleValue;
    case 'bytesValue':
      return Buffer.from(v.bytesValue as Uint8Array).toString('base64');
    case 'arrayValue':
      return (((v.arrayValue as Obj).values as Obj[]) ?? []).map(protoPlain);
    case 'kvlistValue': {
      const out: Obj = {};
      for (const kv of ((v.kvlistValue as Obj).values as Obj[]) ?? [])
        out[(kv.key as string) ?? ''] = protoPlain(kv.value as Obj);
      return out;
    }
    default:
      return null;
  }
}

function element(v: unknown): string | number | boolean | null {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    return v;
  if (typeof v === 'bigint') return v.toString();
  return jsonText(v);
}

function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function apiKind(otlp: number): number {
  return otlp >= 1 && otlp <= 5 ? otlp - 1 : -1;
}

function serviceNameOf(attrs: Array<[string, AttributeValue]>): string | undefined {
  let name: string | undefined;
  for (const [k, v] of attrs) if (k === 'service.name' && typeof v === 'string') name = v;
  return name;
}

/**
 * Decodes a protobuf `ExportTraceServiceRequest` with protobufjs; throws when
 * protobufjs cannot read it.
 */
export function referenceProtoSpans(body: Uint8Array): RefSpan[] {
  const msg = REQUEST.decode(body);
  const doc = REQUEST.toObject(msg, { longs: Object, arrays: true, oneofs: true }) as Obj;
  const out: RefSpan[] = [];
  for (const rs of (doc.resourceSpans as Obj[]) ?? []) {
    const resource = (rs.resource as Obj | undefined) ?? {};
    const serviceName = serviceNameOf(
      ((resource.attributes as Obj[]) ?? []).map(kv => [
        kv.key as string,
        protoValue(kv.value as Obj),
      ])
    );
    for (const ss of (rs.scopeSpans as Obj[]) ?? []) {
      for (const s of (ss.spans as Obj[]) ?? []) {
        const status = s.status as Obj | undefined;
        out.push({
          kind: apiKind((s.kind as number) ?? 0),
          name: (s.name as string) ?? '',
          startNs: longToBigint(s.startTimeUnixNano, true),
          endNs: longToBigint(s.endTimeUnixNano, true),
          statusCode: (status?.code as number | undefined) ?? 0,
          serviceName,
          attributes: ((s.attributes as Obj[]) ?? []).map(kv => [
            (kv.key as string) ?? '',
            kv.value === undefined || kv.value === null ? null : protoValue(kv.value as Obj),
          ]),
        });
      }
    }
  }
  return out;
}

const KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUSES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

function pick(o: Obj, camel: string, snake: string): unknown {
  return o[camel] !== undefined ? o[camel] : o[snake];
}

function jsonPlain(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Obj;
  const s = pick(o, 'stringValue', 'string_value');
  if (typeof s === 'string') return s;
  const b = pick(o, 'boolValue', 'bool_value');
  if (typeof b === 'boolean') return b;
  const i = pick(o, 'intValue', 'int_value');
  if (i !== undefined && i !== null) {
    const n = BigInt.asIntN(64, BigInt(i as string | number));
    return Number.isSafeInteger(Number(n)) ? Number(n) : n;
  }
  const d = pick(o, 'doubleValue', 'double_value');
  if (typeof d === 'number') return d;
  if (typeof d === 'string')
    return d === 'NaN'
      ? NaN
      : d === 'Infinity'
        ? Infinity
        : d === '-Infinity'
          ? -Infinity
          : Number(d);
  const by = pick(o, 'bytesValue', 'bytes_value');
  if (typeof by === 'string') return Buffer.from(by, 'base64').toString('base64');
  const a = pick(o, 'arrayValue', 'array_value') as Obj | undefined;
  if (a !== undefined && a !== null) return Array.isArray(a.values) ? a.values.map(jsonPlain) : [];
  const kv = pick(o, 'kvlistValue', 'kvlist_value') as Obj | undefined;
  if (kv !== undefined && kv !== null) {
    const out: Obj = {};
    if (Array.isArray(kv.values))
      for (const e of kv.values as Obj[])
        out[typeof e.key === 'string' ? e.key : ''] = jsonPlain(e.value);
    return out;
  }
  return null;
}

function jsonValue(v: unknown): AttributeValue {
  const plain = jsonPlain(v);
  if (plain === null || typeof plain !== 'object') return plain as AttributeValue;
  if (Array.isArray(plain)) return plain.map(element);
  return jsonText(plain);
}

function jsonNanos(v: unknown): bigint {
  if (v === undefined || v === null) return 0n;
  return BigInt(v as string | number);
}

function jsonEnum(v: unknown, names: string[]): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return names.indexOf(v);
  return 0;
}

/**
 * The spans of an OTLP/JSON request that the collector accepted (200): read
 * with `JSON.parse` and the OTLP/JSON mapping (camelCase or snake_case keys,
 * int64 as strings or numbers, enums by number or name).
 */
export function referenceJsonSpans(body: Uint8Array): RefSpan[] {
  if (body.length === 0) return [];
  const doc = JSON.parse(Buffer.from(body).toString('utf8')) as Obj;
  const out: RefSpan[] = [];
  for (const rs of (pick(doc, 'resourceSpans', 'resource_spans') as Obj[] | null) ?? []) {
    const resource = (rs.resource as Obj | null) ?? {};
    const serviceName = serviceNameOf(
      ((resource.attributes as Obj[] | null) ?? []).map(kv => [
        kv.key as string,
        jsonValue(kv.value),
      ])
    );
    for (const ss of (pick(rs, 'scopeSpans', 'scope_spans') as Obj[] | null) ?? []) {
      for (const s of (ss.spans as Obj[] | null) ?? []) {
        const status = s.status as Obj | null | undefined;
        out.push({
          kind: apiKind(jsonEnum(s.kind, KINDS)),
          name: typeof s.name === 'string' ? s.name : '',
          startNs: jsonNanos(pick(s, 'startTimeUnixNano', 'start_time_unix_nano')),
          endNs: jsonNanos(pick(s, 'endTimeUnixNano', 'end_time_unix_nano')),
          statusCode: status ? jsonEnum(status.code, STATUSES) : 0,
          serviceName,
          attributes: ((s.attributes as Obj[] | null) ?? []).map(kv => [
            kv.key as string,
            kv.value === undefined || kv.value === null ? null : jsonValue(kv.value),
          ]),
        });
      }
    }
  }
  return out;
}

/** A plain {@link SpanView} over a {@link RefSpan}. */
export class RefSpanView implements SpanView {
  constructor(private readonly _s: RefSpan) {}
  get kind(): number {
    return this._s.kind;
  }
  get name(): string {
    return this._s.name;
  }
  get endTimeMs(): number {
    return Number(this._s.endNs) / 1e6;
  }
  get durationMs(): number {
    return Number(this._s.endNs - this._s.startNs) / 1e6;
  }
  get statusCode(): number {
    return this._s.statusCode;
  }
  get serviceName(): string | undefined {
    return this._s.serviceName;
  }
  attribute(key: string): AttributeValue | undefined {
    const a = this._s.attributes;
    for (let i = a.length - 1; i >= 0; i--) if (a[i][0] === key) return a[i][1];
    return undefined;
  }
}

/** Whether the collector should use a span: it has an end and a start time and does not end before it starts. */
export function usable(s: RefSpan): boolean {
  return s.endNs !== 0n && s.startNs !== 0n && s.endNs >= s.startNs;
}

/** Per SLO, [good, bad] totals after recording `spans` in a fresh engine (usable spans only). */
export function referenceTotals(
  spec: SloSpec,
  spans: RefSpan[],
  clock: Clock
): Array<[number, number]> {
  const engine = new SloEngine({ spec, clock });
  for (const s of spans) if (usable(s)) engine.record(new RefSpanView(s));
  return engine.snapshot().map(s => [s.totals.good, s.totals.bad]);
}

/** Per SLO, [good, bad] totals of an engine. */
export function totals(engine: SloEngine): Array<[number, number]> {
  return engine.snapshot().map(s => [s.totals.good, s.totals.bad]);
}
