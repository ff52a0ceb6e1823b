import * as assert from 'node:assert';
import {
  budgetEvents,
  burnRate,
  DAY_MS,
  errorBudgetFraction,
  HOUR_MS,
  MINUTE_MS,
  remainingRatio,
  sliRatio,
  timeBudgetMs,
  timeToExhaustionMs,
} from '../../src';

function near(actual: number, expected: number, eps = 1e-9) {
  assert.ok(Math.abs(actual - expected) <= eps, `expected ${expected}, got ${actual}`);
}

describe('budget', () => {
  describe('timeBudgetMs', () => {
    it('should give the seed table budgets over 30 days', () => {
      const w = 30 * DAY_MS;
      near(timeBudgetMs(0.999, w) / MINUTE_MS, 43.2);
      near(timeBudgetMs(0.9995, w) / MINUTE_MS, 21.6);
      near(timeBudgetMs(0.9999, w) / MINUTE_MS, 4.32);
      near(timeBudgetMs(0.99999, w) / 1000, 25.92, 1e-6);
    });

    it('should scale linearly with the window', () => {
      near(timeBudgetMs(0.999, 28 * DAY_MS) / MINUTE_MS, 40.32);
      near(timeBudgetMs(0.99, 7 * DAY_MS) / HOUR_MS, 1.68);
    });
  });

  describe('errorBudgetFraction', () => {
    it('should be exactly 1 - O in decimal for percent objectives', () => {
      assert.strictEqual(errorBudgetFraction(99.9 / 100), 0.001);
      assert.strictEqual(errorBudgetFraction(0.9995), 0.0005);
      assert.strictEqual(budgetEvents(0.999, 1_000_000), 1000);
    });
  });

  describe('remainingRatio', () => {
    it('should be 1 with no eligible events', () => {
      assert.strictEqual(remainingRatio(0.999, 0, 0), 1);
    });

    it('should be 1 - consumed / budget', () => {
      near(remainingRatio(0.999, 10_000, 4), 0.6);
      near(remainingRatio(0.99, 1000, 10), 0);
    });

    it('should go negative when overspent, never clamping', () => {
      near(remainingRatio(0.999, 10_000, 30), -2);
    });

    it('should never be NaN', () => {
      for (const [e, b] of [
        [0, 0],
        [0, 5],
        [5, 0],
        [1, 1],
      ]) {
        assert.ok(!Number.isNaN(remainingRatio(0.999, e, b)));
      }
    });
  });

  describe('burnRate', () => {
    it('should be (bad / eligible) / (1 - O)', () => {
      near(burnRate(0.999, 1000, 1), 1);
      near(burnRate(0.999, 1000, 14.4), 14.4);
      near(burnRate(0.99, 200, 20), 10);
    });

    it('should be 0 with no events', () => {
      assert.strictEqual(burnRate(0.999, 0, 0), 0);
    });
  });

  describe('timeToExhaustionMs', () => {
    it('should be remaining x W / burn(1h)', () => {
      near(timeToExhaustionMs(0.5, 30 * DAY_MS, 2), 7.5 * DAY_MS);
    });

    it('should be infinite when not burning and zero when spent', () => {
      assert.strictEqual(timeToExhaustionMs(0.5, 30 * DAY_MS, 0), Infinity);
      assert.strictEqual(timeToExhaustionMs(-0.1, 30 * DAY_MS, 3), 0);
    });

    it('should be infinite on a rolling window burning at 1 or less, and 0 once spent', () => {
      // issue #10: burn 0.85 on a rolling window gave "4.9 d", every day, forever
      assert.strictEqual(timeToExhaustionMs(0.5, 28 * DAY_MS, 0.85, true), Infinity);
      assert.strictEqual(timeToExhaustionMs(0.5, 28 * DAY_MS, 1, true), Infinity);
      near(timeToExhaustionMs(0.5, 28 * DAY_MS, 2, true), 7 * DAY_MS);
      assert.strictEqual(timeToExhaustionMs(0, 28 * DAY_MS, 0.5, true), 0);
      // a calendar period does run out at burn 0.85
      near(timeToExhaustionMs(0.5, 30 * DAY_MS, 0.85, false), (0.5 * 30 * DAY_MS) / 0.85);
    });
  });

  describe('sliRatio', () => {
    it('should be good / eligible and 1 without events', () => {
      assert.strictEqual(sliRatio(0, 0), 1);
      assert.strictEqual(sliRatio(4, 3), 0.75);
    });
  });
});
