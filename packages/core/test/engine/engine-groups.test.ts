import * as assert from 'node:assert';
import { parseSpec, SloEngine, type Clock, type EngineState } from '../../src';
import { http as httpAt, type TestSpan } from '../span-view';

const NOW = Date.UTC(2026, 5, 1, 12);
const http = (route: string, status: number, extra: TestSpan = {}) =>
  httpAt(route, status, { endTimeMs: NOW, ...extra });

function clockAt(t: number): Clock & { t: number } {
  return {
    t,
    now() {
      return this.t;
    },
  };
}

const SPEC = `
slos:
  - name: plain
    objective: 99.9
    window: 28d
    sli:
      good: { status: ok }
  - name: api
    objective: 99
    window: 7d
    groupBy: [http.route]
    maxGroups: 2
    alerting: { minEvents: 0 }
    sli:
      good: { status: ok }
`;

describe('SloEngine (grouped SLOs)', () => {
  describe('.states', () => {
    it('should list ungrouped SLOs first, then groups as they appear, only growing', () => {
      const engine = new SloEngine({ spec: parseSpec(SPEC), clock: clockAt(NOW) });
      const states = engine.states;
      assert.deepStrictEqual(
        states.map(s => s.slo.name),
        ['plain']
      );
      engine.record(http('GET /b', 200));
      engine.record(http('GET /a', 500));
      assert.strictEqual(engine.states, states);
      assert.deepStrictEqual(
        states.map(s => [s.slo.name, s.group?.['http.route']]),
        [
          ['plain', undefined],
          ['api', '/b'],
          ['api', '/a'],
        ]
      );
      assert.deepStrictEqual(
        engine.snapshot(NOW).map(s => [s.name, s.group?.['http.route'], s.eligible]),
        [
          ['plain', undefined, 2],
          ['api', '/b', 1],
          ['api', '/a', 1],
        ]
      );
      assert.strictEqual('group' in engine.snapshot(NOW)[0], false);
    });
  });

  describe('.snapshot', () => {
    it('should report no-data for a group only when the whole SLO has been quiet', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: parseSpec(SPEC), clock });
      engine.record(http('GET /a', 200));
      engine.record(http('GET /b', 200));
      // 2 h later (noDataAfter 1h): /b keeps receiving, /a is quiet but its SLO is not
      clock.t = NOW + 2 * 3_600_000;
      engine.record(http('GET /b', 200, { endTimeMs: clock.t }));
      const status = () =>
        engine.snapshot(clock.t).map(s => [s.group?.['http.route'] ?? s.name, s.status]);
      assert.deepStrictEqual(status(), [
        ['plain', 'healthy'],
        ['/a', 'healthy'],
        ['/b', 'healthy'],
      ]);
      // another 2 h without any span: every group of the SLO has no data
      clock.t += 2 * 3_600_000;
      assert.deepStrictEqual(status(), [
        ['plain', 'no-data'],
        ['/a', 'no-data'],
        ['/b', 'no-data'],
      ]);
    });
  });

  describe('.explain', () => {
    it('should explain the group asked for, and name it', () => {
      const engine = new SloEngine({ spec: parseSpec(SPEC), clock: clockAt(NOW) });
      engine.record(http('GET /b', 200));
      for (let i = 0; i < 3; i++) engine.record(http('GET /a', 500));
      const e = engine.explain('api', NOW, { 'http.route': '/a' })!;
      assert.deepStrictEqual(e.group, { 'http.route': '/a' });
      assert.strictEqual(e.bad, 3);
      assert.match(e.text, /^api \(http\.route=\/a\) is exhausted/);
      assert.strictEqual(engine.explain('api', NOW, { 'http.route': '/b' })!.bad, 0);
      assert.strictEqual(engine.explain('api', NOW, { 'http.route': '/z' }), undefined);
    });
  });

  describe('.exportState / .importState', () => {
    it('should keep every group, its values and its windows across a restart', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: parseSpec(SPEC), clock });
      for (let i = 0; i < 10; i++) engine.record(http('GET /a', i < 2 ? 500 : 200));
      for (let i = 0; i < 5; i++) engine.record(http('GET /b', 200));
      for (let i = 0; i < 3; i++) engine.record(http('GET /c', 500));
      const saved = JSON.parse(JSON.stringify(engine.exportState(NOW))) as EngineState;
      assert.deepStrictEqual(Object.keys(saved.slos), ['plain']);
      assert.deepStrictEqual(
        saved.groups!.api.groups.map(g => [g.values, g.overflow === true]),
        [
          [['/a'], false],
          [['/b'], false],
          [['__overflow__'], true],
        ]
      );

      clock.t = NOW + 60_000;
      const restarted = new SloEngine({ spec: parseSpec(SPEC), clock });
      assert.deepStrictEqual(restarted.importState(saved), {
        restored: ['plain', 'api'],
        skipped: [],
      });
      const snaps = restarted.snapshot(clock.t);
      assert.deepStrictEqual(
        snaps.map(s => [s.name, s.group?.['http.route'], s.eligible, s.bad, s.totals.good]),
        [
          ['plain', undefined, 18, 5, 0],
          ['api', '/a', 10, 2, 0],
          ['api', '/b', 5, 0, 0],
          ['api', '__overflow__', 3, 3, 0],
        ]
      );
      // the restored groups fill the cap: a new route still overflows, a known one counts in its group
      restarted.record(http('GET /d', 200));
      restarted.record(http('GET /b', 200));
      assert.deepStrictEqual(
        restarted.snapshot(clock.t).map(s => [s.group?.['http.route'], s.eligible]),
        [
          [undefined, 20],
          ['/a', 10],
          ['/b', 6],
          ['__overflow__', 4],
        ]
      );
    });

    it('should not restore a group without an event over a whole SLO window', () => {
      const clock = clockAt(NOW);
      const engine = new SloEngine({ spec: parseSpec(SPEC), clock });
      engine.record(http('GET /old', 500));
      // 8 days later (the window is 7 d): only /new has events in the window
      clock.t = NOW + 8 * 86_400_000;
      engine.record(http('GET /new', 200, { endTimeMs: clock.t }));
      const saved = engine.exportState(clock.t);
      const restarted = new SloEngine({ spec: parseSpec(SPEC), clock });
      restarted.importState(saved);
      assert.deepStrictEqual(
        restarted.sloStates('api').map(s => s.group?.['http.route']),
        ['/new']
      );
    });

    it('should skip the groups of an SLO whose groupBy changed', () => {
      const engine = new SloEngine({ spec: parseSpec(SPEC), clock: clockAt(NOW) });
      engine.record(http('GET /a', 500));
      const saved = engine.exportState(NOW);
      const other = new SloEngine({
        spec: parseSpec(SPEC.replace('groupBy: [http.route]', 'groupBy: [app.tier]')),
        clock: clockAt(NOW),
      });
      assert.deepStrictEqual(other.importState(saved), { restored: ['plain'], skipped: ['api'] });
      assert.deepStrictEqual(
        other.snapshot(NOW).map(s => s.name),
        ['plain']
      );
    });
  });

  describe('.recordCounts', () => {
    it('should refuse counts for a grouped SLO (no group to put them in)', () => {
      const engine = new SloEngine({ spec: parseSpec(SPEC), clock: clockAt(NOW) });
      assert.strictEqual(engine.recordCounts(1, NOW, 1, 0), 'invalid');
      assert.strictEqual(engine.recordCounts(0, NOW, 1, 0), undefined);
    });
  });
});
