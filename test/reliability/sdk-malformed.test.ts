import * as assert from 'node:assert';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { SloSpanProcessor } from '@burnrate/otel';
import { Rng } from './mutate';

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const NOW = Date.UTC(2026, 4, 1, 12, 0, 0);
const clock = { now: () => NOW };
const SPEC = {
  slos: [
    {
      name: 'all-server',
      objective: 99,
      window: '28d',
      sli: { spans: { kind: 'server' }, good: { status: 'ok' } },
    },
  ],
};

type Outcome = 'ineligible' | 'good' | 'bad' | 'invalid' | 'future' | 'too_old';

const HUGE = 'x'.repeat(1 << 20);
const hr = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1e6];

/** Time pairs: [endTime, duration, what they make of an eligible span]. */
const TIMES: Array<[unknown, unknown, Outcome | 'valid']> = [
  [hr(NOW - 1_000), [0, 5e6], 'valid'],
  [hr(NOW - 1_000), [0, 0], 'valid'],
  [undefined, [0, 5e6], 'invalid'],
  [hr(NOW - 1_000), undefined, 'invalid'],
  [[NaN, 0], [0, 1], 'invalid'],
  [hr(NOW - 1_000), [NaN, 0], 'invalid'],
  [hr(NOW - 1_000), [-1, 0], 'invalid'],
  [[Infinity, 0], [0, 1], 'invalid'],
  [hr(NOW - 1_000), [Infinity, 0], 'invalid'],
  ['yesterday', [0, 1], 'invalid'],
  [[1, 'a'], [0, 1], 'invalid'],
  [null, null, 'invalid'],
  [[0, 0], [0, 1], 'invalid'],
  [hr(NOW + 3_600_000), [0, 1], 'future'],
  [hr(NOW - 60 * 86_400_000), [0, 1], 'too_old'],
];

const STATUS_ATTRS: Array<[unknown, boolean]> = [
  [undefined, true],
  [200, true],
  [404, true],
  [503, false],
  ['503', false],
  ['500x', true],
  [599.5, true],
  [NaN, true],
  [-500, true],
  [null, true],
  [{ code: 500 }, true],
  [[500], true],
  [5_000_000_000n, true],
];

const KINDS: Array<[unknown, boolean]> = [
  [1, true],
  [0, false],
  [2, false],
  [99, false],
  [-1, false],
  ['1', false],
  [undefined, false],
  [null, false],
  [1.5, false],
];

/** A malformed span and the outcome the rules give it. */
function makeSpan(rng: Rng): { span: ReadableSpan; expected: Outcome } {
  if (rng.int(50) === 0) {
    // a span whose every property read throws
    const span = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      }
    ) as ReadableSpan;
    return { span, expected: 'invalid' };
  }
  const [endTime, duration, timeOutcome] = rng.pick(TIMES);
  const [kind, eligible] = rng.pick(KINDS);
  const [http, httpGood] = rng.pick(STATUS_ATTRS);
  const statusCode = rng.pick([0, 1, 2, 2, 7, undefined, '2', NaN]);
  const attributes: Record<string, unknown> | null | undefined =
    rng.int(20) === 0
      ? rng.pick([null, undefined])
      : {
          ...(http !== undefined ? { 'http.response.status_code': http } : {}),
          'http.route': rng.int(30) === 0 ? HUGE : rng.pick(['/a', '', 42, null, ['/b']]),
          'http.request.method': rng.pick(['GET', 'get', 7, undefined, HUGE.slice(0, 1000)]),
          [rng.int(10) === 0 ? HUGE.slice(0, 10_000) : 'x']: rng.pick([1, 'a', {}, []]),
        };
  const span = {
    name: rng.pick(['GET /a', '', undefined, 12, HUGE]),
    kind,
    endTime,
    duration,
    startTime: rng.pick([[0, 0], undefined, 'x']),
    status: rng.int(15) === 0 ? rng.pick([null, undefined, 'ERROR']) : { code: statusCode },
    attributes,
    resource: rng.pick([
      undefined,
      null,
      { attributes: { 'service.name': rng.pick(['api', 12, undefined, HUGE]) } },
      { attributes: null },
    ]),
  } as unknown as ReadableSpan;
  let expected: Outcome;
  if (!eligible) expected = 'ineligible';
  else if (timeOutcome !== 'valid') expected = timeOutcome;
  else {
    // on a server span a 4xx is the caller's error: it decides over span status ERROR
    const spanError = statusCode === 2 && http !== 404;
    expected = spanError || !httpGood ? 'bad' : 'good';
  }
  return { span, expected };
}

describe('reliability: malformed spans through SloSpanProcessor.onEnd', () => {
  it('should count or drop each of 10,000 malformed spans by the rules, and never throw', async () => {
    const reader = new TestReader();
    const processor = new SloSpanProcessor({
      spec: SPEC,
      meterProvider: new MeterProvider({ readers: [reader] }),
      clock,
    });
    const rng = new Rng(7);
    const expected: Record<Outcome, number> = {
      ineligible: 0,
      good: 0,
      bad: 0,
      invalid: 0,
      future: 0,
      too_old: 0,
    };
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) {
      const { span, expected: e } = makeSpan(rng);
      expected[e]++;
      processor.onEnd(span); // must not throw
    }
    const ms = performance.now() - t0;
    const s = processor.engine.snapshot(NOW)[0];
    assert.strictEqual(s.totals.good, expected.good);
    assert.strictEqual(s.totals.bad, expected.bad);
    assert.deepStrictEqual(
      { ...processor.dropped },
      { too_old: expected.too_old, future: expected.future, invalid: expected.invalid }
    );
    for (const k of Object.keys(expected) as Outcome[])
      assert.ok(expected[k] > 40, `the mix covers ${k}: ${JSON.stringify(expected)}`);
    assert.ok(ms < 5_000, `10,000 spans took ${ms.toFixed(0)} ms`);

    // the metrics read the same numbers
    const { resourceMetrics, errors } = await reader.collect();
    assert.deepStrictEqual(errors, []);
    const events = resourceMetrics.scopeMetrics
      .flatMap(m => m.metrics)
      .find(m => m.descriptor.name === 'slo.events')!;
    const bad = events.dataPoints.find(p => p.attributes['slo.outcome'] === 'bad')!;
    assert.strictEqual(bad.value, expected.bad);

    // forceFlush is bounded, shutdown twice is harmless, spans after shutdown are ignored
    const f0 = performance.now();
    await processor.forceFlush();
    assert.ok(performance.now() - f0 < 100);
    const first = processor.shutdown();
    const second = processor.shutdown();
    assert.strictEqual(first, second);
    await first;
    await second;
    await processor.forceFlush();
    const seen = processor.engine.spansSeen;
    processor.onEnd(makeSpan(new Rng(1)).span);
    assert.strictEqual(processor.engine.spansSeen, seen, 'nothing is counted after shutdown');
  });
});
