import * as assert from 'node:assert';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { parseSpec, SloEngine, type SpanView } from '@burnrate/core';
import { SloMetrics } from '@burnrate/metrics';
import { near, points, TestReader, valueOf } from './metric-helpers';

const NOW = Date.UTC(2026, 10, 30, 12);

const SPEC = `
slos:
  - { name: cart, service: cart, objective: 99, window: 28d, sli: { good: { status: ok } } }
  - { name: pay, service: pay, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
composites:
  - name: checkout
    components: [{ slo: cart, weight: 3 }, { slo: pay, weight: 1 }]
policy:
  statuses: { attention: { remainingBelow: 0.9 } }
`;

/** A server span of `service` with an HTTP status, ended now. */
function span(service: string, status: number): SpanView {
  const attributes: Record<string, string | number> = {
    'http.request.method': 'GET',
    'http.route': '/x',
    'http.response.status_code': status,
  };
  return {
    kind: 1,
    name: 'GET /x',
    endTimeMs: NOW,
    durationMs: 5,
    statusCode: 0,
    serviceName: service,
    attribute: k => attributes[k],
  };
}

describe('SloMetrics', () => {
  describe('composites and slo.status', () => {
    it('should publish a composite like an SLO, from the weighted components', async () => {
      const engine = new SloEngine({ spec: parseSpec(SPEC), clock: { now: () => NOW } });
      for (let i = 0; i < 1000; i++) engine.record(span('cart', i < 2 ? 500 : 200));
      for (let i = 0; i < 1000; i++) engine.record(span('pay', i < 1 ? 500 : 200));
      const reader = new TestReader();
      const provider = new MeterProvider({ readers: [reader] });
      const metrics = new SloMetrics({ engine, meterProvider: provider });
      try {
        const { resourceMetrics } = await reader.collect();
        const all = points(resourceMetrics);
        // cart: 0.2 % of 1 % spent = 0.2 consumed; pay: 0.1 % of 0.1 % = 1 consumed (exhausted)
        near(valueOf(all, 'slo.error_budget.remaining', { 'slo.name': 'cart' }), 0.8, 'cart');
        near(valueOf(all, 'slo.error_budget.remaining', { 'slo.name': 'pay' }), 0, 'pay');
        // checkout: 1 − (3 × 0.2 + 1 × 1) / 4 = 0.6
        near(valueOf(all, 'slo.error_budget.remaining', { 'slo.name': 'checkout' }), 0.6, 'c');
        // burn rates: cart 0.2, pay 1 → (3 × 0.2 + 1) / 4 = 0.4 in every window
        near(
          valueOf(all, 'slo.burn_rate', { 'slo.name': 'checkout', 'slo.window': '1h' }),
          0.4,
          'burn'
        );
        near(valueOf(all, 'slo.objective', { 'slo.name': 'checkout' }), 0.99225, 'objective');
        // the policy moved attention to < 90 % left: cart is in attention, pay exhausted
        const status = (slo: string) =>
          all
            .filter(p => p.name === 'slo.status' && p.attributes['slo.name'] === slo)
            .map(p => `${String(p.attributes['slo.status'])}=${p.value}`)
            .join(' ');
        assert.strictEqual(
          status('cart'),
          'healthy=0 attention=1 no-data=0 warning=0 critical=0 exhausted=0'
        );
        assert.strictEqual(
          status('checkout'),
          'healthy=0 attention=0 no-data=0 warning=0 critical=0 exhausted=1'
        );
        // no events of its own: the components' would count twice in a sum
        assert.strictEqual(
          all.filter(p => p.name === 'slo.events' && p.attributes['slo.name'] === 'checkout')
            .length,
          0
        );
      } finally {
        metrics.shutdown();
        await provider.shutdown();
      }
    });
  });
});
