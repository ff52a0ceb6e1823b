import * as assert from 'node:assert';
import {
  compositeReading,
  DAY_MS,
  parseSpec,
  SloEngine,
  type BudgetReading,
  type Clock,
  type SloStatus,
} from '../../src';
import { http } from '../span-view';

const NOW = Date.UTC(2026, 10, 30, 12);

/** Three SLOs on three services and two composites, one of them made of the other. */
const SPEC = `
slos:
  - { name: cart, service: cart, objective: 99, window: 28d, sli: { good: { status: ok } } }
  - { name: pay, service: pay, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
  - { name: ship, service: ship, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
composites:
  - name: checkout
    components: [{ slo: cart, weight: 2 }, { slo: pay }, ship]
  - name: store
    components: [{ slo: checkout, weight: 3 }, { slo: ship, weight: 1 }]
`;

function clockAt(t: number): Clock {
  return { now: () => t };
}

/** `n` spans of `service`, the first `bad` of them 5xx, all received now. */
function feed(engine: SloEngine, service: string, n: number, bad: number): void {
  for (let i = 0; i < n; i++)
    engine.record(
      http('GET /api/x', i < bad ? 503 : 200, { serviceName: service, endTimeMs: NOW - 1000 })
    );
}

function reading(over: Partial<BudgetReading> & { name: string }): BudgetReading {
  return {
    target: 0.999,
    windowMs: 28 * DAY_MS,
    eligible: 0,
    good: 0,
    bad: 0,
    sli: 1,
    budget: 0,
    remaining: 1,
    windows: [],
    burnRate1h: 0,
    timeToExhaustionMs: Infinity,
    firing: { page: false, ticket: false },
    status: 'healthy',
    totals: { good: 0, bad: 0 },
    rolling: true,
    ...over,
  };
}

