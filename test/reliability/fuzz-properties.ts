/**
 * The fuzzing properties, shared by the short CI run (fuzz.test.ts) and the
 * long on-demand run (fuzz.run.ts, `npm run fuzz`). Each property feeds random
 * or mutated input to a decoder or the spec loader and checks that it returns
 * a result or a clear error: no throw, no hang (every case is timed), no span
 * recorded from a request that is reported malformed, and the same
 * classification as an independent reference decoder when both accept.
 */
import * as assert from 'node:assert';
import { parseSpec, SloEngine, SpecError, type SloSpec, type SpanView } from '@burnrate/core';
import { JsonTraceDecoder, ProtoTraceDecoder, type IngestResult } from '@burnrate/collector';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as fc from 'fast-check';
import { makeFixture, SPEC, SPEC_TEXT } from '../collector/fixture';
import { mutateBytes, mutateJsonDocument, mutateJsonText, Rng } from './mutate';
import {
  referenceJsonSpans,
  referenceProtoSpans,
  referenceTotals,
  totals,
  usable,
} from './otlp-reference';

/** Longest time one fuzz case may take (a decoder that loops fails this, or the test timeout). */
export const CASE_TIME_LIMIT_MS = 250;

/** A fixed "now", so that the fixture spans are inside every window. */
export const FUZZ_NOW_MS = Date.UTC(2026, 4, 1, 12, 0, 0);
const clock = { now: () => FUZZ_NOW_MS };

let fixtureSpans: ReadableSpan[] | undefined;
function spans(): ReadableSpan[] {
  fixtureSpans ??= makeFixture(FUZZ_NOW_MS).spans;
  return fixtureSpans;
}

/** A valid OTLP request body of 1 to 8 fixture spans chosen by `rng`. */
export function validBody(rng: Rng, json: boolean): Buffer {
  const all = spans();
  const n = 1 + rng.int(8);
  const chosen: ReadableSpan[] = [];
  for (let i = 0; i < n; i++) chosen.push(all[rng.int(all.length)]);
  const serializer = json ? JsonTraceSerializer : ProtobufTraceSerializer;
  return Buffer.from(serializer.serializeRequest(chosen)!);
}

/** An engine wrapper that counts the spans handed to it. */
class CountingEngine {
  readonly engine = new SloEngine({ spec: SPEC, clock });
  recorded = 0;
  record(span: SpanView): number {
    this.recorded++;
    return this.engine.record(span);
  }
}

/** Runs `fn`, failing when it takes longer than {@link CASE_TIME_LIMIT_MS}. */
function timed<T>(what: string, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  const ms = performance.now() - t0;
  assert.ok(ms < CASE_TIME_LIMIT_MS, `${what} took ${ms.toFixed(0)} ms`);
  return out;
}

/** Checks what an ingest returned against what the sink saw. */
function checkResult(r: IngestResult, sink: CountingEngine, where: RegExp): void {
  assert.strictEqual(typeof r.error, 'string');
  if (r.error !== '') {
    assert.strictEqual(sink.recorded, 0, `a malformed request recorded spans: ${r.error}`);
    assert.strictEqual(r.accepted, 0);
    assert.ok(where.test(r.error), `the error does not say where: ${r.error}`);
    assert.ok(r.error.length < 1000, 'the error is short');
  } else {
    assert.strictEqual(sink.recorded, r.accepted);
    assert.strictEqual(r.accepted + r.rejected, r.spans);
    assert.ok(r.rejected === 0 || r.rejectMessage.includes('spans['), r.rejectMessage);
  }
}

const PROTO_WHERE = /^(ExportTraceServiceRequest|resource_spans\[\d+\]|cannot decode)/;
/** A JSON error names a field path, or the byte where a bound was passed. */
const JSON_WHERE =
  /^(invalid JSON|ExportTraceServiceRequest|resourceSpans|cannot decode)|at byte \d+/;

/** Feeds one protobuf body to a fresh decoder; checks the result and, when protobufjs reads it too, the classification. */
export function checkProtoBody(body: Buffer): IngestResult {
  const sink = new CountingEngine();
  const r = timed('protobuf decode', () => new ProtoTraceDecoder(sink).ingest(body));
  checkResult(r, sink, PROTO_WHERE);
  if (r.error === '') {
    let ref;
    try {
      ref = referenceProtoSpans(body);
    } catch {
      return r; // protobufjs is stricter on fields the collector skips
    }
    assert.strictEqual(r.spans, ref.length, 'span count differs from protobufjs');
    assert.strictEqual(
      r.accepted,
      ref.filter(usable).length,
      'usable spans differ from protobufjs'
    );
    assert.deepStrictEqual(
      totals(sink.engine),
      referenceTotals(SPEC, ref, clock),
      'classification differs from the protobufjs reference'
    );
  }
  return r;
}

/** Feeds one JSON body to a fresh decoder; checks the result and the classification against `JSON.parse`. */
export function checkJsonBody(body: Buffer): IngestResult {
  const sink = new CountingEngine();
  const r = timed('JSON decode', () => new JsonTraceDecoder(sink).ingest(body));
  checkResult(r, sink, JSON_WHERE);
  if (r.error === '') {
    const ref = referenceJsonSpans(body);
    assert.strictEqual(r.spans, ref.length, 'span count differs from the JSON reference');
    assert.strictEqual(r.accepted, ref.filter(usable).length);
    assert.deepStrictEqual(
      totals(sink.engine),
      referenceTotals(SPEC, ref, clock),
      'classification differs from the JSON reference'
    );
  }
  return r;
}

