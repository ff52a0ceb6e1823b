import * as assert from 'node:assert';
import {
  KEPT_SPAN_BYTES,
  parseSpec,
  SloEngine,
  TRACE_BYTES,
  type Clock,
  type SpanView,
} from '../../src';
import { span, type TestSpan } from '../span-view';

const NOW = Date.UTC(2026, 5, 1, 12);
const SPEC = `
slos:
  - name: checkout-journey
    service: web
    objective: 99.5
    window: 28d
    alerting: { minEvents: 0 }
    sli:
      trace:
        entry: { routes: ["POST /checkout"] }
        mustSucceed: [ { service: payments }, { service: web, kind: client } ]
        decisionWait: 10s
      good: { status: ok, latency: 2s }
  - name: web-availability
    service: web
    objective: 99
    window: 28d
    sli:
      spans: { routes: ["POST /checkout"] }
      good: { status: ok }
`;

interface Clk extends Clock {
  t: number;
}

function clockAt(t: number): Clk {
  return {
    t,
    now() {
      return this.t;
    },
  };
}

/** A span of trace `trace` that started `start` ms after NOW and lasted `ms`. */
function part(
  trace: string,
  id: string,
  service: string,
  start: number,
  ms: number,
  extra: TestSpan & { root?: boolean } = {}
): SpanView {
  return {
    ...span({
      serviceName: service,
      traceId: trace,
      spanId: id,
      endTimeMs: NOW + start + ms,
      durationMs: ms,
      ...extra,
    }),
    hasParent: extra.root !== true,
  };
}

const entry = (trace: string, start: number, ms: number, status = 200): SpanView =>
  part(trace, `${trace}-e`, 'web', start, ms, {
    root: true,
    attributes: {
      'http.request.method': 'POST',
      'http.route': '/checkout',
      'http.response.status_code': status,
    },
  });

const payment = (trace: string, start: number, ms: number, status = 200): SpanView =>
  part(trace, `${trace}-p`, 'payments', start, ms, {
    kind: 1,
    serviceVersion: '1.4.0',
    attributes: {
      'http.request.method': 'POST',
      'http.route': '/pay',
      'http.response.status_code': status,
    },
  });

function setup(options: Partial<ConstructorParameters<typeof SloEngine>[0]> = {}) {
  const clock = clockAt(NOW);
  const engine = new SloEngine({ spec: parseSpec(SPEC), clock, ...options });
  return { clock, engine, journeys: engine.journeys! };
}

