import * as assert from 'node:assert';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_OTEL_METRIC_OVERFLOW,
  ATTR_RPC_GRPC_STATUS_CODE,
  ATTR_SERVICE_VERSION,
  ATTR_SLO_FAILURE_REASON,
  ATTR_SLO_NAME,
  METRIC_SLO_BAD_EVENTS,
  METRIC_SLO_ELIGIBLE_EVENTS,
} from '@burnrate/metrics';
import { SloSpanProcessor } from '../src';
import { points, TestReader, type Point } from './metric-helpers';

const SPEC = {
  slos: [
    {
      name: 'api-availability',
      service: 'shop',
      objective: 99,
      window: '28d',
      sli: { spans: { kind: 'server' }, good: { status: 'ok', latency: '100ms' } },
    },
  ],
};

/** One span of the test traffic. */
interface Case {
  attributes: Record<string, string | number>;
  error: boolean;
  durationMs: number;
  version: string;
  /** What the ledger should key it by, computed by hand. */
  route: string;
  method: string;
  code?: number;
  grpc?: number;
  /** undefined when the span is good. */
  reason?: string;
}

function traffic(): Case[] {
  const out: Case[] = [];
  const routes = ['/a', '/b', '/c', '/d', '/e', '/f'];
  for (let i = 0; i < 60; i++) {
    const route = routes[i % routes.length];
    const status = [200, 500, 503, 404, 502][i % 5];
    const slow = i % 7 === 0;
    out.push({
      attributes: {
        'http.request.method': 'GET',
        'http.route': route,
        'http.response.status_code': status,
      },
      error: false,
      durationMs: slow ? 150 : 10,
      version: i < 30 ? '1.0.0' : '1.1.0',
      route,
      method: 'GET',
      code: status,
      reason: status >= 500 ? 'status' : slow ? 'latency' : undefined,
    });
  }
  // no route and no status, span status ERROR: only slo.name and the reason
  out.push({
    attributes: {},
    error: true,
    durationMs: 10,
    version: '1.1.0',
    route: '',
    method: '',
    reason: 'status',
  });
  // gRPC server span failing with UNAVAILABLE (14): route `service/method`, rpc.grpc.status_code
  out.push({
    attributes: {
      'rpc.system': 'grpc',
      'rpc.service': 'shop.Cart',
      'rpc.method': 'Get',
      'rpc.grpc.status_code': 14,
    },
    error: true,
    durationMs: 10,
    version: '1.1.0',
    route: 'shop.Cart/Get',
    method: '',
    grpc: 14,
    reason: 'status',
  });
  return out;
}

/** The attributes a series of the case should carry, built by hand. */
function expectedAttributes(c: Case, bad: boolean): Record<string, string | number> {
  const a: Record<string, string | number> = { [ATTR_SLO_NAME]: 'api-availability' };
  if (c.route !== '') a[ATTR_HTTP_ROUTE] = c.route;
  if (c.method !== '') a[ATTR_HTTP_REQUEST_METHOD] = c.method;
  a[ATTR_SERVICE_VERSION] = c.version;
  if (bad) {
    if (c.code !== undefined) a[ATTR_HTTP_RESPONSE_STATUS_CODE] = c.code;
    if (c.grpc !== undefined) a[ATTR_RPC_GRPC_STATUS_CODE] = c.grpc;
    a[ATTR_SLO_FAILURE_REASON] = c.reason!;
  }
  return a;
}

const keyOf = (a: Record<string, unknown>) => JSON.stringify(Object.entries(a).sort());

function run(cases: Case[], maxAttributionKeys?: number) {
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const processor = new SloSpanProcessor({ spec: SPEC, meterProvider, maxAttributionKeys });
  const providers = new Map<string, BasicTracerProvider>();
  const now = Date.now();
  for (const c of cases) {
    let provider = providers.get(c.version);
    if (provider === undefined) {
      provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'shop', 'service.version': c.version }),
        spanProcessors: [processor],
      });
      providers.set(c.version, provider);
    }
    const span = provider.getTracer('test').startSpan('op', {
      kind: SpanKind.SERVER,
      startTime: now - 10 - c.durationMs,
      attributes: c.attributes,
    });
    if (c.error) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(now - 10);
  }
  return { reader, processor };
}

/**
 * The series an independent model expects: ledger keys in arrival order (a
 * good key per route, method and version; a bad key also by code and
 * reason), the first `cap` kept, the events of the rest in the overflow series.
 */
