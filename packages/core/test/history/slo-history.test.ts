import * as assert from 'node:assert';
import {
  coarseStepMs,
  CompiledSlo,
  DAY_MS,
  fineStepMs,
  HOUR_MS,
  MINUTE_MS,
  parseSpec,
  SloState,
  type SloStateData,
} from '../../src';

const spec = parseSpec(`slos:
  - name: month
    objective: 99.9
    window: 28d
    sli: { spans: { kind: any }, good: { status: ok } }
  - name: short
    objective: 99
    window: 1h
    sli: { spans: { kind: any }, good: { status: ok } }
`);

describe('SloHistory', () => {
  describe('steps', () => {
    it('should keep one point a minute for windows of a day and more, and span the window coarsely', () => {
      assert.strictEqual(fineStepMs(28 * DAY_MS), MINUTE_MS);
      assert.strictEqual(fineStepMs(DAY_MS), MINUTE_MS);
      assert.strictEqual(fineStepMs(HOUR_MS), 3_000);
      assert.strictEqual(coarseStepMs(7 * DAY_MS), 5 * MINUTE_MS);
      assert.strictEqual(coarseStepMs(28 * DAY_MS), 30 * MINUTE_MS);
      assert.strictEqual(coarseStepMs(30 * DAY_MS), 30 * MINUTE_MS);
      assert.strictEqual(coarseStepMs(90 * DAY_MS), 2 * HOUR_MS);
      assert.strictEqual(coarseStepMs(HOUR_MS), 5_000);
    });

    it('should stay under 256 KiB for a 28-day SLO with the default tiers', () => {
      const state = new SloState(new CompiledSlo(spec.slos[0]));
      // fine 1440 points, coarse 28 d / 30 min + 1 = 1345 points; each point 2 levels
      // and 7 burn rates (5m 30m 1h 2h 6h 1d 3d) as float32, 2 counts as float64, 1 flag byte
      const points = 1440 + 1345;
      assert.strictEqual(state.history.byteSize, points * (4 * 9 + 16 + 1));
      assert.ok(state.history.byteSize < 256 * 1024);
    });
  });

  describe('through SloState.snapshot', () => {
    it('should record every snapshot, with the events counted between snapshots', () => {
      const state = new SloState(new CompiledSlo(spec.slos[1]));
      const t0 = 1_700_000_000_000 - (1_700_000_000_000 % 15_000);
      const expected: Array<{ t: number; good: number; bad: number; remaining: number }> = [];
      for (let step = 0; step < 40; step++) {
        const t = t0 + step * 3_000;
        const bad = step >= 10 && step < 20 ? 2 : 0;
        const good = 50 - bad;
        state.record(t + 1, t + 1, good, bad);
        const snap = state.snapshot(t + 2_000);
        expected.push({ t, good, bad, remaining: snap.remaining });
      }
      const fine = state.history.read().fine;
      assert.strictEqual(fine.stepMs, 3_000);
      assert.deepStrictEqual(
        fine.timeMs,
        expected.map(e => e.t)
      );
      assert.deepStrictEqual(
        fine.good,
        expected.map(e => e.good)
      );
      assert.deepStrictEqual(
        fine.bad,
        expected.map(e => e.bad)
      );
      assert.deepStrictEqual(
        fine.remaining,
        expected.map(e => Math.fround(e.remaining))
      );
      // by hand: 20 bad of 2000 events, budget 1 % of 2000 = 20: all spent
      assert.strictEqual(fine.remaining[39], 0);
      assert.strictEqual(fine.status[39], 'exhausted');
      const coarse = state.history.read().coarse;
      assert.strictEqual(coarse.stepMs, 5_000);
      assert.strictEqual(
        coarse.good.reduce((a, b) => a + b, 0),
        expected.reduce((a, e) => a + e.good, 0)
      );
      assert.strictEqual(
        coarse.bad.reduce((a, b) => a + b, 0),
        20
      );
      // burn over 5m during the incident: 2 bad of 50 = 4 % against a 1 % budget, up to 4x
      assert.ok(Math.max(...fine.burnRates['1h']) > 1);
    });

    it('should come back with the rest of the state, and restore state written before history', () => {
      const a = new SloState(new CompiledSlo(spec.slos[0]));
      const t0 = Date.UTC(2026, 0, 5);
      for (let m = 0; m < 30; m++) {
        a.record(t0 + m * MINUTE_MS, t0 + m * MINUTE_MS, 100, m % 10 === 0 ? 1 : 0);
        a.snapshot(t0 + m * MINUTE_MS + 30_000);
      }
      const saved = JSON.parse(JSON.stringify(a.toJSON())) as SloStateData;
      const b = new SloState(new CompiledSlo(spec.slos[0]));
      assert.strictEqual(b.restore(saved), true);
      assert.deepStrictEqual(b.history.read(), a.history.read());
      // after the restore, the next reading counts only new events
      b.record(t0 + 30 * MINUTE_MS, t0 + 30 * MINUTE_MS, 7, 0);
      b.snapshot(t0 + 30 * MINUTE_MS + 1);
      const fine = b.history.read().fine;
      assert.strictEqual(fine.good[fine.good.length - 1], 7);

      const { history: _h, ...old } = saved;
      const c = new SloState(new CompiledSlo(spec.slos[0]));
      assert.strictEqual(c.restore(old), true);
      assert.deepStrictEqual(c.history.read().fine.timeMs, []);
      assert.strictEqual(c.snapshot(t0 + 31 * MINUTE_MS).bad, 3);
    });
  });
});
