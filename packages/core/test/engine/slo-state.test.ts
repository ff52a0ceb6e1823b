import * as assert from 'node:assert';
import { CompiledSlo, DEFAULT_BUCKETS, parseSpec, SloState } from '../../src';

const spec = parseSpec(`slos:
  - name: rolling
    objective: 99
    window: 28d
    sli: { spans: { kind: any }, good: { status: ok } }
  - name: short
    objective: 99
    window: 1h
    sli: { spans: { kind: any }, good: { status: ok } }
  - name: calendar
    objective: 99
    calendar: month
    sli: { spans: { kind: any }, good: { status: ok } }
`);

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Event {
  t: number;
  good: number;
  bad: number;
}

/**
 * What a bucketed window of `lengthMs` must hold at `nowMs`: the events whose
 * bucket is one of the last 300 up to the newest bucket seen (events or now).
 */
function expectedWindow(events: readonly Event[], lengthMs: number, headMs: number) {
  const bucketMs = lengthMs / DEFAULT_BUCKETS;
  const head = Math.floor(headMs / bucketMs);
  let good = 0;
  let bad = 0;
  for (const e of events) {
    const idx = Math.floor(e.t / bucketMs);
    if (idx > head - DEFAULT_BUCKETS && idx <= head) {
      good += e.good;
      bad += e.bad;
    }
  }
  return { good, bad };
}

describe('SloState', () => {
  describe('.record', () => {
    it('should hold the same window sums as bucketing every event, with late events and snapshots in between', () => {
      for (const [i, def] of spec.slos.slice(0, 2).entries()) {
        const rnd = random(7 + i);
        const state = new SloState(new CompiledSlo(def));
        const windowMs = def.window.durationMs;
        const accepted: Event[] = [];
        let now = Date.UTC(2026, 5, 1);
        let newest = -Infinity;
        for (let n = 0; n < 8_000; n++) {
          // mostly in-order traffic, some late spans, some far too late, some jumps
          const r = rnd();
          now += r < 0.001 ? windowMs / 3 : rnd() * 400;
          const t = r < 0.9 ? now : r < 0.98 ? now - rnd() * windowMs * 0.5 : now - windowMs * 1.5;
          const good = rnd() < 0.9 ? 1 : 0;
          const reason = state.record(t, now, good, 1 - good);
          const late = t <= now - windowMs;
          assert.strictEqual(reason, late ? 'too_old' : undefined, `event ${n} at ${t}`);
          if (!late) {
            accepted.push({ t, good, bad: 1 - good });
            newest = Math.max(newest, t);
          }
          if (rnd() < 0.01) {
            const snap = state.snapshot(now);
            const head = Math.max(newest, now);
            const want = expectedWindow(accepted, windowMs, head);
            assert.deepStrictEqual({ good: snap.good, bad: snap.bad }, want, `${def.name} at ${n}`);
            for (const w of snap.windows) {
              const e = expectedWindow(accepted, w.windowMs, head);
              assert.strictEqual(w.eligible, e.good + e.bad, `${def.name} ${w.window} at ${n}`);
              assert.strictEqual(w.bad, e.bad, `${def.name} ${w.window} at ${n}`);
            }
          }
        }
        const totalGood = accepted.reduce((s, e) => s + e.good, 0);
        assert.strictEqual(state.totalGood, totalGood);
        assert.strictEqual(state.totalBad, accepted.length - totalGood);
      }
    });

    it('should refuse events before the calendar period and count the rest', () => {
      const state = new SloState(new CompiledSlo(spec.slos[2]));
      const june = Date.UTC(2026, 5, 10);
      assert.strictEqual(state.record(june, june, 1, 0), undefined);
      assert.strictEqual(state.record(june + 1, june + 1, 0, 1), undefined);
      assert.strictEqual(state.record(Date.UTC(2026, 4, 31), june + 2, 1, 0), 'too_old');
      const snap = state.snapshot(june + 3);
      assert.deepStrictEqual([snap.good, snap.bad], [1, 1]);
      assert.strictEqual(snap.windows[0].eligible, 2);
    });

    it('should keep pending counts across a state round trip', () => {
      const a = new SloState(new CompiledSlo(spec.slos[0]));
      const t = Date.UTC(2026, 5, 1);
      for (let i = 0; i < 10; i++) a.record(t + i, t + i, i % 2, 1 - (i % 2));
      const b = new SloState(new CompiledSlo(spec.slos[0]));
      assert.strictEqual(b.restore(JSON.parse(JSON.stringify(a.toJSON()))), true);
      // an event older than the restored rings' head bucket still lands, a too-old one is late
      assert.strictEqual(b.record(t - 1000, t + 10, 1, 0), undefined);
      assert.strictEqual(b.record(t - 29 * 86_400_000, t + 10, 1, 0), 'too_old');
      const s = b.snapshot(t + 20);
      assert.deepStrictEqual([s.good, s.bad], [6, 5]);
      assert.strictEqual(s.windows[0].eligible, 11);
    });
  });
});

describe('SloState alert hold (for)', () => {
  const held = parseSpec(`slos:
  - name: h
    objective: 99
    window: 28d
    alerting:
      tiers:
        - { severity: page, long: 1h, short: 5m, burnRate: 10, for: 2m }
    sli: { spans: { kind: any }, good: { status: ok } }
`);

  it('should fire a tier only once both windows have held the threshold for its hold', () => {
    const t0 = Date.UTC(2026, 5, 1, 12);
    const state = new SloState(new CompiledSlo(held.slos[0]));
    // 50 % bad: burn 50 over every window
    for (let i = 0; i < 100; i++) state.record(t0 - 30_000, t0 - 30_000, i % 2, (i + 1) % 2);
    assert.strictEqual(state.snapshot(t0).firing.page, false);
    assert.strictEqual(state.snapshot(t0 + 60_000).firing.page, false);
    assert.strictEqual(state.snapshot(t0 + 120_000).firing.page, true);
    assert.strictEqual(held.slos[0].alerting.tiers[0].holdMs, 120_000);
  });
});
