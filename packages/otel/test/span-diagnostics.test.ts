import * as assert from 'node:assert';
import { diag, DiagLogLevel, SpanKind } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { METRIC_SPANS_UNMATCHED, SloSpanProcessor } from '../src';
import { points, TestReader } from './metric-helpers';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

/** A finished server span of `service`, with `http.route` unless `route` is undefined. */
function serverSpan(
  service: string,
  route: string | undefined,
  kind = SpanKind.SERVER
): ReadableSpan {
  const end = NOW - 1_000;
  const attributes: Record<string, unknown> = {
    'http.request.method': 'GET',
    'http.response.status_code': 200,
  };
  if (route !== undefined) attributes['http.route'] = route;
  return {
    name: 'GET',
    kind,
    startTime: [Math.floor((end - 20) / 1000), ((end - 20) % 1000) * 1e6],
    endTime: [Math.floor(end / 1000), (end % 1000) * 1e6],
    duration: [0, 20e6],
    status: { code: 0 },
    attributes,
    resource: { attributes: { 'service.name': service } },
  } as unknown as ReadableSpan;
}

const SPEC = {
  slos: [
    {
      name: 'checkout-availability',
      service: 'checkout',
      objective: 99,
      window: '28d',
      sli: { spans: { routes: ['GET /api/orders'] }, good: { status: 'ok' } },
    },
    {
      name: 'items',
      service: 'shop',
      objective: 99,
      window: '28d',
      sli: { spans: { routes: ['GET /api/items/:id'] }, good: { status: 'ok' } },
    },
  ],
};

describe('SpanDiagnostics', () => {
  const warnings: string[] = [];
  before(() => {
    diag.setLogger(
      {
        warn: (m: string) => warnings.push(m),
        error: () => undefined,
        info: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
      },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true }
    );
  });
  after(() => diag.disable());
  beforeEach(() => (warnings.length = 0));

  it('should name the services that arrive when an SLO service matches none, and the route without http.route', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const processor = new SloSpanProcessor({
      spec: SPEC,
      clock: { now: () => NOW },
      meterProvider: provider,
      diagnosticsIntervalMs: 0,
    });
    // 5 shop spans without http.route (HTTP instrumentation alone), 2 of a typo'd service,
    // 1 client span (not a server span: not counted as unmatched)
    for (let i = 0; i < 5; i++) processor.onEnd(serverSpan('shop', undefined));
    for (let i = 0; i < 2; i++) processor.onEnd(serverSpan('chekout', '/api/orders'));
    processor.onEnd(serverSpan('shop', undefined, SpanKind.CLIENT));
    assert.strictEqual(processor.diagnostics.unmatched, 7);
    assert.strictEqual(processor.diagnostics.withoutRoute, 5);
    const found = processor.diagnostics.check(NOW);
    assert.deepStrictEqual(found, [
      'SLO checkout-availability: no span of service "checkout" yet, while 7 server spans of other services matched no SLO: "shop" (5), "chekout" (2); set OTEL_SERVICE_NAME (or the resource\'s service.name) or the SLO\'s service',
      "SLO items: selects routes with parameters (GET /api/items/:id) but 5 server spans carried no http.route: the HTTP instrumentation alone does not set it; add your framework's instrumentation (register loads Express, Fastify, Koa, NestJS and gRPC ones)",
    ]);
    assert.deepStrictEqual(
      warnings,
      found.map(m => `burnrate: ${m}`)
    );
    // said once an hour, not at every check
    processor.diagnostics.check(NOW + 60_000);
    assert.strictEqual(warnings.length, 2);
    const { resourceMetrics } = await reader.collect();
    const counter = points(resourceMetrics).filter(p => p.name === METRIC_SPANS_UNMATCHED);
    assert.strictEqual(counter.length, 1);
    assert.strictEqual(counter[0].value, 7);
    assert.strictEqual(counter[0].unit, '{span}');
    await processor.shutdown();
  });

  it('should stay quiet once every SLO counts spans', () => {
    const processor = new SloSpanProcessor({
      spec: SPEC,
      clock: { now: () => NOW },
      diagnosticsIntervalMs: 0,
    });
    processor.onEnd(serverSpan('checkout', '/api/orders'));
    processor.onEnd(serverSpan('shop', '/api/items/:id'));
    processor.onEnd(serverSpan('shop', '/api/health'));
    assert.strictEqual(processor.diagnostics.unmatched, 1);
    assert.deepStrictEqual(processor.diagnostics.check(NOW), []);
    assert.deepStrictEqual(warnings, []);
    void processor.shutdown();
  });
});
