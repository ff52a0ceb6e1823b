import * as assert from 'node:assert';
import { parseSpec } from '@burnrate/core';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import { http } from '../helpers/child';
import { closedPort, TestReceiver } from '@burnrate/test-utils';
import { parsePrometheusText } from '../helpers/prom-text';
import { otlpJson } from '../helpers/servers';
import { send } from '../collector/fixture';

/** 90 % over 1 h, page at 5x over 20 s / 5 s (see alertmanager.e2e.test.ts). */
const SPEC = parseSpec(`
slos:
  - name: checkout-availability
    service: checkout
    objective: 90
    window: 1h
    sli: { good: { status: ok } }
    alerting:
      runbook: https://runbooks.example/checkout
      tiers:
        - { severity: page, long: 20s, short: 5s, burnRate: 5 }
`);

interface JsonBody {
  state: string;
  slo: string;
  severity: string;
  offenders: Array<{ route: string; statusCode: number; badEvents: number }>;
  longBurnRate: number;
  remaining: number;
  timeToExhaustionSeconds: number | null;
  labels: Record<string, string>;
  summary: string | null;
  traceIds: string[];
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function until<T>(
  what: string,
  timeoutMs: number,
  f: () => T | undefined | Promise<T | undefined>
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

describe('webhook notifications from the collector', function () {
  this.timeout(120_000);
  let good: TestReceiver;
  let failing: TestReceiver;
  let hanging: TestReceiver;
  let collector: RunningCollector | undefined;

  beforeEach(async () => {
    [good, failing, hanging] = [new TestReceiver(), new TestReceiver(), new TestReceiver()];
    await Promise.all([good.start(), failing.start(), hanging.start()]);
    failing.mode = 500;
    hanging.mode = 'hang';
  });
  afterEach(async () => {
    await collector?.close();
    await Promise.all([good.stop(), failing.stop(), hanging.stop()]);
  });

  it('should send one firing and one resolved message per incident, in JSON and Slack form, while failing receivers cost ingest nothing and are counted', async () => {
    const down = await closedPort();
    collector = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: null,
      metricsPort: 0,
      logger: silentLogger,
      alertEvaluationIntervalMs: 500,
      webhooks: [
        { url: `${good.url}/json`, format: 'json', token: 'hook-token' },
        { url: `${good.url}/slack`, format: 'slack', headers: { 'X-Team': 'payments' } },
        { url: `${failing.url}/500`, retries: 2, backoffMs: 100 },
        { url: `${hanging.url}/hang`, retries: 1, timeoutMs: 500, backoffMs: 100 },
        { url: `http://127.0.0.1:${down}/down`, retries: 2, backoffMs: 100 },
      ],
    });
    const port = collector.httpPort!;
    const latencies: { healthy: number[]; incident: number[] } = { healthy: [], incident: [] };
    let failingNow = false;
    let firedAfterMs = NaN;
    let running = true;
    const traffic = (async () => {
      const stopAt = Date.now() + 90_000;
      while (running && Date.now() < stopAt) {
        const body = otlpJson(
          'checkout',
          Array.from({ length: 10 }, (_, i) => ({
            route: i < 7 ? '/api/orders' : '/api/search',
            method: i < 7 ? 'POST' : 'GET',
            status: failingNow ? (i < 7 ? 503 : 500) : 200,
          }))
        );
        const started = process.hrtime.bigint();
        const r = await send(port, 'POST', '/v1/traces', body, {
          'content-type': 'application/json',
        });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        assert.strictEqual(r.status, 200);
        (failingNow ? latencies.incident : latencies.healthy).push(ms);
        await sleep(50);
      }
    })();
    try {
      await sleep(3_000);
      assert.strictEqual(good.requests.length, 0);
      failingNow = true;
      const burstAt = Date.now();
      await until('both firing messages', 30_000, () =>
        good.requests.length >= 2 ? true : undefined
      );
      firedAfterMs = Date.now() - burstAt;
      // the failing receivers are being retried now; keep ingesting through it
      await sleep(3_000);
      failingNow = false;
      await until('both resolved messages', 30_000, () =>
        good.requests.length >= 4 ? true : undefined
      );
      await sleep(2_000);
    } finally {
      running = false;
      await traffic;
    }

    const json = good.requests.filter(r => r.path === '/json');
    const slack = good.requests.filter(r => r.path === '/slack');
    const bodies = json.map(r => JSON.parse(r.body) as JsonBody);
    assert.deepStrictEqual(
      bodies.map(b => b.state),
      ['firing', 'resolved']
    );
    assert.strictEqual(json[0].headers.authorization, 'Bearer hook-token');
    assert.strictEqual(slack[0].headers['x-team'], 'payments');
    const fired = bodies[0];
    assert.strictEqual(fired.slo, 'checkout-availability');
    assert.strictEqual(fired.severity, 'page');
    assert.ok(fired.longBurnRate >= 5, String(fired.longBurnRate));
    assert.deepStrictEqual(
      fired.offenders.map(o => [o.route, o.statusCode]),
      [
        ['/api/orders', 503],
        ['/api/search', 500],
      ]
    );
    // 7 of every 10 failing spans are POST /api/orders 503s
    const [orders, search] = fired.offenders.map(o => o.badEvents);
    assert.ok(
      orders > search && Math.abs(orders / (orders + search) - 0.7) < 0.01,
      `${orders}/${search}`
    );
    const slackBodies = slack.map(r => JSON.parse(r.body) as { text: string; blocks: unknown[] });
    assert.match(
      slackBodies[0].text,
      /FIRING page: SLO checkout-availability burns its error budget/
    );
    // the explanation names the route, the code and the version burning the budget
    assert.match(
      JSON.stringify(slackBodies[0].blocks),
      /503 on POST \/api\/orders \(status, version 1\.0\.0\)/
    );
    assert.match(
      bodies[0].summary!,
      /^checkout-availability is [a-z]+; firing: page 20s\/5s >= 5\./
    );
    assert.ok(bodies[0].traceIds.length > 0);
    assert.match(slackBodies[1].text, /RESOLVED page: SLO checkout-availability/);

    // retried, then dropped, and counted: 2 messages per failing receiver
    const metrics = async () =>
      parsePrometheusText((await http(collector!.metricsPort!, 'GET', '/metrics')).body);
    const count = (
      all: Awaited<ReturnType<typeof metrics>>,
      name: string,
      labels: Record<string, string>
    ) =>
      all
        .filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((a, s) => a + s.value, 0);
    const all = await until('every failing message dropped', 20_000, async () => {
      const m = await metrics();
      return count(m, 'burnrate_notifications_dropped_total', { burnrate_drop_reason: 'failed' }) >=
        6
        ? m
        : undefined;
    });
    const webhook = { burnrate_receiver: 'webhook' };
    assert.strictEqual(
      count(all, 'burnrate_notifications_dropped_total', {
        ...webhook,
        burnrate_drop_reason: 'failed',
      }),
      6
    );
    assert.strictEqual(count(all, 'burnrate_notifications_sent_total', webhook), 4);
    // 500: 2 retries per message; hang: 1; down: 2
    assert.strictEqual(count(all, 'burnrate_notifications_retries_total', webhook), 10);
    assert.strictEqual(count(all, 'burnrate_notifications_queued', webhook), 0);
    assert.strictEqual(failing.requests.length, 6);
    assert.strictEqual(hanging.requests.length, 4);

    // ingest while receivers fail, hang or are down is as fast as before
    const before = median(latencies.healthy);
    const during = median(latencies.incident);
    const worst = Math.max(...latencies.incident);
    assert.ok(
      during < Math.max(4 * before, 50),
      `median ingest ${during} ms during, ${before} ms before`
    );
    assert.ok(worst < 1_000, `slowest ingest request ${worst} ms`);
    console.log(
      `      fired ${firedAfterMs} ms into the burst; ingest median ${before.toFixed(1)} ms before, ${during.toFixed(1)} ms while receivers failed (max ${worst.toFixed(1)} ms)`
    );
  });
});
