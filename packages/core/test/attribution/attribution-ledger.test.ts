import * as assert from 'node:assert';
import {
  MINUTE_MS,
  parseSpec,
  SloEngine,
  type AttributionRow,
  type Clock,
  type SpanView,
} from '../../src';
import { span } from '../span-view';

const NOW = Date.UTC(2026, 5, 1, 12);

const SPEC = parseSpec(`
slos:
  - name: mix
    service: checkout
    objective: 99
    window: 28d
    sli:
      spans: { kind: server }
      good:
        status: ok
        latency: 300ms
        attributes: { "app.payload.valid": true }
`);

function clockAt(t: number): Clock & { t: number } {
  return {
    t,
    now() {
      return this.t;
    },
  };
}

/** A small deterministic PRNG (mulberry32), so the traffic is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Traffic {
  timeMs: number;
  route?: string;
  method?: string;
  rpc?: [string, string];
  code?: number;
  grpc?: number;
  durationMs: number;
  valid: boolean;
  version?: string;
  traceId: string;
}

function toSpan(t: Traffic): SpanView {
  const attributes: Record<string, string | number | boolean> = { 'app.payload.valid': t.valid };
  if (t.route !== undefined) attributes['http.route'] = t.route;
  if (t.method !== undefined) attributes['http.request.method'] = t.method;
  if (t.code !== undefined) attributes['http.response.status_code'] = t.code;
  if (t.rpc !== undefined) {
    attributes['rpc.service'] = t.rpc[0];
    attributes['rpc.method'] = t.rpc[1];
  }
  if (t.grpc !== undefined) attributes['rpc.grpc.status_code'] = t.grpc;
  return span({
    endTimeMs: t.timeMs,
    durationMs: t.durationMs,
    serviceVersion: t.version,
    traceId: t.traceId,
    spanId: t.traceId.slice(0, 16),
    attributes,
  });
}

/** The key and outcome of a span, computed by hand from the spec's rules. */
function tallyKey(t: Traffic): string {
  const route =
    t.route !== undefined
      ? t.method !== undefined
        ? `${t.method} ${t.route}`
        : t.route
      : t.rpc !== undefined
        ? `${t.rpc[0]}/${t.rpc[1]}`
        : '';
  const code = t.code ?? t.grpc ?? -1;
  let reason = '';
  if ((t.code !== undefined && t.code >= 500) || (t.grpc !== undefined && t.grpc === 14))
    reason = 'status';
  else if (t.durationMs > 300) reason = 'latency';
  else if (!t.valid) reason = 'attribute:app.payload.valid';
  const outcome = reason === '' ? 'good' : 'bad';
  return outcome === 'good'
    ? `good|${route}|${t.version ?? ''}`
    : `bad|${route}|${t.version ?? ''}|${code}|${reason}`;
}

function rowKey(r: AttributionRow): string {
  return r.outcome === 'good'
    ? `good|${r.route}|${r.version}`
    : `bad|${r.route}|${r.version}|${r.code}|${r.reason}`;
}

function makeTraffic(n: number, seed: number, fromMs: number, toMs: number): Traffic[] {
  const rnd = prng(seed);
  const routes = [
    ['GET', '/api/orders/:id'],
    ['POST', '/api/orders'],
    ['GET', '/api/search'],
    [undefined, '/healthz'],
  ] as const;
  const out: Traffic[] = [];
  for (let i = 0; i < n; i++) {
    const pick = Math.floor(rnd() * 5);
    const timeMs = fromMs + Math.floor(((toMs - fromMs) * i) / n);
    const t: Traffic = {
      timeMs,
      durationMs: rnd() < 0.1 ? 500 : 20,
      valid: rnd() > 0.05,
      version: ['1.0.0', '1.1.0', undefined][Math.floor(rnd() * 3)],
      traceId: (i + 1).toString(16).padStart(32, '0'),
    };
    if (pick < 4) {
      t.method = routes[pick][0];
      t.route = routes[pick][1];
      t.code = rnd() < 0.1 ? [500, 503][Math.floor(rnd() * 2)] : rnd() < 0.1 ? 404 : 200;
    } else {
      t.rpc = ['shop.Cart', rnd() < 0.5 ? 'Add' : 'Get'];
      t.grpc = rnd() < 0.1 ? 14 : 0;
    }
    out.push(t);
  }
  return out;
}

function feed(engine: SloEngine, clock: Clock & { t: number }, traffic: Traffic[]): void {
  for (const t of traffic) {
    clock.t = t.timeMs;
    assert.strictEqual(engine.record(toSpan(t)), 1);
  }
}

/** Events per key in each window, bucketed as the ledger buckets (`buckets` per window). */
function tally(
  traffic: Traffic[],
  windowsMs: readonly number[],
  nowMs: number,
  buckets: number
): Map<string, { total: number; counts: number[] }> {
  const out = new Map<string, { total: number; counts: number[] }>();
  for (const t of traffic) {
    const k = tallyKey(t);
    let e = out.get(k);
    if (e === undefined) out.set(k, (e = { total: 0, counts: windowsMs.map(() => 0) }));
    e.total++;
    windowsMs.forEach((w, i) => {
      const b = w / buckets;
      if (Math.floor(t.timeMs / b) > Math.floor(nowMs / b) - buckets) e.counts[i]++;
    });
  }
  return out;
}

