import * as assert from 'node:assert';
import { parseSpec, SloEngine, type Clock, type SloSpec } from '../../src';
import { http } from '../span-view';

const SEC = 1000;
const MIN = 60_000;
const HOUR = 3_600_000;
const T = Date.UTC(2026, 5, 1); // a whole day: every ring's buckets start here

function clockAt(t: number): Clock & { t: number } {
  return {
    t,
    now() {
      return this.t;
    },
  };
}

function specWith(corrections: string, extra = ''): SloSpec {
  return parseSpec(`
slos:
  - name: avail
    service: checkout
    objective: 99
    window: 1d
    sli: { spans: { routes: ["GET /a"] }, good: { status: ok } }
    alerting: { minEvents: 0${extra} }
  - name: other
    service: checkout
    objective: 99
    window: 1d
    sli: { spans: { routes: ["GET /a"] }, good: { status: ok } }
${corrections}`);
}

/** One span a second from `from` for `seconds`, every 7th a 500; returns the times. */
function traffic(engine: SloEngine, clock: { t: number }, from: number, seconds: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < seconds; i++) {
    clock.t = from + i * SEC;
    engine.record(http('GET /a', i % 7 === 0 ? 500 : 200, { endTimeMs: clock.t - 5 }));
    times.push(clock.t);
  }
  return times;
}

