import * as assert from 'node:assert';
import { MINUTE_MS, parseSpec, SloEngine, type Clock, type SpanView } from '../../src';
import { http } from '../span-view';

const NOW = Date.UTC(2026, 5, 1, 12);

const SPEC = parseSpec(`
slos:
  - name: checkout-availability
    service: checkout
    objective: 99.9
    window: 28d
    sli:
      good:
        status: ok
        latency: { default: 300ms }
`);

function clockAt(t: number): Clock & { t: number } {
  return {
    t,
    now() {
      return this.t;
    },
  };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * 30 minutes of version 1.0.0 without a bad event, then version 1.1.0 from
 * NOW − 10 min: 503 on every 4th POST /api/orders, 900 ms on every 10th GET
 * /api/search. Returns the engine and the trace ids sent as bad, by key.
 */
function deploy() {
  const clock = clockAt(NOW - 40 * MINUTE_MS);
  const engine = new SloEngine({ spec: SPEC, clock });
  const bad = new Map<string, string[]>();
  let n = 0;
  const send = (s: SpanView, key?: string) => {
    engine.record(s);
    if (key !== undefined) bad.set(key, [...(bad.get(key) ?? []), s.traceId!]);
  };
  for (let t = NOW - 40 * MINUTE_MS; t < NOW; t += 1000) {
    clock.t = t;
    const version = t < NOW - 10 * MINUTE_MS ? '1.0.0' : '1.1.0';
    const fresh = version === '1.1.0';
    for (let i = 0; i < 4; i++) {
      n++;
      const ids = { traceId: hex(n, 32), spanId: hex(n, 16), serviceVersion: version };
      const failing = fresh && n % 8 === 1;
      send(
        http('POST /api/orders', failing ? 503 : 201, { ...ids, endTimeMs: t, durationMs: 20 }),
        failing ? 'orders' : undefined
      );
      n++;
      const slow = fresh && n % 10 === 2;
      const ids2 = { traceId: hex(n, 32), spanId: hex(n, 16), serviceVersion: version };
      send(
        http('GET /api/search', 200, { ...ids2, endTimeMs: t, durationMs: slow ? 900 : 40 }),
        slow ? 'search' : undefined
      );
    }
  }
  clock.t = NOW;
  return { engine, bad };
}

describe('explain', () => {
  describe('SloEngine.explain', () => {
    it('should name each offender with its exact share, the deploy, and trace ids sent as bad', () => {
      const { engine, bad } = deploy();
      const e = engine.explain('checkout-availability', NOW)!;
      const orders = bad.get('orders')!;
      const search = bad.get('search')!;
      const total = orders.length + search.length;
      assert.strictEqual(e.slo, 'checkout-availability');
      assert.strictEqual(e.window, '1h', 'a page tier fires: its long window');
      assert.strictEqual(e.bad, total);
      assert.deepStrictEqual(
        e.top.map(o => [o.route, o.code, o.reason, o.version, o.bad, o.share]),
        [
          ['POST /api/orders', 503, 'status', '1.1.0', orders.length, orders.length / total],
          ['GET /api/search', 200, 'latency', '1.1.0', search.length, search.length / total],
        ]
      );
      assert.deepStrictEqual(e.top[0].traceIds, orders.slice(-3).reverse());
      assert.deepStrictEqual(e.top[1].traceIds, search.slice(-3).reverse());
      const all = new Set([...orders, ...search]);
      assert.strictEqual(e.traceIds.length, 5);
      for (const id of e.traceIds) assert.ok(all.has(id), `${id} was sent as bad`);
      // route burn: POST /api/orders over the last hour, all versions
      const ordersEligible = 4 * 40 * 60;
      assert.ok(
        Math.abs(e.top[0].routeBurnRate! - orders.length / ordersEligible / 0.001) < 1e-6,
        String(e.top[0].routeBurnRate)
      );
      assert.ok(e.deploy !== null, 'deploy correlation');
      assert.strictEqual(e.deploy.version, '1.1.0');
      assert.strictEqual(e.deploy.share, 1);
      assert.strictEqual(e.deploy.firstSeen, new Date(NOW - 10 * MINUTE_MS).toISOString());
      const since = Date.parse(e.elevatedSince!);
      assert.ok(
        since >= NOW - 10 * MINUTE_MS && since < NOW - 9 * MINUTE_MS,
        `burn began ${e.elevatedSince}`
      );
      assert.strictEqual(e.status, 'exhausted', 'a 28-day budget on 40 minutes of traffic');
      assert.ok(
        e.firing.some(f => f.startsWith('page 1h/5m')),
        e.firing.join()
      );
      assert.match(e.text, /^checkout-availability is exhausted; firing: page 1h\/5m >= 13\.4/);
      assert.ok(
        e.text.includes(
          `1. ${Number(((orders.length / total) * 100).toPrecision(3))}% (${orders.length}) 503 on POST /api/orders (status, version 1.1.0)`
        ),
        e.text
      );
      assert.ok(e.text.includes('(latency, version 1.1.0)'), e.text);
      assert.ok(
        e.text.includes(
          `Version 1.1.0 holds 100% of the bad events: first seen ${e.deploy.firstSeen}`
        ),
        e.text
      );
      assert.ok(e.text.includes('Likely the deploy.'), e.text);
      assert.ok(e.text.includes(`Traces to open: ${e.traceIds.join(', ')}.`), e.text);
    });

    it('should say the same words for the same data', () => {
      const a = deploy().engine.explain('checkout-availability', NOW)!;
      const b = deploy().engine.explain('checkout-availability', NOW)!;
      assert.deepStrictEqual(a, b);
      const restored = new SloEngine({ spec: SPEC, clock: clockAt(NOW) });
      restored.importState(JSON.parse(JSON.stringify(deploy().engine.exportState(NOW))));
      const c = restored.explain('checkout-availability', NOW)!;
      assert.strictEqual(c.text, a.text, 'a restart keeps the explanation');
    });

    it('should say when nothing burns, with no deploy correlation', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: SPEC, clock });
      for (let i = 0; i < 100; i++)
        engine.record(http('GET /api/search', 200, { endTimeMs: NOW - i * 1000 }));
      const e = engine.explain('checkout-availability', NOW)!;
      assert.strictEqual(e.status, 'healthy');
      assert.deepStrictEqual([e.top, e.deploy, e.elevatedSince, e.bad], [[], null, null, 0]);
      assert.ok(e.text.includes('Not burning faster than budgeted now.'), e.text);
      assert.ok(e.text.includes('No bad events over the last 28d (100 eligible).'), e.text);
    });

    it('should answer undefined for an SLO not in the spec', () => {
      const engine = new SloEngine({ spec: SPEC, clock: clockAt(NOW) });
      assert.strictEqual(engine.explain('nope'), undefined);
    });
  });
});
