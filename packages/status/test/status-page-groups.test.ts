import * as assert from 'node:assert';
import { request } from 'node:http';
import { parseSpec, SloEngine, type AttributeValue, type SpanView } from '@burnrate/core';
import { selectGroup, startStatusServer, type RunningStatusServer } from '../src';

const NOW = Date.UTC(2026, 5, 1, 12);

const SPEC = parseSpec(`
slos:
  - name: api
    objective: 99
    window: 28d
    groupBy: [http.route]
    sli: { good: { status: ok } }
  - name: plain
    objective: 99
    window: 28d
    sli: { good: { status: ok } }
`);

function httpSpan(route: string, status: number): SpanView {
  const attributes: Record<string, AttributeValue> = {
    'http.request.method': 'GET',
    'http.route': route,
    'http.response.status_code': status,
  };
  return {
    kind: 1,
    name: route,
    endTimeMs: NOW,
    durationMs: 10,
    statusCode: 0,
    serviceName: 'shop',
    attribute: (key: string) => attributes[key],
  };
}

function get(server: RunningStatusServer, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    request({ host: server.host, port: server.port, path }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', c => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('StatusPage (grouped SLOs)', () => {
  let server: RunningStatusServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(): Promise<RunningStatusServer> {
    const engine = new SloEngine({ spec: SPEC, clock: { now: () => NOW } });
    // /a: 100 good; /b/x (a route with a slash to escape): 40 good, 10 bad
    for (let i = 0; i < 100; i++) engine.record(httpSpan('/a', 200));
    for (let i = 0; i < 50; i++) engine.record(httpSpan('/b/x', i < 10 ? 500 : 200));
    server = await startStatusServer({ engine, port: 0 });
    return server;
  }

  it("should answer a group's history and explanation chosen by query parameters", async () => {
    const s = await start();
    const slos = (await get(s, '/api/slos')).body.slos;
    assert.deepStrictEqual(
      slos.map((e: { name: string; group?: unknown }) => [e.name, e.group]),
      [
        ['plain', undefined],
        ['api', { 'http.route': '/a' }],
        ['api', { 'http.route': '/b/x' }],
      ]
    );
    const b = await get(s, '/api/slos/api/history?http.route=%2Fb%2Fx');
    assert.strictEqual(b.status, 200);
    assert.deepStrictEqual(b.body.group, { 'http.route': '/b/x' });
    // 1 - 10 / (0.01 x 50) = -19
    assert.ok(Math.abs(b.body.fine.remaining.at(-1) - -19) < 1e-9);
    const a = await get(s, '/api/slos/api/history?http.route=%2Fa');
    assert.strictEqual(a.body.fine.remaining.at(-1), 1);
    const e = await get(s, '/api/slos/api/explain?http.route=%2Fa');
    assert.deepStrictEqual(
      [e.body.slo, e.body.group, e.body.bad],
      ['api', { 'http.route': '/a' }, 0]
    );
    // without a group, explain names the group burning fastest
    const worst = await get(s, '/api/slos/api/explain');
    assert.deepStrictEqual(worst.body.group, { 'http.route': '/b/x' });
    assert.match(worst.body.text, /^api \(http\.route=\/b\/x\) is exhausted/);
  });

  it('should refuse a history without its group, an unknown attribute, and 404 an unseen group', async () => {
    const s = await start();
    const none = await get(s, '/api/slos/api/history');
    assert.strictEqual(none.status, 400);
    assert.match(none.body.error, /^api is grouped by http\.route: give the group/);
    const wrong = await get(s, '/api/slos/api/history?app.tier=gold');
    assert.strictEqual(wrong.status, 400);
    assert.strictEqual(
      wrong.body.error,
      'api: "app.tier" is not a groupBy attribute; the SLO groups by http.route'
    );
    assert.strictEqual((await get(s, '/api/slos/plain/history?http.route=%2Fa')).status, 400);
    assert.strictEqual((await get(s, '/api/slos/api/history?http.route=%2Fnever')).status, 404);
  });

  describe('selectGroup', () => {
    it('should read the group from the query, refusing a key given twice', () => {
      assert.strictEqual(selectGroup(['a'], '/x'), undefined);
      assert.deepStrictEqual(selectGroup(['a', 'b'], '/x?a=1&b='), { a: '1', b: '' });
      assert.strictEqual(selectGroup(['a'], '/x?a=1&a=2'), '"a" is given twice');
    });
  });
});
