import * as assert from 'node:assert';
import { get } from 'node:http';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { SloEngine, validateSpec } from '@burnrate/core';
import { SloMetrics, TIME_TO_EXHAUSTION_MAX_SECONDS } from '@burnrate/metrics';
import { SloSpanProcessor } from '../src';
import { freePort, near, points, spans, TestReader, valueOf, type Point } from './metric-helpers';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const MIN = 60_000;

/** Three SLOs: availability (99 %), latency (90 %, 100 ms) and one that sees no traffic. */
const RAW_SPEC = {
  slos: [
    {
      name: 'orders-availability',
      service: 'shop',
      objective: 99,
      window: '28d',
      sli: { spans: { routes: ['GET /api/orders'] }, good: { status: 'ok' } },
    },
    {
      name: 'items-latency',
      service: 'shop',
      objective: 90,
      window: '28d',
      sli: { spans: { routes: ['GET /api/items'] }, good: { latency: '100ms' } },
    },
    {
      name: 'idle',
      service: 'other',
      objective: 99.9,
      window: '28d',
      sli: { good: { status: 'ok' } },
    },
  ],
};

const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/**
 * The engine clock of the known spans' processor: a span counts when it is
 * received (the time rule), so each group is received at its own end time; the
 * numbers are read at T0.
 */
const knownClock = {
  t: T0,
  now(): number {
    return this.t;
  },
};

/** Sets {@link knownClock} to `endMs`, the moment the group is received, and returns it. */
function received(endMs: number): number {
  knownClock.t = endMs;
  return endMs;
}

/**
 * The known set of spans, and beside each group what it adds:
 *
 * orders-availability (objective 0.99, budget fraction 0.01)
 *   T0 − 90 min: 60 good            → windows 2h, 6h, 1d, 3d
 *   T0 − 20 min: 30 good, 6 bad     → windows 30m and longer
 *   T0 − 2 min:   8 good, 2 bad     → every window
 * items-latency (objective 0.9, budget fraction 0.1, threshold 100 ms)
 *   T0 − 3 h:    99 fast, 1 slow    → windows 6h, 1d, 3d
 *   T0 − 10 min: 19 fast, 1 slow    → windows 30m and longer
 * and spans no SLO counts: another service, a client span, an unlisted route.
 */
function recordKnownSpans(tracer: Tracer, otherTracer: Tracer): void {
  spans(tracer, 60, 'GET', '/api/orders', received(T0 - 90 * MIN), 20, 200);
  spans(tracer, 30, 'GET', '/api/orders', received(T0 - 20 * MIN), 20, 200);
  spans(tracer, 6, 'GET', '/api/orders', received(T0 - 20 * MIN), 20, 503);
  spans(tracer, 8, 'GET', '/api/orders', received(T0 - 2 * MIN), 20, 404);
  spans(tracer, 2, 'GET', '/api/orders', received(T0 - 2 * MIN), 20, 500);
  spans(tracer, 99, 'GET', '/api/items', received(T0 - 180 * MIN), 50, 200);
  spans(tracer, 1, 'GET', '/api/items', received(T0 - 180 * MIN), 150, 200);
  spans(tracer, 19, 'GET', '/api/items', received(T0 - 10 * MIN), 100, 500);
  spans(tracer, 1, 'GET', '/api/items', received(T0 - 10 * MIN), 101, 200);
  // Not eligible anywhere.
  spans(otherTracer, 1, 'GET', '/api/orders', received(T0 - MIN), 20, 500);
  spans(tracer, 1, 'GET', '/api/unlisted', received(T0 - MIN), 20, 500);
  const client = tracer.startSpan('GET', {
    kind: SpanKind.CLIENT,
    startTime: T0 - MIN - 10,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/api/orders',
      'http.response.status_code': 500,
    },
  });
  client.end(T0 - MIN);
  knownClock.t = T0;
}

