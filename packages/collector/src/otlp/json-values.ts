import type { AttributeValue } from '@burnrate/core';
import { arrayElement, toJsonText, type PlainValue } from './any-value';
import { shortInteger } from './json-limits';

/**
 * OTLP/JSON value rules (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
 * keys in lowerCamelCase (snake_case, the proto field names, accepted too),
 * int64 as a decimal string or a number, enums as integers, bytes as base64,
 * trace and span ids as hex (either case), unknown fields ignored.
 */

type Obj = Record<string, unknown>;

/** A field of a JSON message by its lowerCamelCase name, else by its proto (snake_case) name. */
export function field(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

/** Whether `v` is a JSON object (not an array, not null). */
export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const INT_RE = /^-?\d+$/;
const HEX_RE = /^[0-9a-fA-F]*$/;

/** Checks an int64 in JSON (a decimal string or an integer number); returns an error or ''. */
export function checkInt64(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? '' : `expected an integer, got ${v}`;
  if (typeof v === 'string' && INT_RE.test(v)) {
    // 2^64 has 20 digits: anything longer is out of range, refused before BigInt
    if (!shortInteger(v, 20)) return `integer out of range: ${show(v)}`;
    const n = BigInt(v);
    return n >= -(2n ** 63n) && n < 2n ** 64n ? '' : `integer out of range: ${v}`;
  }
  return `expected an integer as a string or a number, got ${show(v)}`;
}

/** An int64 in JSON as a number when safe, else a bigint. */
export function int64Of(v: unknown): number | bigint {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : BigInt.asIntN(64, BigInt(v));
  const s = v as string;
  if (s.length < 16) return Number(s);
  const big = BigInt.asIntN(64, BigInt(s));
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

/** Unix nanoseconds (a uint64 in JSON, string or number) as a bigint: 0n when absent, −1n when invalid. */
export function nanosOf(v: unknown): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? BigInt(v) : -1n;
  if (typeof v === 'string' && /^\d+$/.test(v)) {
    // a uint64 has at most 20 digits: anything longer is invalid, refused before BigInt
    if (!shortInteger(v, 20)) return -1n;
    const n = BigInt(v);
    return n < 2n ** 64n ? n : -1n;
  }
  return -1n;
}

/** Checks an enum (an integer, or the value's name when `names` is given); returns an error or ''. */
export function checkEnum(v: unknown, names: readonly string[]): string {
  if (typeof v === 'number' && Number.isInteger(v)) return '';
  if (typeof v === 'string' && names.includes(v)) return '';
  return `expected an enum number, got ${show(v)}`;
}

/** The number of an enum given as an integer or by name. */
export function enumOf(v: unknown, names: readonly string[]): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return names.indexOf(v);
  return 0;
}

/** Checks a hex id (trace or span id) written in either case; returns an error or ''. */
export function checkHexId(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' && v.length % 2 === 0 && HEX_RE.test(v)) return '';
  return `expected a hex id, got ${show(v)}`;
}

const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Checks a JSON AnyValue; returns an error (with the path below `path`) or ''. */
export function checkAnyValue(v: unknown, path: string, depth = 0): string {
  if (v === undefined || v === null) return '';
  if (!isObject(v)) return `${path}: expected an AnyValue object, got ${show(v)}`;
  if (depth > 32) return `${path}: AnyValue nested deeper than 32`;
  const s = field(v, 'stringValue', 'string_value');
  if (s !== undefined && s !== null && typeof s !== 'string')
    return `${path}.stringValue: expected a string, got ${show(s)}`;
  const b = field(v, 'boolValue', 'bool_value');
  if (b !== undefined && b !== null && typeof b !== 'boolean')
    return `${path}.boolValue: expected a boolean, got ${show(b)}`;
  const i = field(v, 'intValue', 'int_value');
  if (i !== undefined && i !== null) {
    const e = checkInt64(i);
    if (e !== '') return `${path}.intValue: ${e}`;
  }
  const d = field(v, 'doubleValue', 'double_value');
  if (d !== undefined && d !== null && typeof d !== 'number') {
    if (!(typeof d === 'string' && (d === 'NaN' || !Number.isNaN(doubleOf(d))))) {
      return `${path}.doubleValue: expected a number, got ${show(d)}`;
    }
  }
  const by = field(v, 'bytesValue', 'bytes_value');
  if (by !== undefined && by !== null && !(typeof by === 'string' && BASE64_RE.test(by))) {
    return `${path}.bytesValue: expected base64 text, got ${show(by)}`;
  }
  for (const [camel, snake, kv] of [
    ['arrayValue', 'array_value', false],
    ['kvlistValue', 'kvlist_value', true],
  ] as const) {
    const list = field(v, camel, snake);
    if (list === undefined || list === null) continue;
    if (!isObject(list)) return `${path}.${camel}: expected an object, got ${show(list)}`;
    const values = list.values;
    if (values === undefined || values === null) continue;
    if (!Array.isArray(values))
      return `${path}.${camel}.values: expected an array, got ${show(values)}`;
    for (let k = 0; k < values.length; k++) {
      const e = kv
        ? checkKeyValue(values[k], `${path}.${camel}.values[${k}]`, depth + 1)
        : checkAnyValue(values[k], `${path}.${camel}.values[${k}]`, depth + 1);
      if (e !== '') return e;
    }
  }
  return '';
}