describe('AttributionLedger', () => {
  describe('.recordGood/.recordBad (through SloEngine.record)', () => {
    it('should count every key in every window as an independent tally does', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: SPEC, clock, maxAttributionKeys: 1000 });
      const traffic = makeTraffic(5000, 7, NOW - 3 * 3_600_000, NOW);
      feed(engine, clock, traffic);
      const reading = engine.states[0].readAttribution(NOW);
      assert.deepStrictEqual(reading.windows, ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '28d']);
      const expected = tally(traffic, reading.windowsMs, NOW, 60);
      const got = new Map(reading.rows.map(r => [rowKey(r), { total: r.total, counts: r.counts }]));
      assert.strictEqual(reading.rows.filter(r => r.overflow).length, 0);
      assert.deepStrictEqual(
        [...got.entries()].sort(),
        [...expected.entries()].sort(),
        'rows by key'
      );
      // every key was seen: 5 routes (2 RPC methods) x 3 versions, bad by code and reason
      assert.ok(reading.keys > 30, `${reading.keys} keys`);
    });

    it('should add up to the SLO windows exactly when bucketed like them', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: SPEC, clock, attributionBuckets: 300 });
      feed(engine, clock, makeTraffic(3000, 11, NOW - 2 * 3_600_000, NOW));
      const snap = engine.snapshot(NOW)[0];
      const reading = engine.states[0].readAttribution(NOW);
      for (const w of snap.windows) {
        const i = reading.windowsMs.indexOf(w.windowMs);
        let eligible = 0;
        let bad = 0;
        for (const r of reading.rows) {
          eligible += r.counts[i];
          if (r.outcome === 'bad') bad += r.counts[i];
        }
        assert.deepStrictEqual([w.window, eligible, bad], [w.window, w.eligible, w.bad]);
      }
      const last = reading.rows.reduce((n, r) => n + r.counts[reading.windows.length - 1], 0);
      assert.strictEqual(last, snap.eligible);
    });

    it("should count a sampled span's adjusted count, as the SLO windows do", () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: SPEC, clock });
      const s = (code: number) =>
        span({
          endTimeMs: NOW,
          attributes: {
            'http.route': '/a',
            'http.response.status_code': code,
            'app.payload.valid': true,
          },
        });
      engine.record(s(200), 10);
      engine.record(s(503), 4);
      const r = engine.states[0].readAttribution(NOW);
      assert.deepStrictEqual(
        r.rows.map(x => [x.outcome, x.total, x.counts[0]]),
        [
          ['good', 10, 10],
          ['bad', 4, 4],
        ]
      );
      const snap = engine.snapshot(NOW)[0];
      assert.deepStrictEqual([snap.totals.good, snap.totals.bad], [10, 4]);
    });

    it('should forget events older than each window', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: SPEC, clock });
      const s = span({
        endTimeMs: NOW,
        attributes: { 'http.route': '/a', 'app.payload.valid': true },
      });
      engine.record(s);
      const later = NOW + 10 * MINUTE_MS;
      const r = engine.states[0].readAttribution(later);
      // 5m forgot it, 30m and longer keep it
      assert.deepStrictEqual(r.rows[0].counts, [0, 1, 1, 1, 1, 1, 1, 1]);
      assert.strictEqual(r.rows[0].total, 1);
    });
  });

  describe('cap', () => {
    it('should keep at most maxAttributionKeys keys and count the rest in the overflow rows', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: SPEC, clock, maxAttributionKeys: 5 });
      const traffic: Traffic[] = [];
      for (let i = 0; i < 200; i++)
        traffic.push({
          timeMs: NOW - 1000 + i,
          route: `/r/${i % 20}`,
          method: 'GET',
          code: i % 4 === 0 ? 503 : 200,
          durationMs: 10,
          valid: true,
          traceId: (i + 1).toString(16).padStart(32, '0'),
        });
      feed(engine, clock, traffic);
      const reading = engine.states[0].readAttribution(NOW);
      assert.strictEqual(reading.keys, 5);
      // the first five keys in arrival order: good /r/0, bad /r/0 (i=0 is 503), good /r/1, /r/2, /r/3
      const kept = new Set(reading.rows.filter(r => !r.overflow).map(rowKey));
      assert.deepStrictEqual(
        [...kept],
        [
          'bad|GET /r/0||503|status',
          'good|GET /r/1|',
          'good|GET /r/2|',
          'good|GET /r/3|',
          'bad|GET /r/4||503|status',
        ]
      );
      const expected = { good: 0, bad: 0, overflowGood: 0, overflowBad: 0 };
      for (const t of traffic) {
        const k = tallyKey(t);
        const bad = k.startsWith('bad');
        if (bad) expected.bad++;
        else expected.good++;
        if (!kept.has(k)) {
          if (bad) expected.overflowBad++;
          else expected.overflowGood++;
        }
      }
      const overflow = reading.rows.filter(r => r.overflow);
      assert.deepStrictEqual(
        overflow.map(r => [r.outcome, r.route, r.total]),
        [
          ['good', '', expected.overflowGood],
          ['bad', '', expected.overflowBad],
        ]
      );
      const snap = engine.snapshot(NOW)[0];
      const sum = (o: string) =>
        reading.rows.filter(r => r.outcome === o).reduce((n, r) => n + r.total, 0);
      assert.deepStrictEqual([sum('good'), sum('bad')], [snap.totals.good, snap.totals.bad]);
    });

    it('should keep memory fixed past the cap however many keys arrive', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: SPEC, clock, maxAttributionKeys: 50 });
      const ledger = engine.states[0].attribution;
      const s = (i: number) =>
        span({
          endTimeMs: NOW,
          attributes: { 'http.route': `/u/${i}`, 'app.payload.valid': true },
        });
      for (let i = 0; i < 100; i++) engine.record(s(i));
      const size = ledger.byteSize;
      for (let i = 100; i < 20_000; i++) engine.record(s(i));
      assert.strictEqual(ledger.byteSize, size);
      assert.strictEqual(ledger.keys, 50);
    });

    it('should refuse a negative cap with a clear error', () => {
      assert.throws(
        () => new SloEngine({ spec: SPEC, maxAttributionKeys: -1 }),
        /maxAttributionKeys: must be an integer >= 0, got -1/
      );
    });
  });

  describe('exemplars', () => {
    it('should keep the latest bad trace and span ids per SLO and per key, newest first', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: SPEC, clock, maxAttributionKeys: 1000 });
      const traffic = makeTraffic(2000, 3, NOW - 3_600_000, NOW);
      feed(engine, clock, traffic);
      const bad = traffic.filter(t => tallyKey(t).startsWith('bad'));
      const reading = engine.states[0].readAttribution(NOW);
      assert.deepStrictEqual(
        reading.exemplars.map(e => [e.traceId, e.spanId, e.timeMs]),
        bad
          .slice(-8)
          .reverse()
          .map(t => [t.traceId, t.traceId.slice(0, 16), t.timeMs])
      );
      for (const r of reading.rows) {
        const mine = bad.filter(t => tallyKey(t) === rowKey(r));
        assert.deepStrictEqual(
          r.exemplars.map(e => e.traceId),
          mine
            .slice(-3)
            .reverse()
            .map(t => t.traceId),
          rowKey(r)
        );
      }
    });
  });

  describe('restart', () => {
    it('should restore keys, windows and exemplars from the engine state, and keep counting into them', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: SPEC, clock, maxAttributionKeys: 1000 });
      const first = makeTraffic(3000, 5, NOW - 3_600_000, NOW - 60_000);
      feed(engine, clock, first);
      const saved = JSON.parse(JSON.stringify(engine.exportState(NOW - 60_000)));
      const restarted = new SloEngine({ spec: SPEC, clock, maxAttributionKeys: 1000 });
      restarted.importState(saved);
      const second = makeTraffic(1000, 6, NOW - 50_000, NOW);
      feed(engine, clock, second);
      feed(restarted, clock, second);
      const a = engine.states[0].readAttribution(NOW);
      const b = restarted.states[0].readAttribution(NOW);
      assert.strictEqual(b.rows.filter(r => r.overflow).length, 0);
      const expected = tally([...first, ...second], a.windowsMs, NOW, 60);
      const counts = (r: typeof a) => new Map(r.rows.map(x => [rowKey(x), x.counts]));
      assert.deepStrictEqual(counts(b), counts(a));
      assert.deepStrictEqual(
        [...counts(b).entries()].sort(),
        [...expected.entries()].map(([k, v]) => [k, v.counts]).sort()
      );
      assert.deepStrictEqual(b.exemplars, a.exemplars);
      // since-start totals start again from zero, as the slo.events counters do
      const onlySecond = tally(second, a.windowsMs, NOW, 60);
      for (const r of b.rows) assert.strictEqual(r.total, onlySecond.get(rowKey(r))?.total ?? 0);
      assert.strictEqual(b.keys, a.keys);
    });

    it('should fit a saved ledger into a smaller cap through the overflow rows', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: SPEC, clock });
      feed(engine, clock, makeTraffic(1000, 9, NOW - 600_000, NOW));
      const saved = engine.exportState(NOW);
      const small = new SloEngine({ spec: SPEC, clock, maxAttributionKeys: 3 });
      small.importState(saved);
      const a = engine.states[0].readAttribution(NOW);
      const b = small.states[0].readAttribution(NOW);
      assert.strictEqual(b.keys, 3);
      const total = (r: typeof a) => r.rows.reduce((n, x) => n + x.counts[0], 0);
      assert.strictEqual(total(b), total(a));
    });
  });
});
