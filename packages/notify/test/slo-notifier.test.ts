import * as assert from 'node:assert';
import { parseSpec, SloEngine } from '@burnrate/core';
import { buildRuleGroups, type AlertingRule } from '@burnrate/rules';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { AlertmanagerAlert, JsonWebhookBody, SlackWebhookBody } from '../src/message-formats';
import { SloNotifier } from '../src/slo-notifier';
import { TestReceiver } from '@burnrate/test-utils';

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** 90 % over 1 h: page at 5x over 20 s and 5 s, ticket at 2x over 1 m and 10 s. */
const SPEC = parseSpec(`
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
        - { severity: ticket, long: 1m, short: 10s, burnRate: 2 }
  - name: quiet
    objective: 99
    window: 1h
    sli: { good: { status: ok } }
`);

const T0 = Date.parse('2026-03-02T10:00:00Z');
const quiet = { warn: () => {} };

describe('SloNotifier', () => {
  let now = T0;
  let engine: SloEngine;
  let hook: TestReceiver;
  let slack: TestReceiver;
  let am: TestReceiver;
  let am2: TestReceiver;
  let notifier: SloNotifier | undefined;

  beforeEach(async () => {
    now = T0;
    engine = new SloEngine({ spec: SPEC, clock: { now: () => now } });
    [hook, slack, am, am2] = [
      new TestReceiver(),
      new TestReceiver(),
      new TestReceiver(),
      new TestReceiver(),
    ];
    await Promise.all([hook.start(), slack.start(), am.start(), am2.start()]);
  });
  afterEach(async () => {
    await notifier?.shutdown(100);
    notifier = undefined;
    await Promise.all([hook.stop(), slack.stop(), am.stop(), am2.stop()]);
  });

  /**
   * One second of an incident at `t`: 5 good and 6 bad events (4 × 500 on POST
   * /api/orders, 2 × 503 on GET /api/orders/:id). Every window then holds 6 bad
   * of 11: a burn rate of 6/11 / 0.1 = 5.4545… over 20 s, 5 s, 1 m and 10 s alike.
   */
  function second(t: number): void {
    engine.recordCounts(0, t, 5, 6, t);
    const ledger = engine.states[0].attribution;
    ledger.addCounts({ outcome: 'bad', route: 'POST /api/orders', code: 500 }, 4, t);
    ledger.addCounts({ outcome: 'bad', route: 'GET /api/orders/:id', code: 503 }, 2, t);
  }

  /** Three seconds of incident, T0 to T0 + 2 s. */
  function burst(): void {
    for (let t = T0; t <= T0 + 2_000; t += 1_000) second(t);
  }

  function make(extra: Partial<ConstructorParameters<typeof SloNotifier>[0]> = {}): SloNotifier {
    notifier = new SloNotifier({
      engine,
      alertmanagers: [{ url: am.url }, { url: am2.url }],
      webhooks: [
        { url: hook.url + '/hook', format: 'json' },
        { url: slack.url + '/services/T/B/X', format: 'slack' },
      ],
      evaluationIntervalMs: 1_000,
      resendIntervalMs: 10_000,
      logger: quiet,
      ...extra,
    });
    return notifier;
  }

  describe('.evaluate', () => {
    it('should send one firing and one resolved message per tier and incident, never one per evaluation', async () => {
      const n = make();
      assert.deepStrictEqual(n.evaluate(T0 - 1_000), []);
      for (let t = T0; t <= T0 + 9_000; t += 1_000) {
        second(t);
        now = t;
        const changes = n.evaluate(t);
        assert.strictEqual(changes.length, t === T0 ? 2 : 0, `at +${t - T0} ms`);
      }
      await n.idle();
      const fired = hook.json<JsonWebhookBody>();
      assert.deepStrictEqual(
        fired.map(b => [b.severity, b.state]),
        [
          ['page', 'firing'],
          ['ticket', 'firing'],
        ]
      );
      // recovery: 200 good at +30 s; by +40 s the 20 s window holds only good events
      engine.recordCounts(0, T0 + 30_000, 200, 0, T0 + 30_000);
      now = T0 + 40_000;
      const resolved = n.evaluate(now);
      assert.deepStrictEqual(
        resolved.map(c => c.state),
        ['resolved', 'resolved']
      );
      for (let t = now + 1_000; t <= now + 5_000; t += 1_000)
        assert.deepStrictEqual(n.evaluate(t), []);
      await n.idle();
      const all = hook.json<JsonWebhookBody>();
      assert.strictEqual(all.length, 4);
      assert.strictEqual(slack.requests.length, 4);
      const page = all[2];
      assert.strictEqual(page.state, 'resolved');
      assert.strictEqual(page.startsAt, new Date(T0).toISOString());
      assert.strictEqual(page.endsAt, new Date(T0 + 40_000).toISOString());
    });

    it('should put the SLO, burn rates, budget, offenders and labels of the rule in the JSON body', async () => {
      const n = make({
        details: s => ({
          summary: `${s.name}: 500s on POST /api/orders since 10:00`,
          traceIds: ['4bf92f3577b34da6a3ce929d0e0e4736'],
        }),
      });
      burst();
      now = T0 + 2_000;
      n.evaluate(now);
      await n.idle();
      const b = hook.json<JsonWebhookBody>()[0];
      const rule = buildRuleGroups(SPEC).groups[0].rules.find(
        r => 'alert' in r && r.labels.severity === 'page'
      ) as AlertingRule;
      assert.deepStrictEqual(b.labels, { alertname: rule.alert, ...rule.labels });
      assert.deepStrictEqual(
        Object.keys(b.annotations).sort(),
        Object.keys(rule.annotations).sort()
      );
      assert.strictEqual(b.slo, 'checkout-availability');
      assert.strictEqual(b.service, 'checkout');
      assert.strictEqual(b.severity, 'page');
      // hand sums: every window holds 15 good + 18 bad; budget 10 %
      const burn = 18 / 33 / 0.1;
      assert.ok(Math.abs(b.longBurnRate - burn) < 1e-9, String(b.longBurnRate));
      assert.ok(Math.abs(b.shortBurnRate - burn) < 1e-9);
      assert.ok(Math.abs(b.burnRates['1m'] - burn) < 1e-9);
      assert.ok(Math.abs(b.remaining - (1 - 18 / 33 / 0.1)) < 1e-9);
      assert.strictEqual(b.timeToExhaustionSeconds, 0);
      assert.deepStrictEqual(b.tier, {
        longWindow: '20s',
        shortWindow: '5s',
        burnRateThreshold: 5,
      });
      assert.strictEqual(b.objective, 0.9);
      assert.deepStrictEqual(b.offenders, [
        { route: 'POST /api/orders', statusCode: 500, badEvents: 12 },
        { route: 'GET /api/orders/:id', statusCode: 503, badEvents: 6 },
      ]);
      assert.strictEqual(b.summary, 'checkout-availability: 500s on POST /api/orders since 10:00');
      assert.deepStrictEqual(b.traceIds, ['4bf92f3577b34da6a3ce929d0e0e4736']);
      assert.match(
        b.annotations.summary,
        /^SLO checkout-availability is burning its error budget 5\.45x too fast \(page: 20s\/5s at 5x\)$/
      );
      assert.strictEqual(b.annotations.runbook_url, 'https://runbooks.example/checkout');
      assert.doesNotMatch(b.annotations.description, /\{\{/);
    });

    it("should put the engine's explanation and trace ids in messages by default", async () => {
      const n = make();
      burst();
      now = T0 + 2_000;
      n.evaluate(now);
      await n.idle();
      const b = hook.json<JsonWebhookBody>()[0];
      const e = engine.explain('checkout-availability', now)!;
      assert.strictEqual(b.summary, e.text);
      assert.deepStrictEqual(b.traceIds, e.traceIds);
      assert.match(b.summary!, /^checkout-availability is /);
      // Slack's mrkdwn escapes &, < and >
      const firstLine = e.text.split('\n')[0].replace(/&/g, '&amp;').replace(/>/g, '&gt;');
      const s = slack.json<SlackWebhookBody>()[0];
      assert.ok(JSON.stringify(s.blocks).includes(firstLine), firstLine);
    });

    it('should leave the explanation out with details: false', async () => {
      const n = make({ details: false });
      burst();
      n.evaluate(T0 + 2_000);
      await n.idle();
      const b = hook.json<JsonWebhookBody>()[0];
      assert.strictEqual(b.summary, null);
      assert.deepStrictEqual(b.traceIds, []);
    });

    it('should name the SLO, the burn and the top route in the Slack text and blocks', async () => {
      const n = make({ details: false });
      burst();
      now = T0 + 2_000;
      n.evaluate(now);
      await n.idle();
      const s = slack.json<SlackWebhookBody>()[0];
      assert.strictEqual(slack.requests[0].path, '/services/T/B/X');
      assert.match(
        s.text,
        /FIRING page: SLO checkout-availability burns its error budget 5\.45x over 20s/
      );
      const all = JSON.stringify(s.blocks);
      assert.match(all, /POST \/api\/orders` 500: 12 bad/);
      assert.match(all, /Runbook/);
    });

    it('should send every firing alert to each Alertmanager, re-send it at the resend interval and end it on recovery', async () => {
      const n = make();
      burst();
      now = T0 + 2_000;
      n.evaluate(now);
      await n.idle();
      assert.strictEqual(am.requests.length, 1);
      assert.strictEqual(am2.requests.length, 1);
      assert.strictEqual(am.requests[0].path, '/api/v2/alerts');
      const first = am.json<AlertmanagerAlert[]>()[0];
      assert.deepStrictEqual(
        first.map(a => a.labels.severity),
        ['page', 'ticket']
      );
      assert.strictEqual(first[0].startsAt, new Date(T0 + 2_000).toISOString());
      // firing: endsAt 4 × max(resend 10 s, evaluation 1 s) ahead, as Prometheus does
      assert.strictEqual(first[0].endsAt, new Date(T0 + 2_000 + 40_000).toISOString());
      for (let t = T0 + 3_000; t < T0 + 12_000; t += 1_000) {
        second(t);
        n.evaluate(t);
      }
      await n.idle();
      assert.strictEqual(am.requests.length, 1, 'nothing before the resend interval');
      second(T0 + 12_000);
      n.evaluate(T0 + 12_000);
      await n.idle();
      assert.strictEqual(am.requests.length, 2);
      const again = am.json<AlertmanagerAlert[]>()[1];
      assert.strictEqual(again[0].startsAt, new Date(T0 + 2_000).toISOString());
      assert.strictEqual(again[0].endsAt, new Date(T0 + 12_000 + 40_000).toISOString());

      engine.recordCounts(0, T0 + 30_000, 200, 0, T0 + 30_000);
      n.evaluate(T0 + 40_000);
      await n.idle();
      const last = am.json<AlertmanagerAlert[]>()[2];
      assert.deepStrictEqual(
        last.map(a => [a.labels.severity, a.endsAt]),
        [
          ['page', new Date(T0 + 40_000).toISOString()],
          ['ticket', new Date(T0 + 40_000).toISOString()],
        ]
      );
      assert.strictEqual(am2.requests.length, 3);
      assert.strictEqual(hook.requests.length, 4);
    });

    it('should leave quiet SLOs and healthy traffic without a message', async () => {
      const n = make();
      for (let t = T0; t < T0 + 60_000; t += 1_000) {
        engine.recordCounts(0, t, 100, 1, t);
        engine.recordCounts(1, t, 100, 0, t);
        now = t;
        n.evaluate(t);
      }
      await n.idle();
      assert.strictEqual(hook.requests.length + slack.requests.length + am.requests.length, 0);
    });
  });

  describe('.start', () => {
    it('should evaluate on its own timer, without anything reading the metrics', async () => {
      now = Date.now();
      engine = new SloEngine({ spec: SPEC });
      const n = make({ evaluationIntervalMs: 50 });
      engine.recordCounts(0, now, 10, 60, now);
      n.start();
      await hook.waitFor(2, 5_000);
      assert.deepStrictEqual(
        hook.json<JsonWebhookBody>().map(b => [b.severity, b.state]),
        [
          ['page', 'firing'],
          ['ticket', 'firing'],
        ]
      );
    });
  });

  describe('self-metrics', () => {
    it('should count sent and dropped messages by receiver and reason, and transitions', async () => {
      const reader = new TestReader();
      const meterProvider = new MeterProvider({ readers: [reader] });
      const down = new TestReceiver();
      await down.start();
      down.mode = 500;
      const n = make({
        meterProvider,
        webhooks: [{ url: hook.url }, { url: down.url, retries: 1, backoffMs: 10 }],
      });
      burst();
      n.evaluate(T0 + 2_000);
      await n.idle();
      await down.stop();
      const { resourceMetrics } = await reader.collect();
      const points = resourceMetrics.scopeMetrics.flatMap(sm =>
        sm.metrics.flatMap(m =>
          m.dataPoints.map(dp => ({
            name: m.descriptor.name,
            attrs: dp.attributes,
            value: dp.value as number,
          }))
        )
      );
      const value = (name: string, attrs: Record<string, string>) =>
        points
          .filter(p => p.name === name && Object.entries(attrs).every(([k, v]) => p.attrs[k] === v))
          .reduce((a, p) => a + p.value, 0);
      assert.strictEqual(
        value('burnrate.notifications.sent', { 'burnrate.receiver': 'webhook' }),
        2
      );
      assert.strictEqual(
        value('burnrate.notifications.sent', { 'burnrate.receiver': 'alertmanager' }),
        2
      );
      assert.strictEqual(
        value('burnrate.notifications.dropped', {
          'burnrate.receiver': 'webhook',
          'burnrate.drop.reason': 'failed',
        }),
        2
      );
      assert.strictEqual(
        value('burnrate.notifications.retries', { 'burnrate.receiver': 'webhook' }),
        2
      );
      assert.strictEqual(
        value('burnrate.alert.transitions', {
          'slo.severity': 'page',
          'burnrate.alert.state': 'firing',
        }),
        1
      );
      await meterProvider.shutdown();
    });
  });

  describe('constructor', () => {
    it('should refuse out-of-range options, naming them', () => {
      assert.throws(
        () => make({ evaluationIntervalMs: 0 }),
        /evaluationIntervalMs: must be positive, got 0/
      );
      assert.throws(
        () => make({ webhooks: [{ url: 'http://x/', format: 'xml' as never }] }),
        /webhooks\[0\]\.format: must be json or slack, got "xml"/
      );
    });

    it('should default to the Slack format for hooks.slack.com', () => {
      const n = make({ webhooks: [{ url: 'https://hooks.slack.com/services/T/B/X' }] });
      assert.strictEqual(n.deliveries[2].format, 'slack');
      assert.strictEqual(n.deliveries[0].format, 'alertmanager');
    });
  });
});
