import * as assert from 'node:assert';
import * as path from 'node:path';
import {
  CompiledSlo,
  HOUR_MS,
  loadSpec,
  MINUTE_MS,
  Outcome,
  parseSpec,
  SloEngine,
  SpanFacts,
  MonotonicClock,
  releaseDecision,
  type Clock,
} from '../../src';
import { http, span } from '../span-view';

const spec = loadSpec(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'design.yaml'));
const NOW = Date.UTC(2026, 5, 1, 12);

function clockAt(t: number): Clock & { t: number } {
  return {
    t,
    now() {
      return this.t;
    },
  };
}

describe('SloEngine', () => {
  describe('.record', () => {
    it('should count each span for every SLO it is eligible for', () => {
      const engine = new SloEngine({ spec, clock: clockAt(NOW) });
      const ok = { attributes: { 'app.payload.valid': true }, endTimeMs: NOW - 1000 };
      assert.strictEqual(engine.record(http('POST /api/orders', 201, ok)), 2);
      assert.strictEqual(
        engine.record(http('GET /api/search', 200, { endTimeMs: NOW, durationMs: 50 })),
        1
      );
      assert.strictEqual(engine.record(http('GET /healthz', 200, { endTimeMs: NOW })), 0);
      const [a, l, p] = engine.snapshot();
      assert.deepStrictEqual([a.good, a.bad, l.good, l.bad, p.good, p.bad], [1, 0, 1, 0, 1, 0]);
    });

    it('should compute the numbers of docs/spec.md from the counts', () => {
      const engine = new SloEngine({ spec, clock: clockAt(NOW) });
      // 1,000 eligible availability spans, 4 of them 5xx, all in the last 5 minutes
      for (let i = 0; i < 1000; i++) {
        engine.record(
          http('GET /api/orders/:id', i < 4 ? 503 : 200, { endTimeMs: NOW - (i % 240) * 1000 })
        );
      }
      const a = engine.snapshot()[0];
      assert.strictEqual(a.eligible, 1000);
      assert.strictEqual(a.bad, 4);
      assert.strictEqual(a.sli, 0.996);
      // budget = 0.001 x 1000 = 1 bad event; consumed 4 → remaining = 1 - 4 = -3
      assert.ok(Math.abs(a.remaining - -3) < 1e-9);
      // burn = (4 / 1000) / 0.001 = 4 on every window
      for (const w of a.windows)
        assert.ok(Math.abs(w.burnRate - 4) < 1e-9, `${w.window}: ${w.burnRate}`);
      assert.deepStrictEqual(
        a.windows.map(w => w.window),
        ['5m', '30m', '1h', '2h', '6h', '1d', '3d']
      );
      assert.strictEqual(a.timeToExhaustionMs, 0);
      assert.strictEqual(a.status, 'exhausted');
      // burn 4 on every window: below 13.44 and 5.6, above 2.8 and 0.933 → ticket only
      assert.deepStrictEqual(a.firing, { page: false, ticket: true });
    });

    it('should give remaining 1 and burn 0 with no events', () => {
      const s = new SloEngine({ spec, clock: clockAt(NOW) }).snapshot()[0];
      assert.strictEqual(s.remaining, 1);
      assert.ok(s.windows.every(w => w.burnRate === 0));
      assert.strictEqual(s.timeToExhaustionMs, Infinity);
      assert.strictEqual(s.status, 'healthy');
    });

    it('should drop events older than the window, in the future, or invalid, by reason', () => {
      const engine = new SloEngine({ spec, clock: clockAt(NOW) });
      engine.record(http('GET /api/search', 200, { endTimeMs: NOW - 29 * 24 * HOUR_MS }));
      engine.record(http('GET /api/search', 200, { endTimeMs: NOW + 60_000 }));
      engine.record(http('GET /api/search', 200, { endTimeMs: NaN }));
      engine.record(http('GET /api/search', 200, { durationMs: -5 }));
      engine.record(http('GET /api/search', 200, { endTimeMs: NOW + 2000 })); // within the skew: counted at now
      engine.record(http('GET /api/search', 200, { endTimeMs: NOW - 27 * 24 * HOUR_MS })); // old but inside: counted at now
      assert.deepStrictEqual({ ...engine.dropped }, { too_old: 1, future: 1, invalid: 2 });
      const latency = engine.snapshot()[1];
      assert.strictEqual(latency.eligible, 2);
      // both counted at now (the time rule), so the 5 m window holds both
      assert.strictEqual(latency.windows[0].eligible, 2);
    });

    it("should count a lagging client's spans in every window, 5 m included (the time rule)", () => {
      // issue #10: spans of a client whose clock lags 20 min reached the long windows but not 5 m
      const one = parseSpec(`slos:
  - name: a
    objective: 99.9
    window: 28d
    sli: { spans: { kind: any }, good: { status: ok } }
    alerting: { minEvents: 0 }
`);
      const engine = new SloEngine({ spec: one, clock: clockAt(NOW) });
      for (let i = 0; i < 100; i++)
        engine.record(http('GET /x', i < 20 ? 503 : 200, { endTimeMs: NOW - 20 * MINUTE_MS }));
      const s = engine.snapshot()[0];
      assert.deepStrictEqual(
        s.windows.map(w => [w.window, w.eligible, w.bad]),
        ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map(w => [w, 100, 20])
      );
      // 20 % errors at 99.9 %: burn 200 on 1h and 5m, the fast page fires
      assert.strictEqual(s.firing.page, true);
      assert.deepStrictEqual({ ...engine.dropped }, { too_old: 0, future: 0, invalid: 0 });
    });

    it('should count a span within the future skew at now and move no window with it', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec, clock });
      // a span 4 s ahead: counted now; one 10 min ahead: dropped; neither moves a ring head
      engine.record(http('GET /api/search', 200, { endTimeMs: NOW + 4000, durationMs: 50 }));
      engine.record(http('GET /api/search', 200, { endTimeMs: NOW + 10 * MINUTE_MS }));
      assert.strictEqual(engine.dropped.future, 1);
      // 5 min later, one more span: the 5 m window still holds the first (counted at NOW,
      // 5 min ago, not at NOW + 4 s or NOW + 10 min) only if it is inside the window
      clock.t = NOW + 5 * MINUTE_MS - 2000;
      engine.record(http('GET /api/search', 200, { endTimeMs: clock.t, durationMs: 50 }));
      const s = engine.snapshot()[1];
      assert.strictEqual(s.windows[0].eligible, 2);
      clock.t = NOW + 5 * MINUTE_MS + 2000;
      assert.strictEqual(engine.snapshot()[1].windows[0].eligible, 1);
    });

    it('should never throw, whatever the span', () => {
      const engine = new SloEngine({ spec, clock: clockAt(NOW) });
      const hostile = {
        kind: 1,
        name: 'x',
        endTimeMs: NOW,
        durationMs: 1,
        statusCode: 0,
        serviceName: 'checkout',
        attribute(): never {
          throw new Error('boom');
        },
      };
      assert.strictEqual(engine.record(hostile), 0);
      assert.strictEqual(engine.dropped.invalid, 1);
    });

    it('should count SLOs sharing one SLI (other routes, objectives, windows) as each alone', () => {
      // a1/a2/a4 share service, selector apart from routes, and good predicates;
      // a3 differs in service, a5 in kind, a6/a7 only by a number vs a string,
      // a8 by its latency threshold: each must be counted as its own
      // CompiledSlo.classify says, however the engine groups them.
      const shared = parseSpec(`slos:
  - { name: a1, service: checkout, objective: 99.9, window: 28d, sli: { spans: { routes: ["GET /x"] }, good: { status: { clientErrors: bad }, latency: 100ms } } }
  - { name: a2, service: checkout, objective: 99, window: 7d, sli: { spans: { routes: ["GET /y", "/x"] }, good: { status: { clientErrors: bad }, latency: 100ms } } }
  - { name: a3, service: other, objective: 99, window: 7d, sli: { spans: { routes: ["GET /x"] }, good: { status: { clientErrors: bad }, latency: 100ms } } }
  - { name: a4, service: checkout, objective: 95, window: 1d, sli: { spans: { routes: ["/y"] }, good: { status: { clientErrors: bad }, latency: 100ms } } }
  - { name: a5, service: checkout, objective: 99, window: 7d, sli: { spans: { kind: client, routes: ["GET /x"] }, good: { status: { clientErrors: bad }, latency: 100ms } } }
  - { name: a6, objective: 99, window: 7d, sli: { spans: { attributes: { k: { equals: 5 } } }, good: { status: ok } } }
  - { name: a7, objective: 99, window: 7d, sli: { spans: { attributes: { k: { equals: "5" } } }, good: { status: ok } } }
  - { name: a8, service: checkout, objective: 99.9, window: 28d, sli: { spans: { routes: ["GET /x"] }, good: { status: { clientErrors: bad }, latency: 300ms } } }
`);
      const engine = new SloEngine({ spec: shared, clock: clockAt(NOW) });
      const alone = shared.slos.map(d => new CompiledSlo(d));
      const facts = new SpanFacts();
      const want = shared.slos.map(() => ({ good: 0, bad: 0 }));
      let seed = 7;
      const pick = <T>(values: readonly T[]): T => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return values[(seed >>> 16) % values.length];
      };
      for (let n = 0; n < 5_000; n++) {
        const attributes: Record<string, string | number> = {};
        const method = pick(['GET', 'POST', undefined]);
        const route = pick(['/x', '/y', '/z', undefined]);
        const status = pick([200, 404, 503, undefined]);
        const k = pick([5, '5', 6, undefined]);
        if (method !== undefined) attributes['http.request.method'] = method;
        if (route !== undefined) attributes['http.route'] = route;
        if (status !== undefined) attributes['http.response.status_code'] = status;
        if (k !== undefined) attributes.k = k;
        const view = span({
          kind: pick([1, 2]),
          endTimeMs: NOW - 1000,
          durationMs: pick([50, 200, 400]),
          statusCode: pick([0, 2]),
          serviceName: pick(['checkout', 'other', undefined]),
          attributes,
        });
        facts.reset(view);
        alone.forEach((slo, i) => {
          const outcome = slo.classify(facts);
          if (outcome === Outcome.GOOD) want[i].good++;
          else if (outcome === Outcome.BAD) want[i].bad++;
        });
        facts.clear();
        engine.record(view);
      }
      const got = engine.states.map(s => ({ good: s.totalGood, bad: s.totalBad }));
      assert.deepStrictEqual(got, want);
      // not vacuous: every SLO counted spans, and the ones sharing an SLI saw both outcomes
      for (const w of want) assert.ok(w.good + w.bad > 0, JSON.stringify(want));
      for (const i of [0, 1, 3])
        assert.ok(want[i].good > 0 && want[i].bad > 0, JSON.stringify(want));
    });

    it('should count at the last clock reading until a span of another bucket or tick() reads it again', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec, clock });
      const at = (endTimeMs: number) => http('GET /api/search', 200, { endTimeMs, durationMs: 5 });
      engine.record(at(NOW));
      // 10 minutes on, an in-sync span (its end in another second) reads the clock again
      clock.t = NOW + 10 * MINUTE_MS;
      engine.record(at(clock.t));
      // 10 minutes more: a span ending in the same second as the last counts at the last reading
      clock.t = NOW + 20 * MINUTE_MS;
      engine.record(at(NOW + 10 * MINUTE_MS + 100));
      // after tick() (the collector: per request), a lagging span counts at the new reading
      engine.tick();
      engine.record(at(NOW + 10 * MINUTE_MS + 200));
      // 5 m at NOW + 24 min: the last span only (the third counted at NOW + 10 min); 30 m: all
      const s = engine.snapshot(NOW + 24 * MINUTE_MS)[1];
      assert.deepStrictEqual(
        s.windows.slice(0, 2).map(w => [w.window, w.eligible]),
        [
          ['5m', 1],
          ['30m', 4],
        ]
      );
      assert.strictEqual(s.totals.good, 4);
    });
  });

  describe('timeslices', () => {
    it('should count bad slices and budget minutes', () => {
      const ts = parseSpec(`
slos:
  - name: t
    objective: 99
    window: 1d
    budgeting: { method: timeslices, slice: 1m, sliceTarget: 95 }
    sli:
      spans: { kind: any }
      good: { status: ok }
`);
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: ts, clock });
      const start = NOW - 30 * MINUTE_MS;
      // 10 minutes: minutes 0-2 have 10 % errors (bad slices), the rest 1 % (good slices)
      for (let m = 0; m < 10; m++) {
        for (let k = 0; k < 100; k++) {
          const bad = m < 3 ? k < 10 : k < 1;
          engine.recordCounts(0, start + m * MINUTE_MS + k * 100, bad ? 0 : 1, bad ? 1 : 0, NOW);
        }
      }
      const s = engine.snapshot()[0];
      assert.strictEqual(s.bad, 3);
      assert.strictEqual(s.eligible, 1440);
      // budget = 1 % of 1440 slices = 14.4 slices; 3 spent
      assert.ok(Math.abs(s.remaining - (1 - 3 / 14.4)) < 1e-9);
    });
  });

  describe('calendar windows', () => {
    it('should count from the start of the month and forget the previous month', () => {
      const cal = parseSpec(`
slos:
  - name: c
    objective: 99
    calendar: month
    sli:
      spans: { kind: any }
      good: { status: ok }
`);
      const clock = clockAt(Date.UTC(2026, 0, 31, 23, 59));
      const engine = new SloEngine({ spec: cal, clock });
      engine.recordCounts(0, clock.t, 9, 1, clock.t);
      assert.strictEqual(engine.snapshot()[0].eligible, 10);
      clock.t = Date.UTC(2026, 1, 1, 0, 1);
      engine.recordCounts(0, clock.t, 1, 0, clock.t);
      assert.strictEqual(engine.snapshot()[0].eligible, 1);
      assert.strictEqual(
        engine.recordCounts(0, Date.UTC(2026, 0, 31, 23, 59), 1, 0, clock.t),
        'too_old'
      );
    });

    it('should not start the next month early for a span from the future', () => {
      // issue #10: one span 4 s ahead at 23:59:57 on the last day reset the month
      const cal = parseSpec(`
slos:
  - name: c
    objective: 99
    calendar: month
    sli:
      spans: { kind: any }
      good: { status: ok }
`);
      const clock = clockAt(Date.UTC(2026, 0, 31, 23, 59, 57));
      const engine = new SloEngine({ spec: cal, clock });
      for (let i = 0; i < 10; i++) engine.record(http('GET /x', 200, { endTimeMs: clock.t }));
      engine.record(http('GET /x', 200, { endTimeMs: Date.UTC(2026, 1, 1, 0, 0, 1) }));
      clock.t += 1000;
      engine.record(http('GET /x', 200, { endTimeMs: clock.t }));
      const s = engine.snapshot()[0];
      assert.strictEqual(s.eligible, 12);
      assert.deepStrictEqual({ ...engine.dropped }, { too_old: 0, future: 0, invalid: 0 });
      // the clock alone starts February
      clock.t = Date.UTC(2026, 1, 1, 0, 0, 0);
      assert.strictEqual(engine.snapshot()[0].eligible, 0);
    });
  });

  describe('options', () => {
    it('should refuse options that are not usable, naming them (never NaN)', () => {
      const bad: Array<[Record<string, unknown>, RegExp]> = [
        [
          { maxFutureSkewMs: NaN },
          /options\.maxFutureSkewMs must be a number of milliseconds ≥ 0.*got NaN/,
        ],
        [{ maxFutureSkewMs: -1 }, /options\.maxFutureSkewMs .* got -1/],
        [{ maxFutureSkewMs: '5s' }, /options\.maxFutureSkewMs .* got 5s/],
        [{ resolutionMs: 0 }, /options\.resolutionMs must be a positive number/],
        [{ clock: { now: 5 } }, /options\.clock must have a now\(\) method/],
      ];
      for (const [extra, message] of bad)
        assert.throws(() => new SloEngine({ spec, ...extra } as never), message);
      assert.throws(() => new SloEngine({} as never), /options\.spec must be a validated spec/);
    });

    it('should accept Infinity as no future limit', () => {
      const engine = new SloEngine({ spec, clock: clockAt(NOW), maxFutureSkewMs: Infinity });
      engine.record(http('GET /api/search', 200, { endTimeMs: NOW + 365 * 24 * HOUR_MS }));
      assert.strictEqual(engine.snapshot()[1].windows[0].eligible, 1);
    });
  });

  describe('monotonic clock', () => {
    it('should neither blind nor freeze the windows when the wall clock steps', () => {
      // the default clock: wall time read once, then the monotonic time elapsed
      let wall = NOW;
      let mono = 1_000;
      const clock = new MonotonicClock({ wallNow: () => wall, monotonic: { now: () => mono } });
      const engine = new SloEngine({ spec, clock });
      engine.record(http('GET /api/search', 200, { endTimeMs: NOW, durationMs: 50 }));
      // NTP steps the wall clock an hour forward: the 5 m window is not blinded
      wall += HOUR_MS;
      mono += 60_000;
      assert.strictEqual(clock.now(), NOW + 60_000);
      assert.strictEqual(engine.snapshot()[1].windows[0].eligible, 1);
      // and an hour back: the windows still move on with monotonic time
      wall -= 2 * HOUR_MS;
      mono += 5 * MINUTE_MS;
      assert.strictEqual(engine.snapshot()[1].windows[0].eligible, 0);
    });
  });

  describe('.exportState / .importState', () => {
    it('should restore the same numbers', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec, clock });
      for (let i = 0; i < 5000; i++)
        engine.record(
          http('GET /api/orders/:id', i % 50 === 0 ? 500 : 200, { endTimeMs: NOW - i * 10_000 })
        );
      const saved = JSON.parse(JSON.stringify(engine.exportState()));
      const restored = new SloEngine({ spec, clock });
      assert.deepStrictEqual(restored.importState(saved).restored, [
        'checkout-availability',
        'orders-latency',
        'orders-payload',
      ]);
      const a = engine.snapshot();
      const b = restored.snapshot();
      assert.deepStrictEqual(
        b.map(s => [s.eligible, s.bad, s.remaining, s.windows.map(w => w.burnRate)]),
        a.map(s => [s.eligible, s.bad, s.remaining, s.windows.map(w => w.burnRate)])
      );
    });

    it('should restore the windows but start the event counters again from zero', () => {
      // issue #10: restored lifetime totals could be below what Prometheus had scraped,
      // which it reads as a reset and counts again whole (a 0.2 burn read 4.4)
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec, clock });
      for (let i = 0; i < 100; i++)
        engine.record(http('GET /api/orders/:id', i < 3 ? 500 : 200, { endTimeMs: NOW }));
      assert.deepStrictEqual(engine.snapshot()[0].totals, { good: 97, bad: 3 });
      const saved = JSON.parse(JSON.stringify(engine.exportState()));
      assert.strictEqual(saved.slos['checkout-availability'].totals, undefined);
      clock.t = NOW + 60_000;
      const restarted = new SloEngine({ spec, clock });
      restarted.importState(saved);
      const before = restarted.snapshot()[0];
      assert.deepStrictEqual(before.totals, { good: 0, bad: 0 });
      assert.deepStrictEqual([before.eligible, before.bad], [100, 3]);
      restarted.record(http('GET /api/orders/:id', 503, { endTimeMs: clock.t }));
      restarted.record(http('GET /api/orders/:id', 200, { endTimeMs: clock.t }));
      const after = restarted.snapshot()[0];
      assert.deepStrictEqual(after.totals, { good: 1, bad: 1 });
      assert.deepStrictEqual([after.eligible, after.bad], [102, 4]);
      // the bad-event breakdown agrees with the bad total after the restart
      const rows = restarted.states[0].readAttribution(clock.t).rows;
      const badTotal = rows.filter(r => r.outcome === 'bad').reduce((n, r) => n + r.total, 0);
      assert.strictEqual(badTotal, after.totals.bad);
    });

    it('should not restore drop counts', () => {
      const engine = new SloEngine({ spec, clock: clockAt(NOW) });
      engine.record(http('GET /api/search', 200, { endTimeMs: NOW + HOUR_MS }));
      const restarted = new SloEngine({ spec, clock: clockAt(NOW) });
      restarted.importState(
        JSON.parse(JSON.stringify({ ...engine.exportState(), dropped: engine.dropped }))
      );
      assert.deepStrictEqual({ ...restarted.dropped }, { too_old: 0, future: 0, invalid: 0 });
    });

    it('should refuse another version and keep its state', () => {
      const engine = new SloEngine({ spec, clock: clockAt(NOW) });
      engine.record(http('GET /api/orders/:id', 200, { endTimeMs: NOW }));
      assert.throws(
        () => engine.importState({ version: 99, savedAtMs: 0, slos: {} }),
        /unsupported state: expected version 1, got 99/
      );
      assert.strictEqual(engine.snapshot()[0].eligible, 1);
    });
  });

  describe('alerting', () => {
    const one = (alerting: string, objective = '99.9', window = '28d') =>
      parseSpec(`slos:
  - name: a
    objective: ${objective}
    window: ${window}
    sli: { spans: { kind: any }, good: { status: ok } }
${alerting}`);
    /** `total` spans at NOW, the first `bad` of them 5xx. */
    const burst = (engine: SloEngine, total: number, bad: number) => {
      for (let i = 0; i < total; i++)
        engine.record(http('GET /x', i < bad ? 503 : 200, { endTimeMs: NOW }));
    };

    it('should not page on one bad event of a handful (default minEvents)', () => {
      // issue #10: at low traffic one failure fired every tier; 99.9 % at 28 d needs 75 events
      const engine = new SloEngine({ spec: one(''), clock: clockAt(NOW) });
      burst(engine, 10, 1);
      const s = engine.snapshot()[0];
      assert.strictEqual(s.windows[0].burnRate, 100);
      assert.deepStrictEqual(s.firing, { page: false, ticket: false });
    });

    it('should fire on the same events with minEvents: 0', () => {
      const engine = new SloEngine({
        spec: one('    alerting: { minEvents: 0 }'),
        clock: clockAt(NOW),
      });
      burst(engine, 10, 1);
      assert.deepStrictEqual(engine.snapshot()[0].firing, { page: true, ticket: true });
    });

    it('should fire once the long window holds minEvents eligible events', () => {
      const spec = one('    alerting: { minEvents: 20 }');
      const below = new SloEngine({ spec, clock: clockAt(NOW) });
      burst(below, 19, 10);
      assert.strictEqual(below.snapshot()[0].firing.page, false);
      const at = new SloEngine({ spec, clock: clockAt(NOW) });
      burst(at, 20, 10);
      assert.strictEqual(at.snapshot()[0].firing.page, true);
    });

    it('should never fire with tiers: []', () => {
      const engine = new SloEngine({
        spec: one('    alerting: { tiers: [] }'),
        clock: clockAt(NOW),
      });
      burst(engine, 100, 100);
      const s = engine.snapshot()[0];
      assert.deepStrictEqual(s.tiers, []);
      assert.deepStrictEqual(s.firing, { page: false, ticket: false });
      // the 1 h burn rate is still kept (time to exhaustion)
      assert.deepStrictEqual(
        s.windows.map(w => [w.window, w.burnRate]),
        [['1h', 1000]]
      );
    });

    it('should report no-data after noDataAfter without eligible events, and not approve', () => {
      // issue #10: with no series at all an SLO read 100 % healthy and gate approved
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: one('    alerting: { noDataAfter: 30m }'), clock });
      assert.strictEqual(engine.snapshot()[0].status, 'healthy');
      clock.t = NOW + 30 * MINUTE_MS;
      const s = engine.snapshot()[0];
      assert.strictEqual(s.status, 'no-data');
      assert.strictEqual(releaseDecision(s.status), 'defer');
      burst(engine, 1, 0);
      assert.strictEqual(engine.snapshot()[0].status, 'healthy');
      clock.t += 30 * MINUTE_MS - 1;
      assert.strictEqual(engine.snapshot()[0].status, 'healthy');
      clock.t += 1;
      assert.strictEqual(engine.snapshot()[0].status, 'no-data');
    });

    it('should give no time to exhaustion on a rolling window burning at 1 or less', () => {
      const engine = new SloEngine({ spec: one(''), clock: clockAt(NOW) });
      // 99.9 %: 85 bad of 100,000 burns 0.85; remaining 1 − 85 / 100 = 0.15
      burst(engine, 100_000, 85);
      const s = engine.snapshot()[0];
      assert.ok(Math.abs(s.burnRate1h - 0.85) < 1e-9);
      assert.strictEqual(s.timeToExhaustionMs, Infinity);
      assert.strictEqual(s.status, 'warning'); // remaining < 25 %, not for a coming exhaustion
    });

    it('should fire at exactly the threshold (14.4 = 144 bad of 10,000 at 99.9 %, 30 d)', () => {
      // (144 / 10000) / 0.001 is 14.399999999999999 in binary floating point
      const engine = new SloEngine({
        spec: one('    alerting: { minEvents: 0 }', '99.9', '30d'),
        clock: clockAt(NOW),
      });
      burst(engine, 10_000, 144);
      const s = engine.snapshot()[0];
      assert.ok(s.tiers[0].longBurnRate < 14.4);
      assert.strictEqual(s.tiers[0].tier.burnRate, 14.4);
      assert.strictEqual(s.tiers[0].firing, true);
    });
  });
});
