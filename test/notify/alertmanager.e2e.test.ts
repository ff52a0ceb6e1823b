import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '@burnrate/core';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import { generateRules, tierAlertLabels } from '@burnrate/rules';
import { http } from '../helpers/child';
import { TestReceiver } from '@burnrate/test-utils';
import { parsePrometheusText } from '../helpers/prom-text';
import {
  otlpJson,
  startAlertmanager,
  startPrometheus,
  type ServerProcess,
} from '../helpers/servers';
import { send } from '../collector/fixture';

/**
 * A time-compressed SLO: 90 % over 1 h, page at 5x over 20 s and 5 s, so that a
 * few seconds of errors are a real incident and a few seconds of good traffic end it.
 */
const SPEC_TEXT = `
slos:
  - name: checkout-availability
    service: checkout
    objective: 90
    window: 1h
    labels: { team: payments }
    sli: { good: { status: ok } }
    alerting:
      runbook: https://runbooks.example/checkout
      tiers:
        - { severity: page, long: 20s, short: 5s, burnRate: 5 }
`;
const SPEC = parseSpec(SPEC_TEXT);
const PAGE_LABELS = tierAlertLabels(SPEC.slos[0], SPEC.slos[0].alerting.tiers[0]);

/** Alertmanager routing to a webhook on loopback: short waits so that a test takes seconds. */
function alertmanagerConfig(webhookUrl: string): string {
  return [
    'route:',
    '  receiver: hook',
    '  group_by: [alertname, slo_name, severity]',
    '  group_wait: 1s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: hook',
    '    webhook_configs:',
    `      - { url: "${webhookUrl}", send_resolved: true }`,
    '',
  ].join('\n');
}

/** What Alertmanager's webhook receiver posts. */
interface AmNotification {
  status: 'firing' | 'resolved';
  alerts: Array<{
    status: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
  }>;
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
    await sleep(200);
  }
}

/** A route of the test traffic. */
type Route = { method: string; route: string };

const CHECKOUT_ROUTES: Route[] = [
  { method: 'POST', route: '/api/orders' },
  { method: 'GET', route: '/api/orders/:id' },
];

/** Traffic to the collector: 10 spans every 100 ms over `routes`, all 500s while `failing`. */
class Traffic {
  failing = false;
  sent = 0;
  private _running = true;
  private readonly _done: Promise<void>;
  constructor(port: number, routes: Route[] = CHECKOUT_ROUTES) {
    this._done = (async () => {
      const stopAt = Date.now() + 120_000;
      while (this._running && Date.now() < stopAt) {
        const status = this.failing ? 500 : 200;
        const body = otlpJson(
          'checkout',
          Array.from({ length: 10 }, (_, i) => ({ ...routes[i % routes.length], status }))
        );
        const r = await send(port, 'POST', '/v1/traces', body, {
          'content-type': 'application/json',
        });
        assert.strictEqual(r.status, 200, r.body.toString());
        this.sent += 10;
        await sleep(100);
      }
    })();
  }
  async stop(): Promise<void> {
    this._running = false;
    await this._done;
  }
}

