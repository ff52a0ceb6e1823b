import * as assert from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, http, isListening, startNode, waitForHttp, type Child } from '../helpers/child';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text';

const ROOT = resolve(__dirname, '../../..');
const SERVER = resolve(ROOT, 'examples/checkout/server.js');
const SPEC = resolve(ROOT, 'examples/checkout/burnrate.yaml');

describe('@burnrate/register', () => {
  let child: Child | undefined;

  afterEach(async () => {
    await child?.stop();
    child = undefined;
  });

  for (const flag of ['--require', '--import']) {
    it(`should instrument an untouched app with ${flag} and shut down on SIGTERM`, async () => {
      const [appPort, metricsPort] = [await freePort(), await freePort()];
      child = startNode([flag, '@burnrate/register', SERVER], {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: String(appPort),
          OTEL_SERVICE_NAME: 'checkout',
          BURNRATE_CONFIG: SPEC,
          OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        },
      });
      await waitForHttp(appPort, '/healthz', 15_000, child);
      assert.strictEqual((await http(appPort, 'GET', '/api/orders/1?fail=1')).status, 500);
      let bad = 0;
      for (let i = 0; i < 100 && bad === 0; i++) {
        const samples = parsePrometheusText((await http(metricsPort, 'GET', '/metrics')).body);
        bad = sampleValue(samples, 'slo_events_total', {
          slo_name: 'checkout-availability',
          slo_outcome: 'bad',
        });
        if (bad === 0) await new Promise(r => setTimeout(r, 50));
      }
      assert.strictEqual(bad, 1);
      const { code, signal } = await child.stop();
      // The SDK shut down, then the process ended by the signal it got.
      assert.ok(signal === 'SIGTERM' || code === 143, `ended by ${signal ?? code}`);
      assert.strictEqual(await isListening(metricsPort), false);
      assert.strictEqual(await isListening(appPort), false);
    });
  }

  it('should instrument an ES module app with --import', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-esm-'));
    const app = join(dir, 'app.mjs');
    writeFileSync(
      app,
      "import { createServer } from 'node:http';\n" +
        "createServer((req, res) => { res.statusCode = req.url === '/fail' ? 503 : 200; res.end(); })" +
        ".listen(Number(process.env.PORT), '127.0.0.1');\n"
    );
    const spec = join(dir, 'burnrate.yaml');
    writeFileSync(
      spec,
      'slos:\n  - name: any\n    objective: 99\n    window: 28d\n    sli: { good: { status: ok } }\n'
    );
    const [appPort, metricsPort] = [await freePort(), await freePort()];
    child = startNode(['--import', '@burnrate/register', app], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(appPort),
        BURNRATE_CONFIG: spec,
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      },
    });
    await waitForHttp(appPort, '/', 15_000, child);
    await http(appPort, 'GET', '/fail');
    await http(appPort, 'GET', '/fail');
    let samples = parsePrometheusText('');
    for (let i = 0; i < 100; i++) {
      samples = parsePrometheusText((await http(metricsPort, 'GET', '/metrics')).body);
      if (sampleValue(samples, 'slo_events_total', { slo_name: 'any', slo_outcome: 'bad' }) >= 2)
        break;
      await new Promise(r => setTimeout(r, 50));
    }
    assert.strictEqual(
      sampleValue(samples, 'slo_events_total', { slo_name: 'any', slo_outcome: 'bad' }),
      2
    );
    assert.strictEqual(
      sampleValue(samples, 'slo_events_total', { slo_name: 'any', slo_outcome: 'good' }),
      1
    );
  });

  it('should stop the app at start with the spec errors and their paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-'));
    const spec = join(dir, 'burnrate.yaml');
    writeFileSync(
      spec,
      'slos:\n  - name: api\n    objective: 100\n    window: 28d\n    sli: { good: { status: fine } }\n'
    );
    for (const flag of ['--require', '--import']) {
      child = startNode([flag, '@burnrate/register', SERVER], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(await freePort()), BURNRATE_CONFIG: spec },
      });
      const { code } = await child.exited;
      assert.strictEqual(code, 1, `${flag} exit code`);
      assert.match(
        child.stderr(),
        /slos\[0\]\.objective: must be between 0 and 100 exclusive, got 100/
      );
      assert.match(child.stderr(), /slos\[0\]\.sli\.good\.status/);
      assert.doesNotMatch(child.stdout(), /listening/, 'the app never started');
    }
  });

  it('should refuse a missing spec file, naming it', async () => {
    child = startNode(['--require', '@burnrate/register', SERVER], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(await freePort()),
        BURNRATE_CONFIG: '/nonexistent/burnrate.yaml',
      },
    });
    const { code } = await child.exited;
    assert.strictEqual(code, 1);
    assert.match(child.stderr(), /\/nonexistent\/burnrate\.yaml.*\n.*cannot read: ENOENT/);
  });
});
