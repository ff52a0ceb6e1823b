import * as assert from 'node:assert';
import {
  checkJsonBounds,
  JsonBoundsChecker,
  MAX_ERROR_CHARS,
  MAX_JSON_CONTAINERS,
  MAX_JSON_DEPTH,
  MAX_JSON_NUMBER_CHARS,
  shortInteger,
} from '../../src/otlp/json-limits';
import { JsonTraceDecoder } from '../../src/otlp/json-trace-decoder';
import { RecordingSink } from './recording-sink';

/** How long a hostile request may take to refuse (CI bound, on a loaded machine; BigInt took seconds). */
const HOSTILE_MS = 1_000;

const bytes = (s: string) => Buffer.from(s, 'utf8');

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

function span(fields: Record<string, unknown>): string {
  return JSON.stringify({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                name: 'GET /',
                kind: 2,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000000250000000',
                ...fields,
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('json-limits', () => {
  describe('checkJsonBounds', () => {
    it('should accept what OTLP/JSON exporters write', () => {
      assert.strictEqual(checkJsonBounds(bytes(span({ attributes: [] }))), '');
      assert.strictEqual(
        checkJsonBounds(bytes('{"a":"[[[[{{{{ 1111111111111111111111111111111111111"}')),
        ''
      );
      assert.strictEqual(
        checkJsonBounds(bytes('{"d":-1.2345678901234567e-308,"i":"18446744073709551615"}')),
        ''
      );
    });

    it('should refuse a number longer than the longest int64 or double, naming the byte', () => {
      const doc = `{"x":${'9'.repeat(MAX_JSON_NUMBER_CHARS + 1)}}`;
      assert.strictEqual(
        checkJsonBounds(bytes(doc)),
        `a number longer than ${MAX_JSON_NUMBER_CHARS} characters at byte 5`
      );
      assert.strictEqual(checkJsonBounds(bytes(`{"x":${'9'.repeat(MAX_JSON_NUMBER_CHARS)}}`)), '');
    });

    it('should refuse more objects and arrays than the bound, and deeper nesting', () => {
      const many = `[${'{},'.repeat(MAX_JSON_CONTAINERS)}{}]`;
      assert.match(
        checkJsonBounds(bytes(many)),
        /^more than 1048576 objects and arrays \(at byte \d+\)/
      );
      const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
      assert.strictEqual(
        checkJsonBounds(bytes(deep)),
        `nested deeper than ${MAX_JSON_DEPTH} (at byte ${MAX_JSON_DEPTH})`
      );
      const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
      assert.strictEqual(checkJsonBounds(bytes(ok)), '');
    });

    it('should refuse an int64 field written as a string of more than 32 digits, and only those', () => {
      assert.match(
        checkJsonBounds(bytes(span({ endTimeUnixNano: '1'.repeat(33) }))),
        /^an integer longer than 32 characters at byte \d+$/
      );
      assert.strictEqual(checkJsonBounds(bytes(span({ endTimeUnixNano: '1'.repeat(32) }))), '');
      const attr = { attributes: [{ key: 'id', value: { stringValue: '1'.repeat(100) } }] };
      assert.strictEqual(checkJsonBounds(bytes(span(attr))), '');
      // the same, fed one byte at a time
      const checker = new JsonBoundsChecker();
      const doc = bytes(span({ startTimeUnixNano: '9'.repeat(40) }));
      let refused = '';
      for (let i = 0; i < doc.length && refused === ''; i++)
        refused = checker.write(doc.subarray(i, i + 1));
      assert.strictEqual(refused, checkJsonBounds(doc));
    });

    it('should skip strings, escaped quotes included', () => {
      assert.strictEqual(checkJsonBounds(bytes(`{"a":"\\"${'['.repeat(500)}"}`)), '');
    });
  });

  describe('shortInteger', () => {
    it('should count significant digits, sign and leading zeros aside', () => {
      assert.strictEqual(shortInteger('18446744073709551615', 20), true);
      assert.strictEqual(shortInteger('-000000000000000000000000001', 20), true);
      assert.strictEqual(shortInteger('184467440737095516150', 20), false);
      assert.strictEqual(shortInteger('0', 20), true);
    });
  });

  describe('JsonTraceDecoder with hostile numbers', () => {
    const decode = (text: string, boundsChecked = false) =>
      timed(() => new JsonTraceDecoder(new RecordingSink([])).ingest(bytes(text), boundsChecked));

    it('should refuse an intValue of two million digits at once, echoing a short prefix', () => {
      const giant = '1'.repeat(2_000_000);
      const doc = span({ attributes: [{ key: 'n', value: { intValue: giant } }] });
      // refused by the bounds on the bytes, at the 33rd digit
      const r = decode(doc);
      assert.match(r.value.error, /^an integer longer than 32 characters at byte \d+$/);
      assert.ok(r.ms < HOSTILE_MS, `${r.ms} ms`);
      assert.strictEqual(r.value.accepted, 0);
      // and by the decoder's own check, before any BigInt, when the bytes were not checked
      const d = decode(doc, true);
      assert.match(d.value.error, /intValue: integer out of range: "1111111111/);
      assert.ok(d.value.error.length <= MAX_ERROR_CHARS, d.value.error);
      assert.ok(d.ms < HOSTILE_MS, `${d.ms} ms`);
    });

    it('should refuse a time of two million digits at once', () => {
      for (const field of ['startTimeUnixNano', 'endTimeUnixNano']) {
        const doc = span({ [field]: '7'.repeat(2_000_000) });
        assert.match(decode(doc).value.error, /^an integer longer than 32 characters at byte \d+$/);
        const r = decode(doc, true);
        assert.match(r.value.error, new RegExp(`${field}: expected unix nanoseconds`));
        assert.ok(r.value.error.length <= MAX_ERROR_CHARS);
        assert.ok(r.ms < HOSTILE_MS, `${r.ms} ms`);
      }
      // 2^64 itself is out of range for a uint64
      assert.match(
        decode(span({ endTimeUnixNano: '18446744073709551616' })).value.error,
        /endTimeUnixNano/
      );
    });

    it('should refuse a bare number of two million digits before parsing it', () => {
      const r = decode(span({ kind: 2 }).replace('"kind":2', `"kind":${'2'.repeat(2_000_000)}`));
      assert.match(r.value.error, /^a number longer than 32 characters at byte \d+$/);
      assert.ok(r.ms < HOSTILE_MS, `${r.ms} ms`);
    });

    it('should clip the parser message of invalid JSON', () => {
      const r = decode(`{"x":"${'a'.repeat(100_000)}`);
      assert.match(r.value.error, /^invalid JSON: /);
      assert.ok(r.value.error.length <= MAX_ERROR_CHARS);
    });
  });
});
