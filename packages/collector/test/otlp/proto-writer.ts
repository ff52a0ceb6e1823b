/**
 * A tiny protobuf encoder for tests, independent of the collector's code: it
 * builds messages field by field, including fields the OTLP schema does not
 * have and every wire type.
 */
export type Field = Buffer;

function varint(n: bigint): Buffer {
  let v = BigInt.asUintN(64, n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

function tag(field: number, wt: number): Buffer {
  return varint(BigInt((field << 3) | wt));
}

/** A varint field (int64, bool, enum). */
export function fVarint(field: number, value: number | bigint): Field {
  return Buffer.concat([tag(field, 0), varint(BigInt(value))]);
}

/** A fixed64 field. */
export function fFixed64(field: number, value: bigint): Field {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return Buffer.concat([tag(field, 1), b]);
}

/** A double field. */
export function fDouble(field: number, value: number): Field {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return Buffer.concat([tag(field, 1), b]);
}

/** A fixed32 field. */
export function fFixed32(field: number, value: number): Field {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return Buffer.concat([tag(field, 5), b]);
}

/** A length-delimited field (bytes, string or embedded message). */
export function fLen(field: number, bytes: Buffer | string): Field {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return Buffer.concat([tag(field, 2), varint(BigInt(b.length)), b]);
}

/** A group (deprecated wire types 3 and 4) holding `inner`. */
export function fGroup(field: number, ...inner: Field[]): Field {
  return Buffer.concat([tag(field, 3), ...inner, tag(field, 4)]);
}

/** A message of fields. */
export function msg(...fields: Field[]): Buffer {
  return Buffer.concat(fields);
}

// OTLP shapes

/** `AnyValue` fields. */
export const any = {
  string: (s: string) => msg(fLen(1, s)),
  bool: (b: boolean) => msg(fVarint(2, b ? 1 : 0)),
  int: (n: number | bigint) => msg(fVarint(3, n)),
  double: (d: number) => msg(fDouble(4, d)),
  array: (...values: Buffer[]) => msg(fLen(5, msg(...values.map(v => fLen(1, v))))),
  kvlist: (...kvs: Buffer[]) => msg(fLen(6, msg(...kvs.map(kv => fLen(1, kv))))),
  bytes: (b: Buffer) => msg(fLen(7, b)),
  empty: () => msg(),
};

/** A `KeyValue`. */
export function kv(key: string, value: Buffer): Buffer {
  return msg(fLen(1, key), fLen(2, value));
}

/** A `Span` with the given fields (OTLP kind numbering). */
export function span(o: {
  name?: string;
  kind?: number;
  startNs?: bigint;
  endNs?: bigint;
  attributes?: Buffer[];
  status?: number;
  extra?: Field[];
}): Buffer {
  const f: Field[] = [fLen(1, Buffer.alloc(16, 1)), fLen(2, Buffer.alloc(8, 2))];
  if (o.name !== undefined) f.push(fLen(5, o.name));
  if (o.kind !== undefined) f.push(fVarint(6, o.kind));
  if (o.startNs !== undefined) f.push(fFixed64(7, o.startNs));
  if (o.endNs !== undefined) f.push(fFixed64(8, o.endNs));
  for (const a of o.attributes ?? []) f.push(fLen(9, a));
  if (o.status !== undefined) f.push(fLen(15, msg(fLen(2, 'msg'), fVarint(3, o.status))));
  f.push(...(o.extra ?? []));
  return msg(...f);
}

/** An `ExportTraceServiceRequest` of one resource with `service.name` and one scope. */
export function request(
  serviceName: string | undefined,
  spans: Buffer[],
  extra: { resource?: Field[]; scope?: Field[]; request?: Field[] } = {}
): Buffer {
  const resource = msg(
    ...(serviceName !== undefined ? [fLen(1, kv('service.name', any.string(serviceName)))] : []),
    ...(extra.resource ?? [])
  );
  const scopeSpans = msg(
    fLen(1, msg(fLen(1, 'scope'))),
    ...spans.map(s => fLen(2, s)),
    ...(extra.scope ?? [])
  );
  const resourceSpans = msg(fLen(2, scopeSpans), fLen(1, resource), fLen(3, 'https://schema'));
  return msg(fLen(1, resourceSpans), ...(extra.request ?? []));
}
