import * as assert from 'node:assert';
import { parseReplayCsv, replay, wholeMinutes, type ReplayRow } from '../src';

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

interface Tier {
  severity: string;
  long: number;
  short: number;
  threshold: number;
}

/** 28-day SLO window: tiers in minutes, threshold = share x 28 d / long. */
const TIERS_28D: Tier[] = [
  { severity: 'page', long: 60, short: 5, threshold: (0.02 * 40320) / 60 },
  { severity: 'page', long: 360, short: 30, threshold: (0.05 * 40320) / 360 },
  { severity: 'ticket', long: 1440, short: 120, threshold: (0.1 * 40320) / 1440 },
  { severity: 'ticket', long: 4320, short: 360, threshold: (0.1 * 40320) / 4320 },
];

/**
 * 1-day SLO window: the 28-day windows scaled by 1/28 and rounded to whole minutes,
 * never under one (1 h → 2m8.6s → 2 min, 5 m → 10.7 s → 1 min, 6 h → 12.9 min → 13,
 * 30 m → 1.07 min → 1, 1 d → 51.4 min → 51, 2 h → 4.3 min → 4, 3 d → 154.3 min → 154,
 * 6 h → 12.9 min → 13); the thresholds keep their 28-day values.
 */
const TIERS_1D: Tier[] = [
  { severity: 'page', long: 2, short: 1, threshold: 13.44 },
  { severity: 'page', long: 13, short: 1, threshold: 5.6 },
  { severity: 'ticket', long: 51, short: 4, threshold: 2.8 },
  { severity: 'ticket', long: 154, short: 13, threshold: 2.8 / 3 },
];

/**
 * The expected result, computed directly from prefix sums over the rows (one row
 * per minute, no gaps), with the tiers' thresholds compared as `>=` within 1e-9.
 */
function expected(rows: ReplayRow[], objective: number, tiers: Tier[], windowMinutes: number) {
  const fraction = 1 - objective / 100;
  const n = rows.length;
  const total = new Float64Array(n + 1);
  const bad = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    total[i + 1] = total[i] + rows[i].total;
    bad[i + 1] = bad[i] + rows[i].bad;
  }
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
            burn(i, t.long) >= t.threshold * (1 - 1e-9) &&
            burn(i, t.short) >= t.threshold * (1 - 1e-9)
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
  const from = Math.max(0, n - windowMinutes);
  const budget = fraction * (total[n] - total[from]);
  let exhaustedAt: string | null = null;
  for (let i = from; i < n; i++) {
    if (bad[i + 1] - bad[from] >= budget && bad[i + 1] - bad[from] > 0) {
      exhaustedAt = iso(i);
      break;
    }
  }
  return {
    total: total[n],
    bad: bad[n],
    budget,
    periodBad: bad[n] - bad[from],
    intervals,
    exhaustedAt,
  };
}

/** `days` of minutes at `perMinute` requests, with `bad(i)` bad events in minute i. */
function steady(days: number, perMinute: number, bad: (i: number) => number): ReplayRow[] {
  return Array.from({ length: days * 1440 }, (_, i) => ({
    timeMs: START + i * MIN,
    total: perMinute,
    bad: bad(i),
  }));
}

