import * as assert from 'node:assert';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { SloSpanProcessor } from '../src';
import { points, TestReader, valueOf } from './metric-helpers';

const T = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('SloSpanProcessor with corrections', () => {
  it('should not count spans that end while a correction is active, in the windows or the slo.events counters', async () => {
    const clock = { t: T, now: () => clock.t };
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const p = new SloSpanProcessor({
      spec: {
        slos: [{ name: 'api', objective: 99, window: '1d', sli: { good: { status: 'ok' } } }],
        corrections: [
          { name: 'deploy', start: '2026-01-15T12:05:00Z', end: '2026-01-15T12:10:00Z' },
        ],
      },
      meterProvider,
      clock,
    });
    const tracer = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'svc' }),
      spanProcessors: [p],
    }).getTracer('t');
    // 3 spans a minute (1 failing) for 15 minutes: minutes 5-9 inside the correction
    for (let m = 0; m < 15; m++) {
      clock.t = T + m * 60_000;
      p.engine.tick();
      for (let i = 0; i < 3; i++) {
        const span = tracer.startSpan('GET /x', {
          kind: SpanKind.SERVER,
          startTime: clock.t - 20,
          attributes: { 'http.route': '/x', 'http.response.status_code': i === 0 ? 500 : 200 },
        });
        if (i === 0) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end(clock.t);
      }
    }
    const s = p.engine.snapshot()[0];
    assert.deepStrictEqual([s.good, s.bad, s.corrected], [20, 10, 15]);
    const all = points((await reader.collect()).resourceMetrics);
    assert.strictEqual(
      valueOf(all, 'slo.events', { 'slo.name': 'api', 'slo.outcome': 'good' }),
      20
    );
    assert.strictEqual(valueOf(all, 'slo.events', { 'slo.name': 'api', 'slo.outcome': 'bad' }), 10);
    await p.shutdown();
    await meterProvider.shutdown();
  });
});
