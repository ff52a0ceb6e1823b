import * as assert from 'node:assert';
import { occurrenceStarts, parseRecurrence, type Recurrence } from '../../src';

const MIN = 60_000;
const DAY = 86_400_000;

/** Wall-clock fields of `t` in `zone`, read with Intl alone. */
function wall(t: number, zone: string): number[] {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const o: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(t))) if (p.type !== 'literal') o[p.type] = +p.value;
  return [o.year, o.month, o.day, o.hour, o.minute];
}

/**
 * The first instant whose wall clock in `zone` reads y-mo-d h:mi, found by trying
 * every quarter-hour offset from -14 h to +14 h (no library, no formula): undefined
 * when the local time does not exist (skipped by a daylight-saving change).
 */
function localToUtc(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  zone: string
): number | undefined {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  const want = [y, mo, d, h, mi].join();
  let best: number | undefined;
  for (let q = -56; q <= 56; q++) {
    const t = asUtc - q * 15 * MIN;
    if (wall(t, zone).join() === want && (best === undefined || t < best)) best = t;
  }
  return best;
}

/** Expected starts: every local day in [from, to) passing `day`, at each hour:minute. */
function expected(
  zone: string,
  from: [number, number, number],
  days: number,
  day: (y: number, mo: number, d: number, weekday: number) => boolean,
  times: Array<[number, number]>
): string[] {
  const out: number[] = [];
  for (let i = 0; i < days; i++) {
    const date = new Date(Date.UTC(from[0], from[1] - 1, from[2]) + i * DAY);
    const [y, mo, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    if (!day(y, mo, d, date.getUTCDay())) continue;
    for (const [h, mi] of times) {
      const t = localToUtc(y, mo, d, h, mi, zone);
      if (t !== undefined) out.push(t);
    }
  }
  return out.sort((a, b) => a - b).map(t => new Date(t).toISOString());
}

function rule(text: string): Recurrence {
  const r = parseRecurrence(text);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

function starts(text: string, zone: string, from: number, to: number): string[] {
  return occurrenceStarts(rule(text), zone, from, to).map(t => new Date(t).toISOString());
}

describe('recurrence', () => {
  describe('parseRecurrence', () => {
    it('should read the subset and fill BYMINUTE with 0', () => {
      assert.deepStrictEqual(rule('RRULE:FREQ=WEEKLY;BYDAY=SU,WE;BYHOUR=14,2'), {
        freq: 'WEEKLY',
        byDay: [{ weekday: 'SU' }, { weekday: 'WE' }],
        byMonthDay: [],
        byHour: [2, 14],
        byMinute: [0],
      });
      assert.deepStrictEqual(rule('freq=monthly;byday=-1SU;byhour=3;byminute=30').byDay, [
        { weekday: 'SU', ordinal: -1 },
      ]);
    });

    it('should refuse what it does not read, saying why in one line', () => {
      const cases: Array<[string, RegExp]> = [
        ['FREQ=HOURLY;BYHOUR=1', /FREQ must be DAILY, WEEKLY or MONTHLY/],
        ['FREQ=DAILY', /BYHOUR is required/],
        ['FREQ=DAILY;BYHOUR=24', /BYHOUR: "24" is not a whole number 0\.\.23/],
        ['FREQ=DAILY;BYHOUR=1;COUNT=3', /COUNT is not supported/],
        ['FREQ=WEEKLY;BYHOUR=1', /FREQ=WEEKLY needs BYDAY/],
        ['FREQ=MONTHLY;BYHOUR=1', /FREQ=MONTHLY needs BYDAY .* or BYMONTHDAY/],
        ['FREQ=WEEKLY;BYDAY=1SU;BYHOUR=1', /an ordinal needs FREQ=MONTHLY/],
        ['FREQ=DAILY;BYHOUR=1;BYHOUR=2', /BYHOUR is given twice/],
        ['FREQ=DAILY;BYDAY=XX;BYHOUR=1', /BYDAY: "XX" is not a weekday/],
        ['', /is empty/],
      ];
      for (const [text, message] of cases) {
        const r = parseRecurrence(text);
        assert.strictEqual(typeof r, 'string', text);
        assert.match(r as string, message, text);
        assert.ok(!(r as string).includes('\n'));
      }
    });
  });

  describe('occurrenceStarts', () => {
    it('should start daily occurrences at the local time across both DST changes (Europe/Berlin)', () => {
      // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC
      for (const [from, days] of [
        [[2026, 3, 20], 20],
        [[2026, 10, 18], 20],
      ] as Array<[[number, number, number], number]>) {
        const f = Date.UTC(from[0], from[1] - 1, from[2]);
        assert.deepStrictEqual(
          starts('FREQ=DAILY;BYHOUR=2;BYMINUTE=30', 'Europe/Berlin', f, f + days * DAY),
          expected('Europe/Berlin', from, days, () => true, [[2, 30]])
        );
      }
    });

    it('should leave out an occurrence at a local time that does not exist and take the first of a doubled one', () => {
      const f = Date.UTC(2026, 2, 28);
      const got = starts('FREQ=DAILY;BYHOUR=2;BYMINUTE=30', 'Europe/Berlin', f, f + 3 * DAY);
      // 28 March 02:30 CET, (29 March 02:30 does not exist), 30 March 02:30 CEST
      assert.deepStrictEqual(got, ['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
      const o = Date.UTC(2026, 9, 25);
      // 25 October 02:30 happens twice: the first, in CEST (00:30 UTC)
      assert.deepStrictEqual(
        starts('FREQ=DAILY;BYHOUR=2;BYMINUTE=30', 'Europe/Berlin', o, o + DAY),
        ['2026-10-25T00:30:00.000Z']
      );
    });

    it('should follow weekly rules across the US change (America/New_York)', () => {
      const from: [number, number, number] = [2026, 2, 20];
      const f = Date.UTC(2026, 1, 20);
      assert.deepStrictEqual(
        starts(
          'FREQ=WEEKLY;BYDAY=SU,WE;BYHOUR=1,22;BYMINUTE=15',
          'America/New_York',
          f,
          f + 40 * DAY
        ),
        expected('America/New_York', from, 40, (_y, _m, _d, wd) => wd === 0 || wd === 3, [
          [1, 15],
          [22, 15],
        ])
      );
    });

    it('should pick the n-th and last weekday, and days from the end, of each month', () => {
      const from: [number, number, number] = [2026, 1, 1];
      const f = Date.UTC(2026, 0, 1);
      const days = 365;
      const lastDay = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).getUTCDate();
      assert.deepStrictEqual(
        starts('FREQ=MONTHLY;BYDAY=1SA,-1SU;BYHOUR=3', 'Australia/Sydney', f, f + days * DAY),
        expected(
          'Australia/Sydney',
          from,
          days,
          (y, mo, d, wd) => (wd === 6 && d <= 7) || (wd === 0 && d > lastDay(y, mo) - 7),
          [[3, 0]]
        )
      );
      assert.deepStrictEqual(
        starts('FREQ=MONTHLY;BYMONTHDAY=1,-1;BYHOUR=0', 'UTC', f, f + days * DAY),
        expected('UTC', from, days, (y, mo, d) => d === 1 || d === lastDay(y, mo), [[0, 0]])
      );
    });

    it('should return the starts in [from, to) only', () => {
      const at = Date.UTC(2026, 5, 1, 2);
      assert.deepStrictEqual(starts('FREQ=DAILY;BYHOUR=2', 'UTC', at, at + 1), [
        '2026-06-01T02:00:00.000Z',
      ]);
      assert.deepStrictEqual(starts('FREQ=DAILY;BYHOUR=2', 'UTC', at + 1, at + DAY), []);
    });
  });
});
