import * as assert from 'node:assert';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { SloSpanProcessor } from '../src';
import { near, spans } from './metric-helpers';
import {
  flatten,
  OtlpMetricsReceiver,
  type FlatPoint,
  type OtlpMetric,
} from '@burnrate/test-utils';

const T0 = Date.UTC(2026, 2, 2, 9, 30, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** OTLP `AGGREGATION_TEMPORALITY_DELTA`. */
const DELTA = 1;
/** OTLP `AGGREGATION_TEMPORALITY_CUMULATIVE`. */
const CUMULATIVE = 2;

/** 100 × 365 days in seconds: what `slo.time_to_exhaustion` reports when not burning. */
const NOT_BURNING_SECONDS = 3_153_600_000;

const RAW_SPEC = {
  slos: [
    {
      name: 'pay-availability',
      service: 'shop',
      objective: 99.5,
      window: '30d',
      sli: { spans: { routes: ['POST /pay'] }, good: { status: 'ok' } },
    },
    {
      name: 'quote-latency',
      service: 'shop',
      objective: 95,
      window: '28d',
      sli: { spans: { routes: ['GET /quote'] }, good: { latency: '200ms' } },
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
 * The engine clock of the known-spans processor: a span counts when it is
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
 * The known spans (each received at its end time, read at T0), and what each group adds:
 *
 * pay-availability (objective 0.995: budget fraction 0.005; window 30 d)
 *   T0 − 10 d:   2000 good            → SLO window only
 *   T0 − 2 d:     400 good            → 3d
 *   T0 − 5 h:     400 good, 4 bad     → 6h, 1d, 3d
 *   T0 − 90 min:  196 good            → 2h and longer
 *   T0 − 3 min:    98 good, 2 bad     → every window
 * quote-latency (objective 0.95: budget fraction 0.05; window 28 d; good ≤ 200 ms)
 *   T0 − 4 h:    180 at 50 ms, 20 at 250 ms             → 6h, 1d, 3d
 *   T0 − 10 min:  37 at 50 ms, 1 at 200 ms, 2 at 201 ms → 30m and longer
 * and spans no SLO counts: GET /pay, a client span, another service.
 */
function recordKnownSpans(shop: Tracer, other: Tracer): void {
  spans(shop, 2000, 'POST', '/pay', received(T0 - 10 * DAY), 30, 200);
  spans(shop, 400, 'POST', '/pay', received(T0 - 2 * DAY), 30, 200);
  spans(shop, 400, 'POST', '/pay', received(T0 - 5 * HOUR), 30, 201);
  spans(shop, 4, 'POST', '/pay', received(T0 - 5 * HOUR), 30, 503);
  spans(shop, 196, 'POST', '/pay', received(T0 - 90 * MIN), 30, 200);
  spans(shop, 98, 'POST', '/pay', received(T0 - 3 * MIN), 30, 200);
  spans(shop, 2, 'POST', '/pay', received(T0 - 3 * MIN), 30, 500);

  spans(shop, 180, 'GET', '/quote', received(T0 - 4 * HOUR), 50, 200);
  spans(shop, 20, 'GET', '/quote', received(T0 - 4 * HOUR), 250, 200);
  spans(shop, 37, 'GET', '/quote', received(T0 - 10 * MIN), 50, 200);
  spans(shop, 1, 'GET', '/quote', received(T0 - 10 * MIN), 200, 200);
  spans(shop, 2, 'GET', '/quote', received(T0 - 10 * MIN), 201, 200);

  // Not eligible anywhere.
  spans(shop, 3, 'GET', '/pay', received(T0 - MIN), 10, 500);
  spans(shop, 3, 'POST', '/pay', received(T0 - MIN), 10, 500, SpanKind.CLIENT);
  spans(other, 3, 'POST', '/pay', received(T0 - MIN), 10, 500, SpanKind.CLIENT);
  knownClock.t = T0;
}

/** The one point of `name` whose attributes are exactly `attrs`; fails when not exactly one. */
function pointOf(all: FlatPoint[], name: string, attrs: Record<string, string>): FlatPoint {
  const hits = all.filter(
    p =>
      p.metric.name === name &&
      Object.keys(p.attributes).length === Object.keys(attrs).length &&
      Object.entries(attrs).every(([k, v]) => p.attributes[k] === v)
  );
  assert.strictEqual(hits.length, 1, `points of ${name} ${JSON.stringify(attrs)}`);
  return hits[0];
}

function valueOf(all: FlatPoint[], name: string, attrs: Record<string, string>): number {
  return pointOf(all, name, attrs).value;
}

/** The metric `name` of the `@burnrate/otel` scope; fails when not exactly one. */
function metricOf(all: FlatPoint[], name: string): OtlpMetric {
  const metrics = new Set(all.filter(p => p.metric.name === name).map(p => p.metric));
  assert.strictEqual(metrics.size, 1, `metrics named ${name}`);
  return [...metrics][0];
}

/** Every expected number, worked out by hand from the definitions in docs/spec.md. */
function assertKnownValues(all: FlatPoint[]): void {
  const pay = { 'slo.name': 'pay-availability' };
  const quote = { 'slo.name': 'quote-latency' };
  const idle = { 'slo.name': 'idle' };

  assert.strictEqual(valueOf(all, 'slo.objective', pay), 0.995);
  assert.strictEqual(valueOf(all, 'slo.objective', quote), 0.95);
  assert.strictEqual(valueOf(all, 'slo.objective', idle), 0.999);

  // pay-availability: eligible 3100, bad 6 over 30 d.
  near(valueOf(all, 'slo.sli', pay), 3094 / 3100, 'pay sli');
  // remaining = 1 − 6 / (0.005 × 3100) = 1 − 6 / 15.5 = 19/31
  near(valueOf(all, 'slo.error_budget.remaining', pay), 19 / 31, 'pay remaining');
  // burn = (bad_w / eligible_w) / 0.005
  const payBurn: Record<string, number> = {
    '5m': 4, // (2 / 100) / 0.005
    '30m': 4,
    '1h': 4,
    '2h': 50 / 37, // (2 / 296) / 0.005
    '6h': 12 / 7, // (6 / 700) / 0.005
    '1d': 12 / 7,
    '3d': 12 / 11, // (6 / 1100) / 0.005
  };
  for (const w of WINDOWS)
    near(valueOf(all, 'slo.burn_rate', { ...pay, 'slo.window': w }), payBurn[w], `pay burn ${w}`);
  // time to exhaustion = remaining × W / burn(1h) = 19/31 × 2 592 000 s / 4
  near(valueOf(all, 'slo.time_to_exhaustion', pay), 12_312_000 / 31, 'pay time to exhaustion');
  // Thresholds at 30 d: page 14.4 (1h & 5m), 6 (6h & 30m); ticket 3 (1d & 2h), 1 (3d & 6h).
  // Only the last tier fires: 3d 12/11 ≥ 1 and 6h 12/7 ≥ 1.
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...pay, 'slo.severity': 'page' }), 0);
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...pay, 'slo.severity': 'ticket' }), 1);
  assert.strictEqual(valueOf(all, 'slo.events', { ...pay, 'slo.outcome': 'good' }), 3094);
  assert.strictEqual(valueOf(all, 'slo.events', { ...pay, 'slo.outcome': 'bad' }), 6);

  // quote-latency: eligible 240, bad 22 (20 at 250 ms, 2 at 201 ms; 200 ms is good).
  near(valueOf(all, 'slo.sli', quote), 218 / 240, 'quote sli');
  // remaining = 1 − 22 / (0.05 × 240) = 1 − 22/12 = −5/6: overspent, and reported so.
  near(valueOf(all, 'slo.error_budget.remaining', quote), -5 / 6, 'quote remaining');
  const quoteBurn: Record<string, number> = {
    '5m': 0, // no events
    '30m': 1, // (2 / 40) / 0.05
    '1h': 1,
    '2h': 1,
    '6h': 11 / 6, // (22 / 240) / 0.05
    '1d': 11 / 6,
    '3d': 11 / 6,
  };
  for (const w of WINDOWS)
    near(
      valueOf(all, 'slo.burn_rate', { ...quote, 'slo.window': w }),
      quoteBurn[w],
      `quote burn ${w}`
    );
  assert.strictEqual(valueOf(all, 'slo.time_to_exhaustion', quote), 0);
  // Thresholds at 28 d: page 13.44 (1h & 5m), 5.6 (6h & 30m); ticket 2.8 (1d & 2h), 0.933 (3d & 6h).
  // Page: 6h 11/6 < 5.6. Ticket: 3d and 6h 11/6 ≥ 0.933 (minEvents ⌈1 / (0.05 × 13.44)⌉ = 2 ≤ 240).
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...quote, 'slo.severity': 'page' }), 0);
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...quote, 'slo.severity': 'ticket' }), 1);
  assert.strictEqual(valueOf(all, 'slo.events', { ...quote, 'slo.outcome': 'good' }), 218);
  assert.strictEqual(valueOf(all, 'slo.events', { ...quote, 'slo.outcome': 'bad' }), 22);

  // idle: no events → SLI 1, remaining 1, every burn rate 0, not burning.
  assert.strictEqual(valueOf(all, 'slo.sli', idle), 1);
  assert.strictEqual(valueOf(all, 'slo.error_budget.remaining', idle), 1);
  for (const w of WINDOWS)
    assert.strictEqual(valueOf(all, 'slo.burn_rate', { ...idle, 'slo.window': w }), 0);
  assert.strictEqual(valueOf(all, 'slo.time_to_exhaustion', idle), NOT_BURNING_SECONDS);
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...idle, 'slo.severity': 'page' }), 0);
  assert.strictEqual(valueOf(all, 'slo.alert.firing', { ...idle, 'slo.severity': 'ticket' }), 0);
  assert.strictEqual(valueOf(all, 'slo.events', { ...idle, 'slo.outcome': 'good' }), 0);
  assert.strictEqual(valueOf(all, 'slo.events', { ...idle, 'slo.outcome': 'bad' }), 0);
}

