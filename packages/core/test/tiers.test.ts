import * as assert from 'node:assert';
import { alertWindows, budgetConsumedAt, DAY_MS, deriveTiers, HOUR_MS, MINUTE_MS } from '../src';

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

    it('should derive 3.36 for the page tier of a 7-day SLO, not a copied 14.4', () => {
      assert.strictEqual(rates(7 * DAY_MS)[0], 3.36);
    });

    it('should keep the workbook windows for W >= 7 d', () => {
      const t = deriveTiers(30 * DAY_MS);
      assert.deepStrictEqual(
        t.map(x => [x.severity, x.longWindowMs, x.shortWindowMs]),
        [
          ['page', HOUR_MS, 5 * MINUTE_MS],
          ['page', 6 * HOUR_MS, 30 * MINUTE_MS],
          ['ticket', DAY_MS, 2 * HOUR_MS],
          ['ticket', 3 * DAY_MS, 6 * HOUR_MS],
        ]
      );
    });

    it('should scale the windows with W below 7 days and keep the 28-day thresholds', () => {
      const w = 2 * DAY_MS;
      const t = deriveTiers(w);
      assert.strictEqual(t[0].longWindowMs, (HOUR_MS * w) / (28 * DAY_MS));
      assert.strictEqual(t[0].shortWindowMs, (5 * MINUTE_MS * w) / (28 * DAY_MS));
      assert.deepStrictEqual(rates(w), [13.44, 5.6, 2.8, 0.933]);
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
