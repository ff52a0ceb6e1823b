import * as assert from 'node:assert';
import { get } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { SloSpanProcessor } from '../src';
import { freePort, near, points, spans, TestReader, valueOf, type Point } from './metric-helpers';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const clock = { now: () => T0 };

/** One SLO grouped by route, at most two groups: /a and /b, then /c and /d overflow. */
const SPEC = {
  slos: [
    {
      name: 'api',
      service: 'shop',
      objective: 99,
      window: '28d',
      groupBy: ['http.route'],
      maxGroups: 2,
      alerting: { minEvents: 0 },
      sli: { good: { status: 'ok' } },
    },
  ],
};

/**
 * /a: 100 good; /b: 40 good, 10 bad (5xx); /c: 3 bad; /d: 7 good — /c and /d
 * past the cap, in the overflow group (10 eligible, 3 bad).
 */
function setup(meterProvider: MeterProvider): SloSpanProcessor {
  const processor = new SloSpanProcessor({ spec: SPEC, meterProvider, clock });
  const tracer = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [processor],
  }).getTracer('test');
  spans(tracer, 100, 'GET', '/a', T0 - 60_000, 10, 200);
  spans(tracer, 40, 'GET', '/b', T0 - 60_000, 10, 200);
  spans(tracer, 10, 'GET', '/b', T0 - 60_000, 10, 503);
  spans(tracer, 3, 'GET', '/c', T0 - 60_000, 10, 500);
  spans(tracer, 7, 'GET', '/d', T0 - 60_000, 10, 200);
  return processor;
}

function assertGroups(all: Point[]): void {
  const a = { 'slo.name': 'api', 'http.route': '/a' };
  const b = { 'slo.name': 'api', 'http.route': '/b' };
  const o = { 'slo.name': 'api', 'http.route': '__overflow__' };
  // every series of a group carries its value: one per group and window (the breakdown
  // counters name the span's own route, which for the overflow group is the real one)
  assert.strictEqual(all.filter(p => p.name === 'slo.burn_rate').length, 3 * 7);
  const breakdown = ['slo.spans.dropped', 'slo.bad_events', 'slo.eligible_events'];
  for (const p of all.filter(p => p.name.startsWith('slo.') && !breakdown.includes(p.name)))
    assert.ok(
      ['/a', '/b', '__overflow__'].includes(p.attributes['http.route'] as string),
      `${p.name} ${JSON.stringify(p.attributes)} carries the group`
    );
  assert.strictEqual(valueOf(all, 'slo.objective', b), 0.99);
  // /a: remaining 1, burn 0; /b: budget 0.5, remaining 1 - 10/0.5 = -19, burn (10/50)/0.01 = 20
  assert.strictEqual(valueOf(all, 'slo.error_budget.remaining', a), 1);
  near(valueOf(all, 'slo.error_budget.remaining', b), -19, '/b remaining');
  near(valueOf(all, 'slo.sli', b), 0.8, '/b sli');
  near(valueOf(all, 'slo.burn_rate', { ...b, 'slo.window': '5m' }), 20, '/b burn 5m');
  assert.strictEqual(valueOf(all, 'slo.burn_rate', { ...a, 'slo.window': '5m' }), 0);
  // overflow: 10 eligible, 3 bad: burn (3/10)/0.01 = 30
  near(valueOf(all, 'slo.burn_rate', { ...o, 'slo.window': '1h' }), 30, 'overflow burn 1h');
  // pages per group: /b and the overflow group burn past 13.44, /a does not
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...a, 'slo.severity': 'page' }), 0);
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...b, 'slo.severity': 'page' }), 1);
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...o, 'slo.severity': 'page' }), 1);
  assert.strictEqual(valueOf(all, 'slo.events', { ...a, 'slo.outcome': 'good' }), 100);
  assert.strictEqual(valueOf(all, 'slo.events', { ...b, 'slo.outcome': 'bad' }), 10);
  assert.strictEqual(valueOf(all, 'slo.events', { ...o, 'slo.outcome': 'good' }), 7);
  assert.strictEqual(valueOf(all, 'slo.events', { ...o, 'slo.outcome': 'bad' }), 3);
  // the breakdown counters carry the group too
  assert.strictEqual(
    valueOf(all, 'slo.bad_events', { ...b, 'http.response.status_code': 503 } as never),
    10
  );
  assert.strictEqual(valueOf(all, 'slo.bad_events', { 'slo.name': 'api', 'http.route': '/c' }), 3);
}

describe('SloMetrics (grouped SLOs)', () => {
  describe('through a MetricReader', () => {
    it('should report every instrument per group with its groupBy attributes', async () => {
      const reader = new TestReader();
      const meterProvider = new MeterProvider({ readers: [reader] });
      const processor = setup(meterProvider);
      const { resourceMetrics, errors } = await reader.collect();
      assert.deepStrictEqual(errors, []);
      assertGroups(points(resourceMetrics));
      await processor.shutdown();
      await meterProvider.shutdown();
    });

    it('should report a group that appears after the first collection', async () => {
      const reader = new TestReader();
      const meterProvider = new MeterProvider({ readers: [reader] });
      const processor = new SloSpanProcessor({ spec: SPEC, meterProvider, clock });
      const tracer = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'shop' }),
        spanProcessors: [processor],
      }).getTracer('test');
      spans(tracer, 1, 'GET', '/a', T0 - 1000, 10, 200);
      const first = points((await reader.collect()).resourceMetrics);
      assert.strictEqual(first.filter(p => p.name === 'slo.objective').length, 1);
      spans(tracer, 2, 'GET', '/b', T0 - 1000, 10, 500);
      const second = points((await reader.collect()).resourceMetrics);
      assert.strictEqual(
        valueOf(second, 'slo.events', { 'http.route': '/b', 'slo.outcome': 'bad' }),
        2
      );
      assert.strictEqual(
        valueOf(second, 'slo.events', { 'http.route': '/a', 'slo.outcome': 'good' }),
        1
      );
      await processor.shutdown();
      await meterProvider.shutdown();
    });
  });

  describe('through the Prometheus exporter', () => {
    it('should render the group as a label on every series', async () => {
      const port = await freePort();
      const exporter = new PrometheusExporter({ host: '127.0.0.1', port });
      await exporter.startServer();
      const meterProvider = new MeterProvider({ readers: [exporter] });
      const processor = setup(meterProvider);
      const text = await new Promise<string>((resolve, reject) => {
        get(`http://127.0.0.1:${port}/metrics`, res => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', c => (body += c));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
      assert.match(
        text,
        /slo_events_total\{slo_name="api",http_route="\/b",slo_outcome="bad",[^}]*\} 10\n/
      );
      assert.match(
        text,
        /slo_error_budget_remaining\{slo_name="api",http_route="__overflow__",[^}]*\} -29\n/
      );
      await processor.shutdown();
      await meterProvider.shutdown();
    });
  });
});