/** Every expected number, worked out by hand from the definitions in docs/spec.md. */
function assertKnownValues(all: Point[]): void {
  const a = { 'slo.name': 'orders-availability' };
  const l = { 'slo.name': 'items-latency' };
  const idle = { 'slo.name': 'idle' };

  assert.strictEqual(valueOf(all, 'slo.objective', a), 0.99);
  assert.strictEqual(valueOf(all, 'slo.objective', l), 0.9);
  assert.strictEqual(valueOf(all, 'slo.objective', idle), 0.999);

  // availability: eligible 106, bad 8 over 28 d.
  near(valueOf(all, 'slo.sli', a), 98 / 106, 'availability sli');
  // remaining = 1 − 8 / (0.01 × 106) = 1 − 7.547169811320755
  near(valueOf(all, 'slo.error_budget.remaining', a), -6.547169811320755, 'availability remaining');
  // burn rates: 5m 2/10 → 20; 30m and 1h 8/46 → 17.391304347826086; 2h and longer 8/106 → 7.547169811320755
  const availabilityBurn: Record<string, number> = {
    '5m': 20,
    '30m': 17.391304347826086,
    '1h': 17.391304347826086,
    '2h': 7.547169811320755,
    '6h': 7.547169811320755,
    '1d': 7.547169811320755,
    '3d': 7.547169811320755,
  };
  for (const w of WINDOWS) {
    near(
      valueOf(all, 'slo.burn_rate', { ...a, 'slo.window': w }),
      availabilityBurn[w],
      `availability burn ${w}`
    );
  }
  // Overspent: exhausted now.
  assert.strictEqual(valueOf(all, 'slo.time_to_exhaustion', a), 0);
  // page: 1h 17.39 and 5m 20 both ≥ 13.44; ticket: 1d and 2h 7.55 ≥ 2.8.
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...a, 'slo.severity': 'page' }), 1);
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...a, 'slo.severity': 'ticket' }), 1);
  assert.strictEqual(valueOf(all, 'slo.events', { ...a, 'slo.outcome': 'good' }), 98);
  assert.strictEqual(valueOf(all, 'slo.events', { ...a, 'slo.outcome': 'bad' }), 8);

  // latency: eligible 120, bad 2 (150 ms and 101 ms; 100 ms is good, status does not matter).
  near(valueOf(all, 'slo.sli', l), 118 / 120, 'latency sli');
  // remaining = 1 − 2 / (0.1 × 120) = 5/6
  near(valueOf(all, 'slo.error_budget.remaining', l), 5 / 6, 'latency remaining');
  const latencyBurn: Record<string, number> = {
    '5m': 0,
    '30m': 0.5, // (1/20) / 0.1
    '1h': 0.5,
    '2h': 0.5,
    '6h': 1 / 6, // (2/120) / 0.1
    '1d': 1 / 6,
    '3d': 1 / 6,
  };
  for (const w of WINDOWS) {
    near(
      valueOf(all, 'slo.burn_rate', { ...l, 'slo.window': w }),
      latencyBurn[w],
      `latency burn ${w}`
    );
  }
  // burn(1h) 0.5 ≤ 1 on a rolling window: it forgets as fast as it spends, no exhaustion
  // (issue #10: was remaining × W / burn = 4 032 000 s, every hour, forever) — the gauge's cap
  assert.strictEqual(
    valueOf(all, 'slo.time_to_exhaustion', l),
    TIME_TO_EXHAUSTION_MAX_SECONDS,
    'latency time to exhaustion'
  );
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...l, 'slo.severity': 'page' }), 0);
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...l, 'slo.severity': 'ticket' }), 0);
  assert.strictEqual(valueOf(all, 'slo.events', { ...l, 'slo.outcome': 'good' }), 118);
  assert.strictEqual(valueOf(all, 'slo.events', { ...l, 'slo.outcome': 'bad' }), 2);

  // idle: no events → SLI 1, remaining 1, every burn 0, not burning.
  assert.strictEqual(valueOf(all, 'slo.sli', idle), 1);
  assert.strictEqual(valueOf(all, 'slo.error_budget.remaining', idle), 1);
  for (const w of WINDOWS)
    assert.strictEqual(valueOf(all, 'slo.burn_rate', { ...idle, 'slo.window': w }), 0);
  assert.strictEqual(valueOf(all, 'slo.time_to_exhaustion', idle), TIME_TO_EXHAUSTION_MAX_SECONDS);
  assert.strictEqual(valueOf(all, 'slo.events', { ...idle, 'slo.outcome': 'good' }), 0);

  for (const reason of ['too_old', 'future', 'invalid']) {
    assert.strictEqual(valueOf(all, 'slo.spans.dropped', { 'slo.drop.reason': reason }), 0);
  }
}

function setup(meterProvider: MeterProvider) {
  const processor = new SloSpanProcessor({
    spec: RAW_SPEC,
    meterProvider,
    clock: knownClock,
  });
  const shop = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [processor],
  });
  const other = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'billing' }),
    spanProcessors: [processor],
  });
  recordKnownSpans(shop.getTracer('test'), other.getTracer('test'));
  return processor;
}

