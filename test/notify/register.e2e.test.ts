import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, http, startNode, waitForHttp, type Child } from '../helpers/child';
import { TestReceiver } from '@burnrate/test-utils';
import { FAST_PAGE_SPEC } from './fast-page-spec';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text';

const ROOT = resolve(__dirname, '../../..');
const SERVER = resolve(ROOT, 'examples/checkout/server.js');

describe('register notifications (BURNRATE_* variables)', function () {
  this.timeout(60_000);
  let app: Child | undefined;
  let hook: TestReceiver;
  let dir = '';

  beforeEach(async () => {
    hook = new TestReceiver();
    await hook.start();
    dir = mkdtempSync(join(tmpdir(), 'burnrate-register-notify-'));
  });
  afterEach(async () => {
    await app?.stop();
    await hook.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should send a Slack message from an untouched app when its requests fail', async () => {
    writeFileSync(join(dir, 'burnrate.yaml'), FAST_PAGE_SPEC);
    const [appPort, metricsPort] = [await freePort(), await freePort()];
    app = startNode(['--require', '@burnrate/register', SERVER], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(appPort),
        OTEL_SERVICE_NAME: 'checkout',
        BURNRATE_CONFIG: join(dir, 'burnrate.yaml'),
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        BURNRATE_WEBHOOK_URL: `${hook.url}/services/T/B/X`,
        BURNRATE_WEBHOOK_FORMAT: 'slack',
        BURNRATE_ALERT_EVALUATION_INTERVAL: '500ms',
      },
    });
    await waitForHttp(appPort, '/healthz', 15_000, app);
    for (let i = 0; i < 30; i++) await http(appPort, 'GET', `/api/orders/${i}?fail=1`);
    await hook.waitFor(1, 15_000);
    const body = JSON.parse(hook.requests[0].body) as { text: string; blocks: unknown[] };
    assert.match(body.text, /FIRING page: SLO checkout-availability burns its error budget/);
    assert.match(JSON.stringify(body.blocks), /500 on GET \/api\/orders\/:id \(status/);
    // the self-metrics are on the app's Prometheus endpoint, beside the SLO instruments
    let sent = 0;
    for (let i = 0; i < 50 && sent === 0; i++) {
      const samples = parsePrometheusText((await http(metricsPort, 'GET', '/metrics')).body);
      const hits = samples.filter(
        x =>
          x.name === 'burnrate_notifications_sent_total' && x.labels.burnrate_receiver === 'webhook'
      );
      sent = hits.length === 1 ? sampleValue(hits, hits[0].name, hits[0].labels) : 0;
      if (sent === 0) await new Promise(r => setTimeout(r, 100));
    }
    assert.strictEqual(sent, 1);
  });
});
