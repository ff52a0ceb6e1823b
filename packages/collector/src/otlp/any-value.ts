import type { AttributeValue } from '@burnrate/core';
import {
  ANY_ARRAY,
  ANY_BOOL,
  ANY_BYTES,
  ANY_DOUBLE,
  ANY_INT,
  ANY_KVLIST,
  ANY_STRING,
  KEY_VALUE_KEY,
  KEY_VALUE_VALUE,
  LIST_VALUES,
  MAX_ANY_VALUE_DEPTH,
} from './otlp-fields';
import { ProtoReader, WireType, wireTypeName } from './proto-wire';
import type { StringCache } from './string-cache';

/**
 * How OTLP `AnyValue`s appear through `SpanView.attribute` (identical for the
 * protobuf and JSON decoders):
 * - string, bool, double: as they are; int: a number when it is a safe integer, else a bigint;
 * - bytes: the base64 text (as OTLP/JSON writes them);
 * - array: an array whose scalar elements are as above (ints beyond 2^53 as decimal
 *   strings, bytes as base64, nested arrays and kvlists as JSON text);
 * - kvlist: JSON text of an object (`{"a":1}`), so that `regex` predicates can test it;
 * - an AnyValue with no value set: `null`.
 */
export type DecodedValue = AttributeValue;

