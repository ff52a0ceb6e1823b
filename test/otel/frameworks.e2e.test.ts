import * as assert from 'node:assert';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort, http, startNode, waitForHttp } from '../helpers/child';
import { parsePrometheusText } from '../helpers/prom-text';
import { driveItemsApp, ITEMS_FAILING, ITEMS_REQUESTS } from '../helpers/route-app';

const ROOT = resolve(__dirname, '../../..');
const APPS = join(ROOT, 'test', 'install', 'apps');
const SPEC = join(APPS, 'burnrate.yaml');
/** The register entry. */
const REGISTER = '@burnrate/register';

describe('register with web frameworks (no code change)', () => {
  for (const app of ['express-app.js', 'fastify-app.js', 'koa-app.js', 'nestjs-app.js']) {
    it(`should count the parameterised routes of a real ${app.split('-')[0]} app exactly`, async () => {
      const counts = await driveItemsApp({
        app: join(APPS, app),
        cwd: ROOT,
        register: REGISTER,
        spec: SPEC,
      });
      assert.strictEqual(counts.good, ITEMS_REQUESTS - ITEMS_FAILING, counts.stderr);
      assert.strictEqual(counts.bad, ITEMS_FAILING, counts.stderr);
      // the /api/items/* glob of the latency SLO, and no health check or scrape in either
      assert.strictEqual(counts.latencyGood, ITEMS_REQUESTS, counts.stderr);
      assert.match(
        counts.stderr,
        /^burnrate: 2 SLOs \(items-availability, items-latency\) from .*burnrate\.yaml; metrics: http:\/\/127\.0\.0\.1:\d+\/metrics; instrumentations: http, express, fastify, koa, nestjs-core, grpc; counting every span before sampling\n/
      );
    });
  }

  it('should resolve from the app, not the working directory', async () => {
    // started from / : nothing there resolves express, the app's folder does
    const counts = await driveItemsApp({
      app: join(APPS, 'express-app.js'),
      cwd: '/',
      register: require.resolve('@burnrate/register'),
      spec: SPEC,
    });
    assert.strictEqual(counts.good + counts.bad, ITEMS_REQUESTS, counts.stderr);
  });

  it('should keep SLOs exact under OTEL_TRACES_SAMPLER=traceidratio (counting before sampling)', async () => {
    const counts = await driveItemsApp({
      app: join(APPS, 'express-app.js'),
      cwd: ROOT,
      register: REGISTER,
      spec: SPEC,
      env: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
    });
    assert.strictEqual(counts.good, ITEMS_REQUESTS - ITEMS_FAILING, counts.stderr);
    assert.strictEqual(counts.bad, ITEMS_FAILING, counts.stderr);
  });

  it('should say in one line that the metrics port is taken, naming the variable, and keep the app running', async () => {
    const taken = createServer();
    const port = await new Promise<number>(r =>
      taken.listen(0, '127.0.0.1', () => r((taken.address() as { port: number }).port))
    );
    const appPort = await freePort();
    const child = startNode(['--import', REGISTER, join(APPS, 'express-app.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(appPort),
        OTEL_SERVICE_NAME: 'shop',
        BURNRATE_CONFIG: SPEC,
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      },
    });
    try {
      await waitForHttp(appPort, '/api/health', 30_000, child);
      const deadline = Date.now() + 10_000;
      while (!/cannot serve/.test(child.stderr()) && Date.now() < deadline)
        await new Promise(r => setTimeout(r, 50));
      const line = child
        .stderr()
        .split('\n')
        .find(l => l.includes('cannot serve'));
      assert.strictEqual(
        line,
        `burnrate: cannot serve Prometheus metrics on 127.0.0.1:${port}: the port is in use; set OTEL_EXPORTER_PROMETHEUS_PORT to a free port (or OTEL_METRICS_EXPORTER=otlp or none); the app runs on without /metrics`
      );
      assert.doesNotMatch(child.stderr(), /\n\s+at /);
      await waitForHttp(appPort, '/api/items/1', 5_000, child);
    } finally {
      await child.stop();
      taken.close();
    }
  });
});

describe('register with a gRPC server (no code change)', () => {
  it('should count shop.Items/Get calls by their gRPC status: server errors bad, NOT_FOUND good, Health not selected', async () => {
    const grpc = await import('@grpc/grpc-js');
    const [appPort, metricsPort] = [await freePort(), await freePort()];
    const child = startNode(['--import', REGISTER, join(APPS, 'grpc-app.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(appPort),
        OTEL_SERVICE_NAME: 'shop',
        BURNRATE_CONFIG: join(APPS, 'grpc.yaml'),
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      },
    });
    const raw = (b: Buffer) => b;
    const method = (name: string) => ({
      path: `/shop.Items/${name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: raw,
      requestDeserialize: raw,
      responseSerialize: raw,
      responseDeserialize: raw,
    });
    const Client = grpc.makeGenericClientConstructor(
      { Get: method('Get'), Health: method('Health') },
      'Items'
    );
    const client = new Client(
      `127.0.0.1:${appPort}`,
      grpc.credentials.createInsecure()
    ) as unknown as {
      Get(req: Buffer, cb: (e: { code: number } | null) => void): void;
      Health(req: Buffer, cb: (e: { code: number } | null) => void): void;
      close(): void;
    };
    const call = (name: 'Get' | 'Health', id: string) =>
      new Promise<number>(resolve => client[name](Buffer.from(id), e => resolve(e ? e.code : 0)));
    try {
      await waitForHttp(metricsPort, '/metrics', 30_000, child);
      const deadline = Date.now() + 30_000;
      while ((await call('Health', '')) !== 0 && Date.now() < deadline)
        await new Promise(r => setTimeout(r, 100));
      const codes: number[] = [];
      for (let id = 1; id <= 20; id++) codes.push(await call('Get', String(id)));
      codes.push(await call('Get', '404'));
      for (let i = 0; i < 3; i++) await call('Health', '');
      assert.deepStrictEqual(
        codes.filter(c => c !== 0),
        [grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE, grpc.status.NOT_FOUND]
      );
      let good = 0;
      let bad = 0;
      for (let i = 0; i < 150 && good + bad < 21; i++) {
        const samples = parsePrometheusText((await http(metricsPort, 'GET', '/metrics')).body);
        const read = (outcome: string) =>
          samples.find(
            s =>
              s.name === 'slo_events_total' &&
              s.labels.slo_name === 'items-rpc-availability' &&
              s.labels.slo_outcome === outcome
          )?.value ?? 0;
        good = read('good');
        bad = read('bad');
        if (good + bad < 21) await new Promise(r => setTimeout(r, 100));
      }
      // 18 OK + NOT_FOUND (the caller's error) good; the two UNAVAILABLE bad; Health not selected
      assert.strictEqual(good, 19, child.stderr());
      assert.strictEqual(bad, 2, child.stderr());
    } finally {
      client.close();
      await child.stop();
    }
  });
});
