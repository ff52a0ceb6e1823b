import * as assert from 'node:assert';
import { formatDuration, humanizeDuration, parseDuration } from '../src';

describe('duration', () => {
  describe('parseDuration', () => {
    it('should parse every unit', () => {
      assert.strictEqual(parseDuration('300ms'), 300);
      assert.strictEqual(parseDuration('30s'), 30_000);
      assert.strictEqual(parseDuration('5m'), 300_000);
      assert.strictEqual(parseDuration('1h'), 3_600_000);
      assert.strictEqual(parseDuration('28d'), 28 * 86_400_000);
      assert.strictEqual(parseDuration('4w'), 28 * 86_400_000);
    });

    it('should parse compound and fractional durations', () => {
      assert.strictEqual(parseDuration('1h30m'), 5_400_000);
      assert.strictEqual(parseDuration('1.5s'), 1500);
    });

    it('should refuse what is not a duration', () => {
      for (const s of ['', '5', 'm', '5x', '-5m', '5 m', '0s', 'abc'])
        assert.strictEqual(parseDuration(s), undefined, s);
    });
  });

  describe('formatDuration', () => {
    it('should give the shortest exact text', () => {
      assert.strictEqual(formatDuration(300_000), '5m');
      assert.strictEqual(formatDuration(28 * 86_400_000), '28d');
      assert.strictEqual(formatDuration(5_400_000), '1h30m');
      assert.strictEqual(formatDuration(5357), '5s357ms');
    });

    it('should round-trip through parseDuration', () => {
      for (const ms of [1000, 61_000, 3_600_000, 90_061_001])
        assert.strictEqual(parseDuration(formatDuration(ms)), ms);
    });
  });

  describe('humanizeDuration', () => {
    it('should pick a readable unit', () => {
      assert.strictEqual(humanizeDuration(43.2 * 60_000), '43.2 min');
      assert.strictEqual(humanizeDuration(25_920), '25.9 s');
      assert.strictEqual(humanizeDuration(Infinity), 'never');
    });
  });
});