function model(cases: Case[], cap = Infinity) {
  const kept = new Set<string>();
  const bad = new Map<string, number>();
  const eligible = new Map<string, number>();
  let overflowBad = 0;
  let overflowEligible = 0;
  for (const c of cases) {
    const isBad = c.reason !== undefined;
    const ledgerKey = keyOf({ ...expectedAttributes(c, isBad), outcome: isBad });
    if (!kept.has(ledgerKey) && kept.size < cap) kept.add(ledgerKey);
    if (!kept.has(ledgerKey)) {
      overflowEligible++;
      if (isBad) overflowBad++;
      continue;
    }
    const ek = keyOf(expectedAttributes(c, false));
    eligible.set(ek, (eligible.get(ek) ?? 0) + 1);
    if (isBad) {
      const bk = keyOf(expectedAttributes(c, true));
      bad.set(bk, (bad.get(bk) ?? 0) + 1);
    }
  }
  return { bad, eligible, overflowBad, overflowEligible };
}

function series(all: Point[], name: string): Map<string, number> {
  return new Map(all.filter(p => p.name === name).map(p => [keyOf(p.attributes), p.value]));
}

describe('SloMetrics slo.bad_events and slo.eligible_events', () => {
  it('should count bad events by route, method, code, reason and version, and eligible events by route and version', async () => {
    const cases = traffic();
    const { reader } = run(cases);
    const m = model(cases);
    const { resourceMetrics } = await reader.collect();
    const all = points(resourceMetrics);
    assert.deepStrictEqual(series(all, METRIC_SLO_BAD_EVENTS), m.bad);
    assert.deepStrictEqual(series(all, METRIC_SLO_ELIGIBLE_EVENTS), m.eligible);
    for (const p of all.filter(x => x.name === METRIC_SLO_BAD_EVENTS))
      assert.strictEqual(p.unit, '{event}');
    const bare = all.find(
      p => p.name === METRIC_SLO_BAD_EVENTS && p.attributes[ATTR_HTTP_ROUTE] === undefined
    );
    assert.deepStrictEqual(bare?.attributes, {
      [ATTR_SLO_NAME]: 'api-availability',
      [ATTR_SERVICE_VERSION]: '1.1.0',
      [ATTR_SLO_FAILURE_REASON]: 'status',
    });
  });

  it('should cap the keys and count the rest in one overflow series per SLO and instrument', async () => {
    const cases = traffic();
    const cap = 6;
    const { reader, processor } = run(cases, cap);
    const m = model(cases, cap);
    assert.ok(m.overflowBad > 0, 'the traffic overflows the cap');
    const { resourceMetrics } = await reader.collect();
    const all = points(resourceMetrics);
    const overflow = keyOf({
      [ATTR_SLO_NAME]: 'api-availability',
      [ATTR_OTEL_METRIC_OVERFLOW]: true,
    });
    assert.deepStrictEqual(
      series(all, METRIC_SLO_BAD_EVENTS),
      new Map([...m.bad, [overflow, m.overflowBad]])
    );
    assert.deepStrictEqual(
      series(all, METRIC_SLO_ELIGIBLE_EVENTS),
      new Map([...m.eligible, [overflow, m.overflowEligible]])
    );
    const snapshot = processor.engine.snapshot()[0];
    const sum = (name: string) => all.filter(p => p.name === name).reduce((s, p) => s + p.value, 0);
    assert.strictEqual(sum(METRIC_SLO_BAD_EVENTS), snapshot.totals.bad);
    assert.strictEqual(sum(METRIC_SLO_ELIGIBLE_EVENTS), snapshot.totals.good + snapshot.totals.bad);
  });

  it('should render as slo_bad_events_total and slo_eligible_events_total in Prometheus', async () => {
    const { reader } = run(traffic(), 3);
    const { resourceMetrics } = await reader.collect();
    const text = new PrometheusSerializer().serialize(resourceMetrics);
    const lines = text.split('\n').filter(l => l.startsWith('slo_bad_events_total{'));
    assert.ok(
      lines.some(
        l =>
          l.includes('http_route="/b"') &&
          l.includes('http_response_status_code="500"') &&
          l.includes('slo_failure_reason="status"') &&
          l.includes('service_version="1.0.0"')
      ),
      lines.join('\n')
    );
    assert.ok(
      lines.some(l => l.includes('otel_metric_overflow="true"')),
      lines.join('\n')
    );
    assert.ok(text.includes('slo_eligible_events_total{'), text);
  });
});
