import * as assert from 'node:assert';
import { OVERFLOW_GROUP_VALUE, parseSpec, SloEngine, type Clock } from '../../src';
import { http as httpAt, span as spanAt, type TestSpan } from '../span-view';

const NOW = Date.UTC(2026, 5, 1, 12);
const http = (route: string, status: number, extra: TestSpan = {}) =>
  httpAt(route, status, { endTimeMs: NOW, ...extra });
const span = (s: TestSpan = {}) => spanAt({ endTimeMs: NOW, ...s });

function clockAt(t: number): Clock & { t: number } {
  return {
    t,
    now() {
      return this.t;
    },
  };
}

const grouped = (groupBy: string, extra = '') =>
  parseSpec(`
slos:
  - name: api
    objective: 99
    window: 28d
    groupBy: ${groupBy}
${extra}
    alerting: { minEvents: 0 }
    sli:
      good: { status: ok }
`);

describe('SloGroups', () => {
  describe('.stateFor', () => {
    it('should give each distinct value a budget of its own (hand computation)', () => {
      const engine = new SloEngine({ spec: grouped('[http.route]'), clock: clockAt(NOW) });
      // /a: 200 eligible, 1 bad; /b: 100 eligible, 4 bad; /c: 10 eligible, all bad
      for (let i = 0; i < 200; i++) engine.record(http('GET /a', i < 1 ? 500 : 200));
      for (let i = 0; i < 100; i++) engine.record(http('GET /b', i < 4 ? 503 : 200));
      for (let i = 0; i < 10; i++) engine.record(http('GET /c', 500));
      const snaps = engine.snapshot(NOW);
      assert.deepStrictEqual(
        snaps.map(s => [s.name, s.group]),
        [
          ['api', { 'http.route': '/a' }],
          ['api', { 'http.route': '/b' }],
          ['api', { 'http.route': '/c' }],
        ]
      );
      const [a, b, c] = snaps;
      assert.deepStrictEqual(
        [a.eligible, a.bad, b.eligible, b.bad, c.eligible, c.bad],
        [200, 1, 100, 4, 10, 10]
      );
      // budget = (1 - 0.99) x eligible; remaining = 1 - bad / budget
      assert.ok(Math.abs(a.budget - 2) < 1e-12);
      assert.ok(Math.abs(a.remaining - 0.5) < 1e-12);
      assert.ok(Math.abs(b.budget - 1) < 1e-12);
      assert.ok(Math.abs(b.remaining - -3) < 1e-12);
      // burn = (bad / eligible) / 0.01 on every alert window: 0.5, 4, 100
      for (const w of a.windows) assert.ok(Math.abs(w.burnRate - 0.5) < 1e-12, w.window);
      for (const w of b.windows) assert.ok(Math.abs(w.burnRate - 4) < 1e-12, w.window);
      for (const w of c.windows) assert.ok(Math.abs(w.burnRate - 100) < 1e-9, w.window);
      // only /c burns past 13.44 on 1h and 5m: one page, for its group alone
      assert.deepStrictEqual(
        snaps.map(s => s.firing.page),
        [false, false, true]
      );
      assert.deepStrictEqual(
        snaps.map(s => s.status),
        ['healthy', 'exhausted', 'exhausted']
      );
    });

    it('should group by a tuple of values, absent values as the empty string', () => {
      const engine = new SloEngine({
        spec: grouped('[http.route, app.tier]'),
        clock: clockAt(NOW),
      });
      engine.record(http('GET /a', 200, { attributes: { 'app.tier': 'gold' } }));
      engine.record(http('GET /a', 500, { attributes: { 'app.tier': 'free' } }));
      engine.record(http('GET /a', 200, { attributes: { 'app.tier': 'gold' } }));
      engine.record(http('GET /a', 200));
      const snaps = engine.snapshot(NOW);
      assert.deepStrictEqual(
        snaps.map(s => [s.group, s.good, s.bad]),
        [
          [{ 'http.route': '/a', 'app.tier': 'gold' }, 2, 0],
          [{ 'http.route': '/a', 'app.tier': 'free' }, 0, 1],
          [{ 'http.route': '/a', 'app.tier': '' }, 1, 0],
        ]
      );
    });

    it('should count the number 2 and the string "2" in one group', () => {
      const engine = new SloEngine({ spec: grouped('[app.shard]'), clock: clockAt(NOW) });
      engine.record(span({ attributes: { 'app.shard': 2 } }));
      engine.record(span({ attributes: { 'app.shard': '2' } }));
      engine.record(span({ attributes: { 'app.shard': 2n } }));
      engine.record(span({ attributes: { 'app.shard': ['x', 'y'] } }));
      engine.record(span({ attributes: { 'app.shard': ['x', 'y'] } }));
      const snaps = engine.snapshot(NOW);
      assert.deepStrictEqual(
        snaps.map(s => [s.group?.['app.shard'], s.eligible]),
        [
          ['2', 3],
          ['x,y', 2],
        ]
      );
    });

    it('should read service.name from the resource when the span has no such attribute', () => {
      const engine = new SloEngine({ spec: grouped('[service.name]'), clock: clockAt(NOW) });
      engine.record(span({ serviceName: 'checkout' }));
      engine.record(span({ serviceName: 'search' }));
      engine.record(span({ serviceName: 'search', attributes: { 'service.name': 'other' } }));
      assert.deepStrictEqual(
        engine.snapshot(NOW).map(s => s.group?.['service.name']),
        ['checkout', 'search', 'other']
      );
    });

    it('should take the classifier route for http.route (url.path without http.route)', () => {
      const engine = new SloEngine({ spec: grouped('[http.route]'), clock: clockAt(NOW) });
      engine.record(span({ attributes: { 'url.path': '/health' } }));
      assert.deepStrictEqual(engine.snapshot(NOW)[0].group, { 'http.route': '/health' });
    });

    it('should count spans past maxGroups in the overflow group', () => {
      const engine = new SloEngine({
        spec: grouped('[http.route]', '    maxGroups: 2'),
        clock: clockAt(NOW),
      });
      for (const r of ['/a', '/b', '/c', '/d', '/a', '/c', '/c'])
        engine.record(http(`GET ${r}`, 200));
      const snaps = engine.snapshot(NOW);
      assert.deepStrictEqual(
        snaps.map(s => [s.group?.['http.route'], s.eligible]),
        [
          ['/a', 2],
          ['/b', 1],
          [OVERFLOW_GROUP_VALUE, 4],
        ]
      );
      assert.strictEqual(OVERFLOW_GROUP_VALUE, '__overflow__');
      const groups = engine.groupsOf(0)!;
      assert.strictEqual(groups.groups.length, 2);
      assert.strictEqual(groups.overflowSpans, 4);
      assert.deepStrictEqual(
        engine.sloStates('api').map(s => s.group?.['http.route']),
        ['/a', '/b', OVERFLOW_GROUP_VALUE]
      );
    });

    it('should keep the overflow group apart under a multi-key cap', () => {
      const engine = new SloEngine({
        spec: grouped('[http.route, app.tier]', '    maxGroups: 1'),
        clock: clockAt(NOW),
      });
      engine.record(http('GET /a', 200, { attributes: { 'app.tier': 'gold' } }));
      engine.record(http('GET /a', 500, { attributes: { 'app.tier': 'free' } }));
      engine.record(http('GET /b', 500, { attributes: { 'app.tier': 'gold' } }));
      const snaps = engine.snapshot(NOW);
      assert.deepStrictEqual(
        snaps.map(s => [s.group, s.bad]),
        [
          [{ 'http.route': '/a', 'app.tier': 'gold' }, 0],
          [{ 'http.route': OVERFLOW_GROUP_VALUE, 'app.tier': OVERFLOW_GROUP_VALUE }, 2],
        ]
      );
    });

    it('should cut values longer than 256 bytes to one group, with the marker', () => {
      const engine = new SloEngine({ spec: grouped('[app.key]'), clock: clockAt(NOW) });
      const long = 'k'.repeat(300);
      engine.record(span({ attributes: { 'app.key': `${long}1` } }));
      engine.record(span({ attributes: { 'app.key': `${long}2` } }));
      const snaps = engine.snapshot(NOW);
      assert.strictEqual(snaps.length, 1);
      // 242 bytes of the value and the 14-byte marker: 256 bytes
      assert.strictEqual(snaps[0].group?.['app.key'], `${'k'.repeat(242)}…[truncated]`);
      assert.strictEqual(snaps[0].eligible, 2);
    });
  });
});