describe('notifications through a real Alertmanager', function () {
  this.timeout(180_000);
  let dir = '';
  let receiver: TestReceiver;
  const servers: ServerProcess[] = [];
  let collector: RunningCollector | undefined;
  let traffic: Traffic | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-notify-e2e-'));
    receiver = new TestReceiver();
    await receiver.start();
  });
  afterEach(async () => {
    await traffic?.stop();
    await collector?.close();
    for (const s of servers.splice(0)) await s.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const notifications = (path: string) =>
    receiver.requests.filter(r => r.path === path).map(r => JSON.parse(r.body) as AmNotification);

  it('should page through both members of an HA pair with the rule labels, and resolve on recovery', async () => {
    const ams = await Promise.all([
      startAlertmanager(dir, alertmanagerConfig(`${receiver.url}/am1`)),
      startAlertmanager(dir, alertmanagerConfig(`${receiver.url}/am2`)),
    ]);
    servers.push(...ams);
    collector = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: null,
      metricsPort: null,
      logger: silentLogger,
      alertmanagers: ams.map(a => ({ url: `http://127.0.0.1:${a.port}` })),
      alertEvaluationIntervalMs: 500,
      alertResendIntervalMs: 5_000,
    });
    traffic = new Traffic(collector.httpPort!);
    await sleep(3_000);
    assert.strictEqual(receiver.requests.length, 0, 'healthy traffic pages nobody');

    traffic.failing = true;
    const burstAt = Date.now();
    for (const path of ['/am1', '/am2']) {
      const n = await until(`a firing page on ${path}`, 45_000, () =>
        notifications(path).find(x => x.status === 'firing')
      );
      assert.strictEqual(n.alerts.length, 1);
      assert.deepStrictEqual(n.alerts[0].labels, PAGE_LABELS);
      assert.strictEqual(n.alerts[0].annotations.runbook_url, 'https://runbooks.example/checkout');
      assert.match(
        n.alerts[0].annotations.summary,
        /^SLO checkout-availability is burning its error budget \d+\.\d\dx too fast \(page: 20s\/5s at 5x\)$/
      );
      assert.doesNotMatch(n.alerts[0].annotations.description, /\{\{/);
    }
    const pagedAfterMs = Date.now() - burstAt;
    // keep failing past a resend (5 s): the re-sent alert is the same alert, no new page
    await sleep(7_000);
    traffic.failing = false;
    const recoveredAt = Date.now();
    for (const path of ['/am1', '/am2']) {
      const n = await until(`the page resolved on ${path}`, 45_000, () =>
        notifications(path).find(x => x.status === 'resolved')
      );
      assert.deepStrictEqual(n.alerts[0].labels, PAGE_LABELS);
      assert.strictEqual(n.alerts[0].status, 'resolved');
    }
    const resolvedAfterMs = Date.now() - recoveredAt;
    await sleep(2_500);
    for (const path of ['/am1', '/am2']) {
      assert.deepStrictEqual(
        notifications(path).map(x => x.status),
        ['firing', 'resolved'],
        `${path}: one page and one resolution`
      );
    }
    const d = collector.notifier!.deliveries;
    assert.ok(
      d.every(x => x.counts.sent >= 3 && x.counts.dropped.failed === 0),
      JSON.stringify(d)
    );
    console.log(
      `      paged ${pagedAfterMs} ms into the burst, resolved ${resolvedAfterMs} ms into recovery; ${d[0].counts.sent} posts per Alertmanager`
    );
  });

  it('should make one notification, not two, when the generated Prometheus rules fire on the same incident', async () => {
    const am = await startAlertmanager(dir, alertmanagerConfig(`${receiver.url}/am`));
    servers.push(am);
    collector = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: null,
      metricsPort: 0,
      logger: silentLogger,
      alertmanagers: [{ url: `http://127.0.0.1:${am.port}` }],
      alertEvaluationIntervalMs: 500,
    });
    writeFileSync(join(dir, 'rules.yaml'), generateRules(SPEC, { interval: '1s' }));
    const prom = await startPrometheus(
      dir,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'rule_files: [rules.yaml]',
        'alerting:',
        `  alertmanagers: [ { static_configs: [ { targets: ["127.0.0.1:${am.port}"] } ] } ]`,
        'scrape_configs:',
        `  - { job_name: burnrate, static_configs: [ { targets: ["127.0.0.1:${collector.metricsPort}"] } ] }`,
        '',
      ].join('\n')
    );
    servers.push(prom);
    traffic = new Traffic(collector.httpPort!);
    // a full long window (20 s) of good traffic in Prometheus before the incident
    await sleep(21_000);
    assert.strictEqual(receiver.requests.length, 0);

    traffic.failing = true;
    const sentByPrometheus = async () =>
      parsePrometheusText((await http(prom.port, 'GET', '/metrics')).body)
        .filter(s => s.name === 'prometheus_notifications_sent_total')
        .reduce((a, s) => a + s.value, 0);
    const firing = await until('a firing page', 45_000, () =>
      notifications('/am').find(x => x.status === 'firing')
    );
    // Prometheus' own alert, with its labels, reached the same Alertmanager
    await until('the rule firing in Prometheus and sent', 45_000, async () => {
      const r = JSON.parse((await http(prom.port, 'GET', '/api/v1/alerts')).body) as {
        data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
      };
      const rule = r.data.alerts.find(a => a.state === 'firing');
      if (rule === undefined || (await sentByPrometheus()) < 1) return undefined;
      assert.deepStrictEqual(rule.labels, PAGE_LABELS);
      return true;
    });
    const burnrateSent = collector.notifier!.deliveries[0].counts.sent;
    assert.ok(burnrateSent >= 1);
    // several group intervals for a second notification to show up, were the alerts two
    await sleep(4_000);
    const amAlerts = JSON.parse((await http(am.port, 'GET', '/api/v2/alerts')).body) as Array<{
      labels: Record<string, string>;
    }>;
    assert.strictEqual(amAlerts.length, 1, JSON.stringify(amAlerts));
    assert.deepStrictEqual(amAlerts[0].labels, PAGE_LABELS);
    assert.deepStrictEqual(
      notifications('/am').map(n => [n.status, n.alerts.length]),
      [['firing', 1]]
    );
    assert.deepStrictEqual(firing.alerts[0].labels, PAGE_LABELS);

    traffic.failing = false;
    await until('the page resolved', 60_000, () =>
      notifications('/am').find(x => x.status === 'resolved')
    );
    await sleep(2_500);
    assert.deepStrictEqual(
      notifications('/am').map(n => n.status),
      ['firing', 'resolved']
    );
  });

  it('should let Alertmanager inhibit the tickets of a paging SLO and silence another, as docs/notifications.md routes them', async () => {
    const spec = parseSpec(`
slos:
  - name: orders-availability
    service: checkout
    objective: 90
    window: 1h
    sli: { spans: { routes: ["/api/orders*"] }, good: { status: ok } }
    alerting:
      tiers:
        - { severity: page, long: 20s, short: 5s, burnRate: 5 }
        - { severity: ticket, long: 1m, short: 10s, burnRate: 2 }
  - name: search-availability
    service: checkout
    objective: 90
    window: 1h
    sli: { spans: { routes: ["/api/search"] }, good: { status: ok } }
    alerting:
      tiers:
        - { severity: page, long: 20s, short: 5s, burnRate: 5 }
`);
    // the docs' routes and inhibit rule, with webhooks instead of PagerDuty and Slack
    const am = await startAlertmanager(
      dir,
      [
        'route:',
        `  receiver: tickets`,
        '  group_by: [alertname, slo_name, severity]',
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        '  routes:',
        '    - { matchers: [alertname="SloErrorBudgetBurn", severity="page"], receiver: pager }',
        // tickets wait longer for their group: the page of the same SLO arrives within it
        '    - { matchers: [alertname="SloErrorBudgetBurn", severity="ticket"], receiver: tickets, group_wait: 10s }',
        'inhibit_rules:',
        '  - source_matchers: [alertname="SloErrorBudgetBurn", severity="page"]',
        '    target_matchers: [alertname="SloErrorBudgetBurn", severity="ticket"]',
        '    equal: [slo_name]',
        'receivers:',
        `  - { name: pager, webhook_configs: [ { url: "${receiver.url}/pager", send_resolved: true } ] }`,
        `  - { name: tickets, webhook_configs: [ { url: "${receiver.url}/tickets", send_resolved: true } ] }`,
        '',
      ].join('\n')
    );
    servers.push(am);
    // maintenance on search: a silence, as amtool silence add makes it
    const silence = await send(
      am.port,
      'POST',
      '/api/v2/silences',
      JSON.stringify({
        matchers: [
          { name: 'slo_name', value: 'search-availability', isRegex: false, isEqual: true },
        ],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 'burnrate e2e',
        comment: 'search maintenance',
      }),
      { 'content-type': 'application/json' }
    );
    assert.strictEqual(silence.status, 200, silence.body.toString());
    collector = await startCollector({
      spec,
      httpPort: 0,
      grpcPort: null,
      metricsPort: null,
      logger: silentLogger,
      alertmanagers: [{ url: `http://127.0.0.1:${am.port}` }],
      alertEvaluationIntervalMs: 500,
    });
    traffic = new Traffic(collector.httpPort!, [
      ...CHECKOUT_ROUTES,
      { method: 'GET', route: '/api/search' },
    ]);
    await sleep(3_000);
    traffic.failing = true;
    const page = await until('the orders page', 45_000, () =>
      notifications('/pager').find(x => x.status === 'firing')
    );
    assert.deepStrictEqual(
      page.alerts.map(a => [a.labels.slo_name, a.labels.severity]),
      [['orders-availability', 'page']]
    );
    // past the tickets' group_wait, with every alert of both SLOs active in Alertmanager
    await sleep(12_000);
    const active = JSON.parse((await http(am.port, 'GET', '/api/v2/alerts')).body) as Array<{
      labels: Record<string, string>;
      status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
    }>;
    const state = (slo: string, severity: string) =>
      active.find(a => a.labels.slo_name === slo && a.labels.severity === severity)?.status;
    assert.strictEqual(state('orders-availability', 'page')?.state, 'active');
    assert.strictEqual(state('orders-availability', 'ticket')?.state, 'suppressed');
    assert.strictEqual(state('orders-availability', 'ticket')?.inhibitedBy.length, 1);
    assert.strictEqual(state('search-availability', 'page')?.state, 'suppressed');
    assert.strictEqual(state('search-availability', 'page')?.silencedBy.length, 1);
    assert.deepStrictEqual(notifications('/tickets'), [], 'no ticket while the page fires');
    assert.deepStrictEqual(
      notifications('/pager').flatMap(n => n.alerts.map(a => a.labels.slo_name)),
      ['orders-availability'],
      'nothing from the silenced SLO'
    );
  });
});
