import * as assert from 'node:assert';
import { MINUTE_MS, parseSpec, SloEngine, type Clock, type SpanView } from '../../src';
import { span } from '../span-view';

/** Every kind of SLO the engine knows, so that some take the cells and some the direct path. */
const SPEC = parseSpec(`
slos:
  - name: avail
    service: checkout
    objective: 99.9
    window: 28d
    sli:
      spans: { routes: ["GET /api/orders/:id", "POST /api/orders", "GET /api/search"] }
      good: { status: ok }
  - name: latency
    service: checkout
    objective: 99
    window: 7d
    sli:
      spans: { routes: ["GET /api/orders/:id", "GET /api/search", "GET /r/*"] }
      good:
        latency: { default: 300ms, routes: { "GET /api/search": 1200ms } }
  - name: payload
    service: checkout
    objective: 99.5
    window: 1d
    sli:
      spans: { routes: ["POST /api/orders"] }
      good: { status: { clientErrors: bad, badCodes: [429] }, attributes: { "app.payload.valid": true } }
  - name: any-kind
    objective: 99
    window: 28d
    sli:
      spans: { kind: any }
      good: { status: { spanError: ignore }, latency: 800ms }
  - name: globbed
    service: checkout
    objective: 99
    calendar: month
    sli:
      spans: { routes: ["GET /r/*", "GET /api/*"] }
      good: { status: ok, latency: 500ms }
  - name: grouped
    service: checkout
    objective: 99
    window: 28d
    groupBy: [http.route]
    sli:
      spans: { routes: ["GET /api/orders/:id", "GET /r/*"] }
      good: { status: ok }
  - name: sliced
    objective: 99
    window: 1d
    budgeting: { method: timeslices, slice: 1m, sliceTarget: 95 }
    sli:
      spans: { routes: ["GET /api/search"] }
      good: { status: ok }
  - name: rpc
    objective: 99.9
    window: 28d
    sli:
      spans: { rpc: ["shop.Cart/*"] }
      good: { status: ok }
  - name: excluded
    objective: 99
    window: 28d
    sli:
      spans: { exclude: [{ routes: ["GET /healthz"] }] }
      good: { status: ok }
  - name: selected-by-attribute
    objective: 99
    window: 28d
    sli:
      spans: { attributes: { "app.tier": gold } }
      good: { latency: 250ms }
`);

const NOW = Date.UTC(2026, 5, 1, 12);

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function clockAt(t: number): Clock & { t: number } {
  return {
    t,
    now() {
      return this.t;
    },
  };
}

/** Mixed traffic: routes, methods, codes, RPC, kinds, services, versions, durations, attributes, times. */
function traffic(n: number, seed: number, clock: { t: number }): Array<() => [SpanView, number]> {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: Array<() => [SpanView, number]> = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const attributes: Record<string, string | number | boolean> = {};
    let kind = 1;
    if (r < 0.75) {
      const [method, route] = pick([
        ['GET', '/api/orders/:id'],
        ['POST', '/api/orders'],
        ['GET', '/api/search'],
        ['GET', '/healthz'],
        ['GET', `/r/${Math.floor(rnd() * 400)}`],
        [undefined, '/api/orders'],
      ] as const);
      if (method !== undefined) attributes['http.request.method'] = method;
      attributes['http.route'] = route;
      attributes['http.response.status_code'] = pick([200, 200, 200, 200, 201, 404, 429, 500, 503]);
    } else if (r < 0.9) {
      attributes['rpc.service'] = pick(['shop.Cart', 'shop.Pay']);
      attributes['rpc.method'] = pick(['Add', 'Get']);
      attributes['rpc.grpc.status_code'] = pick([0, 0, 0, 5, 14]);
    } else kind = pick([0, 2, 3]);
    if (rnd() < 0.9) attributes['app.payload.valid'] = rnd() < 0.9;
    if (rnd() < 0.3) attributes['app.tier'] = pick(['gold', 'silver']);
    const durationMs = pick([5, 120, 250, 299, 300, 301, 500, 800, 1200, 1500]);
    const statusCode = pick([0, 0, 0, 1, 2]);
    const serviceName = pick(['checkout', 'checkout', 'checkout', 'search', undefined]);
    const serviceVersion = pick(['1.0.0', '1.1.0', undefined]);
    const weight = pick([1, 1, 1, 1, 2, 4]);
    const when = rnd();
    const traceId = (i + 1).toString(16).padStart(32, '0');
    // the clock moves on by 0-20 ms, sometimes by 0-3 s or minutes
    const step = rnd() < 0.002 ? 7 * MINUTE_MS * rnd() : rnd() < 0.1 ? 3000 * rnd() : 20 * rnd();
    out.push(() => {
      clock.t += step;
      const endTimeMs =
        when < 0.8
          ? clock.t - 20 * rnd()
          : when < 0.9
            ? clock.t - 20 * MINUTE_MS
            : when < 0.94
              ? clock.t + 3000
              : when < 0.96
                ? clock.t + 60_000
                : when < 0.98
                  ? clock.t - 2 * 24 * 3_600_000
                  : NaN;
      const view = span({
        kind,
        endTimeMs,
        durationMs,
        statusCode,
        serviceName,
        serviceVersion,
        traceId,
        spanId: traceId.slice(16),
        attributes,
      });
      return [view, weight];
    });
  }
  return out;
}