/** Checks that `r.buf[r.pos, end)` is a well-formed AnyValue; sets `r.error` otherwise. */
export function validateAnyValue(r: ProtoReader, end: number, depth: number): void {
  if (depth > MAX_ANY_VALUE_DEPTH)
    return r.fail(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH}`);
  const outer = r.end;
  r.end = end;
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === ANY_ARRAY || field === ANY_KVLIST) {
      if (wt !== WireType.LEN) {
        r.fail(`AnyValue field ${field}: expected wire type LEN, got ${wireTypeName(wt)}`);
        break;
      }
      const listEnd = r.lengthEnd();
      validateList(r, listEnd, field === ANY_KVLIST, depth);
      r.end = end;
    } else if (!checkScalarWireType(r, field, wt)) break;
    else r.skip(wt);
  }
  r.end = outer;
}

function checkScalarWireType(r: ProtoReader, field: number, wt: number): boolean {
  const want =
    field === ANY_STRING || field === ANY_BYTES
      ? WireType.LEN
      : field === ANY_BOOL || field === ANY_INT
        ? WireType.VARINT
        : field === ANY_DOUBLE
          ? WireType.I64
          : -1;
  if (want >= 0 && want !== wt) {
    r.fail(
      `AnyValue field ${field}: expected wire type ${wireTypeName(want)}, got ${wireTypeName(wt)}`
    );
    return false;
  }
  return true;
}

function validateList(r: ProtoReader, end: number, kv: boolean, depth: number): void {
  r.end = end;
  while (r.pos < end) {
    const tag = r.varint();
    const wt = tag & 7;
    if (tag >>> 3 === LIST_VALUES) {
      if (wt !== WireType.LEN)
        return r.fail(`list values: expected wire type LEN, got ${wireTypeName(wt)}`);
      const itemEnd = r.lengthEnd();
      if (kv) validateKeyValue(r, itemEnd, depth + 1);
      else validateAnyValue(r, itemEnd, depth + 1);
      r.end = end;
      r.pos = r.error === '' ? itemEnd : end;
    } else r.skip(wt);
  }
}

/** Checks that `r.buf[r.pos, end)` is a well-formed KeyValue. */
export function validateKeyValue(r: ProtoReader, end: number, depth: number): void {
  const outer = r.end;
  r.end = end;
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === KEY_VALUE_KEY || field === KEY_VALUE_VALUE) {
      if (wt !== WireType.LEN) {
        r.fail(`KeyValue field ${field}: expected wire type LEN, got ${wireTypeName(wt)}`);
        break;
      }
      const valueEnd = r.lengthEnd();
      if (field === KEY_VALUE_VALUE) {
        validateAnyValue(r, valueEnd, depth);
        r.end = end;
      }
      r.pos = r.error === '' ? valueEnd : end;
    } else r.skip(wt);
  }
  r.end = outer;
}

/**
 * Decodes a well-formed (validated) AnyValue at `buf[start, end)` into the
 * value `SpanView.attribute` returns (see {@link DecodedValue}). Scalars
 * allocate nothing beyond a string cache miss; arrays and kvlists allocate.
 */
export function decodeAnyValue(
  r: ProtoReader,
  buf: Buffer,
  start: number,
  end: number,
  strings: StringCache
): DecodedValue {
  const v = plainValue(r, buf, start, end, strings);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(arrayElement);
  return toJsonText(v);
}

/** Plain JS form of a value: bytes as base64, arrays as arrays, kvlists as objects. */
export type PlainValue =
  string | number | boolean | bigint | null | PlainValue[] | { [key: string]: PlainValue };

/** Decodes a well-formed AnyValue at `buf[start, end)` into its plain JS form. */
export function plainValue(
  r: ProtoReader,
  buf: Buffer,
  start: number,
  end: number,
  strings: StringCache
): PlainValue {
  r.reset(buf, start, end);
  let value: PlainValue = null;
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag >>> 3) {
      case ANY_STRING: {
        const e = r.lengthEnd();
        value = strings.get(buf, r.pos, e);
        r.pos = e;
        break;
      }
      case ANY_BOOL:
        value = r.varint() !== 0;
        break;
      case ANY_INT:
        value = r.int64();
        break;
      case ANY_DOUBLE:
        if (r.pos + 8 > end) return null;
        value = buf.readDoubleLE(r.pos);
        r.pos += 8;
        break;
      case ANY_BYTES: {
        const e = r.lengthEnd();
        value = buf.toString('base64', r.pos, e);
        r.pos = e;
        break;
      }
      case ANY_ARRAY:
      case ANY_KVLIST: {
        const e = r.lengthEnd();
        value = plainList(buf, r.pos, e, tag >>> 3 === ANY_KVLIST, strings);
        r.reset(buf, e, end);
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  return value;
}

function plainList(
  buf: Buffer,
  start: number,
  end: number,
  kv: boolean,
  strings: StringCache
): PlainValue {
  const r = new ProtoReader();
  r.reset(buf, start, end);
  const items: PlainValue[] = [];
  const obj: { [key: string]: PlainValue } = {};
  const inner = new ProtoReader();
  while (r.pos < end) {
    const tag = r.varint();
    if (tag >>> 3 !== LIST_VALUES) {
      r.skip(tag & 7);
      continue;
    }
    const e = r.lengthEnd();
    if (!kv) items.push(plainValue(inner, buf, r.pos, e, strings));
    else {
      const kr = new ProtoReader();
      kr.reset(buf, r.pos, e);
      let key = '';
      let value: PlainValue = null;
      while (kr.pos < e) {
        const t = kr.varint();
        if (t >>> 3 === KEY_VALUE_KEY && (t & 7) === WireType.LEN) {
          const ke = kr.lengthEnd();
          key = buf.toString('utf8', kr.pos, ke);
          kr.pos = ke;
        } else if (t >>> 3 === KEY_VALUE_VALUE && (t & 7) === WireType.LEN) {
          const ve = kr.lengthEnd();
          value = plainValue(inner, buf, kr.pos, ve, strings);
          kr.pos = ve;
        } else kr.skip(t & 7);
      }
      obj[key] = value;
    }
    r.pos = e;
  }
  return kv ? obj : items;
}

/** An array element as an attribute array holds it (see {@link DecodedValue}). */
export function arrayElement(v: unknown): string | number | boolean | null {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    return v;
  if (typeof v === 'bigint') return v.toString();
  return toJsonText(v);
}

/** JSON text of a nested value, bigints written as decimal strings. */
export function toJsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}