describe('JourneyAssembler', () => {
  describe('.add', () => {
    it('should decide a trace once decisionWait passed without new spans after its entry', () => {
      const { clock, engine, journeys } = setup();
      engine.record(payment('t1', 100, 300));
      engine.record(entry('t1', 0, 500));
      clock.t += 9_999;
      assert.strictEqual(engine.snapshot()[0].eligible, 0);
      assert.strictEqual(journeys.tracesInFlight, 1);
      clock.t += 1;
      const [j, perSpan] = engine.snapshot();
      assert.deepStrictEqual([j.good, j.bad], [1, 0]);
      // the per-span SLO counts the entry span by itself, the journey SLO never per span
      assert.deepStrictEqual([perSpan.good, perSpan.bad], [1, 0]);
      assert.strictEqual(journeys.tracesInFlight, 0);
      assert.deepStrictEqual(journeys.counts.ended, {
        decided: 1,
        decided_early: 0,
        not_journey: 0,
        no_entry: 0,
      });
    });

    it('should wait again when a span arrives during decisionWait', () => {
      const { clock, engine } = setup();
      engine.record(entry('t1', 0, 500));
      clock.t += 9_000;
      engine.record(payment('t1', 100, 300, 503));
      clock.t += 9_000;
      assert.strictEqual(engine.snapshot()[0].eligible, 0);
      clock.t += 1_000;
      const [j] = engine.snapshot();
      assert.deepStrictEqual([j.good, j.bad], [0, 1]);
    });

    it('should count a journey whose entry is fine but whose payment span failed as bad, under the payment span', () => {
      const { clock, engine } = setup();
      engine.record(payment('t1', 100, 300, 503));
      engine.record(entry('t1', 0, 500, 200));
      clock.t += 10_000;
      const [j] = engine.snapshot();
      assert.deepStrictEqual([j.good, j.bad], [0, 1]);
      const ex = engine.explain('checkout-journey')!;
      assert.strictEqual(ex.top.length, 1);
      assert.deepStrictEqual(
        [ex.top[0].route, ex.top[0].code, ex.top[0].reason, ex.top[0].version],
        ['POST /pay', 503, 'failed:payments', '1.4.0']
      );
      assert.deepStrictEqual(ex.exemplars, [{ traceId: 't1', spanId: 't1-p', timeMs: clock.t }]);
    });

    it('should count a slow journey of fast spans as bad by the journey latency', () => {
      const { clock, engine } = setup();
      // every span well under 2 s, the journey 0 .. 2,500 ms
      engine.record(entry('t1', 0, 900));
      engine.record(payment('t1', 1_000, 800));
      engine.record(part('t1', 'x', 'stock', 2_000, 500));
      clock.t += 10_000;
      const [j] = engine.snapshot();
      assert.deepStrictEqual([j.good, j.bad], [0, 1]);
      const ex = engine.explain('checkout-journey')!;
      assert.deepStrictEqual([ex.top[0].route, ex.top[0].reason], ['POST /checkout', 'latency']);
    });

    it('should count a journey of exactly the latency threshold as good', () => {
      const { clock, engine } = setup();
      engine.record(entry('t1', 0, 1_000));
      engine.record(payment('t1', 1_500, 500));
      clock.t += 10_000;
      assert.deepStrictEqual([engine.snapshot()[0].good, engine.snapshot()[0].bad], [1, 0]);
    });

    it('should judge the entry status: a 5xx entry is bad by status', () => {
      const { clock, engine } = setup();
      engine.record(entry('t1', 0, 100, 502));
      clock.t += 10_000;
      const ex = engine.explain('checkout-journey')!;
      assert.deepStrictEqual([ex.bad, ex.top[0].reason, ex.top[0].code], [1, 'status', 502]);
    });

    it('should treat spans that match no mustSucceed selector as free to fail', () => {
      const { clock, engine } = setup();
      engine.record(entry('t1', 0, 100));
      engine.record(part('t1', 's', 'stock', 10, 20, { statusCode: 2 }));
      // a web server span that failed is not a web client span
      engine.record(part('t1', 'i', 'web', 10, 20, { statusCode: 2, kind: 0 }));
      engine.record(part('t1', 'c', 'web', 10, 20, { statusCode: 0, kind: 2 }));
      clock.t += 10_000;
      assert.deepStrictEqual([engine.snapshot()[0].good, engine.snapshot()[0].bad], [1, 0]);
      engine.record(entry('t2', 0, 100));
      engine.record(part('t2', 'c', 'web', 10, 20, { statusCode: 2, kind: 2 }));
      clock.t += 10_000;
      const ex = engine.explain('checkout-journey')!;
      assert.deepStrictEqual([ex.bad, ex.top[0].reason], [1, 'failed:web']);
    });

    it('should assemble spans arriving out of order and count late spans by reason without counting again', () => {
      const { clock, engine, journeys } = setup();
      // children first, the entry last, interleaved with another trace
      engine.record(payment('t1', 200, 100));
      engine.record(payment('t2', 200, 100, 500));
      clock.t += 5_000;
      engine.record(entry('t2', 0, 400));
      engine.record(part('t1', 'x', 'stock', 50, 100));
      clock.t += 5_000;
      engine.record(entry('t1', 0, 400));
      clock.t += 5_000;
      // t2 is quiet for 10 s: decided; t1 waits 5 s more
      let [j] = engine.snapshot();
      assert.deepStrictEqual([j.good, j.bad], [0, 1]);
      clock.t += 5_000;
      [j] = engine.snapshot();
      assert.deepStrictEqual([j.good, j.bad], [1, 1]);
      // a late failing payment span of t1 changes nothing, and is counted
      engine.record(payment('t1', 300, 100, 503));
      clock.t += 20_000;
      [j] = engine.snapshot();
      assert.deepStrictEqual([j.good, j.bad], [1, 1]);
      assert.strictEqual(journeys.counts.late.decided, 1);
      assert.strictEqual(journeys.tracesInFlight, 0);
    });

    it('should take the earliest-starting matching span as the entry', () => {
      const { clock, engine } = setup();
      // a retried checkout inside the trace: the first (failed) one is the entry
      engine.record(entry('t1', 1_000, 100, 200));
      engine.record(entry('t1', 0, 100, 503));
      clock.t += 10_000;
      assert.strictEqual(engine.snapshot()[0].bad, 1);
    });

    it('should drop a trace whose entry span never arrives after maxTraceAge, counted', () => {
      const { clock, engine, journeys } = setup({ maxTraceAgeMs: 60_000 });
      engine.record(payment('t1', 0, 100));
      clock.t += 59_999;
      engine.snapshot();
      assert.strictEqual(journeys.tracesInFlight, 1);
      clock.t += 1;
      const [j] = engine.snapshot();
      assert.strictEqual(j.eligible, 0);
      assert.strictEqual(journeys.tracesInFlight, 0);
      assert.strictEqual(journeys.counts.ended.no_entry, 1);
      // the entry arriving now is late: counted, not a journey
      engine.record(entry('t1', 0, 200));
      clock.t += 60_000;
      assert.strictEqual(engine.snapshot()[0].eligible, 0);
      assert.strictEqual(journeys.counts.late.no_entry, 1);
    });

    it('should forget a trace whose root came and matched no entry after decisionWait', () => {
      const { clock, engine, journeys } = setup();
      engine.record(part('t1', 'r', 'batch', 0, 100, { root: true }));
      clock.t += 10_000;
      engine.snapshot();
      assert.strictEqual(journeys.counts.ended.not_journey, 1);
      assert.strictEqual(journeys.tracesInFlight, 0);
    });

    it('should decide the oldest traces early at maxTracesInFlight, counted', () => {
      const { clock, engine, journeys } = setup({ maxTracesInFlight: 100 });
      for (let i = 0; i < 150; i++) {
        engine.record(entry(`t${i}`, 0, 100, i < 50 ? 503 : 200));
        clock.t += 1;
      }
      assert.strictEqual(journeys.tracesInFlight, 100);
      assert.strictEqual(journeys.counts.ended.decided_early, 50);
      // the first 50 (all bad) were decided early, at once
      assert.deepStrictEqual([engine.snapshot()[0].good, engine.snapshot()[0].bad], [0, 50]);
      clock.t += 10_000;
      const [j] = engine.snapshot();
      assert.deepStrictEqual([j.good, j.bad], [100, 50]);
      assert.strictEqual(journeys.counts.ended.decided, 100);
    });

    it('should keep the estimated bytes under maxTraceBufferBytes', () => {
      const { journeys, engine } = setup({ maxTraceBufferBytes: 10_000 });
      for (let i = 0; i < 1_000; i++) {
        engine.record(entry(`t${i}`, 0, 100));
        engine.record(payment(`t${i}`, 10, 50, 500));
      }
      // each trace: its record and two kept spans (entry, failing payment)
      const perTrace = TRACE_BYTES + 2 * KEPT_SPAN_BYTES;
      assert.ok(journeys.bufferBytes <= 10_000, `${journeys.bufferBytes} bytes`);
      assert.strictEqual(journeys.bufferBytes, journeys.tracesInFlight * perTrace);
      assert.strictEqual(journeys.tracesInFlight, Math.floor(10_000 / perTrace));
      assert.strictEqual(journeys.counts.ended.decided_early + journeys.tracesInFlight, 1_000);
      assert.strictEqual(engine.snapshot()[0].bad, journeys.counts.ended.decided_early);
    });

    it('should count a journey under its entry span weight', () => {
      const { clock, engine } = setup();
      engine.record(entry('t1', 0, 100), 10);
      engine.record(payment('t1', 10, 10), 10);
      clock.t += 10_000;
      assert.strictEqual(engine.snapshot()[0].good, 10);
    });

    it('should ignore spans without a trace id, counted', () => {
      const { engine, journeys } = setup();
      engine.record(span({ serviceName: 'web' }));
      assert.strictEqual(journeys.counts.noTraceId, 1);
      assert.strictEqual(journeys.tracesInFlight, 0);
    });
  });

  describe('root entries', () => {
    const ROOT_SPEC = `
slos:
  - name: web-journey
    service: web
    objective: 99
    window: 7d
    sli:
      trace: { decisionWait: 1s }
      good: { status: ok }
`;
    it('should take the root span of the service as entry, and forget other roots at once', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: parseSpec(ROOT_SPEC), clock });
      const journeys = engine.journeys!;
      engine.record(part('a', 'c', 'payments', 10, 10, { statusCode: 2 }));
      engine.record(part('a', 'r', 'web', 0, 100, { root: true }));
      engine.record(part('b', 'r', 'cron', 0, 100, { root: true }));
      assert.strictEqual(journeys.counts.ended.not_journey, 1);
      assert.strictEqual(journeys.tracesInFlight, 1);
      clock.t += 1_000;
      const [j] = engine.snapshot();
      assert.deepStrictEqual([j.good, j.bad], [1, 0]);
    });
  });

  describe('groups', () => {
    it('should count a grouped journey in the group of its entry span', () => {
      const clock = clockAt(NOW);
      const spec = parseSpec(`
slos:
  - name: region-journey
    service: web
    objective: 99
    window: 7d
    groupBy: [app.region]
    sli:
      trace: { mustSucceed: [{ service: payments }], decisionWait: 1s }
      good: { status: ok }
`);
      const engine = new SloEngine({ spec, clock });
      const root = (trace: string, region: string) =>
        part(trace, 'r', 'web', 0, 100, { root: true, attributes: { 'app.region': region } });
      engine.record(root('a', 'eu'));
      engine.record(root('b', 'us'));
      engine.record(payment('b', 10, 10, 503));
      engine.record(root('c', 'us'));
      clock.t += 1_000;
      engine.snapshot();
      const byGroup = engine
        .sloStates('region-journey')
        .map(s => [s.group?.['app.region'], s.totalGood, s.totalBad]);
      assert.deepStrictEqual(byGroup, [
        ['eu', 1, 0],
        ['us', 1, 1],
      ]);
    });
  });

  describe('corrections', () => {
    it('should leave a journey decided inside a correction out of the SLO', () => {
      const clock = clockAt(NOW);
      const spec = parseSpec(`${SPEC}
corrections:
  - name: payments-maintenance
    start: "2026-06-01T12:00:05Z"
    end: "2026-06-01T12:00:15Z"
    slos: [checkout-journey]
`);
      const engine = new SloEngine({ spec, clock });
      engine.record(entry('t1', 0, 100, 503));
      clock.t += 10_000;
      const [j] = engine.snapshot();
      assert.deepStrictEqual([j.eligible, j.corrected], [0, 1]);
      assert.strictEqual(engine.dropped.too_old, 0);
    });
  });

  describe('options', () => {
    it('should refuse a maxTraceAgeMs below the longest decisionWait', () => {
      assert.throws(
        () => new SloEngine({ spec: parseSpec(SPEC), maxTraceAgeMs: 5_000 }),
        /maxTraceAgeMs must be at least the longest decisionWait \(10000 ms\), got 5000/
      );
      assert.throws(
        () => new SloEngine({ spec: parseSpec(SPEC), maxTracesInFlight: 0 }),
        /maxTracesInFlight must be a whole number ≥ 1, got 0/
      );
    });

    it('should build no assembler without journey SLOs', () => {
      const engine = new SloEngine({
        spec: parseSpec(
          'slos:\n  - name: a\n    objective: 99\n    window: 7d\n    sli: { spans: {}, good: { status: ok } }\n'
        ),
      });
      assert.strictEqual(engine.journeys, undefined);
    });
  });
});
