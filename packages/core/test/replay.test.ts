import * as assert from 'node:assert';
import { parseReplayCsv, replay, type ReplayRow } from '../src';

const MIN = 60_000;
const START = Date.UTC(2026, 0, 1);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** 28 days of minutes: a quiet baseline with a fast burst, a 6-hour burn and a 2-day slow burn. */
function generate(): ReplayRow[] {
  const next = rng(42);
  const rows: ReplayRow[] = [];
  for (let i = 0; i < 28 * 1440; i++) {
    const total = 80 + Math.floor(next() * 40);
    let rate = 0.0003;
    if (i >= 3 * 1440 && i < 3 * 1440 + 20) rate = 0.05; // burst: burn ~50
    if (i >= 8 * 1440 && i < 8 * 1440 + 360) rate = 0.008; // burn ~8 for 6 h
    if (i >= 15 * 1440 && i < 17 * 1440) rate = 0.0035; // burn ~3.5 for 2 d
    let bad = 0;
    for (let k = 0; k < total; k++) if (next() < rate) bad++;
    rows.push({ timeMs: START + i * MIN, total, bad });
  }
  return rows;
}

interface Interval {
  severity: string;
  start: string;
  end: string;
}

/** The expected result, computed directly from prefix sums over the rows. */
function expected(rows: ReplayRow[], objective: number) {
  const fraction = 1 - objective / 100;
  const n = rows.length;
  const total = new Float64Array(n + 1);
  const bad = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    total[i + 1] = total[i] + rows[i].total;
    bad[i + 1] = bad[i] + rows[i].bad;
  }
  // 28-day SLO window: tiers (minutes, threshold = share x 28 d / long)
  const tiers = [
    { severity: 'page', long: 60, short: 5, threshold: (0.02 * 40320) / 60 },
    { severity: 'page', long: 360, short: 30, threshold: (0.05 * 40320) / 360 },
    { severity: 'ticket', long: 1440, short: 120, threshold: (0.1 * 40320) / 1440 },
    { severity: 'ticket', long: 4320, short: 360, threshold: (0.1 * 40320) / 4320 },
  ];
  const burn = (i: number, minutes: number) => {
    const from = Math.max(0, i + 1 - minutes);
    const t = total[i + 1] - total[from];
    const b = bad[i + 1] - bad[from];
    return t > 0 ? b / t / fraction : 0;
  };
  const iso = (i: number) => new Date(rows[i].timeMs).toISOString().replace('.000Z', 'Z');
  const intervals: Interval[] = [];
  for (const severity of ['page', 'ticket']) {
    let open = -1;
    for (let i = 0; i <= n; i++) {
      const firing =
        i < n &&
        tiers.some(
          t =>
            t.severity === severity &&
            i + 1 >= t.long &&
            burn(i, t.long) >= t.threshold &&
            burn(i, t.short) >= t.threshold
        );
      if (firing && open < 0) open = i;
      if (!firing && open >= 0) {
        intervals.push({ severity, start: iso(open), end: iso(i - 1) });
        open = -1;
      }
    }
  }
  intervals.sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : a.severity < b.severity ? -1 : 1
  );
  const budget = fraction * total[n];
  let exhaustedAt: string | null = null;
  for (let i = 0; i < n; i++) {
    if (bad[i + 1] >= budget) {
      exhaustedAt = iso(i);
      break;
    }
  }
  return { total: total[n], bad: bad[n], budget, intervals, exhaustedAt };
}

describe('replay', () => {
  it('should equal an exact computation on a generated 28-day input, to the minute', function () {
    this.timeout(20_000);
    const rows = generate();
    const started = process.hrtime.bigint();
    const result = replay(rows, { objective: 99.9, windowMs: 28 * 1440 * MIN });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const want = expected(rows, 99.9);
    assert.strictEqual(result.total, want.total);
    assert.strictEqual(result.bad, want.bad);
    assert.ok(Math.abs(result.budget - want.budget) < 1e-6);
    assert.ok(Math.abs(result.remainingRatio - (1 - want.bad / want.budget)) < 1e-12);
    assert.deepStrictEqual(result.alerts, want.intervals);
    assert.strictEqual(result.exhaustedAt, want.exhaustedAt);
    // the generated incidents must actually exercise every severity
    assert.ok(result.alerts.some(a => a.severity === 'page'));
    assert.ok(result.alerts.some(a => a.severity === 'ticket'));
    assert.ok(seconds < 2, `40,320 rows took ${seconds.toFixed(2)} s`);
  });

  it('should find when cumulative bad events reach the budget', () => {
    const rows = [0, 1, 2, 3].map(i => ({
      timeMs: START + i * MIN,
      total: 1000,
      bad: i === 2 ? 4 : 0,
    }));
    // budget = 0.001 x 4000 = 4: reached at minute 2
    const result = replay(rows, { objective: 99.9, windowMs: 3_600_000 });
    assert.strictEqual(result.exhaustedAt, '2026-01-01T00:02:00Z');
    assert.strictEqual(result.remainingRatio, 0);
  });

  it('should not evaluate a window before the replay covers it', () => {
    // all bad from the first minute: the 1 h page tier may not fire before minute 60
    const rows = Array.from({ length: 90 }, (_, i) => ({
      timeMs: START + i * MIN,
      total: 10,
      bad: 10,
    }));
    const result = replay(rows, { objective: 99.9, windowMs: 30 * 1440 * MIN });
    const page = result.alerts.find(a => a.severity === 'page')!;
    assert.strictEqual(page.start, '2026-01-01T00:59:00Z');
    assert.strictEqual(page.end, '2026-01-01T01:29:00Z');
  });

  describe('parseReplayCsv', () => {
    it('should read ISO and unix-second timestamps', () => {
      const rows = parseReplayCsv(
        'timestamp,total,bad\n2026-01-01T00:01:00Z,10,1\n1767225600,5,0\n'
      );
      assert.deepStrictEqual(rows, [
        { timeMs: Date.UTC(2026, 0, 1), total: 5, bad: 0 },
        { timeMs: Date.UTC(2026, 0, 1, 0, 1), total: 10, bad: 1 },
      ]);
    });

    it('should name the line of a bad row', () => {
      assert.throws(
        () => parseReplayCsv('timestamp,total,bad\n2026-01-01T00:00:00Z,10,11\n'),
        /^Error: line 2: bad \(11\) exceeds total \(10\)/
      );
      assert.throws(() => parseReplayCsv('time,total,bad\n'), /line 1: expected the header/);
      assert.throws(
        () => parseReplayCsv('timestamp,total,bad\nyesterday,1,0\n'),
        /line 2: timestamp/
      );
    });
  });
});
