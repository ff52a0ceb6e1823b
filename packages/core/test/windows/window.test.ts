import * as assert from 'node:assert';
import { RollingWindow } from '../../src';

/** A small seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('RollingWindow', () => {
  it('should sum what was recorded inside the window', () => {
    const w = new RollingWindow(300_000);
    w.record(1_000_000, 3, 1);
    w.record(1_010_000, 2, 0);
    assert.strictEqual(w.good, 5);
    assert.strictEqual(w.bad, 1);
  });

  it('should expire buckets that leave the window', () => {
    const w = new RollingWindow(300_000);
    w.record(1_000_000, 1, 1);
    w.advance(1_000_000 + 299_000);
    assert.strictEqual(w.good + w.bad, 2);
    w.advance(1_000_000 + 301_000);
    assert.strictEqual(w.good + w.bad, 0);
  });

  it('should count late events inside the window and refuse older ones', () => {
    const w = new RollingWindow(300_000);
    w.record(2_000_000, 1, 0);
    assert.strictEqual(w.record(2_000_000 - 200_000, 0, 1), true);
    assert.strictEqual(w.record(2_000_000 - 400_000, 0, 1), false);
    assert.strictEqual(w.bad, 1);
  });

  it('should reset after an idle gap longer than the window', () => {
    const w = new RollingWindow(60_000);
    w.record(0, 5, 5);
    w.record(10 * 60_000, 1, 0);
    assert.strictEqual(w.good, 1);
    assert.strictEqual(w.bad, 0);
  });

  it('should match a naive exact sum on random streams within one bucket', () => {
    for (const [lengthMs, seed] of [
      [300_000, 1],
      [3_600_000, 2],
      [86_400_000, 3],
    ] as const) {
      const next = rng(seed);
      const w = new RollingWindow(lengthMs);
      const events: { t: number; good: number; bad: number }[] = [];
      let t = 1_700_000_000_000;
      for (let i = 0; i < 20_000; i++) {
        t += next() * (lengthMs / 2000);
        // some late events, up to a third of the window back
        const at = next() < 0.1 ? t - next() * (lengthMs / 3) : t;
        const good = next() < 0.9 ? 1 : 0;
        const bad = 1 - good;
        w.record(at, good, bad);
        events.push({ t: at, good, bad });
        if (i % 997 === 0) {
          w.advance(t);
          let exactGood = 0;
          let exactBad = 0;
          let inEdgeBucket = 0;
          for (const e of events) {
            if (e.t > t - lengthMs && e.t <= t) {
              exactGood += e.good;
              exactBad += e.bad;
            }
            if (e.t > t - lengthMs - w.bucketMs && e.t <= t - lengthMs + w.bucketMs) inEdgeBucket++;
          }
          const diff = Math.abs(w.good + w.bad - (exactGood + exactBad));
          assert.ok(
            diff <= inEdgeBucket,
            `window ${lengthMs}: off by ${diff}, more than the ${inEdgeBucket} events of one bucket`
          );
          assert.ok(Math.abs(w.bad - exactBad) <= inEdgeBucket);
        }
      }
    }
  });

  it('should hold a fixed memory whatever the traffic', () => {
    const w = new RollingWindow(28 * 86_400_000);
    const before = w.byteSize;
    for (let i = 0; i < 100_000; i++) w.record(1_700_000_000_000 + i * 1000, 1, 0);
    assert.strictEqual(w.byteSize, before);
    assert.strictEqual(before, 300 * 2 * 8);
  });

  it('should round-trip its state', () => {
    const w = new RollingWindow(3_600_000);
    for (let i = 0; i < 500; i++) w.record(1_000_000 + i * 5000, i % 3, i % 2);
    const copy = new RollingWindow(3_600_000);
    assert.ok(copy.restore(JSON.parse(JSON.stringify(w.toJSON()))));
    assert.strictEqual(copy.good, w.good);
    assert.strictEqual(copy.bad, w.bad);
    copy.advance(1_000_000 + 600 * 5000);
    w.advance(1_000_000 + 600 * 5000);
    assert.strictEqual(copy.good, w.good);
  });

  it('should refuse state of another shape', () => {
    const w = new RollingWindow(3_600_000);
    assert.strictEqual(w.restore(new RollingWindow(60_000).toJSON()), false);
  });
});
