import * as assert from 'node:assert';
import { resolve } from 'node:path';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import { freePort, http, startNode, waitForHttp, type Child } from '../helpers/child';
import { specWithMinEvents } from '../helpers/spec-copy';
import { latestValue, OtlpMetricsReceiver, valueIn } from '@burnrate/test-utils';

const ROOT = resolve(__dirname, '../../..');
const SERVER = resolve(ROOT, 'examples/checkout/server.js');
const EXAMPLE_SPEC = resolve(ROOT, 'examples/checkout/burnrate.yaml');
// a few dozen requests: the example's SLOs with minEvents 0, so that app and collector may page
const LOW_TRAFFIC = specWithMinEvents(EXAMPLE_SPEC, 0);
const SPEC = LOW_TRAFFIC.path;
after(() => LOW_TRAFFIC.cleanup());

/** Alert windows of the example's SLOs: the Workbook's at 28 d, scaled to whole minutes at 7 d. */
const WINDOWS: Record<string, string[]> = {
  'checkout-availability': ['1d', '1h', '2h', '30m', '3d', '5m', '6h'],
  'checkout-latency': ['1d', '1h', '2h', '30m', '3d', '5m', '6h'],
  'checkout-payload': ['15m', '18h', '1h', '1h30m', '1m', '30m', '6h', '8m'],
};

const SLOS = ['checkout-availability', 'checkout-latency', 'checkout-payload'] as const;
type SloName = (typeof SLOS)[number];

/**
 * The known mix, and what each line adds to the three SLOs of
 * examples/checkout/burnrate.yaml (availability 99.9 %: every server span but
 * /healthz, status ok; latency 99 %: GET /api/orders/:id ≤ 300 ms and
 * GET /api/search ≤ 1200 ms; payload 99.5 %: POST /api/orders, status ok and
 * app.payload.valid):
 *
 * | requests                          | n | availability | latency | payload |
 * | POST /api/orders valid → 201      | 6 | good         | –       | good    |
 * | POST /api/orders not JSON → 400   | 2 | good (4xx)   | –       | bad     |
 * | GET /api/orders/1 → 200           | 5 | good         | good    | –       |
 * | GET /api/orders/1?fail=1 → 500    | 3 | bad          | good    | –       |
 * | GET /api/orders/1?delay=350 → 200 | 1 | good         | bad     | –       |
 * | GET /api/search?q=a → 200         | 2 | good         | good    | –       |
 * | GET /healthz                      | 3 | excluded     | –       | –       |
 */
const EXPECTED: Record<SloName, { good: number; bad: number; objective: number }> = {
  'checkout-availability': { good: 16, bad: 3, objective: 0.999 },
  'checkout-latency': { good: 10, bad: 1, objective: 0.99 },
  'checkout-payload': { good: 6, bad: 2, objective: 0.995 },
};

async function driveKnownMix(port: number): Promise<void> {
  const order = JSON.stringify({ items: [{ sku: 'a-1', qty: 1 }] });
  for (let i = 0; i < 6; i++)
    assert.strictEqual((await http(port, 'POST', '/api/orders', order)).status, 201);
  for (let i = 0; i < 2; i++)
    assert.strictEqual((await http(port, 'POST', '/api/orders', 'not json')).status, 400);
  for (let i = 0; i < 5; i++)
    assert.strictEqual((await http(port, 'GET', '/api/orders/1')).status, 200);
  for (let i = 0; i < 3; i++)
    assert.strictEqual((await http(port, 'GET', '/api/orders/1?fail=1')).status, 500);
  assert.strictEqual((await http(port, 'GET', '/api/orders/1?delay=350')).status, 200);
  for (let i = 0; i < 2; i++)
    assert.strictEqual((await http(port, 'GET', '/api/search?q=a')).status, 200);
  for (let i = 0; i < 3; i++) assert.strictEqual((await http(port, 'GET', '/healthz')).status, 200);
}

/** The environment without any inherited OTEL_* or BURNRATE_* variable, plus `vars`. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('OTEL_') && !k.startsWith('BURNRATE_')) env[k] = v;
  return { ...env, OTEL_SERVICE_NAME: 'checkout', BURNRATE_CONFIG: SPEC, ...vars };
}

/** Polls `check` every 50 ms until it returns true, at most `timeoutMs`; then fails with `what()`. */
async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: () => string,
  timeoutMs = 8_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what()}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