describe('replay', () => {
  it('should equal an exact computation on a generated 28-day input, to the minute', function () {
    this.timeout(20_000);
    const rows = generate();
    const started = process.hrtime.bigint();
    const result = replay(rows, { objective: 99.9, windowMs: 28 * 1440 * MIN });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const want = expected(rows, 99.9, TIERS_28D, 40320);
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

  it('should equal an exact computation on a 1-day SLO, its scaled windows in whole minutes', function () {
    this.timeout(20_000);
    // 3 days of the generated traffic under a 1-day window: every scaled tier is exercised
    const rows = generate().slice(2 * 1440, 5 * 1440);
    const result = replay(rows, { objective: 99.9, windowMs: 1440 * MIN });
    const want = expected(rows, 99.9, TIERS_1D, 1440);
    assert.deepStrictEqual(result.alerts, want.intervals);
    assert.strictEqual(result.exhaustedAt, want.exhaustedAt);
    assert.ok(Math.abs(result.budget - want.budget) < 1e-9);
    assert.ok(result.alerts.some(a => a.severity === 'page'));
    assert.ok(result.alerts.some(a => a.severity === 'ticket'));
    assert.deepStrictEqual(
      result.tiers.map(t => [t.severity, t.long, t.short]),
      [
        ['page', '2m', '1m'],
        ['page', '13m', '1m'],
        ['ticket', '51m', '4m'],
        ['ticket', '2h34m', '13m'],
      ]
    );
    assert.deepStrictEqual(
      result.tiers.map(t => Number(t.burnRate.toPrecision(12))),
      TIERS_1D.map(t => Number(t.threshold.toPrecision(12)))
    );
  });

  it('should say which windows it rounded to whole minutes', () => {
    const result = replay(
      steady(1, 100, () => 0),
      { objective: 99.9, windowMs: 1440 * MIN }
    );
    for (const t of result.tiers) {
      // the tier's own windows, when they were not whole minutes already
      if (t.exact === undefined) continue;
      assert.notDeepStrictEqual([t.exact.long, t.exact.short], [t.long, t.short]);
    }
    const page = result.tiers[0];
    assert.strictEqual(page.long, '2m');
    assert.strictEqual(page.short, '1m');
    // 1 h × 1/28 is 2m8.571s and 5 m × 1/28 is 10.714s unless core rounds them already
    if (page.exact) assert.deepStrictEqual(page.exact, { long: '2m8s571ms', short: '10s714ms' });
    assert.strictEqual(wholeMinutes(10_714), 1);
    assert.strictEqual(wholeMinutes(128_571), 2);
    assert.strictEqual(wholeMinutes(150_000), 3);
  });

  it('should report a continuous 3-hour outage on a 1-day SLO as one page, within minutes', () => {
    // 2 days at 1,000 requests per minute; from day 1, 10:00 for 3 h, 5 % fail (burn 50)
    const outageStart = 1440 + 600;
    const outageEnd = outageStart + 180;
    const rows = steady(2, 1000, i => (i >= outageStart && i < outageEnd ? 50 : 0));
    const result = replay(rows, { objective: 99.9, windowMs: 1440 * MIN });
    const pages = result.alerts.filter(a => a.severity === 'page');
    assert.strictEqual(pages.length, 1, JSON.stringify(result.alerts));
    const minute = (text: string) => (Date.parse(text) - START) / MIN;
    assert.ok(minute(pages[0].start) - outageStart <= 2, pages[0].start);
    assert.ok(minute(pages[0].start) >= outageStart, pages[0].start);
    assert.ok(minute(pages[0].end) >= outageEnd - 1, pages[0].end);
    assert.ok(minute(pages[0].end) <= outageEnd + 15, pages[0].end);
    assert.ok(result.alerts.filter(a => a.severity === 'ticket').length <= 1);
  });

  it('should fire at exactly the threshold (1.44 % of a 99.9 % 30-day SLO is 14.4x)', () => {
    // 0.0144 / (1 − 0.999) is 14.399999999999986 in binary floating point
    const rows = steady(1, 10_000, () => 144);
    const result = replay(rows, { objective: 99.9, windowMs: 30 * 1440 * MIN });
    assert.strictEqual(result.tiers[0].burnRate, 14.4);
    const page = result.alerts.find(a => a.severity === 'page');
    assert.ok(page, JSON.stringify(result.alerts));
    assert.strictEqual(page.start, '2026-01-01T00:59:00Z');
  });

  it('should report the budget of the last window of a longer file, and say which span', () => {
    // 14 days under a 7-day window: the first week overspends, the second is clean
    const rows = steady(14, 1000, i => (i < 7 * 1440 ? 5 : 0));
    const result = replay(rows, { objective: 99.9, windowMs: 7 * 1440 * MIN });
    const want = expected(rows, 99.9, [], 7 * 1440);
    assert.strictEqual(result.window, '7d');
    assert.deepStrictEqual(result.budgetPeriod, {
      start: '2026-01-08T00:00:00Z',
      end: '2026-01-14T23:59:00Z',
      minutes: 7 * 1440,
      wholeFile: false,
      total: 7 * 1440 * 1000,
      bad: 0,
    });
    assert.ok(Math.abs(result.budget - want.budget) < 1e-6, `${result.budget}`);
    assert.strictEqual(result.remainingRatio, 1);
    assert.strictEqual(result.exhaustedAt, null);
    // the whole file still counts in total and bad
    assert.strictEqual(result.total, 14 * 1440 * 1000);
    assert.strictEqual(result.bad, 7 * 1440 * 5);
  });

  it('should find exhaustion inside the last window only', () => {
    // 2 days under a 1-day window: 2 bad per minute on day 0 (spent long ago), then
    // from 12:00 on day 1, 3 bad per minute; budget = 0.001 x 1,440,000 = 1440 → 480 minutes
    const rows = steady(2, 1000, i => (i < 1440 ? 2 : i >= 1440 + 720 ? 3 : 0));
    const result = replay(rows, { objective: 99.9, windowMs: 1440 * MIN });
    const want = expected(rows, 99.9, [], 1440);
    assert.strictEqual(result.budgetPeriod?.start, '2026-01-02T00:00:00Z');
    assert.strictEqual(result.budgetPeriod?.bad, 720 * 3);
    assert.strictEqual(result.exhaustedAt, want.exhaustedAt);
    assert.strictEqual(result.exhaustedAt, '2026-01-02T19:59:00Z');
    assert.strictEqual(result.remainingRatio, 1 - 2160 / 1440);
  });

  it('should count the minutes between rows as empty and keep the windows sliding', () => {
    // 90 minutes all bad, then nothing for 30 minutes, then one good row: the page
    // stops firing once the short window has slid past the bad minutes, inside the gap
    const rows = [
      ...Array.from({ length: 90 }, (_, i) => ({ timeMs: START + i * MIN, total: 10, bad: 10 })),
      { timeMs: START + 120 * MIN, total: 10, bad: 0 },
    ];
    const result = replay(rows, { objective: 99.9, windowMs: 30 * 1440 * MIN });
    const page = result.alerts.find(a => a.severity === 'page')!;
    assert.strictEqual(page.start, '2026-01-01T00:59:00Z');
    // the 5 m window holds the last bad minute (89) until minute 93
    assert.strictEqual(page.end, '2026-01-01T01:33:00Z');
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
