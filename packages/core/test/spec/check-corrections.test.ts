import * as assert from 'node:assert';
import { parseInstant, parseSpec, SpecError } from '../../src';

const SLOS = `slos:
  - name: checkout
    objective: 99.9
    window: 28d
    sli: { spans: { routes: ["GET /a"] }, good: { status: ok } }
  - name: search
    objective: 99
    window: 7d
    sli: { spans: { routes: ["GET /s"] }, good: { status: ok } }
`;

function issues(corrections: string): string[] {
  try {
    parseSpec(`${SLOS}corrections:\n${corrections}`);
  } catch (e) {
    assert.ok(e instanceof SpecError);
    return e.issues.map(i => `${i.path}: ${i.message}`);
  }
  return [];
}

describe('checkCorrections', () => {
  it('should read one-time and recurring corrections', () => {
    const spec = parseSpec(`${SLOS}corrections:
  - name: migration
    start: 2026-12-01T02:00:00+01:00
    end: "2026-12-01T03:30:00Z"
    slos: [checkout]
  - name: sunday backups
    rrule: "RRULE:FREQ=WEEKLY;BYDAY=SU;BYHOUR=2"
    duration: 90m
    timeZone: Europe/Paris
`);
    assert.deepStrictEqual(spec.corrections, [
      {
        type: 'once',
        name: 'migration',
        slos: ['checkout'],
        startMs: Date.UTC(2026, 11, 1, 1),
        endMs: Date.UTC(2026, 11, 1, 3, 30),
      },
      {
        type: 'recurring',
        name: 'sunday backups',
        rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0',
        recurrence: {
          freq: 'WEEKLY',
          byDay: [{ weekday: 'SU' }],
          byMonthDay: [],
          byHour: [2],
          byMinute: [0],
        },
        durationMs: 90 * 60_000,
        timeZone: 'Europe/Paris',
      },
    ]);
    assert.strictEqual(parseSpec(SLOS).corrections, undefined);
  });

  it('should name the path and the value of every mistake, one line each', () => {
    const got = issues(`  - name: a
    start: "2026-12-01T02:00:00"
    end: "2026-12-01T01:00:00Z"
  - name: a
    start: "2026-12-01T02:00:00Z"
    end: "2026-12-01T01:00:00Z"
  - name: c
    rrule: FREQ=DAILY;BYHOUR=2;UNTIL=20270101T000000Z
    duration: 1h
    slos: [checkout, serach]
  - name: d
    rrule: FREQ=DAILY;BYHOUR=2
    timeZone: Europe/Nowhere
  - name: e
    start: "2026-12-01T02:00:00Z"
    end: "2026-12-01T03:00:00Z"
    rrule: FREQ=DAILY;BYHOUR=2
  - name: f
    durration: 1h
  - start: "2026-12-01T02:00:00Z"
    end: "2026-12-01T03:00:00Z"
`);
    assert.deepStrictEqual(got, [
      'corrections[0].start: must be an ISO 8601 time with a zone, such as 2026-12-01T02:00:00Z or 2026-12-01T03:00:00+01:00, got "2026-12-01T02:00:00"',
      'corrections[1].name: duplicates corrections[0].name "a"',
      'corrections[1].end: must be after start ("2026-12-01T02:00:00Z"), got "2026-12-01T01:00:00Z"',
      'corrections[2].slos[1]: unknown SLO "serach" (did you mean "search"?); the spec has checkout, search',
      "corrections[2].rrule: UNTIL is not supported; a correction's rule takes FREQ, BYDAY, BYMONTHDAY, BYHOUR, BYMINUTE",
      'corrections[3].duration: is required with rrule (how long each occurrence lasts, say 2h)',
      'corrections[3].timeZone: must be an IANA time zone such as Europe/Berlin, got "Europe/Nowhere"',
      'corrections[4]: give either start and end (one interval) or rrule and duration (recurring), not both',
      'corrections[5].durration: unknown key (did you mean "duration"?); expected one of name, start, end, rrule, duration, timeZone, slos',
      'corrections[5]: needs start and end (one interval) or rrule and duration (recurring)',
      'corrections[6].name: must be a non-empty string, got nothing',
    ]);
    assert.deepStrictEqual(issues('    name: x\n'), [
      'corrections: must be a list of corrections (name, start and end, or rrule and duration), got {"name":"x"}',
    ]);
  });

  describe('parseInstant', () => {
    it('should read Z and offsets with or without a colon, and refuse days that do not exist', () => {
      assert.strictEqual(parseInstant('2026-12-01T02:00Z'), Date.UTC(2026, 11, 1, 2));
      assert.strictEqual(
        parseInstant('2026-12-01T03:00:00.250+0100'),
        Date.UTC(2026, 11, 1, 2, 0, 0, 250)
      );
      assert.strictEqual(parseInstant('2026-12-01T00:00:00-05:30'), Date.UTC(2026, 11, 1, 5, 30));
      for (const bad of [
        '2026-02-29T00:00:00Z',
        '2026-12-01T24:00:00Z',
        '2026-12-01',
        '2026-12-01T02:00:00',
      ])
        assert.strictEqual(parseInstant(bad), undefined, bad);
    });
  });
});