/** Asserts |actual − expected| ≤ 1e-9 × max(1, |expected|). */
function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: expected ${expected}, got ${actual}`
  );
}

function events(receiver: OtlpMetricsReceiver, slo: string, outcome: 'good' | 'bad') {
  return latestValue(receiver, 'slo.events', { 'slo.name': slo, 'slo.outcome': outcome });
}

/** Whether the newest export counts every event of the mix. */
function allCounted(receiver: OtlpMetricsReceiver): boolean {
  return SLOS.every(
    slo =>
      events(receiver, slo, 'good') === EXPECTED[slo].good &&
      events(receiver, slo, 'bad') === EXPECTED[slo].bad
  );
}

function describeEvents(receiver: OtlpMetricsReceiver): string {
  return `${receiver.metrics.length} exports; newest slo.events: ${JSON.stringify(
    SLOS.map(slo => [slo, events(receiver, slo, 'good'), events(receiver, slo, 'bad')])
  )}`;
}

describe('@burnrate/register with the OTLP and console exporters (end to end)', () => {
  let child: Child | undefined;
  let receiver: OtlpMetricsReceiver | undefined;
  let collector: RunningCollector | undefined;

  afterEach(async () => {
    await child?.stop();
    await receiver?.close();
    await collector?.close();
    child = undefined;
    receiver = undefined;
    collector = undefined;
  });

  /** How the app is pointed at the receiver, and the content type the receiver then gets. */
  const otlpCases: Array<{
    what: string;
    env: (r: OtlpMetricsReceiver) => Promise<Record<string, string>>;
    contentType: string;
  }> = [
    {
      what: 'http/json, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT and _PROTOCOL',
      env: async r => ({
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${r.url}/v1/metrics`,
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      }),
      contentType: 'application/json',
    },
    {
      what: 'http/json, OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL',
      env: async r => ({
        OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      }),
      contentType: 'application/json',
    },
    {
      what: 'http/protobuf, the default protocol',
      env: async r => ({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${r.url}/v1/metrics` }),
      contentType: 'application/x-protobuf',
    },
    {
      what: 'grpc',
      env: async r => ({
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: (await r.startGrpc()).grpcUrl,
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc',
      }),
      contentType: 'grpc',
    },
  ];
  for (const { what, env, contentType } of otlpCases) {
    it(`should push slo.events with the exact counts over OTLP (${what})`, async () => {
      receiver = await new OtlpMetricsReceiver().start();
      const otlpEnv = await env(receiver);
      const appPort = await freePort();
      child = startNode(['--require', '@burnrate/register', SERVER], {
        cwd: ROOT,
        env: envWith({
          PORT: String(appPort),
          OTEL_METRICS_EXPORTER: 'otlp',
          OTEL_METRIC_EXPORT_INTERVAL: '500',
          ...otlpEnv,
        }),
      });
      await waitForHttp(appPort, '/healthz', 15_000, child);
      await driveKnownMix(appPort);
      const r = receiver;
      await waitUntil(
        () => allCounted(r),
        () => describeEvents(r)
      );
      assert.ok(
        r.contentTypes.every(t => t === contentType),
        `content types ${r.contentTypes.join(', ')}`
      );
      // Every export before: a cumulative count that only grows, never past the mix.
      for (const slo of SLOS) {
        for (const outcome of ['good', 'bad'] as const) {
          let previous = 0;
          for (const request of r.metrics) {
            const v =
              valueIn(request, 'slo.events', { 'slo.name': slo, 'slo.outcome': outcome }) ?? 0;
            assert.ok(v >= previous && v <= EXPECTED[slo][outcome], `${slo} ${outcome}: ${v}`);
            previous = v;
          }
        }
      }
      // Pushed every OTEL_METRIC_EXPORT_INTERVAL (500 ms), not the default 60 s:
      // a second export follows within seconds, and it counts the same.
      await waitUntil(
        () => r.metrics.length >= 2,
        () => `${r.metrics.length} exports`,
        5_000
      );
      assert.ok(allCounted(r), describeEvents(r));
      // The gauges travel too, zeros included: availability is overspent,
      // remaining = 1 − 3 / (0.001 × 19), exhausted now.
      assert.strictEqual(
        latestValue(r, 'slo.time_to_exhaustion', { 'slo.name': 'checkout-availability' }),
        0
      );
      near(
        latestValue(r, 'slo.error_budget.remaining', { 'slo.name': 'checkout-availability' }),
        1 - 3 / (0.001 * 19),
        'availability remaining'
      );
    });
  }

  it('should push the final counts on SIGTERM, before the first interval ends', async () => {
    receiver = await new OtlpMetricsReceiver().start();
    const appPort = await freePort();
    child = startNode(['--require', '@burnrate/register', SERVER], {
      cwd: ROOT,
      env: envWith({
        PORT: String(appPort),
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_METRIC_EXPORT_INTERVAL: '600000',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      }),
    });
    await waitForHttp(appPort, '/healthz', 15_000, child);
    await driveKnownMix(appPort);
    assert.strictEqual(receiver.metrics.length, 0, 'nothing pushed before the interval');
    const { code, signal } = await child.stop();
    assert.ok(signal === 'SIGTERM' || code === 143, `ended by ${signal ?? code}`);
    // The reader was flushed before the SDK (and the processor) shut down.
    const counted = receiver.metrics.filter(request =>
      SLOS.every(
        slo =>
          valueIn(request, 'slo.events', { 'slo.name': slo, 'slo.outcome': 'good' }) ===
            EXPECTED[slo].good &&
          valueIn(request, 'slo.events', { 'slo.name': slo, 'slo.outcome': 'bad' }) ===
            EXPECTED[slo].bad
      )
    );
    assert.ok(counted.length >= 1, describeEvents(receiver));
  });

  it('should print the SLO metrics and the spans on stdout with OTEL_METRICS_EXPORTER=console and OTEL_TRACES_EXPORTER=console', async () => {
    const appPort = await freePort();
    child = startNode(['--require', '@burnrate/register', SERVER], {
      cwd: ROOT,
      env: envWith({
        PORT: String(appPort),
        OTEL_METRICS_EXPORTER: 'console',
        OTEL_METRIC_EXPORT_INTERVAL: '500',
        OTEL_TRACES_EXPORTER: 'console',
      }),
    });
    await waitForHttp(appPort, '/healthz', 15_000, child);
    assert.strictEqual((await http(appPort, 'GET', '/api/orders/1?fail=1')).status, 500);
    assert.strictEqual((await http(appPort, 'GET', '/api/orders/1?fail=1')).status, 500);
    // ConsoleMetricExporter: console.dir of { descriptor, dataPointType, dataPoints }.
    const badTwo =
      /attributes: \{ 'slo\.name': 'checkout-availability', 'slo\.outcome': 'bad' \},\s*startTime: \[[^\]]*\],\s*endTime: \[[^\]]*\],\s*value: 2\s*\}/;
    const c = child;
    await waitUntil(
      () => badTwo.test(c.stdout()),
      () => `stdout ends with:\n${c.stdout().slice(-2000)}`
    );
    const out = child.stdout();
    for (const name of [
      'slo.objective',
      'slo.sli',
      'slo.error_budget.remaining',
      'slo.burn_rate',
      'slo.time_to_exhaustion',
      'slo.alert.firing',
      'slo.events',
    ])
      assert.ok(out.includes(`name: '${name}'`), `${name} printed`);
    assert.match(out, /name: 'slo\.time_to_exhaustion',[^}]*unit: 's'/);
    assert.match(
      out,
      /attributes: \{ 'slo\.name': 'checkout-availability', 'slo\.window': '5m' \}/
    );
    assert.match(
      out,
      /attributes: \{ 'slo\.name': 'checkout-availability', 'slo\.severity': 'page' \}/
    );
    // ConsoleSpanExporter: the server span of a failed request.
    assert.match(
      out,
      /kind: 1,[^{}]*attributes: \{[^{}]*'url\.query': 'fail=1',[^{}]*'http\.route': '\/api\/orders\/:id',[^{}]*'http\.response\.status_code': 500\s*\},\s*status: \{ code: 2 \}/
    );
  });

  for (const protocol of ['http/json', 'http/protobuf', 'grpc']) {
    it(`should send the app's spans (OTEL_TRACES_EXPORTER=otlp, ${protocol}) to a burnrate collector whose /api/slos agrees with the app's own metrics`, async () => {
      collector = await startCollector({
        spec: SPEC,
        httpPort: 0,
        grpcPort: protocol === 'grpc' ? 0 : false,
        metricsPort: false,
        logger: silentLogger,
      });
      const collectorPort = collector.httpPort!;
      const tracesEndpoint =
        protocol === 'grpc'
          ? `http://127.0.0.1:${collector.grpcPort!}`
          : `http://127.0.0.1:${collectorPort}/v1/traces`;
      receiver = await new OtlpMetricsReceiver().start();
      const appPort = await freePort();
      child = startNode(['--require', '@burnrate/register', SERVER], {
        cwd: ROOT,
        env: envWith({
          PORT: String(appPort),
          OTEL_METRICS_EXPORTER: 'otlp',
          OTEL_METRIC_EXPORT_INTERVAL: '500',
          OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
          OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: tracesEndpoint,
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
          OTEL_BSP_SCHEDULE_DELAY: '200',
        }),
      });
      await waitForHttp(appPort, '/healthz', 15_000, child);
      await driveKnownMix(appPort);

      type Report = {
        name: string;
        objective: number;
        sli: number;
        remaining: number;
        burnRates: Record<string, number>;
        timeToExhaustionSeconds: number | null;
        firing: { page: boolean; ticket: boolean };
        events: { good: number; bad: number };
      };
      let reports: Report[] = [];
      const collected = async () => {
        const res = await http(collectorPort, 'GET', '/api/slos');
        reports = (JSON.parse(res.body) as { slos: Report[] }).slos;
        return SLOS.every(slo => {
          const s = reports.find(x => x.name === slo);
          return s?.events.good === EXPECTED[slo].good && s.events.bad === EXPECTED[slo].bad;
        });
      };
      await waitUntil(collected, () => `collector /api/slos: ${JSON.stringify(reports)}`);
      const r = receiver;
      await waitUntil(
        () => allCounted(r),
        () => describeEvents(r)
      );

      for (const slo of SLOS) {
        const s = reports.find(x => x.name === slo)!;
        const { good, bad, objective } = EXPECTED[slo];
        const attrs = { 'slo.name': slo };
        const app = (name: string, extra: Record<string, string> = {}) =>
          latestValue(r, name, { ...attrs, ...extra });
        // Both sides, against the definitions in docs/spec.md: every event of the mix
        // is inside every window, so each window sees all of them.
        const eligible = good + bad;
        const sli = good / eligible;
        const remaining = 1 - bad / ((1 - objective) * eligible);
        const burn = bad / eligible / (1 - objective);
        assert.strictEqual(s.objective, objective, `${slo} collector objective`);
        assert.strictEqual(app('slo.objective'), objective, `${slo} app objective`);
        near(s.sli, sli, `${slo} collector sli`);
        near(app('slo.sli'), sli, `${slo} app sli`);
        near(s.remaining, remaining, `${slo} collector remaining`);
        near(app('slo.error_budget.remaining'), remaining, `${slo} app remaining`);
        assert.deepStrictEqual(Object.keys(s.burnRates).sort(), WINDOWS[slo]);
        for (const [window, value] of Object.entries(s.burnRates)) {
          near(value, burn, `${slo} collector burn ${window}`);
          near(app('slo.burn_rate', { 'slo.window': window }), burn, `${slo} app burn ${window}`);
        }
        // Overspent on both sides: exhausted now.
        assert.strictEqual(s.timeToExhaustionSeconds, 0, `${slo} collector time to exhaustion`);
        assert.strictEqual(app('slo.time_to_exhaustion'), 0, `${slo} app time to exhaustion`);
        for (const severity of ['page', 'ticket'] as const)
          assert.strictEqual(
            app('slo.alert.firing', { 'slo.severity': severity }),
            s.firing[severity] ? 1 : 0,
            `${slo} ${severity} firing agrees`
          );
      }
      // Burn rates 157.9, 9.09 and 50 against the page thresholds (13.44 / 5.6, the 7 d SLO
      // over scaled windows too): every SLO pages, on both sides.
      assert.ok(reports.every(s => s.firing.page && s.firing.ticket));
    });
  }
});
