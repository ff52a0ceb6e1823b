import * as assert from 'node:assert';
import { calendarPeriod } from '../../src';

describe('calendarPeriod', () => {
  it('should start months at local midnight on the 1st', () => {
    const p = calendarPeriod(Date.UTC(2026, 2, 15, 12), 'month', 'UTC');
    assert.strictEqual(new Date(p.startMs).toISOString(), '2026-03-01T00:00:00.000Z');
    assert.strictEqual(new Date(p.endMs).toISOString(), '2026-04-01T00:00:00.000Z');
  });

  it('should follow the time zone, DST included', () => {
    const p = calendarPeriod(Date.UTC(2026, 3, 10), 'month', 'Europe/Berlin');
    // April 1st 00:00 CEST (UTC+2)
    assert.strictEqual(new Date(p.startMs).toISOString(), '2026-03-31T22:00:00.000Z');
    const q = calendarPeriod(Date.UTC(2026, 2, 10), 'month', 'Europe/Berlin');
    // March 1st 00:00 CET (UTC+1)
    assert.strictEqual(new Date(q.startMs).toISOString(), '2026-02-28T23:00:00.000Z');
  });

  it('should start ISO weeks on Monday and quarters in Jan/Apr/Jul/Oct', () => {
    const w = calendarPeriod(Date.UTC(2026, 10, 22, 10), 'week', 'UTC'); // a Sunday
    assert.strictEqual(new Date(w.startMs).toISOString(), '2026-11-16T00:00:00.000Z');
    assert.strictEqual(w.endMs - w.startMs, 7 * 86_400_000);
    const q = calendarPeriod(Date.UTC(2026, 7, 3), 'quarter', 'UTC');
    assert.strictEqual(new Date(q.startMs).toISOString(), '2026-07-01T00:00:00.000Z');
    assert.strictEqual(new Date(q.endMs).toISOString(), '2026-10-01T00:00:00.000Z');
  });
  it('should start a period at the first instant of a day whose midnight does not exist', () => {
    // America/Asuncion moved 2023-10-01 00:00 (−04) to 01:00 (−03): October starts at
    // 04:00 UTC, not at 03:00 UTC (23:00 on September 30th, local)
    const p = calendarPeriod(Date.UTC(2023, 9, 15), 'month', 'America/Asuncion');
    assert.strictEqual(new Date(p.startMs).toISOString(), '2023-10-01T04:00:00.000Z');
    const september = calendarPeriod(Date.UTC(2023, 8, 15), 'month', 'America/Asuncion');
    assert.strictEqual(september.endMs, p.startMs);
    const quarter = calendarPeriod(Date.UTC(2023, 10, 1), 'quarter', 'America/Asuncion');
    assert.strictEqual(quarter.startMs, p.startMs);
  });
});
