import * as assert from 'node:assert';
import { CorrectionSchedule, parseSpec, type CorrectionDefinition } from '../../src';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

function spec(corrections: string) {
  return parseSpec(`
slos:
  - name: a
    objective: 99
    window: 7d
    sli: { spans: { routes: ["/a"] }, good: { status: ok } }
  - name: b
    objective: 99
    window: 7d
    sli: { spans: { routes: ["/b"] }, good: { status: ok } }
corrections:
${corrections}`);
}

const defs = spec(`
  - name: release
    start: 2026-06-03T10:00:00Z
    end: 2026-06-03T11:30:00+01:00
  - name: nightly
    rrule: FREQ=DAILY;BYHOUR=23;BYMINUTE=30
    duration: 1h
    timeZone: Europe/Berlin
    slos: [a]
  - name: weekly
    rrule: FREQ=WEEKLY;BYDAY=TU;BYHOUR=0
    duration: 2h
    slos: [b]
`).corrections as readonly CorrectionDefinition[];

describe('CorrectionSchedule', () => {
  describe('.forSlo', () => {
    it('should keep the corrections without slos and those naming the SLO', () => {
      assert.deepStrictEqual(
        CorrectionSchedule.forSlo(defs, 'a')!.corrections.map(c => c.name),
        ['release', 'nightly']
      );
      assert.deepStrictEqual(
        CorrectionSchedule.forSlo(defs, 'b')!.corrections.map(c => c.name),
        ['release', 'weekly']
      );
      assert.strictEqual(CorrectionSchedule.forSlo(undefined, 'a'), undefined);
      assert.strictEqual(CorrectionSchedule.forSlo(defs.slice(1, 2), 'b'), undefined);
    });
  });

  describe('.activeAt', () => {
    it('should agree, minute by minute over two weeks, with the intervals written out by hand', () => {
      const a = CorrectionSchedule.forSlo(defs, 'a')!;
      // release: 3 June 10:00-10:30 UTC; nightly: 23:30 Berlin (21:30 UTC in June) for 1 h
      const from = Date.UTC(2026, 5, 1);
      const inside = (t: number) => {
        if (t >= Date.UTC(2026, 5, 3, 10) && t < Date.UTC(2026, 5, 3, 10, 30)) return true;
        const ofDay = t % DAY;
        return ofDay >= 21.5 * HOUR && ofDay < 22.5 * HOUR;
      };
      let active = 0;
      for (let t = from; t < from + 14 * DAY; t += MIN) {
        assert.strictEqual(a.activeAt(t), inside(t), new Date(t).toISOString());
        if (inside(t)) active++;
      }
      assert.strictEqual(active, 14 * 60 + 30);
    });

    it('should merge overlapping intervals and answer for times going back', () => {
      const s = new CorrectionSchedule([
        { type: 'once', name: 'x', startMs: 1000, endMs: 5000 },
        { type: 'once', name: 'y', startMs: 4000, endMs: 9000 },
      ]);
      assert.deepStrictEqual(s.merged(0, 20_000), [[1000, 9000]]);
      assert.strictEqual(s.activeAt(8999), true);
      assert.strictEqual(s.activeAt(9000), false);
      assert.strictEqual(s.activeAt(999), false);
      assert.strictEqual(s.activeAt(1000), true);
      assert.strictEqual(s.activeAt(4500), true);
      assert.strictEqual(s.lastEndMs(20_000, 15_000), 9000);
      assert.strictEqual(s.lastEndMs(20_000, 10_000), -Infinity);
    });

    it('should report the cached clear interval, empty inside a correction', () => {
      const s = new CorrectionSchedule([{ type: 'once', name: 'x', startMs: DAY, endMs: 2 * DAY }]);
      assert.strictEqual(s.activeAt(DAY - 1), false);
      assert.strictEqual(s.clearUntilMs, DAY);
      assert.ok(s.clearFromMs <= DAY - 1);
      assert.strictEqual(s.activeAt(DAY), true);
      assert.strictEqual(s.clearFromMs, 0);
      assert.strictEqual(s.clearUntilMs, 0);
      assert.strictEqual(s.activeAt(2 * DAY), false);
      assert.strictEqual(s.clearFromMs, 2 * DAY);
    });
  });

  describe('.intervals', () => {
    it('should list every interval overlapping the range, by start, with its name', () => {
      const b = CorrectionSchedule.forSlo(defs, 'b')!;
      const got = b
        .intervals(Date.UTC(2026, 5, 2, 1), Date.UTC(2026, 5, 9, 1))
        .map(i => `${i.name} ${new Date(i.startMs).toISOString()} ${(i.endMs - i.startMs) / MIN}`);
      assert.deepStrictEqual(got, [
        'weekly 2026-06-02T00:00:00.000Z 120',
        'release 2026-06-03T10:00:00.000Z 30',
        'weekly 2026-06-09T00:00:00.000Z 120',
      ]);
    });
  });
});