describe('SloMetrics', () => {
  describe('through a MetricReader', () => {
    it('should report every instrument equal to the hand computation', async () => {
      const reader = new TestReader();
      const meterProvider = new MeterProvider({ readers: [reader] });
      const processor = setup(meterProvider);
      const { resourceMetrics, errors } = await reader.collect();
      assert.deepStrictEqual(errors, []);
      const all = points(resourceMetrics);
      assertKnownValues(all);
      // One series per SLO for each gauge; seven windows per SLO for burn rate.
      assert.strictEqual(all.filter(p => p.name === 'slo.burn_rate').length, 3 * 7);
      assert.strictEqual(all.filter(p => p.name === 'slo.alert.firing').length, 3 * 2);
      for (const p of all.filter(
        p => p.name.startsWith('slo.') && p.name !== 'slo.spans.dropped'
      )) {
        assert.strictEqual(typeof p.attributes['slo.name'], 'string', `${p.name} carries slo.name`);
      }
      await processor.shutdown();
      await meterProvider.shutdown();
    });

    it('should use the units of the metrics contract', async () => {
      const reader = new TestReader();
      const meterProvider = new MeterProvider({ readers: [reader] });
      const processor = setup(meterProvider);
      const all = points((await reader.collect()).resourceMetrics);
      const unit = (name: string) => all.find(p => p.name === name)?.unit;
      assert.strictEqual(unit('slo.objective'), '1');
      assert.strictEqual(unit('slo.sli'), '1');
      assert.strictEqual(unit('slo.error_budget.remaining'), '1');
      assert.strictEqual(unit('slo.burn_rate'), '1');
      assert.strictEqual(unit('slo.time_to_exhaustion'), 's');
      assert.strictEqual(unit('slo.alert.firing'), '1');
      assert.strictEqual(unit('slo.events'), '{event}');
      await processor.shutdown();
      await meterProvider.shutdown();
    });

    it('should read the gauges from one snapshot per collection', async () => {
      const reader = new TestReader();
      const meterProvider = new MeterProvider({ readers: [reader] });
      const spec = validateSpec(RAW_SPEC);
      let snapshots = 0;
      const engine = new SloEngine({ spec, clock: { now: () => T0 } });
      const original = engine.snapshot.bind(engine);
      engine.snapshot = (now?: number) => {
        snapshots++;
        return original(now);
      };
      const metrics = new SloMetrics({ engine, meterProvider });
      await reader.collect();
      assert.strictEqual(snapshots, 1);
      await reader.collect();
      assert.strictEqual(snapshots, 2);
      metrics.shutdown();
      metrics.shutdown();
      await reader.collect();
      assert.strictEqual(snapshots, 2, 'no callback after shutdown');
      await meterProvider.shutdown();
    });
  });

  describe('through InMemoryMetricExporter', () => {
    it('should export the same numbers with a PeriodicExportingMetricReader', async () => {
      const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      const reader = new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: 3_600_000,
      });
      const meterProvider = new MeterProvider({ readers: [reader] });
      const processor = setup(meterProvider);
      await reader.forceFlush();
      const exported = exporter.getMetrics();
      assert.strictEqual(exported.length, 1);
      assertKnownValues(points(exported[0]));
      await processor.shutdown();
      await meterProvider.shutdown();
    });
  });

  describe('through PrometheusExporter', () => {
    it('should serve the numbers on /metrics under their Prometheus names', async () => {
      const port = await freePort();
      const exporter = new PrometheusExporter({ host: '127.0.0.1', port });
      await exporter.startServer();
      const meterProvider = new MeterProvider({ readers: [exporter] });
      const processor = setup(meterProvider);
      const body = await new Promise<string>((resolve, reject) => {
        get(`http://127.0.0.1:${port}/metrics`, res => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', c => (text += c));
          res.on('end', () => resolve(text));
        }).on('error', reject);
      });
      const sample = (line: string) => {
        const hit = body.split('\n').find(l => l.startsWith(line));
        assert.ok(hit, `no sample ${line} in\n${body}`);
        return Number(hit.slice(hit.lastIndexOf(' ') + 1));
      };
      assert.strictEqual(sample('slo_objective{slo_name="orders-availability"'), 0.99);
      assert.strictEqual(
        sample('slo_events_total{slo_name="orders-availability",slo_outcome="good"'),
        98
      );
      assert.strictEqual(
        sample('slo_events_total{slo_name="orders-availability",slo_outcome="bad"'),
        8
      );
      assert.strictEqual(
        sample('slo_burn_rate{slo_name="orders-availability",slo_window="5m"'),
        20
      );
      near(sample('slo_error_budget_remaining{slo_name="items-latency"'), 5 / 6, 'remaining');
      assert.strictEqual(
        sample('slo_time_to_exhaustion{slo_name="items-latency"'),
        TIME_TO_EXHAUSTION_MAX_SECONDS
      );
      assert.strictEqual(
        sample('slo_alert_firing{slo_name="orders-availability",slo_severity="page"'),
        1
      );
      assert.strictEqual(sample('slo_spans_dropped_total{slo_drop_reason="invalid"'), 0);
      assert.match(body, /# TYPE slo_events_total counter/);
      assert.match(body, /# TYPE slo_burn_rate gauge/);
      await processor.shutdown();
      await meterProvider.shutdown();
    });
  });
});
