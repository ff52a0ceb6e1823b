import * as assert from 'node:assert';
import { parseSpec, SloEngine } from '@burnrate/core';
import type { JsonWebhookBody } from '../src/message-formats';
import { SloNotifier } from '../src/slo-notifier';
import { routeSpan, TestReceiver } from '@burnrate/test-utils';

/** 90 % over 1 h grouped by route: page at 5x over 20 s and 5 s. */
const SPEC = parseSpec(`
slos:
  - name: api
    objective: 90
    window: 1h
    groupBy: [http.route]
    sli: { good: { status: ok } }
    alerting:
      minEvents: 0
      tiers:
        - { severity: page, long: 20s, short: 5s, burnRate: 5 }
`);

const T0 = Date.parse('2026-03-02T10:00:00Z');

const span = routeSpan;

describe('SloNotifier (grouped SLOs)', () => {
  let hook: TestReceiver;
  let notifier: SloNotifier | undefined;
  beforeEach(async () => {
    hook = new TestReceiver();
    await hook.start();
  });
  afterEach(async () => {
    await notifier?.shutdown(100);
    notifier = undefined;
    await hook.stop();
  });

  it('should notify each burning group once, labelled with its values, and leave the others quiet', async () => {
    let now = T0;
    const engine = new SloEngine({ spec: SPEC, clock: { now: () => now } });
    notifier = new SloNotifier({
      engine,
      webhooks: [{ url: hook.url + '/hook', format: 'json' }],
      evaluationIntervalMs: 1_000,
      logger: { warn: () => {} },
    });
    // /ok: all good; /bad: 6 of 10 fail (burn 6); then /late appears burning at +3 s
    for (let t = T0; t <= T0 + 5_000; t += 1_000) {
      now = t;
      for (let i = 0; i < 10; i++) {
        engine.record(span('/ok', 200, t));
        engine.record(span('/bad', i < 6 ? 500 : 200, t));
        if (t >= T0 + 3_000) engine.record(span('/late', 500, t));
      }
      notifier.evaluate(t);
    }
    await notifier.idle();
    const bodies = hook.json<JsonWebhookBody>();
    assert.deepStrictEqual(
      bodies.map(b => [b.labels.http_route, b.state, b.startsAt]),
      [
        ['/bad', 'firing', new Date(T0).toISOString()],
        ['/late', 'firing', new Date(T0 + 3_000).toISOString()],
      ]
    );
    assert.deepStrictEqual(bodies[0].labels, {
      alertname: 'SloErrorBudgetBurn',
      slo_name: 'api',
      severity: 'page',
      slo_long_window: '20s',
      slo_short_window: '5s',
      http_route: '/bad',
    });
    assert.match(bodies[0].annotations.summary, /^SLO api \(http_route=\/bad\) is burning/);
  });
});
