import * as assert from 'node:assert';
import { DAY_MS, periodReport, reportPeriod, type PeriodSeries } from '../../src';

const H = 3_600_000;

function series(
  n: number,
  over: (i: number) => Partial<{ bad: number; page: boolean; burn: number }>
): PeriodSeries {
  const t0 = Date.UTC(2026, 9, 5); // a Monday
  const rows = Array.from({ length: n }, (_, i) => ({ bad: 0, page: false, burn: 0, ...over(i) }));
  return {
    name: 's',
    target: 0.99,
    windowMs: 7 * DAY_MS,
    stepMs: H,
    timeMs: rows.map((_, i) => t0 + i * H),
    good: rows.map(r => 100 - r.bad),
    bad: rows.map(r => r.bad),
    remaining: rows.map(() => 0.5),
    burnRates: { '1h': rows.map(r => r.burn) },
    page: rows.map(r => r.page),
    ticket: rows.map(() => false),
    status: rows.map(() => 'attention'),
  };
}

describe('periodReport', () => {
  it('should count compliance, weekly budget and alert runs by hand', () => {
    // 14 days of hourly points; 10 bad in hours 30-32 (page firing), 5 bad in hour 200
    const s = series(14 * 24, i =>
      i >= 30 && i < 33 ? { bad: 10, page: true, burn: 10 } : i === 200 ? { bad: 5, burn: 5 } : {}
    );
    const period = { label: '14d', startMs: s.timeMs[0], endMs: s.timeMs[0] + 14 * DAY_MS };
    const r = periodReport(s, period);
    assert.strictEqual(r.events.eligible, 33_600);
    assert.strictEqual(r.events.bad, 35);
    assert.strictEqual(r.compliance, 1 - 35 / 33_600);
    assert.strictEqual(r.met, true);
    assert.strictEqual(r.budget.allowed, 0.01 * 33_600);
    assert.deepStrictEqual(
      r.weeks.map(w => [w.bad, w.eligible]),
      [
        [30, 16_800],
        [5, 16_800],
      ]
    );
    assert.deepStrictEqual(
      r.alerts.map(a => [a.severity, a.start, a.end, a.durationSeconds, a.bad]),
      [['page', '2026-10-06T06:00:00Z', '2026-10-06T09:00:00Z', 3 * 3600, 30]]
    );
    assert.strictEqual(r.alerts[0].budgetShare, 30 / 336);
    // burn: 3 points at 10, 1 at 5, 332 at 0: mean 35 / 336; p95 (rank 320 of 336) is 0
    assert.deepStrictEqual(r.burn, [{ window: '1h', mean: 35 / 336, p95: 0, max: 10 }]);
    // hour 30 is Tuesday of week 1, hour 200 Tuesday of week 2
    assert.strictEqual(r.weekday.find(d => d.day === 'Tue')!.bad, 35);
    assert.strictEqual(r.weekday.find(d => d.day === 'Mon')!.bad, 0);
    assert.strictEqual(r.coverage, 1);
    assert.deepStrictEqual(r.end, {
      time: '2026-10-18T23:00:00Z',
      remaining: 0.5,
      status: 'attention',
      decision: 'review',
    });
  });

  it('should break an alert run at a step without a point, and read a rising trend', () => {
    const s = series(24 * 7, i => ({ page: i === 5 || i === 7, bad: Math.floor(i / 24), burn: 0 }));
    const gap: PeriodSeries = {
      ...s,
      timeMs: s.timeMs.filter((_, i) => i !== 6),
      good: s.good.filter((_, i) => i !== 6),
      bad: s.bad.filter((_, i) => i !== 6),
      remaining: s.remaining.filter((_, i) => i !== 6),
      burnRates: { '1h': s.burnRates['1h'].filter((_, i) => i !== 6) },
      page: s.page.filter((_, i) => i !== 6),
      ticket: s.ticket.filter((_, i) => i !== 6),
      status: s.status.filter((_, i) => i !== 6),
    };
    const r = periodReport(gap, reportPeriod('7d', s.timeMs[0] + 7 * DAY_MS));
    assert.strictEqual(r.alerts.length, 2);
    // daily bad ratio d / 100 at a 1 % budget: burn d per day, 7 a week
    assert.ok(Math.abs(r.trend.perWeek - 7) < 1e-9, String(r.trend.perWeek));
    assert.strictEqual(r.trend.direction, 'rising');
    assert.ok(r.coverage < 1);
  });

  it('should name the last whole calendar month', () => {
    const p = reportPeriod('month', Date.UTC(2026, 10, 15, 12));
    assert.deepStrictEqual(p, {
      label: '2026-10',
      startMs: Date.UTC(2026, 9, 1),
      endMs: Date.UTC(2026, 10, 1),
    });
    assert.throws(() => reportPeriod('2w', 0), /period must be one of 7d, 28d, 30d, month/);
  });
});
