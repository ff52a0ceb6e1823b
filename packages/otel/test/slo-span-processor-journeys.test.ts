import * as assert from 'node:assert';
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { SloSpanProcessor } from '../src';
import { points, TestReader, valueOf } from './metric-helpers';

const SPEC = {
  slos: [
    {
      name: 'checkout-journey',
      service: 'web',
      objective: 99,
      window: '28d',
      alerting: { minEvents: 0 },
      sli: {
        trace: { mustSucceed: [{ service: 'payments' }], decisionWait: '2s' },
        good: { status: 'ok', latency: '1s' },
      },
    },
  ],
};

function tracerOf(service: string, processor: SloSpanProcessor): Tracer {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [processor],
  }).getTracer('journeys');
}

describe('SloSpanProcessor', () => {
  describe('journey SLOs', () => {
    const clock = { t: Date.now(), now: () => clock.t };
    let processor: SloSpanProcessor;
    let reader: TestReader;
    let web: Tracer;
    let payments: Tracer;

    beforeEach(() => {
      clock.t = Date.now();
      reader = new TestReader();
      processor = new SloSpanProcessor({
        spec: SPEC,
        clock,
        meterProvider: new MeterProvider({ readers: [reader] }),
        maxTracesInFlight: 1_000,
      });
      web = tracerOf('web', processor);
      payments = tracerOf('payments', processor);
    });

    afterEach(() => processor.shutdown());

    /** A web root span calling payments (`payStatus`), the journey lasting `ms`. */
    function checkout(payStatus: number, ms = 100): void {
      const t0 = clock.t - 2_000;
      const root = web.startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: t0 });
      const pay = payments.startSpan(
        'POST /pay',
        {
          kind: SpanKind.SERVER,
          startTime: t0 + 10,
          attributes: { 'http.route': '/pay', 'http.response.status_code': payStatus },
        },
        trace.setSpan(context.active(), root)
      );
      if (payStatus >= 500) pay.setStatus({ code: SpanStatusCode.ERROR });
      pay.end(t0 + 20);
      root.end(t0 + ms);
    }

    it('should judge whole traces whose spans all end in the process, by the same rules', async () => {
      checkout(200);
      checkout(503);
      checkout(200, 1_500);
      let all = points((await reader.collect()).resourceMetrics);
      assert.strictEqual(valueOf(all, 'slo.journey.traces_in_flight', {}), 3);
      clock.t += 2_000;
      all = points((await reader.collect()).resourceMetrics);
      assert.strictEqual(valueOf(all, 'slo.events', { 'slo.outcome': 'good' }), 1);
      assert.strictEqual(valueOf(all, 'slo.events', { 'slo.outcome': 'bad' }), 2);
      assert.strictEqual(
        valueOf(all, 'slo.bad_events', { 'slo.failure.reason': 'failed:payments' }),
        1
      );
      assert.strictEqual(valueOf(all, 'slo.bad_events', { 'slo.failure.reason': 'latency' }), 1);
      assert.strictEqual(valueOf(all, 'slo.journey.traces', { 'slo.journey.end': 'decided' }), 3);
      assert.strictEqual(valueOf(all, 'slo.journey.traces_in_flight', {}), 0);
    });

    it('should keep the bound and decide the traces in flight at shutdown', async () => {
      for (let i = 0; i < 1_500; i++) checkout(200);
      const journeys = processor.engine.journeys!;
      assert.strictEqual(journeys.tracesInFlight, 1_000);
      assert.strictEqual(journeys.counts.ended.decided_early, 500);
      await processor.shutdown();
      assert.strictEqual(journeys.tracesInFlight, 0);
      const all = points((await reader.collect()).resourceMetrics);
      assert.strictEqual(valueOf(all, 'slo.events', { 'slo.outcome': 'good' }), 1_500);
      assert.strictEqual(
        valueOf(all, 'slo.journey.traces', { 'slo.journey.end': 'decided_early' }),
        1_500
      );
    });
  });
});