describe('SloMetrics through the OTLP/HTTP JSON metric exporter', () => {
  let receiver: OtlpMetricsReceiver;
  let meterProvider: MeterProvider;
  let processor: SloSpanProcessor;
  let shop: Tracer;

  before(async () => {
    receiver = await new OtlpMetricsReceiver().start();
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics` }),
      // Only forceFlush exports in this test.
      exportIntervalMillis: 600_000,
    });
    meterProvider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'shop' }),
      readers: [reader],
    });
    processor = new SloSpanProcessor({ spec: RAW_SPEC, meterProvider, clock: knownClock });
    const shopProvider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'shop' }),
      spanProcessors: [processor],
    });
    const otherProvider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'other' }),
      spanProcessors: [processor],
    });
    shop = shopProvider.getTracer('test');
    recordKnownSpans(shop, otherProvider.getTracer('test'));
    await meterProvider.forceFlush();
  });

  after(async () => {
    await processor.shutdown();
    await meterProvider.shutdown();
    await receiver.close();
  });

  it('should send one OTLP/JSON request to /v1/metrics on forceFlush', () => {
    assert.strictEqual(receiver.metrics.length, 1);
    assert.strictEqual(receiver.contentTypes[0], 'application/json');
    const [rm] = receiver.metrics[0].resourceMetrics;
    const service = rm.resource.attributes.find(a => a.key === 'service.name');
    assert.deepStrictEqual(service?.value, { stringValue: 'shop' });
  });

  it('should carry every instrument of the metrics contract, with its kind and unit', () => {
    const all = flatten(receiver.metrics[0]);
    const contract: Array<[string, 'gauge' | 'sum', string]> = [
      ['slo.objective', 'gauge', '1'],
      ['slo.sli', 'gauge', '1'],
      ['slo.error_budget.remaining', 'gauge', '1'],
      ['slo.burn_rate', 'gauge', '1'],
      ['slo.time_to_exhaustion', 'gauge', 's'],
      ['slo.alert.firing', 'gauge', '1'],
      ['slo.events', 'sum', '{event}'],
    ];
    for (const [name, kind, unit] of contract) {
      const metric = metricOf(all, name);
      assert.strictEqual(metric.unit, unit, `${name} unit`);
      assert.ok(metric[kind] !== undefined, `${name} is a ${kind}`);
      assert.ok(metric.description.length > 0, `${name} has a description`);
      for (const p of all.filter(q => q.metric === metric)) {
        assert.strictEqual(p.scope, '@burnrate/otel', `${name} scope`);
        assert.strictEqual(typeof p.attributes['slo.name'], 'string', `${name} carries slo.name`);
      }
    }
    const events = metricOf(all, 'slo.events').sum!;
    assert.strictEqual(events.isMonotonic, true);
    assert.strictEqual(events.aggregationTemporality, CUMULATIVE);
    // One point per SLO and window, severity, outcome.
    assert.strictEqual(all.filter(p => p.metric.name === 'slo.burn_rate').length, 3 * 7);
    assert.strictEqual(all.filter(p => p.metric.name === 'slo.alert.firing').length, 3 * 2);
    assert.strictEqual(all.filter(p => p.metric.name === 'slo.events').length, 3 * 2);
    for (const name of ['slo.objective', 'slo.sli', 'slo.error_budget.remaining'])
      assert.strictEqual(all.filter(p => p.metric.name === name).length, 3, name);
  });

  it('should carry the hand-computed values', () => {
    assertKnownValues(flatten(receiver.metrics[0]));
  });

  it('should count no dropped spans', () => {
    const all = flatten(receiver.metrics[0]);
    for (const reason of ['too_old', 'future', 'invalid'])
      assert.strictEqual(
        valueOf(all, 'slo.spans.dropped', { 'slo.drop.reason': reason }),
        0,
        reason
      );
  });

  it('should keep slo.events a cumulative sum from the same start across exports', async () => {
    const first = flatten(receiver.metrics[0]);
    spans(shop, 5, 'POST', '/pay', T0 - 1_000, 30, 200);
    spans(shop, 1, 'POST', '/pay', T0 - 1_000, 30, 500);
    await meterProvider.forceFlush();
    assert.strictEqual(receiver.metrics.length, 2);
    const second = flatten(receiver.metrics[1]);
    for (const [outcome, before, after] of [
      ['good', 3094, 3099],
      ['bad', 6, 7],
    ] as const) {
      const attrs = { 'slo.name': 'pay-availability', 'slo.outcome': outcome };
      const a = pointOf(first, 'slo.events', attrs);
      const b = pointOf(second, 'slo.events', attrs);
      assert.strictEqual(a.value, before, `${outcome} first export`);
      assert.strictEqual(b.value, after, `${outcome} second export`);
      assert.strictEqual(b.point.startTimeUnixNano, a.point.startTimeUnixNano, 'same start');
      assert.ok(BigInt(b.point.timeUnixNano) >= BigInt(a.point.timeUnixNano), 'time moves forward');
    }
    // The gauges follow: 3106 eligible, 7 bad → remaining = 1 − 7 / 15.53.
    near(
      valueOf(second, 'slo.error_budget.remaining', { 'slo.name': 'pay-availability' }),
      1 - 7 / (0.005 * 3106),
      'pay remaining after'
    );
    // 5m window: 106 eligible, 3 bad → (3 / 106) / 0.005.
    near(
      valueOf(second, 'slo.burn_rate', { 'slo.name': 'pay-availability', 'slo.window': '5m' }),
      3 / 106 / 0.005,
      'pay burn 5m after'
    );
  });
});

describe('SloMetrics through the OTLP/HTTP JSON metric exporter with delta temporality', () => {
  it('should send slo.events as deltas between exports that add up to the totals', async () => {
    const receiver = await new OtlpMetricsReceiver().start();
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({
        url: `${receiver.url}/v1/metrics`,
        temporalityPreference: AggregationTemporalityPreference.DELTA,
      }),
      exportIntervalMillis: 600_000,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const processor = new SloSpanProcessor({
      spec: RAW_SPEC,
      meterProvider,
      clock: { now: () => T0 },
    });
    const tracer = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'shop' }),
      spanProcessors: [processor],
    }).getTracer('test');
    try {
      // Three exports: 40 good + 2 bad, then nothing, then 7 good + 3 bad.
      spans(tracer, 40, 'POST', '/pay', T0 - 10 * MIN, 30, 200);
      spans(tracer, 2, 'POST', '/pay', T0 - 10 * MIN, 30, 500);
      await meterProvider.forceFlush();
      await meterProvider.forceFlush();
      spans(tracer, 7, 'POST', '/pay', T0 - MIN, 30, 200);
      spans(tracer, 3, 'POST', '/pay', T0 - MIN, 30, 500);
      await meterProvider.forceFlush();
      assert.strictEqual(receiver.metrics.length, 3);
      const deltas = receiver.metrics.map(request => {
        const all = flatten(request);
        const events = metricOf(all, 'slo.events').sum!;
        assert.strictEqual(events.aggregationTemporality, DELTA);
        assert.strictEqual(events.isMonotonic, true);
        const pay = (outcome: string) =>
          valueOf(all, 'slo.events', { 'slo.name': 'pay-availability', 'slo.outcome': outcome });
        // The gauges stay gauges: the current SLI, not a difference.
        return [
          pay('good'),
          pay('bad'),
          valueOf(all, 'slo.sli', { 'slo.name': 'pay-availability' }),
        ];
      });
      assert.deepStrictEqual(
        deltas.map(([good, bad]) => [good, bad]),
        [
          [40, 2],
          [0, 0],
          [7, 3],
        ]
      );
      near(deltas[0][2], 40 / 42, 'sli after the first export');
      near(deltas[2][2], 47 / 52, 'sli after the third export');
    } finally {
      await processor.shutdown();
      await meterProvider.shutdown();
      await receiver.close();
    }
  });
});
