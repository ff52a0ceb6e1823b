import * as assert from 'node:assert';
import { HistoryRing, type HistoryReading } from '../../src';

function reading(over: Partial<HistoryReading> = {}): HistoryReading {
  return {
    remaining: 1,
    sli: 1,
    burnRates: [0, 0],
    page: false,
    ticket: false,
    status: 'healthy',
    good: 0,
    bad: 0,
    ...over,
  };
}

describe('HistoryRing', () => {
  describe('.add', () => {
    it('should fold readings of one step: last level and status, highest burn, any alert, summed events', () => {
      const ring = new HistoryRing(60_000, 10, ['5m', '1h']);
      ring.add(
        120_000,
        reading({ remaining: 0.9, burnRates: [3, 1], page: true, good: 5, bad: 1 })
      );
      ring.add(
        150_000,
        reading({ remaining: 0.8, burnRates: [2, 4], status: 'critical', good: 7, bad: 2 })
      );
      ring.add(
        179_999,
        reading({ remaining: 0.7, sli: 0.99, burnRates: [1, 2], status: 'warning', good: 1 })
      );
      const s = ring.read();
      assert.deepStrictEqual(s.timeMs, [120_000]);
      assert.strictEqual(s.remaining[0], Math.fround(0.7));
      assert.strictEqual(s.sli[0], Math.fround(0.99));
      assert.deepStrictEqual(s.burnRates, { '5m': [3], '1h': [4] });
      assert.deepStrictEqual(s.page, [true]);
      assert.deepStrictEqual(s.ticket, [false]);
      assert.deepStrictEqual(s.status, ['warning']);
      assert.deepStrictEqual(s.good, [13]);
      assert.deepStrictEqual(s.bad, [3]);
    });

    it('should leave steps without a reading out and ignore readings older than the newest step', () => {
      const ring = new HistoryRing(1_000, 5, []);
      ring.add(1_000, reading({ good: 1 }));
      ring.add(4_500, reading({ good: 2 }));
      assert.strictEqual(ring.add(2_000, reading({ good: 100 })), false);
      const s = ring.read();
      assert.deepStrictEqual(s.timeMs, [1_000, 4_000]);
      assert.deepStrictEqual(s.good, [1, 2]);
    });

    it('should keep only the last capacity steps, with fixed memory', () => {
      const ring = new HistoryRing(1_000, 4, ['1h']);
      const bytes = ring.byteSize;
      assert.strictEqual(bytes, 4 * 4 * 3 + 4 * 16 + 4);
      for (let t = 0; t < 10; t++) ring.add(t * 1_000, reading({ good: t, burnRates: [t] }));
      const s = ring.read();
      assert.deepStrictEqual(s.timeMs, [6_000, 7_000, 8_000, 9_000]);
      assert.deepStrictEqual(s.good, [6, 7, 8, 9]);
      assert.deepStrictEqual(s.burnRates['1h'], [6, 7, 8, 9]);
      ring.add(100_000, reading({ good: 42 }));
      assert.deepStrictEqual(ring.read().timeMs, [100_000]);
      assert.strictEqual(ring.byteSize, bytes);
    });
  });

  describe('.toJSON and .restore', () => {
    it('should round-trip points and gaps, matching burn columns by window label', () => {
      const ring = new HistoryRing(1_000, 6, ['5m', '1h']);
      ring.add(2_000, reading({ remaining: 0.5, burnRates: [1.5, 0.25], ticket: true, bad: 3 }));
      ring.add(
        4_000,
        reading({ remaining: 0.25, burnRates: [2, 3], status: 'exhausted', good: 9 })
      );
      const state = JSON.parse(JSON.stringify(ring.toJSON()));
      assert.strictEqual(state.head, 4);
      assert.deepStrictEqual(state.remaining, [0.5, null, 0.25]);
      const other = new HistoryRing(1_000, 6, ['1h', '6h']);
      assert.strictEqual(other.restore(state, ['5m', '1h']), true);
      const s = other.read();
      assert.deepStrictEqual(s.timeMs, [2_000, 4_000]);
      assert.deepStrictEqual(s.burnRates, { '1h': [0.25, 3], '6h': [0, 0] });
      assert.deepStrictEqual(s.ticket, [true, false]);
      assert.deepStrictEqual(s.status, ['healthy', 'exhausted']);
      assert.deepStrictEqual(s.good, [0, 9]);
      assert.deepStrictEqual(s.bad, [3, 0]);
      other.add(5_000, reading({ good: 1 }));
      assert.deepStrictEqual(other.read().timeMs, [2_000, 4_000, 5_000]);
    });

    it('should refuse state of another step, size or shape and stay empty', () => {
      const ring = new HistoryRing(1_000, 6, ['5m']);
      ring.add(2_000, reading({ burnRates: [1] }));
      const good = ring.toJSON();
      for (const bad of [
        { ...good, stepMs: 2_000 },
        { ...good, capacity: 7 },
        { ...good, flags: [1, 2] },
        { ...good, good: ['x'] },
        { ...good, head: 1.5 },
        { ...good, burn: [] },
        null,
      ]) {
        const r = new HistoryRing(1_000, 6, ['5m']);
        r.add(1_000, reading());
        assert.strictEqual(r.restore(bad as never, ['5m']), false, JSON.stringify(bad));
        assert.deepStrictEqual(r.read().timeMs, []);
      }
    });
  });
});
