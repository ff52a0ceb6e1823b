import * as assert from 'node:assert';
import type { SloSnapshot } from '@burnrate/core';
import { AlertTracker } from '../src/alert-tracker';

/** The parts of a snapshot the tracker reads. */
function snap(timeMs: number, firing: boolean[]): SloSnapshot {
  return { timeMs, tiers: firing.map(f => ({ firing: f })) } as unknown as SloSnapshot;
}

describe('AlertTracker', () => {
  describe('.update', () => {
    it('should report a tier once when it starts firing and once when it resolves', () => {
      const t = new AlertTracker([2]);
      assert.deepStrictEqual(t.update([snap(1_000, [false, false])]), []);
      assert.deepStrictEqual(t.update([snap(2_000, [true, false])]), [
        { sloIndex: 0, tierIndex: 0, state: 'firing', startsAtMs: 2_000, endsAtMs: undefined },
      ]);
      for (let i = 3; i < 10; i++)
        assert.deepStrictEqual(t.update([snap(i * 1_000, [true, false])]), []);
      assert.deepStrictEqual(t.update([snap(10_000, [false, true])]), [
        { sloIndex: 0, tierIndex: 0, state: 'resolved', startsAtMs: 2_000, endsAtMs: 10_000 },
        { sloIndex: 0, tierIndex: 1, state: 'firing', startsAtMs: 10_000, endsAtMs: undefined },
      ]);
      assert.deepStrictEqual(t.update([snap(11_000, [false, true])]), []);
    });

    it('should keep SLOs apart, and SLOs without tiers out', () => {
      const t = new AlertTracker([1, 0, 1]);
      const out = t.update([snap(5, [true]), snap(5, []), snap(5, [true])]);
      assert.deepStrictEqual(
        out.map(x => [x.sloIndex, x.tierIndex, x.state]),
        [
          [0, 0, 'firing'],
          [2, 0, 'firing'],
        ]
      );
      assert.strictEqual(t.anyFiring(1), false);
      assert.strictEqual(t.anyFiring(2), true);
    });
  });

  describe('.active', () => {
    it('should list firing alerts and those resolved since a time', () => {
      const t = new AlertTracker([2]);
      t.update([snap(1_000, [true, true])]);
      t.update([snap(5_000, [true, false])]);
      assert.deepStrictEqual(
        t.active(5_000).map(a => a.tierIndex),
        [0, 1]
      );
      assert.deepStrictEqual(
        t.active(5_001).map(a => a.tierIndex),
        [0]
      );
    });
  });
});
