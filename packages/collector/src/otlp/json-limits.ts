/**
 * Bounds on an OTLP/JSON request checked on its bytes before `JSON.parse`
 * builds anything: parsing costs memory and time per object, array and digit,
 * far more than the protobuf walk costs per byte, so the JSON path is bounded
 * by what it would build, not only by its size.
 */

/** Most objects and arrays in one JSON request (about 24,000 spans of 20 attributes). */
export const MAX_JSON_CONTAINERS = 1_048_576;
/**
 * Deepest nesting of objects and arrays: the request's own 10 levels, then 4
 * per AnyValue level, and AnyValues nest at most 32 deep (as in protobuf).
 */
export const MAX_JSON_DEPTH = 160;
/** Longest number written in JSON: an int64 has 20 characters, a double's shortest form 24. */
export const MAX_JSON_NUMBER_CHARS = 32;
/** Longest error message a JSON request gets back (the input is echoed at most in short prefixes). */
export const MAX_ERROR_CHARS = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Whether a byte can be part of a JSON number: digits, sign, point, exponent. */
function numberByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e || b === 0x65 || b === 0x45
  );
}

/**
 * Checks the bytes of a JSON request against {@link MAX_JSON_CONTAINERS},
 * {@link MAX_JSON_DEPTH} and {@link MAX_JSON_NUMBER_CHARS} as they arrive,
 * chunk by chunk, skipping strings (UTF-8 never has a quote or backslash
 * inside a multi-byte character). The receiver feeds it each chunk of the
 * body, so a hostile request is refused at the byte that crosses a bound,
 * before the rest is read, and the work is spread between other requests.
 * Malformed JSON is left to `JSON.parse` to report.
 */
export class JsonBoundsChecker {
  private _offset = 0;
  private _containers = 0;
  private _depth = 0;
  private _run = 0;
  private _inString = false;
  private _escape = false;
  /** The last non-blank byte outside strings (a `:` before a string makes it a value). */
  private _prev = 0;
  /** The first bytes of the last string, and its length: the key of the value that follows. */
  private readonly _key = new Uint8Array(KEY_BYTES);
  private _keyLength = 0;
  /** Whether the string being read is a key (its bytes are kept in `_key`). */
  private _readingKey = false;
  /** Digits of the int64 value string being read; -1 when not reading one. */
  private _digits = -1;

  /** Checks the next chunk; returns '' or why the request is refused, naming the byte. */
  write(chunk: Uint8Array): string {
    const n = chunk.length;
    let i = 0;
    if (this._escape && n > 0) {
      this._escape = false;
      i = 1;
    }
    for (; i < n; i++) {
      if (this._inString) {
        if (this._readingKey || this._digits >= 0) {
          const refused = this._slowString(chunk, i);
          if (refused !== '') return refused;
          i = this._stringEnd;
          if (i >= n) break;
          continue;
        }
        for (; i < n; i++) {
          const c = chunk[i];
          if (c === QUOTE) break;
          if (c === BACKSLASH) {
            if (i + 1 === n) this._escape = true;
            i++;
          }
        }
        if (i >= n) break;
        this._inString = false;
        continue;
      }
      const b = chunk[i];
      if (b === QUOTE) {
        this._inString = true;
        this._run = 0;
        if (this._prev === COLON) {
          // a value: an int64 field's is counted, digit by digit
          this._readingKey = false;
          this._digits = isInt64Key(this._key, this._keyLength) ? 0 : -1;
        } else {
          this._readingKey = true;
          this._keyLength = 0;
          this._digits = -1;
        }
        this._prev = b;
        continue;
      }
      if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) this._prev = b;
      if (numberByte(b)) {
        if (++this._run > MAX_JSON_NUMBER_CHARS)
          return `a number longer than ${MAX_JSON_NUMBER_CHARS} characters at byte ${this._offset + i - this._run + 1}`;
        continue;
      }
      this._run = 0;
      if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        if (++this._containers > MAX_JSON_CONTAINERS)
          return `more than ${MAX_JSON_CONTAINERS} objects and arrays (at byte ${this._offset + i}); send smaller batches`;
        if (++this._depth > MAX_JSON_DEPTH)
          return `nested deeper than ${MAX_JSON_DEPTH} (at byte ${this._offset + i})`;
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) this._depth--;
    }
    this._offset += n;
    return '';
  }

  /** Where {@link _slowString} stopped: the closing quote, or the chunk's end. */
  private _stringEnd = 0;

  /** Reads a key (keeping its first bytes) or an int64 value string (counting its digits). */
  private _slowString(chunk: Uint8Array, from: number): string {
    const n = chunk.length;
    let i = from;
    for (; i < n; i++) {
      const c = chunk[i];
      if (c === QUOTE) {
        this._inString = false;
        break;
      }
      if (c === BACKSLASH) {
        if (i + 1 === n) this._escape = true;
        i++;
        this._keyLength = KEY_BYTES + 1;
        continue;
      }
      if (this._readingKey) {
        if (this._keyLength < KEY_BYTES) this._key[this._keyLength] = c;
        this._keyLength++;
      } else if (++this._digits > MAX_JSON_NUMBER_CHARS) {
        return `an integer longer than ${MAX_JSON_NUMBER_CHARS} characters at byte ${this._offset + i - this._digits + 1}`;
      }
    }
    this._stringEnd = i;
    return '';
  }
}

const COLON = 0x3a;
/** Bytes of a key kept: enough for the longest int64 field name. */
const KEY_BYTES = 24;
/** OTLP/JSON fields whose values are int64 or uint64 written as decimal strings. */
const INT64_KEYS = [
  'intValue',
  'int_value',
  'startTimeUnixNano',
  'start_time_unix_nano',
  'endTimeUnixNano',
  'end_time_unix_nano',
  'timeUnixNano',
  'time_unix_nano',
].map(k => Buffer.from(k, 'latin1'));

function isInt64Key(key: Uint8Array, length: number): boolean {
  if (length > KEY_BYTES) return false;
  for (const k of INT64_KEYS) {
    if (k.length !== length) continue;
    let same = true;
    for (let j = 0; j < length && same; j++) same = k[j] === key[j];
    if (same) return true;
  }
  return false;
}

/** {@link JsonBoundsChecker} over a whole body at once. */
export function checkJsonBounds(body: Uint8Array): string {
  return new JsonBoundsChecker().write(body);
}

/** `message` cut to {@link MAX_ERROR_CHARS} characters. */
export function clipMessage(message: string): string {
  return message.length <= MAX_ERROR_CHARS
    ? message
    : `${message.slice(0, MAX_ERROR_CHARS - 3)}...`;
}

/**
 * Whether a decimal integer string (an optional `-`, digits) has at most
 * `maxDigits` significant digits, leading zeros aside: checked before any
 * `BigInt`, whose parse grows with the square of the length.
 */
export function shortInteger(s: string, maxDigits: number): boolean {
  let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 0x30) i++;
  return s.length - i <= maxDigits;
}