/** Loads one spec text: a spec or a `SpecError` naming where, nothing else. */
export function checkSpecText(text: string): void {
  // the yaml package warns (process.emitWarning) about collection keys; keep CI output readable
  const emitWarning = process.emitWarning;
  process.emitWarning = () => undefined;
  try {
    checkSpecTextQuietly(text);
  } finally {
    process.emitWarning = emitWarning;
  }
}

function checkSpecTextQuietly(text: string): void {
  timed('spec parse', () => {
    try {
      const spec: SloSpec = parseSpec(text, 'fuzz.yaml');
      assert.ok(spec.slos.length > 0);
    } catch (e) {
      if (!(e instanceof SpecError))
        throw new Error(
          `parseSpec threw ${(e as Error).name}: ${(e as Error).message}\ninput: ${JSON.stringify(text.slice(0, 300))}`
        );
      assert.ok(e.issues.length > 0);
      // (an empty YAML key gives an empty path today; reported to core)
      for (const i of e.issues) assert.ok(typeof i.path === 'string' && i.message.length > 0);
    }
  });
}

/** A named fuzz property; `run` throws (fast-check's report, with seed and counterexample) on failure. */
export interface FuzzProperty {
  name: string;
  run(numRuns: number, seed?: number): void;
}

const SPEC_PIECES = [
  'slos:',
  '  - name: a',
  '    objective: 99.9',
  '    window: 28d',
  '    sli:',
  '      spans:',
  '        routes: ["GET /x"]',
  '      good:',
  '        status: ok',
  '        latency: 300ms',
  '    target: 0.99',
  '    calendar: month',
  'collector:',
  '  maxSeries: 10',
  '&a [*a, *a]',
  '<<: *b',
  '!!binary AAAA',
  '? complex',
  '- [[[[[[',
  '"\\u0000"',
  '  budgeting: timeslices',
  'apiVersion: openslo/v1',
  'kind: SLO',
  '---',
  'objective: .nan',
  'window: -1d',
  '~',
];

/** Options of {@link fuzzProperties}. */
export interface FuzzOptions {
  /**
   * Whether spec inputs may hold YAML aliases (`*name`); unresolved or excessive
   * aliases must give a `SpecError` like any other bad input.
   */
  yamlAliases: boolean;
}

/** Every fuzz property. */
export function fuzzProperties(options: FuzzOptions): FuzzProperty[] {
  const yaml = (text: string) => (options.yamlAliases ? text : text.replace(/\*/g, '.'));
  const assertProp = (
    p: fc.IProperty<never> | fc.IProperty<unknown[]>,
    numRuns: number,
    seed?: number
  ) => fc.assert(p as fc.IProperty<unknown>, { numRuns, seed, endOnFailure: true });
  return [
    {
      name: 'protobuf decoder: random bytes',
      run: (numRuns, seed) =>
        assertProp(
          fc.property(fc.uint8Array({ maxLength: 512 }), b => void checkProtoBody(Buffer.from(b))),
          numRuns,
          seed
        ),
    },
    {
      name: 'protobuf decoder: mutated exporter bodies, same classification as protobufjs',
      run: (numRuns, seed) =>
        assertProp(
          fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), s => {
            const rng = new Rng(s);
            void checkProtoBody(mutateBytes(validBody(rng, false), rng));
          }),
          numRuns,
          seed
        ),
    },
    {
      name: 'JSON decoder: random JSON values',
      run: (numRuns, seed) =>
        assertProp(
          fc.property(
            fc.jsonValue({ maxDepth: 6 }),
            v => void checkJsonBody(Buffer.from(JSON.stringify(v) ?? 'null'))
          ),
          numRuns,
          seed
        ),
    },
    {
      name: 'JSON decoder: random text',
      run: (numRuns, seed) =>
        assertProp(
          fc.property(fc.string({ maxLength: 300 }), t => void checkJsonBody(Buffer.from(t))),
          numRuns,
          seed
        ),
    },
    {
      name: 'JSON decoder: mutated exporter bodies, same classification as JSON.parse',
      run: (numRuns, seed) =>
        assertProp(
          fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), s => {
            const rng = new Rng(s);
            const body = validBody(rng, true);
            const text =
              rng.int(3) === 0
                ? mutateJsonText(body.toString('utf8'), rng)
                : mutateJsonDocument(JSON.parse(body.toString('utf8')), rng);
            void checkJsonBody(Buffer.from(text));
          }),
          numRuns,
          seed
        ),
    },
    {
      name: 'spec loader: random text',
      run: (numRuns, seed) =>
        assertProp(
          fc.property(fc.string({ maxLength: 400 }), t => checkSpecText(yaml(t))),
          numRuns,
          seed
        ),
    },
    {
      name: 'spec loader: random JSON values as YAML',
      run: (numRuns, seed) =>
        assertProp(
          fc.property(fc.jsonValue({ maxDepth: 5 }), v => checkSpecText(JSON.stringify(v) ?? '')),
          numRuns,
          seed
        ),
    },
    {
      name: 'spec loader: mutated and spliced specs',
      run: (numRuns, seed) =>
        assertProp(
          fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), s => {
            const rng = new Rng(s);
            const lines = SPEC_TEXT.split('\n');
            for (let i = 1 + rng.int(4); i > 0; i--) {
              const at = rng.int(lines.length + 1);
              const op = rng.int(3);
              if (op === 0) lines.splice(at, 0, rng.pick(SPEC_PIECES));
              else if (op === 1) lines.splice(at, 1);
              else lines[at] = mutateJsonText(lines[at] ?? '', rng);
            }
            checkSpecText(yaml(lines.join('\n')));
          }),
          numRuns,
          seed
        ),
    },
  ];
}