/** Checks a JSON KeyValue; returns an error or ''. */
export function checkKeyValue(v: unknown, path: string, depth = 0): string {
  if (!isObject(v)) return `${path}: expected a KeyValue object, got ${show(v)}`;
  if (v.key !== undefined && v.key !== null && typeof v.key !== 'string')
    return `${path}.key: expected a string, got ${show(v.key)}`;
  return checkAnyValue(v.value, `${path}.value`, depth);
}

/** Checks a list of KeyValues (`attributes`); returns an error or ''. */
export function checkAttributes(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (!Array.isArray(v)) return `${path}: expected an array, got ${show(v)}`;
  for (let i = 0; i < v.length; i++) {
    const e = checkKeyValue(v[i], `${path}[${i}]`);
    if (e !== '') return e;
  }
  return '';
}

function doubleOf(s: string): number {
  if (s === 'Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  if (s === 'NaN') return NaN;
  return s.trim() === '' ? NaN : Number(s);
}

function plainJson(v: unknown): PlainValue {
  if (!isObject(v)) return null;
  const s = field(v, 'stringValue', 'string_value');
  if (typeof s === 'string') return s;
  const b = field(v, 'boolValue', 'bool_value');
  if (typeof b === 'boolean') return b;
  const i = field(v, 'intValue', 'int_value');
  if (i !== undefined && i !== null) return int64Of(i);
  const d = field(v, 'doubleValue', 'double_value');
  if (typeof d === 'number') return d;
  if (typeof d === 'string') return doubleOf(d);
  const by = field(v, 'bytesValue', 'bytes_value');
  if (typeof by === 'string') return Buffer.from(by, 'base64').toString('base64');
  const a = field(v, 'arrayValue', 'array_value');
  if (isObject(a)) return Array.isArray(a.values) ? a.values.map(plainJson) : [];
  const kv = field(v, 'kvlistValue', 'kvlist_value');
  if (isObject(kv)) {
    const out: { [key: string]: PlainValue } = {};
    if (Array.isArray(kv.values))
      for (const e of kv.values as Obj[])
        out[typeof e.key === 'string' ? e.key : ''] = plainJson(e.value);
    return out;
  }
  return null;
}

/** A validated JSON AnyValue as `SpanView.attribute` returns it (the same as the protobuf decoder). */
export function jsonAnyValue(v: unknown): AttributeValue {
  const p = plainJson(v);
  if (p === null || typeof p !== 'object') return p;
  if (Array.isArray(p)) return p.map(arrayElement);
  return toJsonText(p);
}

/** Short text of a JSON value for error messages: never more than 40 characters, whatever its size. */
export function show(v: unknown): string {
  if (typeof v === 'string' && v.length > 40)
    return `${JSON.stringify(v.slice(0, 36)).slice(0, -1)}...`;
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `an array of ${v.length}`;
  if (typeof v === 'object' && v !== null) {
    let n = 0;
    for (const _ in v) if (++n > 0) break;
    return n === 0 ? '{}' : 'an object';
  }
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
