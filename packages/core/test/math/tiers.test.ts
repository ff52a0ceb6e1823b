import * as assert from 'node:assert';
import {
  alertWindows,
  budgetConsumedAt,
  DAY_MS,
  defaultMinEvents,
  deriveTiers,
  HOUR_MS,
  MINUTE_MS,
  parseSpec,
  reachesThreshold,
  resolveMinEvents,
  roundAlertWindow,
} from '../../src';

function rates(windowMs: number): number[] {
  return deriveTiers(windowMs).map(t => Number(t.burnRate.toFixed(3)));
}

describe('tiers', () => {
  describe('deriveTiers', () => {
    it('should give 14.4 / 6 / 3 / 1 at 30 days', () => {
      assert.deepStrictEqual(rates(30 * DAY_MS), [14.4, 6, 3, 1]);
    });

    it('should give 13.44 / 5.6 / 2.8 / 0.933 at 28 days', () => {
      assert.deepStrictEqual(rates(28 * DAY_MS), [13.44, 5.6, 2.8, 0.933]);
    });

    it('should keep the 28-day thresholds for a 7-day SLO (13.44, never a sub-1 ticket)', () => {
      // issue #10: unscaled 1 d and 3 d windows gave 0.7 and 0.233 at 7 d
      assert.deepStrictEqual(rates(7 * DAY_MS), [13.44, 5.6, 2.8, 0.933]);
    });

    it('should keep the workbook windows for W >= 28 d', () => {
      for (const w of [28 * DAY_MS, 30 * DAY_MS, 90 * DAY_MS]) {
        assert.deepStrictEqual(
          deriveTiers(w).map(x => [x.severity, x.longWindowMs, x.shortWindowMs, x.budgetConsumed]),
          [
            ['page', HOUR_MS, 5 * MINUTE_MS, 0.02],
            ['page', 6 * HOUR_MS, 30 * MINUTE_MS, 0.05],
            ['ticket', DAY_MS, 2 * HOUR_MS, 0.1],
            ['ticket', 3 * DAY_MS, 6 * HOUR_MS, 0.1],
          ]
        );
      }
    });

    it('should scale the windows of a 7-day SLO by a quarter, rounded to whole minutes', () => {
      // 1h/4 = 15m, 5m/4 = 1.25m -> 1m, 6h/4 = 90m, 30m/4 = 7.5m -> 8m, 1d/4 = 6h, 2h/4 = 30m, 3d/4 = 18h, 6h/4 = 90m
      assert.deepStrictEqual(
        deriveTiers(7 * DAY_MS).map(x => [x.longWindowMs / MINUTE_MS, x.shortWindowMs / MINUTE_MS]),
        [
          [15, 1],
          [90, 8],
          [360, 30],
          [1080, 90],
        ]
      );
    });

    it('should scale the windows of a 1-day SLO to whole minutes, never under one', () => {
      // 60/28 = 2.14 -> 2, 5/28 -> 1 (at least one), 360/28 = 12.86 -> 13, 30/28 = 1.07 -> 1,
      // 1440/28 = 51.43 -> 51, 120/28 = 4.29 -> 4, 4320/28 = 154.29 -> 154, 360/28 -> 13
      assert.deepStrictEqual(
        deriveTiers(DAY_MS).map(x => [x.longWindowMs / MINUTE_MS, x.shortWindowMs / MINUTE_MS]),
        [
          [2, 1],
          [13, 1],
          [51, 4],
          [154, 13],
        ]
      );
      assert.deepStrictEqual(rates(DAY_MS), [13.44, 5.6, 2.8, 0.933]);
    });

    it('should keep one tier per severity and windows when rounding makes them equal', () => {
      // 1 h: 60/672 m and 360/672 m both round to 1 m (shorts too): the 5.6 page fires whenever 13.44 would
      assert.deepStrictEqual(
        deriveTiers(HOUR_MS).map(x => [
          x.severity,
          x.longWindowMs / MINUTE_MS,
          x.shortWindowMs / MINUTE_MS,
          Number(x.burnRate.toFixed(3)),
        ]),
        [
          ['page', 1, 1, 5.6],
          ['ticket', 2, 1, 2.8],
          ['ticket', 6, 1, 0.933],
        ]
      );
    });

    it('should give whole-minute windows and no threshold below 0.9 for any window length', () => {
      for (let w = HOUR_MS; w <= 400 * DAY_MS; w += 7 * HOUR_MS) {
        for (const t of deriveTiers(w)) {
          assert.ok(t.burnRate >= 0.9, `${w}: ${t.burnRate}`);
          assert.strictEqual(t.longWindowMs % MINUTE_MS, 0);
          assert.strictEqual(t.shortWindowMs % MINUTE_MS, 0);
          assert.ok(t.shortWindowMs >= MINUTE_MS && t.longWindowMs <= w);
        }
      }
    });

    it('should spend the tier budget share over the long window at the threshold', () => {
      for (const w of [7, 28, 30, 90].map(d => d * DAY_MS)) {
        for (const t of deriveTiers(w)) {
          assert.ok(
            Math.abs(budgetConsumedAt(t.burnRate, w, t.longWindowMs) - t.budgetConsumed) < 1e-12
          );
        }
      }
    });
  });

  describe('roundAlertWindow', () => {
    it('should round to the nearest whole minute and never below one', () => {
      assert.strictEqual(roundAlertWindow(89_999), MINUTE_MS);
      assert.strictEqual(roundAlertWindow(90_000), 2 * MINUTE_MS);
      assert.strictEqual(roundAlertWindow(1), MINUTE_MS);
    });
  });

  describe('reachesThreshold', () => {
    it('should fire at the threshold despite floating-point error', () => {
      // issue #10: 14.399999999999997 >= 14.4 was false
      assert.strictEqual(reachesThreshold(14.399999999999997, 14.4), true);
      assert.strictEqual(reachesThreshold(14.4, 14.4), true);
      assert.strictEqual(reachesThreshold(14.39, 14.4), false);
      assert.strictEqual(reachesThreshold(0, 14.4), false);
    });
  });

  describe('defaultMinEvents', () => {
    it('should be the fewest events at which one bad event stays below the fastest threshold', () => {
      // 99.9 % at 28 d: 1 / (0.001 × 13.44) = 74.4 -> 75; at 74 events 1 bad burns 13.51 >= 13.44
      const tiers = deriveTiers(28 * DAY_MS);
      assert.strictEqual(defaultMinEvents(0.999, tiers), 75);
      // 99 % at 30 d: 1 / (0.01 × 14.4) = 6.94 -> 7
      assert.strictEqual(defaultMinEvents(0.99, deriveTiers(30 * DAY_MS)), 7);
      // exact quotient: 1 / (0.001 × 12.5) = 80
      const t = [{ ...tiers[0], burnRate: 12.5 }];
      assert.strictEqual(defaultMinEvents(0.999, t), 80);
    });

    it('should take the tier with the shortest long window, whatever the order', () => {
      const tiers = deriveTiers(28 * DAY_MS).reverse();
      assert.strictEqual(defaultMinEvents(0.999, tiers), 75);
    });

    it('should be zero without tiers and for time-slice budgets', () => {
      assert.strictEqual(defaultMinEvents(0.999, []), 0);
      assert.strictEqual(
        defaultMinEvents(0.999, deriveTiers(28 * DAY_MS), {
          method: 'timeslices',
          sliceMs: MINUTE_MS,
          sliceTarget: 0.95,
        }),
        0
      );
    });
  });

  describe('resolveMinEvents', () => {
    const spec = (alerting: string) =>
      parseSpec(`slos:
  - name: a
    objective: 99.9
    window: 28d
    sli: { spans: { kind: server }, good: { status: ok } }
${alerting}`).slos[0];

    it('should give the spec value when set, the derived default otherwise', () => {
      assert.strictEqual(resolveMinEvents(spec('    alerting: { minEvents: 0 }')), 0);
      assert.strictEqual(resolveMinEvents(spec('    alerting: { minEvents: 12 }')), 12);
      assert.strictEqual(resolveMinEvents(spec('')), 75);
      assert.strictEqual(resolveMinEvents(spec('    alerting: { tiers: [] }')), 0);
    });

    it('should derive the default from a definition built without it', () => {
      const d = spec('');
      const bare = { ...d, alerting: { tiers: d.alerting.tiers, defaultTiers: true } };
      assert.strictEqual(resolveMinEvents(bare), 75);
    });
  });

  describe('alertWindows', () => {
    it('should list the distinct windows shortest first', () => {
      const w = alertWindows(deriveTiers(28 * DAY_MS));
      assert.deepStrictEqual(w, [
        5 * MINUTE_MS,
        30 * MINUTE_MS,
        HOUR_MS,
        2 * HOUR_MS,
        6 * HOUR_MS,
        DAY_MS,
        3 * DAY_MS,
      ]);
    });
  });
});
