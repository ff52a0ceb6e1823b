import * as assert from 'node:assert';
import { counterValues, errorRatioExpr, formatNumber, promDuration } from '../src';

describe('formatNumber', () => {
  it('should drop binary noise and keep real digits', () => {
    assert.strictEqual(formatNumber(0.02 * 672), '13.44');
    assert.strictEqual(formatNumber(1 - 0.999), '0.001');
    assert.strictEqual(formatNumber((0.1 * 28) / 3), '0.933333333333333');
    assert.strictEqual(formatNumber(Infinity), '+Inf');
  });
});

describe('promDuration', () => {
  it('should write compound durations with milliseconds', () => {
    assert.strictEqual(promDuration(3_600_000 / 28), '2m8s571ms');
    assert.strictEqual(promDuration(28 * 86_400_000), '28d');
  });
});

describe('errorRatioExpr', () => {
  it('should guard the division so that no traffic gives 0', () => {
    assert.strictEqual(
      errorRatioExpr('a', 300_000),
      '(sum(rate(slo_events_total{slo_name="a",slo_outcome="bad"}[5m])) or vector(0))\n' +
        '/\n(sum(rate(slo_events_total{slo_name="a",slo_outcome=~"good|bad"}[5m])) > 0)\n' +
        'or vector(0)'
    );
  });
});

describe('counterValues', () => {
  it('should expand to the cumulative counter promtool expects', () => {
    // increments 5,5,5 then 2,2 → 0 5 10 15 17 19
    assert.strictEqual(
      counterValues([
        { steps: 3, increment: 5 },
        { steps: 2, increment: 2 },
      ]),
      '0 5+5x2 17+2x1'
    );
    assert.strictEqual(
      counterValues([
        { steps: 1, increment: 7 },
        { steps: 0, increment: 1 },
      ]),
      '0 7'
    );
  });
});
