import * as assert from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { SloSpanProcessor } from '../src';
import { points, TestReader, valueOf } from './metric-helpers';

/** 90 % over 1 h, page at 5x over 20 s / 5 s: a handful of failing spans fires it. */
const SPEC = {
  slos: [
    {
      name: 'checkout-availability',
      service: 'checkout',
      objective: 90,
      window: '1h',
      sli: { good: { status: 'ok' } },
      alerting: { tiers: [{ severity: 'page', long: '20s', short: '5s', burnRate: 5 }] },
    },
  ],
};

describe('SloSpanProcessor notifications', () => {
  let server: Server;
  let bodies: Array<Record<string, unknown>>;
  let url: string;

  beforeEach(async () => {
    bodies = [];
    server = createServer((req, res) => {
      let b = '';
      req.on('data', c => (b += c));
      req.on('end', () => {
        bodies.push(JSON.parse(b) as Record<string, unknown>);
        res.end();
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterEach(() => new Promise<void>(r => server.close(() => r())));

  it('should send a webhook when failing spans make a tier fire, from its own timer, and stop at shutdown', async () => {
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const processor = new SloSpanProcessor({
      spec: SPEC,
      meterProvider,
      notifications: { webhooks: [{ url }], evaluationIntervalMs: 50 },
    });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      spanProcessors: [processor],
    });
    const tracer = provider.getTracer('test');
    for (let i = 0; i < 20; i++) {
      const span = tracer.startSpan('POST /api/orders', {
        kind: SpanKind.SERVER,
        attributes: {
          'http.route': '/api/orders',
          'http.response.status_code': i < 12 ? 500 : 200,
        },
      });
      if (i < 12) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    const deadline = Date.now() + 5_000;
    while (bodies.length === 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 20));
    assert.strictEqual(bodies.length, 1);
    assert.strictEqual(bodies[0].slo, 'checkout-availability');
    assert.strictEqual(bodies[0].state, 'firing');
    assert.deepStrictEqual(bodies[0].offenders, [
      { route: '/api/orders', statusCode: 500, badEvents: 12 },
    ]);
    // 12 bad of 20 over 20 s and 5 s: 0.6 / 0.1
    assert.ok(Math.abs((bodies[0].longBurnRate as number) - 6) < 1e-9);
    // the server has the body before the client has the answer, which counts it as sent
    const sent = async () => {
      const { resourceMetrics } = await reader.collect();
      return valueOf(points(resourceMetrics), 'burnrate.notifications.sent', {
        'burnrate.receiver': 'webhook',
      });
    };
    const until = Date.now() + 5_000;
    while ((await sent()) !== 1 && Date.now() < until) await new Promise(r => setTimeout(r, 20));
    assert.strictEqual(await sent(), 1);
    await provider.shutdown();
    assert.ok(processor.notifier !== undefined);
    assert.deepStrictEqual(processor.notifier.evaluate(), []);
    await new Promise(r => setTimeout(r, 200));
    assert.strictEqual(bodies.length, 1);
    await meterProvider.shutdown();
  });
});
