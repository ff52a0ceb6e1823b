import * as assert from 'node:assert';
import { resolve } from 'node:path';
import { freePort, http, startNode, waitForHttp, type Child } from '../helpers/child';
import {
  parsePrometheusText,
  promtoolCheckMetrics,
  sampleValue,
  type Sample,
} from '../helpers/prom-text';
import { specWithMinEvents, type SpecCopy } from '../helpers/spec-copy';

const ROOT = resolve(__dirname, '../../..');
const SERVER = resolve(ROOT, 'examples/checkout/server.js');
const SPEC = resolve(ROOT, 'examples/checkout/burnrate.yaml');

/** Asserts |actual − expected| ≤ 1e-9 × max(1, |expected|). */
function near(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: expected ${expected}, got ${actual}`
  );
}

/**
 * The known mix, and what each line adds to the three SLOs of
 * examples/checkout/burnrate.yaml (availability: every server span but
 * /healthz, status ok; latency: GET /api/orders/:id ≤ 300 ms, GET /api/search
 * ≤ 1200 ms; payload: POST /api/orders, status ok and app.payload.valid):
 *
 * | requests                          | n  | availability | latency | payload |
 * | POST /api/orders valid → 201      | 10 | good         | –       | good    |
 * | POST /api/orders not JSON → 400   | 2  | good (4xx)   | –       | bad     |
 * | POST /api/orders?fail=1 → 500     | 1  | bad          | –       | bad     |
 * | GET /api/orders/1 → 200           | 8  | good         | good    | –       |
 * | GET /api/orders/999 → 404         | 2  | good         | good    | –       |
 * | GET /api/orders/1?fail=1 → 500    | 3  | bad          | good    | –       |
 * | GET /api/orders/1?delay=400       | 1  | good         | bad     | –       |
 * | GET /api/search?q=1               | 4  | good         | good    | –       |
 * | GET /api/search?delay=500         | 1  | good         | good    | –       |
 * | GET /api/search?delay=1300        | 1  | good         | bad     | –       |
 * | GET /nope → 404                   | 1  | good         | –       | –       |
 * | GET /healthz                      | 5  | excluded     | –       | –       |
 */
async function driveKnownMix(port: number): Promise<void> {
  const order = JSON.stringify({ items: [{ sku: 'a-1', qty: 1 }] });
  for (let i = 0; i < 10; i++)
    assert.strictEqual((await http(port, 'POST', '/api/orders', order)).status, 201);
  for (let i = 0; i < 2; i++)
    assert.strictEqual((await http(port, 'POST', '/api/orders', 'not json')).status, 400);
  assert.strictEqual((await http(port, 'POST', '/api/orders?fail=1', order)).status, 500);
  const slow = Promise.all([
    http(port, 'GET', '/api/orders/1?delay=400'),
    http(port, 'GET', '/api/search?q=1&delay=500'),
    http(port, 'GET', '/api/search?q=1&delay=1300'),
  ]);
  for (let i = 0; i < 8; i++)
    assert.strictEqual((await http(port, 'GET', '/api/orders/1')).status, 200);
  for (let i = 0; i < 2; i++)
    assert.strictEqual((await http(port, 'GET', '/api/orders/999')).status, 404);
  for (let i = 0; i < 3; i++)
    assert.strictEqual((await http(port, 'GET', '/api/orders/1?fail=1')).status, 500);
  for (let i = 0; i < 4; i++)
    assert.strictEqual((await http(port, 'GET', '/api/search?q=1')).status, 200);
  assert.strictEqual((await http(port, 'GET', '/nope')).status, 404);
  for (let i = 0; i < 5; i++) assert.strictEqual((await http(port, 'GET', '/healthz')).status, 200);
  for (const r of await slow) assert.strictEqual(r.status, 200);
}

const TOTAL_EVENTS = 34 + 20 + 13;

/** Scrapes until every event of the mix is counted (spans end just after their response). */
async function scrapeWhenCounted(
  metricsPort: number
): Promise<{ text: string; samples: Sample[] }> {
  const deadline = Date.now() + 10_000;
  while (true) {
    const text = (await http(metricsPort, 'GET', '/metrics')).body;
    const samples = parsePrometheusText(text);
    const counted = samples
      .filter(s => s.name === 'slo_events_total')
      .reduce((n, s) => n + s.value, 0);
    if (counted >= TOTAL_EVENTS || Date.now() > deadline) return { text, samples };
    await new Promise(r => setTimeout(r, 50));
  }
}

/** Alert windows of the example's SLOs: the Workbook's at 28 d, scaled to whole minutes at 7 d. */
const WINDOWS: Record<string, string[]> = {
  'checkout-availability': ['5m', '30m', '1h', '2h', '6h', '1d', '3d'],
  'checkout-latency': ['5m', '30m', '1h', '2h', '6h', '1d', '3d'],
  'checkout-payload': ['1m', '8m', '15m', '30m', '1h', '1h30m', '6h', '18h'],
};

describe('checkout example through @burnrate/register (end to end)', () => {
  let child: Child | undefined;
  // a few dozen requests: the example's SLOs with minEvents 0, so that they may page
  let lowTraffic: SpecCopy;
  before(() => {
    lowTraffic = specWithMinEvents(SPEC, 0);
  });
  after(() => lowTraffic.cleanup());

  afterEach(async () => {
    await child?.stop();
    child = undefined;
  });

  it('should publish exact SLO numbers for a known mix of real requests', async () => {
    const [appPort, metricsPort] = [await freePort(), await freePort()];
    child = startNode(['--require', '@burnrate/register', SERVER], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(appPort),
        OTEL_SERVICE_NAME: 'checkout',
        BURNRATE_CONFIG: lowTraffic.path,
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        OTEL_METRICS_EXPORTER: '',
        OTEL_TRACES_EXPORTER: '',
      },
    });
    await waitForHttp(appPort, '/healthz', 15_000, child);
    await waitForHttp(metricsPort, '/metrics', 15_000, child);
    await driveKnownMix(appPort);
    const { text, samples } = await scrapeWhenCounted(metricsPort);

    const events = (slo: string, outcome: string) =>
      sampleValue(samples, 'slo_events_total', { slo_name: slo, slo_outcome: outcome });
    assert.strictEqual(events('checkout-availability', 'good'), 30);
    assert.strictEqual(events('checkout-availability', 'bad'), 4);
    assert.strictEqual(events('checkout-latency', 'good'), 18);
    assert.strictEqual(events('checkout-latency', 'bad'), 2);
    assert.strictEqual(events('checkout-payload', 'good'), 10);
    assert.strictEqual(events('checkout-payload', 'bad'), 3);

    const gauge = (name: string, slo: string, extra: Record<string, string> = {}) =>
      sampleValue(samples, name, { slo_name: slo, ...extra });
    // availability 99.9 %: remaining = 1 − 4 / (0.001 × 34); burn = (4/34) / 0.001
    near(
      gauge('slo_error_budget_remaining', 'checkout-availability'),
      1 - 4 / 0.034,
      'availability remaining'
    );
    // latency 99 %: remaining = 1 − 2 / (0.01 × 20) = −9; burn = (2/20) / 0.01 = 10
    near(gauge('slo_error_budget_remaining', 'checkout-latency'), -9, 'latency remaining');
    // payload 99.5 % over 7 d: remaining = 1 − 3 / (0.005 × 13); burn = (3/13) / 0.005
    near(
      gauge('slo_error_budget_remaining', 'checkout-payload'),
      1 - 3 / 0.065,
      'payload remaining'
    );
    const burn: Record<string, number> = {
      'checkout-availability': 4 / 34 / 0.001,
      'checkout-latency': 10,
      'checkout-payload': 3 / 13 / 0.005,
    };
    for (const [slo, rate] of Object.entries(burn)) {
      // All traffic is seconds old: every alert window sees all of it.
      for (const w of WINDOWS[slo]) {
        near(gauge('slo_burn_rate', slo, { slo_window: w }), rate, `${slo} burn ${w}`);
      }
      assert.strictEqual(gauge('slo_time_to_exhaustion', slo), 0, `${slo} is overspent`);
    }
    near(gauge('slo_sli', 'checkout-availability'), 30 / 34, 'availability sli');
    assert.strictEqual(gauge('slo_objective', 'checkout-payload'), 0.995);
    // availability burns 117.6 ≥ 13.44 (page); latency 10 < 13.44 on 1h/5m but ≥ 5.6 on 6h/30m (page).
    assert.strictEqual(
      gauge('slo_alert_firing', 'checkout-availability', { slo_severity: 'page' }),
      1
    );
    assert.strictEqual(gauge('slo_alert_firing', 'checkout-latency', { slo_severity: 'page' }), 1);
    assert.strictEqual(
      gauge('slo_alert_firing', 'checkout-latency', { slo_severity: 'ticket' }),
      1
    );
    assert.strictEqual(
      sampleValue(samples, 'slo_spans_dropped_total', { slo_drop_reason: 'invalid' }),
      0
    );

    const lint = promtoolCheckMetrics(text);
    assert.strictEqual(lint.output, '', `promtool check metrics: ${lint.output}`);
    assert.strictEqual(lint.status, 0);
  });

  it('should publish the same numbers when registered in code (instrumented.js)', async () => {
    const [appPort, metricsPort] = [await freePort(), await freePort()];
    child = startNode([resolve(ROOT, 'examples/checkout/instrumented.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(appPort),
        METRICS_PORT: String(metricsPort),
        OTEL_SERVICE_NAME: 'checkout',
      },
    });
    await waitForHttp(appPort, '/healthz', 15_000, child);
    await driveKnownMix(appPort);
    await http(metricsPort, 'GET', '/metrics');
    const { samples } = await scrapeWhenCounted(metricsPort);
    // Scrapes are not traced: availability counts the mix only.
    assert.strictEqual(
      sampleValue(samples, 'slo_events_total', {
        slo_name: 'checkout-availability',
        slo_outcome: 'good',
      }),
      30
    );
    assert.strictEqual(
      sampleValue(samples, 'slo_events_total', {
        slo_name: 'checkout-availability',
        slo_outcome: 'bad',
      }),
      4
    );
    assert.strictEqual(
      sampleValue(samples, 'slo_events_total', {
        slo_name: 'checkout-latency',
        slo_outcome: 'bad',
      }),
      2
    );
    assert.strictEqual(
      sampleValue(samples, 'slo_events_total', {
        slo_name: 'checkout-payload',
        slo_outcome: 'good',
      }),
      10
    );
  });
});
