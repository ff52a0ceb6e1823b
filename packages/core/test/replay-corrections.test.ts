import * as assert from 'node:assert';
import { CorrectionSchedule, parseSpec, replay, type ReplayRow } from '../src';

const MIN = 60_000;
const T = Date.UTC(2026, 5, 1);

/** `minutes` rows of 100 events from T; minutes in `outage` have 20 bad. */
function rows(minutes: number, outage: (m: number) => boolean): ReplayRow[] {
  return Array.from({ length: minutes }, (_, m) => ({
    timeMs: T + m * MIN,
    total: 100,
    bad: outage(m) ? 20 : 0,
  }));
}

function schedule(corrections: string, slo = 'a'): CorrectionSchedule {
  const spec = parseSpec(`
slos:
  - name: a
    objective: 99
    window: 1d
    sli: { good: { status: ok } }
corrections:
${corrections}`);
  return CorrectionSchedule.forSlo(spec.corrections, slo)!;
}

describe('replay with corrections', () => {
  it('should leave out the rows whose minute starts inside a correction', () => {
    // a 30-minute outage, all of it inside the correction 00:30-01:00
    const data = rows(180, m => m >= 30 && m < 60);
    const plain = replay(data, { objective: 99, windowMs: 86_400_000 });
    assert.strictEqual(plain.bad, 600);
    assert.ok(plain.alerts.some(a => a.severity === 'page'));
    const corrected = replay(data, {
      objective: 99,
      windowMs: 86_400_000,
      corrections: schedule(`  - name: migration
    start: "2026-06-01T00:30:00Z"
    end: "2026-06-01T01:00:00Z"`),
    });
    // by hand: 150 minutes of 100 good events; nothing bad, nothing fires
    assert.deepStrictEqual(
      [corrected.total, corrected.bad, corrected.remainingRatio, corrected.alerts],
      [15_000, 0, 1, []]
    );
    assert.deepStrictEqual(corrected.corrected, {
      rows: 30,
      total: 3000,
      bad: 600,
      intervals: [
        { name: 'migration', start: '2026-06-01T00:30:00Z', end: '2026-06-01T01:00:00Z' },
      ],
    });
  });

  it('should leave out every occurrence of a recurring correction, in its time zone', () => {
    // three days, one row a minute; 01:00-01:30 in Asia/Kolkata (+05:30) is 19:30-20:00 UTC
    const data = rows(3 * 1440, () => false);
    const r = replay(data, {
      objective: 99,
      windowMs: 86_400_000,
      corrections: schedule(`  - name: nightly
    rrule: FREQ=DAILY;BYHOUR=1
    duration: 30m
    timeZone: Asia/Kolkata`),
    });
    let left = 0;
    for (let m = 0; m < 3 * 1440; m++) if (m % 1440 >= 19.5 * 60 && m % 1440 < 20 * 60) left++;
    assert.strictEqual(left, 90);
    assert.deepStrictEqual([r.corrected!.rows, r.total], [left, 100 * (3 * 1440 - left)]);
    assert.deepStrictEqual(
      r.corrected!.intervals.map(i => i.start),
      ['2026-06-01T19:30:00Z', '2026-06-02T19:30:00Z', '2026-06-03T19:30:00Z']
    );
  });

  it("should evaluate an SLO's own tiers with minEvents and their hold", () => {
    const tiers = parseSpec(`
slos:
  - name: a
    objective: 99
    window: 1d
    sli: { good: { status: ok } }
    alerting:
      tiers:
        - { severity: page, long: 10m, short: 2m, burnRate: 10, for: 3m }
`).slos[0].alerting.tiers;
    // 20 % bad from minute 30 to 44: burn 20 over 2 m at once, over 10 m from minute 34
    const data = rows(60, m => m >= 30 && m < 45);
    const r = replay(data, { objective: 99, windowMs: 86_400_000, tiers });
    // on from 00:34 (10 m window at 5/10 bad minutes: burn 10); held 3 m: fires 00:37;
    // the 2 m window at 00:45 (minutes 44, 45) still burns 10; at 00:46 it is 0
    assert.deepStrictEqual(r.alerts, [
      { severity: 'page', start: '2026-06-01T00:37:00Z', end: '2026-06-01T00:45:00Z' },
    ]);
    assert.strictEqual(r.tiers[0].for, '3m');
    // minEvents above the 10 m window's 1000 events: never fires
    const quiet = replay(data, { objective: 99, windowMs: 86_400_000, tiers, minEvents: 1001 });
    assert.deepStrictEqual([quiet.alerts, quiet.minEvents], [[], 1001]);
    // no tiers: alerting off
    assert.deepStrictEqual(
      replay(data, { objective: 99, windowMs: 86_400_000, tiers: [] }).alerts,
      []
    );
  });
});