describe('composite SLOs', () => {
  describe('SloEngine.compositeSnapshots', () => {
    it('should weight the components consumed shares and burn rates as computed by hand', () => {
      const engine = new SloEngine({ spec: parseSpec(SPEC), clock: clockAt(NOW) });
      feed(engine, 'cart', 1000, 5); // 0.5 % bad of a 1 % budget: consumed 0.5, burn 0.5
      feed(engine, 'pay', 2000, 3); // 0.15 % of 0.1 %: consumed 1.5, burn 1.5 (exhausted)
      feed(engine, 'ship', 500, 0); // consumed 0, burn 0
      const snapshots = engine.snapshot(NOW);
      const [checkout, store] = engine.compositeSnapshots(snapshots);
      // consumed = (2 × 0.5 + 1 × 1.5 + 1 × 0) / 4 = 0.625
      assert.strictEqual(checkout.name, 'checkout');
      assert.ok(Math.abs(checkout.consumed - 0.625) < 1e-12, String(checkout.consumed));
      assert.ok(Math.abs(checkout.remaining - 0.375) < 1e-12);
      // every window holds every event: burn = (2 × 0.5 + 1.5 + 0) / 4 = 0.625
      assert.deepStrictEqual(
        checkout.windows.map(w => w.window),
        snapshots[0].windows.map(w => w.window)
      );
      for (const w of checkout.windows) assert.ok(Math.abs(w.burnRate - 0.625) < 1e-12);
      assert.ok(Math.abs(checkout.burnRate1h - 0.625) < 1e-12);
      // a rolling window at burn(1h) ≤ 1 is never exhausted
      assert.strictEqual(checkout.timeToExhaustionMs, Infinity);
      // pay is exhausted: the most restrictive status
      assert.strictEqual(snapshots[1].status, 'exhausted');
      assert.strictEqual(checkout.status, 'exhausted');
      assert.strictEqual(checkout.statusFrom, 'pay');
      assert.deepStrictEqual(
        checkout.components.map(c => [c.slo, c.weight, c.status]),
        [
          ['cart', 2, 'healthy'],
          ['pay', 1, 'exhausted'],
          ['ship', 1, 'healthy'],
        ]
      );
      assert.deepStrictEqual([checkout.eligible, checkout.bad], [3500, 8]);
      // store = (3 × 0.625 + 1 × 0) / 4 consumed
      assert.ok(Math.abs(store.consumed - 1.875 / 4) < 1e-12, String(store.consumed));
      assert.strictEqual(store.status, 'exhausted');
      assert.strictEqual(store.statusFrom, 'checkout');
    });

    it('should read nothing when the spec has no composites', () => {
      const engine = new SloEngine({
        spec: parseSpec(SPEC.slice(0, SPEC.indexOf('composites:'))),
        clock: clockAt(NOW),
      });
      assert.deepStrictEqual(engine.compositeSnapshots(), []);
    });
  });

  describe('compositeReading', () => {
    const def = (w1: number, w2: number) => ({
      name: 'c',
      components: [
        { slo: 'x', weight: w1 },
        { slo: 'y', weight: w2 },
      ],
    });

    it('should give remaining × W / burn(1h) when the components share their window', () => {
      const c = compositeReading(
        def(1, 1),
        [
          reading({ name: 'x', remaining: 0.5, burnRate1h: 4 }),
          reading({ name: 'y', remaining: 0.8, burnRate1h: 2 }),
        ],
        NOW
      );
      // remaining (0.5 + 0.8) / 2 = 0.65, burn (4 + 2) / 2 = 3: 0.65 × 28 d / 3
      assert.ok(Math.abs(c.remaining - 0.65) < 1e-12);
      assert.ok(Math.abs(c.timeToExhaustionMs / DAY_MS - (0.65 * 28) / 3) < 1e-9);
    });

    it('should add the components budget shares spent per unit of time over different windows', () => {
      const c = compositeReading(
        def(1, 1),
        [
          reading({ name: 'x', remaining: 0.5, burnRate1h: 4 }),
          reading({ name: 'y', remaining: 0.8, burnRate1h: 2, windowMs: 7 * DAY_MS }),
        ],
        NOW
      );
      // growth = ½ × 4 / 28 d + ½ × 2 / 7 d = 6/28 per day; 0.65 / (6/28) days
      assert.ok(Math.abs(c.timeToExhaustionMs / DAY_MS - (0.65 * 28) / 6) < 1e-9);
      assert.strictEqual(c.windowMs, 28 * DAY_MS);
    });

    it('should be 0 once spent, and read calendar components with the calendar rule', () => {
      const spent = compositeReading(
        def(1, 1),
        [reading({ name: 'x', remaining: -1 }), reading({ name: 'y', remaining: 0.5 })],
        NOW
      );
      assert.strictEqual(spent.timeToExhaustionMs, 0);
      const calendar = compositeReading(
        def(1, 3),
        [
          reading({ name: 'x', remaining: 1, burnRate1h: 0.5, rolling: false }),
          reading({ name: 'y', remaining: 1, burnRate1h: 0.5 }),
        ],
        NOW
      );
      // not every window rolls: remaining × W / burn = 1 × 28 d / 0.5
      assert.strictEqual(calendar.rolling, false);
      assert.ok(Math.abs(calendar.timeToExhaustionMs / DAY_MS - 56) < 1e-9);
    });

    it('should burn only over the windows every component records', () => {
      const c = compositeReading(
        def(3, 1),
        [
          reading({
            name: 'x',
            windows: [
              { window: '5m', windowMs: 300_000, burnRate: 2 },
              { window: '1h', windowMs: 3_600_000, burnRate: 1 },
            ],
          }),
          reading({ name: 'y', windows: [{ window: '1h', windowMs: 3_600_000, burnRate: 5 }] }),
        ],
        NOW
      );
      assert.deepStrictEqual(c.windows, [{ window: '1h', windowMs: 3_600_000, burnRate: 2 }]);
    });

    it('should take the status whose policy decision is the strictest, then the most severe', () => {
      const statuses = (a: SloStatus, b: SloStatus, noData: 'approve' | 'block') =>
        compositeReading(
          def(1, 1),
          [reading({ name: 'x', status: a }), reading({ name: 'y', status: b })],
          NOW,
          {
            ...parseSpec(`${SPEC}policy: { statuses: { no-data: ${noData} } }\n`).policy!,
          }
        ).status;
      assert.strictEqual(statuses('attention', 'no-data', 'approve'), 'attention');
      assert.strictEqual(statuses('attention', 'no-data', 'block'), 'no-data');
      assert.strictEqual(statuses('critical', 'no-data', 'block'), 'critical');
      assert.strictEqual(statuses('healthy', 'healthy', 'block'), 'healthy');
    });
  });
});