describe('SloEngine with corrections', () => {
  describe('.record', () => {
    it('should leave out the events received during a one-time correction, for the SLOs it names', () => {
      const spec = specWith(`corrections:
  - name: migration
    start: "2026-06-01T00:10:00.500Z"
    end: "2026-06-01T00:20:00Z"
    slos: [avail]`);
      const clock = clockAt(T);
      const engine = new SloEngine({ spec, clock });
      const times = traffic(engine, clock, T, 1800);
      const inside = (t: number) => t >= T + 10 * MIN + 500 && t < T + 20 * MIN;
      let good = 0;
      let bad = 0;
      let corrected = 0;
      times.forEach((t, i) => {
        if (inside(t)) corrected++;
        else if (i % 7 === 0) bad++;
        else good++;
      });
      const [avail, other] = engine.snapshot(T + 1800 * SEC);
      assert.deepStrictEqual([avail.good, avail.bad, avail.corrected], [good, bad, corrected]);
      assert.strictEqual(corrected, 599); // 00:10:01 .. 00:19:59
      assert.deepStrictEqual([other.eligible, other.corrected], [1800, 0]);
      // the slo.events counters do not move during the correction either
      assert.deepStrictEqual([avail.totals.good, avail.totals.bad], [good, bad]);
      assert.strictEqual(engine.dropped.invalid + engine.dropped.too_old, 0);
    });

    it('should leave out the events of a recurring correction in its time zone, every day', () => {
      const spec = specWith(`corrections:
  - name: backup
    rrule: FREQ=DAILY;BYHOUR=3;BYMINUTE=15
    duration: 30m
    timeZone: America/New_York`);
      const clock = clockAt(T);
      const engine = new SloEngine({ spec, clock });
      // one span a minute for three days; 03:15 EDT is 07:15 UTC
      let counted = 0;
      for (let m = 0; m < 3 * 1440; m++) {
        clock.t = T + m * MIN;
        counted += engine.record(http('GET /a', 200, { endTimeMs: clock.t }));
        if (m % 60 === 59) engine.snapshot();
      }
      const s = engine.snapshot();
      assert.strictEqual(s[0].corrected, 3 * 30);
      assert.strictEqual(s[1].corrected, 3 * 30);
      assert.strictEqual(counted, 2 * (3 * 1440 - 90));
    });

    it('should count an event at the end of a correction, which is not in it', () => {
      const spec = specWith(`corrections:
  - name: x
    start: "2026-06-01T00:00:01.250Z"
    end: "2026-06-01T00:00:02.750Z"`);
      const clock = clockAt(T);
      const engine = new SloEngine({ spec, clock });
      const outcomes: number[] = [];
      for (const ms of [0, 1000, 1249, 1250, 2000, 2749, 2750, 2999, 3000]) {
        clock.t = T + ms;
        engine.tick(); // a new clock reading (the processor ticks every second, the collector per request)
        outcomes.push(engine.record(http('GET /a', 200, { endTimeMs: clock.t })));
      }
      assert.deepStrictEqual(outcomes, [2, 2, 2, 0, 0, 0, 2, 2, 2]);
    });
  });

  describe('.record (grouped SLO)', () => {
    it("should leave out a correction's events in every group of the SLO", () => {
      const spec = parseSpec(`
slos:
  - name: routes
    service: checkout
    objective: 99
    window: 1d
    groupBy: [http.route]
    sli: { good: { status: ok } }
corrections:
  - name: x
    start: "2026-06-01T00:01:00Z"
    end: "2026-06-01T00:02:00Z"`);
      const clock = clockAt(T);
      const engine = new SloEngine({ spec, clock });
      for (let s = 0; s < 180; s++) {
        clock.t = T + s * SEC;
        engine.tick();
        for (const route of ['GET /a', 'GET /b'])
          engine.record(http(route, 200, { endTimeMs: clock.t }));
      }
      const snaps = engine.snapshot(T + 180 * SEC);
      assert.deepStrictEqual(
        snaps.map(x => [x.group, x.eligible, x.corrected]),
        [
          [{ 'http.route': '/a' }, 120, 60],
          [{ 'http.route': '/b' }, 120, 60],
        ]
      );
    });
  });

  describe('.snapshot', () => {
    it('should not report no-data during a correction, and count noDataAfter from its end', () => {
      const spec = specWith(
        `corrections:
  - name: freeze
    start: "2026-06-01T01:00:00Z"
    end: "2026-06-01T04:00:00Z"`,
        ', noDataAfter: 1h'
      );
      const good = (engine: SloEngine, clock: { t: number }) => {
        for (let i = 0; i < 60; i++) {
          clock.t = T + i * SEC;
          engine.record(http('GET /a', 200, { endTimeMs: clock.t }));
        }
      };
      const clock = clockAt(T);
      const engine = new SloEngine({ spec, clock });
      good(engine, clock);
      const status = (t: number) => engine.snapshot(t)[0].status;
      assert.strictEqual(status(T + 59 * MIN), 'healthy');
      assert.strictEqual(status(T + 2 * HOUR), 'healthy');
      assert.strictEqual(status(T + 4 * HOUR + 59 * MIN), 'healthy');
      assert.strictEqual(status(T + 5 * HOUR), 'no-data');
      // without the correction: no-data an hour after the last event
      const plainClock = clockAt(T);
      const plain = new SloEngine({ spec: specWith('', ', noDataAfter: 1h'), clock: plainClock });
      good(plain, plainClock);
      assert.strictEqual(plain.snapshot(T + 2 * HOUR)[0].status, 'no-data');
    });

    it('should list the correction intervals overlapping the window', () => {
      const spec = specWith(`corrections:
  - name: nightly
    rrule: FREQ=DAILY;BYHOUR=2
    duration: 1h
  - name: old
    start: "2026-05-01T00:00:00Z"
    end: "2026-05-01T01:00:00Z"`);
      const engine = new SloEngine({ spec, clock: clockAt(T + 26 * HOUR) });
      assert.deepStrictEqual(
        engine.states[0].correctionIntervals(T + 26 * HOUR).map(i => [i.name, i.startMs, i.endMs]),
        [
          ['nightly', T + 2 * HOUR, T + 3 * HOUR],
          ['nightly', T + 26 * HOUR, T + 27 * HOUR],
        ]
      );
    });
  });

  describe('.importState', () => {
    it('should take a correction declared after the fact out of the restored buckets, once', () => {
      const clock = clockAt(T);
      const before = new SloEngine({ spec: specWith(''), clock });
      traffic(before, clock, T, 2 * 3600);
      const saved = before.exportState(T + 2 * HOUR);
      // 00:48 .. 01:36 UTC: whole buckets of the 1 d window (288 s each)
      const spec = specWith(`corrections:
  - name: vendor-outage
    start: "2026-06-01T00:48:00Z"
    end: "2026-06-01T01:36:00Z"
    slos: [avail]`);
      const after = new SloEngine({ spec, clock: clockAt(T + 2 * HOUR) });
      after.importState(saved);
      const inside = (i: number) => i >= 48 * 60 && i < 96 * 60;
      let eligible = 0;
      let bad = 0;
      for (let i = 0; i < 7200; i++) {
        if (inside(i)) continue;
        eligible++;
        if (i % 7 === 0) bad++;
      }
      const [avail, other] = after.snapshot(T + 2 * HOUR);
      assert.deepStrictEqual([avail.eligible, avail.bad], [eligible, bad]);
      assert.deepStrictEqual([other.eligible, other.bad], [7200, Math.ceil(7200 / 7)]);
      // saved again and restored with the same spec: nothing more is taken out
      const again = new SloEngine({ spec, clock: clockAt(T + 2 * HOUR) });
      again.importState(after.exportState(T + 2 * HOUR));
      assert.deepStrictEqual([again.snapshot(T + 2 * HOUR)[0].eligible], [eligible]);
      // a state saved by an engine that knew the correction keeps its counts too
      const liveClock = clockAt(T);
      const live = new SloEngine({ spec, clock: liveClock });
      traffic(live, liveClock, T, 7200);
      const restored = new SloEngine({ spec, clock: clockAt(T + 2 * HOUR) });
      restored.importState(live.exportState(T + 2 * HOUR));
      assert.strictEqual(restored.snapshot(T + 2 * HOUR)[0].eligible, eligible);
    });

    it('should take the covered share of a bucket a correction only partly covers', () => {
      const clock = clockAt(T);
      const before = new SloEngine({ spec: specWith(''), clock });
      traffic(before, clock, T, 2 * 3600);
      const spec = specWith(`corrections:
  - name: half-bucket
    start: "2026-06-01T00:00:00Z"
    end: "2026-06-01T00:02:24Z"
    slos: [avail]`);
      const after = new SloEngine({ spec, clock: clockAt(T + 2 * HOUR) });
      after.importState(before.exportState(T + 2 * HOUR));
      // the first 288 s bucket held 288 events; the correction covers half of it
      assert.strictEqual(after.snapshot(T + 2 * HOUR)[0].eligible, 7200 - 144);
    });
  });
});
