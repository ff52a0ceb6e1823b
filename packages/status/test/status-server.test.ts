import * as assert from 'node:assert';
import { request } from 'node:http';
import { connect } from 'node:net';
import { parseSpec, SloEngine, type AttributeValue, type SpanView } from '@burnrate/core';
import { startStatusServer, type RunningStatusServer } from '../src';

const NOW = Date.UTC(2026, 5, 1, 12);

const SPEC = parseSpec(`
slos:
  - name: checkout-availability
    service: checkout
    objective: 99
    window: 28d
    sli:
      spans: { routes: ["POST /api/orders"] }
      good: { status: ok }
  - name: search-latency
    service: checkout
    objective: 90
    window: 7d
    sli:
      spans: { routes: ["GET /api/search"] }
      good: { latency: 100ms }
`);

function httpSpan(route: string, status: number, durationMs = 10): SpanView {
  const [method, path] = route.split(' ');
  const attributes: Record<string, AttributeValue> = {
    'http.request.method': method,
    'http.route': path,
    'http.response.status_code': status,
  };
  return {
    kind: 1,
    name: route,
    endTimeMs: NOW,
    durationMs,
    statusCode: 0,
    serviceName: 'checkout',
    serviceVersion: undefined,
    traceId: undefined,
    spanId: undefined,
    attribute: (key: string) => attributes[key],
  };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(
  server: RunningStatusServer,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET'
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: server.host, port: server.port, path, method, headers }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', c => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function engineWithTraffic(): SloEngine {
  const engine = new SloEngine({ spec: SPEC, clock: { now: () => NOW } });
  // 200 orders, 6 of them 5xx; 50 searches, 10 of them slower than 100 ms
  for (let i = 0; i < 200; i++) engine.record(httpSpan('POST /api/orders', i < 6 ? 503 : 201));
  for (let i = 0; i < 50; i++) engine.record(httpSpan('GET /api/search', 200, i < 10 ? 250 : 20));
  return engine;
}

describe('startStatusServer', () => {
  let server: RunningStatusServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('should serve the page, its assets and /api/slos on loopback by default', async () => {
    server = await startStatusServer({ engine: engineWithTraffic(), port: 0 });
    assert.strictEqual(server.host, '127.0.0.1');
    assert.strictEqual(server.url, `http://127.0.0.1:${server.port}/`);
    assert.strictEqual(server.exposed, false);
    const page = await get(server, '/');
    assert.strictEqual(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    assert.match(page.body, /assets\/status\.js/);
    for (const asset of ['/assets/status.js', '/assets/uPlot.iife.min.js', '/assets/status.css'])
      assert.strictEqual((await get(server, asset)).status, 200, asset);

    const doc = JSON.parse((await get(server, '/api/slos')).body);
    assert.deepStrictEqual(
      doc.slos.map((s: { name: string }) => s.name),
      ['checkout-availability', 'search-latency']
    );
    const [orders, search] = doc.slos;
    // by hand: budget 1 % of 200 = 2 bad events, 6 spent → remaining 1 − 6/2 = −2
    assert.deepStrictEqual([orders.eligible, orders.bad, orders.good], [200, 6, 194]);
    assert.ok(Math.abs(orders.budget - 2) < 1e-9, String(orders.budget));
    assert.ok(Math.abs(orders.remaining - -2) < 1e-9, String(orders.remaining));
    // 10 % of 50 = 5 allowed, 10 spent → −1; burn (10/50)/0.1 = 2
    assert.deepStrictEqual([search.eligible, search.bad], [50, 10]);
    assert.ok(Math.abs(search.remaining - -1) < 1e-9, String(search.remaining));
    for (const burn of Object.values(search.burnRates) as number[])
      assert.ok(Math.abs(burn - 2) < 1e-9, String(burn));
  });

  it('should answer one SLO history and explanation, and 404 for an unknown SLO or path', async () => {
    server = await startStatusServer({ engine: engineWithTraffic(), port: 0 });
    const history = JSON.parse((await get(server, '/api/slos/checkout-availability/history')).body);
    assert.strictEqual(history.name, 'checkout-availability');
    assert.strictEqual(history.windowSeconds, 28 * 86_400);
    assert.ok(history.fine.time.length >= 1);
    assert.ok(Math.abs(history.fine.remaining.at(-1) - -2) < 1e-6);
    const explain = JSON.parse((await get(server, '/api/slos/checkout-availability/explain')).body);
    assert.strictEqual(explain.slo, 'checkout-availability');
    assert.strictEqual((await get(server, '/api/slos/nope/history')).status, 404);
    assert.strictEqual((await get(server, '/api/slos/nope/explain')).status, 404);
    const other = await get(server, '/v1/traces');
    assert.strictEqual(other.status, 404);
    assert.match(other.body, /not found: \/v1\/traces/);
    assert.strictEqual((await get(server, '/api/slos', {}, 'POST')).status, 405);
  });

  it('should require the bearer token for the JSON API, not for the page files', async () => {
    server = await startStatusServer({ engine: engineWithTraffic(), port: 0, token: 's3cret' });
    assert.strictEqual((await get(server, '/')).status, 200);
    assert.strictEqual((await get(server, '/assets/status.js')).status, 200);
    for (const path of [
      '/api/slos',
      '/api/slos/checkout-availability/history',
      '/api/slos/checkout-availability/explain',
    ]) {
      const refused = await get(server, path);
      assert.strictEqual(refused.status, 401, path);
      assert.strictEqual(refused.headers['www-authenticate'], 'Bearer');
      assert.doesNotMatch(refused.body, /checkout-availability"/, 'no data without the token');
      assert.strictEqual(
        (await get(server, path, { authorization: 'Bearer wrong' })).status,
        401,
        path
      );
      assert.strictEqual(
        (await get(server, path, { authorization: 'Bearer s3cret' })).status,
        200,
        path
      );
    }
  });

  it('should say when it listens beyond loopback without a token', async () => {
    server = await startStatusServer({ engine: engineWithTraffic(), port: 0, host: '0.0.0.0' });
    assert.strictEqual(server.exposed, true);
    await server.close();
    server = await startStatusServer({
      engine: engineWithTraffic(),
      port: 0,
      host: '0.0.0.0',
      token: 't',
    });
    assert.strictEqual(server.exposed, false);
  });

  it('should refuse a bad port, host or token by name', async () => {
    const engine = engineWithTraffic();
    await assert.rejects(startStatusServer({ engine, port: 70000 }), /port: .*70000/);
    await assert.rejects(startStatusServer({ engine, port: 1.5 }), /port: .*1\.5/);
    await assert.rejects(startStatusServer({ engine, port: 0, host: ' ' }), /host: /);
    await assert.rejects(startStatusServer({ engine, port: 0, token: '' }), /token: /);
  });

  it('should reject when the port is in use, and stop listening on close', async () => {
    server = await startStatusServer({ engine: engineWithTraffic(), port: 0 });
    await assert.rejects(
      startStatusServer({ engine: engineWithTraffic(), port: server.port }),
      (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE'
    );
    const { port } = server;
    // a kept-alive connection does not hold close() up
    const socket = connect(port, '127.0.0.1');
    await new Promise(resolve => socket.once('connect', resolve));
    await server.close();
    server = undefined;
    const refused = await new Promise<boolean>(resolve => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    assert.strictEqual(refused, true);
    socket.destroy();
  });
});
