import * as assert from 'node:assert';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_OTEL_METRIC_OVERFLOW,
  ATTR_RPC_GRPC_STATUS_CODE,
  ATTR_SLO_NAME,
  METRIC_SLO_BAD_EVENTS,
  SloSpanProcessor,
} from '../src';
import { points, TestReader, type Point } from './metric-helpers';

const SPEC = {
  slos: [
    {
      name: 'api-availability',
      service: 'shop',
      objective: 99,
      window: '28d',
      sli: { spans: { kind: 'server' }, good: { status: 'ok' } },
    },
  ],
};

/** One span of the test traffic and the (route, status) the breakdown should see when it is bad. */
interface Case {
  attributes: Record<string, string | number>;
  error: boolean;
  /** undefined when the span is good. */
  bad?: { route?: string; http?: number; grpc?: number };
}

function traffic(): Case[] {
  const out: Case[] = [];
  const routes = ['/a', '/b', '/c', '/d', '/e', '/f'];
  for (let i = 0; i < 60; i++) {
    const route = routes[i % routes.length];
    const status = [200, 500, 503, 404, 502][i % 5];
    out.push({
      attributes: {
        'http.request.method': 'GET',
        'http.route': route,
        'http.response.status_code': status,
      },
      error: false,
      bad: status >= 500 ? { route, http: status } : undefined,
    });
  }
  // no route and no status, span status ERROR: both attributes left out
  out.push({ attributes: {}, error: true, bad: {} });
  // gRPC server span failing with UNAVAILABLE (14): rpc.grpc.status_code (the engine's
  // breakdown takes the route from http.route / url.path / http.target only)
  out.push({
    attributes: {
      'rpc.system': 'grpc',
      'rpc.service': 'shop.Cart',
      'rpc.method': 'Get',
      'rpc.grpc.status_code': 14,
    },
    error: true,
    bad: { grpc: 14 },
  });
  return out;
}

function key(b: NonNullable<Case['bad']>): string {
  return `${b.route ?? ''} ${b.http ?? ''} ${b.grpc ?? ''}`;
}

function run(cases: Case[], maxBreakdownSeries?: number) {
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const processor = new SloSpanProcessor({ spec: SPEC, meterProvider, maxBreakdownSeries });
  const tracer = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [processor],
  }).getTracer('test');
  const now = Date.now();
  for (const c of cases) {
    const span = tracer.startSpan('op', {
      kind: SpanKind.SERVER,
      startTime: now - 20,
      attributes: c.attributes,
    });
    if (c.error) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(now - 10);
  }
  return { reader, processor };
}

function badPoints(all: Point[]): Point[] {
  return all.filter(p => p.name === METRIC_SLO_BAD_EVENTS);
}

describe('SloMetrics slo.bad_events', () => {
  it('should count bad events by route and status code, leaving out absent ones', async () => {
    const cases = traffic();
    const { reader } = run(cases);
    const expected = new Map<string, number>();
    for (const c of cases) if (c.bad) expected.set(key(c.bad), (expected.get(key(c.bad)) ?? 0) + 1);

    const { resourceMetrics } = await reader.collect();
    const got = badPoints(points(resourceMetrics));
    assert.strictEqual(got.length, expected.size);
    for (const p of got) {
      assert.strictEqual(p.unit, '{event}');
      assert.strictEqual(p.attributes[ATTR_SLO_NAME], 'api-availability');
      assert.strictEqual(p.attributes[ATTR_OTEL_METRIC_OVERFLOW], undefined);
      const k = key({
        route: p.attributes[ATTR_HTTP_ROUTE] as string | undefined,
        http: p.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] as number | undefined,
        grpc: p.attributes[ATTR_RPC_GRPC_STATUS_CODE] as number | undefined,
      });
      assert.strictEqual(p.value, expected.get(k), `series ${k}`);
    }
    const bare = got.find(p => Object.keys(p.attributes).length === 1);
    assert.ok(bare, 'the bad span without route and status has only slo.name');
    assert.strictEqual(bare.value, 1);
  });

  it('should cap the series and count the rest in one overflow series per SLO', async () => {
    const cases = traffic();
    const cap = 4;
    const { reader, processor } = run(cases, cap);
    // independent model: the first `cap` distinct series are kept, the rest overflow
    const kept = new Map<string, number>();
    let overflow = 0;
    for (const c of cases) {
      if (!c.bad) continue;
      const k = key(c.bad);
      if (kept.has(k)) kept.set(k, kept.get(k)! + 1);
      else if (kept.size < cap) kept.set(k, 1);
      else overflow++;
    }
    assert.ok(overflow > 0, 'the traffic overflows the cap');

    const { resourceMetrics } = await reader.collect();
    const got = badPoints(points(resourceMetrics));
    assert.strictEqual(got.length, cap + 1);
    const over = got.filter(p => p.attributes[ATTR_OTEL_METRIC_OVERFLOW] === true);
    assert.strictEqual(over.length, 1);
    assert.deepStrictEqual(over[0].attributes, {
      [ATTR_SLO_NAME]: 'api-availability',
      [ATTR_OTEL_METRIC_OVERFLOW]: true,
    });
    assert.strictEqual(over[0].value, overflow);
    const total = got.reduce((s, p) => s + p.value, 0);
    const snapshot = processor.engine.snapshot()[0];
    assert.strictEqual(total, snapshot.totals.bad, 'every bad event is in some series');
  });

  it('should render as slo_bad_events_total in Prometheus', async () => {
    const { reader } = run(traffic(), 2);
    const { resourceMetrics } = await reader.collect();
    const text = new PrometheusSerializer().serialize(resourceMetrics);
    const lines = text.split('\n').filter(l => l.startsWith('slo_bad_events_total{'));
    assert.strictEqual(lines.length, 3, text);
    assert.ok(
      lines.some(l =>
        /^slo_bad_events_total\{slo_name="api-availability",http_route="\/b",http_response_status_code="500"[,}]/.test(
          l
        )
      ),
      lines.join('\n')
    );
    assert.ok(
      lines.some(l => l.includes('otel_metric_overflow="true"')),
      lines.join('\n')
    );
  });
});
