import * as assert from 'node:assert';
import { MINUTE_MS, parseSpec, SliceTracker, SloEngine } from '../../src';

const NOW = Date.UTC(2026, 5, 1, 12);

describe('SliceTracker', () => {
  describe('.record', () => {
    it('should flip a slice between good and bad at the slice target', () => {
      const t = new SliceTracker(MINUTE_MS, 0.95);
      assert.strictEqual(t.record(NOW, 9, 1), 1); // 9 of 10 good: 90 % < 95 %, bad
      assert.strictEqual(t.record(NOW + 1, 5, 0), 0); // 14 of 15: 93 %, still bad
      assert.strictEqual(t.record(NOW + 2, 85, 0), -1); // 99 of 100: good again
    });

    it('should return the change of the bad share with ratio (RatioTimeslices)', () => {
      const t = new SliceTracker(MINUTE_MS, 1, true);
      assert.strictEqual(t.record(NOW, 3, 1), 0.25);
      // 3 good, 1 bad, then 4 good: the share goes from 1/4 to 1/8
      assert.strictEqual(t.record(NOW + 1, 4, 0), 1 / 8 - 1 / 4);
      assert.strictEqual(t.record(NOW + MINUTE_MS, 0, 2), 1);
    });
  });
});

describe('SloEngine with ratio-timeslices', () => {
  it('should spend each slice its bad share, whatever its traffic', () => {
    const spec = parseSpec(`
slos:
  - name: r
    objective: 99
    window: 1d
    budgeting: { method: ratio-timeslices, slice: 1m }
    sli:
      spans: { kind: any }
      good: { status: ok }
`);
    const engine = new SloEngine({ spec, clock: { now: () => NOW } });
    const start = NOW - 30 * MINUTE_MS;
    // minute 0: 1 event, bad (share 1); minute 1: 1000 events, 100 bad (0.1);
    // minute 2: 4 events, 1 bad (0.25); minutes 3-9: all good
    const minutes: [number, number][] = [
      [1, 1],
      [1000, 100],
      [4, 1],
      ...Array.from({ length: 7 }, (): [number, number] => [50, 0]),
    ];
    minutes.forEach(([total, bad], m) => {
      for (let k = 0; k < total; k++) {
        const isBad = k < bad;
        engine.recordCounts(0, start + m * MINUTE_MS + k, isBad ? 0 : 1, isBad ? 1 : 0, NOW);
      }
    });
    const s = engine.snapshot()[0];
    // bad time = 1 + 0.1 + 0.25 slices; budget = 1 % of 1440 slices = 14.4
    assert.ok(Math.abs(s.bad - 1.35) < 1e-9, String(s.bad));
    assert.strictEqual(s.eligible, 1440);
    assert.ok(Math.abs(s.remaining - (1 - 1.35 / 14.4)) < 1e-9);
  });
});