/** Everything both engines should agree on at one instant. */
function reading(engine: SloEngine, nowMs: number): unknown {
  const snapshots = engine.snapshot(nowMs).map(s => ({ ...s, definition: s.definition.name }));
  const ledgers = engine.states.map(s => ({
    slo: s.slo.name,
    group: s.group,
    ...s.readAttribution(nowMs),
  }));
  return { snapshots, ledgers, dropped: { ...engine.dropped } };
}

describe('CountCells', () => {
  it('should give exactly the direct path’s numbers on mixed traffic (windows, totals, drops, ledgers, exemplars)', () => {
    const clockA = clockAt(NOW);
    const clockB = clockAt(NOW);
    const cells = new SloEngine({ spec: SPEC, clock: clockA, maxAttributionKeys: 30 });
    const direct = new SloEngine({
      spec: SPEC,
      clock: clockB,
      maxAttributionKeys: 30,
      countCells: false,
    });
    const a = traffic(20_000, 19, clockA);
    const b = traffic(20_000, 19, clockB);
    for (let i = 0; i < a.length; i++) {
      const [va, wa] = a[i]();
      const [vb, wb] = b[i]();
      assert.strictEqual(cells.record(va, wa), direct.record(vb, wb), `span ${i}`);
      if (i % 2500 === 2499) {
        assert.deepStrictEqual(
          reading(cells, clockA.t),
          reading(direct, clockB.t),
          `after ${i + 1} spans`
        );
        // a tick between readings moves nothing either
        cells.tick();
        direct.tick();
      }
    }
    assert.ok(cells.countCellsInUse > 50, `${cells.countCellsInUse} cells`);
    assert.strictEqual(direct.countCellsInUse, 0);
    const later = clockA.t + 3 * 3_600_000;
    assert.deepStrictEqual(reading(cells, later), reading(direct, later));
    assert.deepStrictEqual(
      JSON.parse(JSON.stringify(cells.exportState(later))),
      JSON.parse(JSON.stringify(direct.exportState(later)))
    );
  });

  it('should count what the cells hold before a restore and count on into the restored windows', () => {
    const clockA = clockAt(NOW);
    const clockB = clockAt(NOW);
    const cells = new SloEngine({ spec: SPEC, clock: clockA });
    const direct = new SloEngine({ spec: SPEC, clock: clockB, countCells: false });
    const a = traffic(4000, 7, clockA);
    const b = traffic(4000, 7, clockB);
    for (let i = 0; i < 2000; i++) {
      cells.record(...a[i]());
      direct.record(...b[i]());
    }
    const saved = direct.exportState();
    const restoredA = new SloEngine({ spec: SPEC, clock: clockA });
    const restoredB = new SloEngine({ spec: SPEC, clock: clockB, countCells: false });
    restoredA.importState(JSON.parse(JSON.stringify(cells.exportState())));
    restoredB.importState(JSON.parse(JSON.stringify(saved)));
    for (let i = 2000; i < 4000; i++) {
      const [va, wa] = a[i]();
      const [vb, wb] = b[i]();
      restoredA.record(va, wa);
      restoredB.record(vb, wb);
    }
    assert.deepStrictEqual(reading(restoredA, clockA.t), reading(restoredB, clockB.t));
  });

  it('should leave spans no cell can take to the direct path alone (only grouped SLOs)', () => {
    const spec = parseSpec(`
slos:
  - { name: g, service: checkout, objective: 99, window: 28d, groupBy: [http.route], sli: { spans: { routes: ["GET /a"] }, good: { status: ok } } }
`);
    const engine = new SloEngine({ spec, clock: clockAt(NOW) });
    const view = span({
      endTimeMs: NOW,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/a',
        'http.response.status_code': 200,
      },
    });
    for (let i = 0; i < 10; i++) assert.strictEqual(engine.record(view), 1);
    assert.deepStrictEqual({ ...engine.dropped }, { too_old: 0, future: 0, invalid: 0 });
    assert.strictEqual(engine.countCellsInUse, 0);
    assert.strictEqual(engine.snapshot()[0].eligible, 10);
  });
});
