import * as assert from 'node:assert';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { parseSpec } from '@burnrate/core';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text';
import { getText } from './fixture';

const SPEC = parseSpec(`
slos:
  - name: checkout-journey
    service: web
    objective: 99.5
    window: 28d
    alerting: { minEvents: 0 }
    sli:
      trace:
        entry: { routes: ["POST /checkout"] }
        mustSucceed: [ { service: payments }, { service: stock } ]
        decisionWait: 10s
      good: { status: ok, latency: 2s }
  - name: web-availability
    service: web
    objective: 99
    window: 28d
    sli:
      spans: { routes: ["POST /checkout"] }
      good: { status: ok }
  - name: web-root-journey
    service: web
    objective: 99
    window: 28d
    sli:
      trace: { mustSucceed: [{ service: payments }] }
      good: { status: ok }
`);

/** One service: its own tracer provider (its own `service.name`) and an in-memory exporter. */
interface Service {
  tracer: Tracer;
  memory: InMemorySpanExporter;
}

function service(name: string): Service {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': name, 'service.version': '1.0.0' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  }).getTracer('journeys-test');
  return { tracer, memory };
}

/** Takes (and clears) what a service has finished. */
function take(s: Service): ReadableSpan[] {
  const spans = s.memory.getFinishedSpans().slice();
  s.memory.reset();
  return spans;
}

function exportAll(exporter: SpanExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    exporter.export(spans, (r: ExportResult) =>
      r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('export'))
    )
  );
}

const child = (parent: Span): ReturnType<typeof context.active> =>
  trace.setSpan(context.active(), parent);

function http(method: string, route: string, status: number): SpanOptions['attributes'] {
  return {
    'http.request.method': method,
    'http.route': route,
    'http.response.status_code': status,
  };
}

describe('burnrate collector with a journey SLO (real OTLP exporters, three services)', function () {
  this.timeout(120_000);
  const clock = { t: Date.now(), now: () => clock.t };
  let collector: RunningCollector;
  let web: Service;
  let payments: Service;
  let stock: Service;
  let exporters: { web: SpanExporter; payments: SpanExporter; stock: SpanExporter };

  /**
   * A checkout journey at `t0` (ms): web's POST /checkout server span (the
   * entry, `entryMs` long, status `entryStatus`) calls payments (POST /pay,
   * `payStatus`) through a client span, and stock consumes a message from
   * `stockAt` for `stockMs`.
   */
  function journey(
    t0: number,
    o: {
      entryStatus?: number;
      payStatus?: number;
      entryMs?: number;
      stockAt?: number;
      stockMs?: number;
    } = {}
  ): string {
    const entryMs = o.entryMs ?? 300;
    const root = web.tracer.startSpan('POST /checkout', {
      kind: SpanKind.SERVER,
      startTime: t0,
      attributes: http('POST', '/checkout', o.entryStatus ?? 200),
    });
    const call = web.tracer.startSpan(
      'POST',
      { kind: SpanKind.CLIENT, startTime: t0 + 10, attributes: { 'http.request.method': 'POST' } },
      child(root)
    );
    const pay = payments.tracer.startSpan(
      'POST /pay',
      {
        kind: SpanKind.SERVER,
        startTime: t0 + 20,
        attributes: http('POST', '/pay', o.payStatus ?? 200),
      },
      child(call)
    );
    if ((o.payStatus ?? 200) >= 500) pay.setStatus({ code: SpanStatusCode.ERROR });
    pay.end(t0 + 120);
    call.end(t0 + 130);
    const consume = stock.tracer.startSpan(
      'reserve',
      { kind: SpanKind.CONSUMER, startTime: t0 + (o.stockAt ?? 150) },
      child(root)
    );
    consume.end(t0 + (o.stockAt ?? 150) + (o.stockMs ?? 50));
    root.end(t0 + entryMs);
    return root.spanContext().traceId;
  }

  /** Exports what each service finished: stock, then payments, then web (entry last). */
  async function send(): Promise<void> {
    await exportAll(exporters.stock, take(stock));
    await exportAll(exporters.payments, take(payments));
    await exportAll(exporters.web, take(web));
  }

  interface Entry {
    name: string;
    journey?: boolean;
    eligible: number;
    good: number;
    bad: number;
    offenders: Array<{ route: string | null; code: number | null; reason: string | null }>;
    exemplars: Array<{ traceId: string }>;
  }

  async function slos(): Promise<Entry[]> {
    const body = await getText(collector.httpPort!, '/api/slos');
    return (JSON.parse(body) as { slos: Entry[] }).slos;
  }

  beforeEach(async () => {
    clock.t = Date.now();
    collector = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: 0,
      metricsPort: 0,
      logger: silentLogger,
      clock,
      maxTraceAgeMs: 60_000,
    });
    web = service('web');
    payments = service('payments');
    stock = service('stock');
    const httpUrl = `http://127.0.0.1:${collector.httpPort}/v1/traces`;
    exporters = {
      web: new ProtoExporter({ url: httpUrl }),
      payments: new JsonExporter({ url: httpUrl }),
      stock: new GrpcExporter({ url: `http://127.0.0.1:${collector.grpcPort}` }),
    };
  });

  afterEach(async () => {
    await Promise.all(Object.values(exporters).map(e => e.shutdown()));
    await collector.close();
  });

  it('should count a journey whose root is fine but whose payment span failed as bad, under the payment span', async () => {
    const t0 = clock.t - 5_000;
    journey(t0);
    const bad = journey(t0, { payStatus: 503 });
    await send();
    // not decided before decisionWait has passed without new spans
    let [j, perSpan] = await slos();
    assert.deepStrictEqual([j.eligible, perSpan.eligible], [0, 2]);
    clock.t += 10_000;
    [j, perSpan] = await slos();
    assert.strictEqual(j.journey, true);
    assert.strictEqual(perSpan.journey, undefined);
    assert.deepStrictEqual([j.good, j.bad], [1, 1]);
    // the per-span SLO sees two fine entry spans
    assert.deepStrictEqual([perSpan.good, perSpan.bad], [2, 0]);
    assert.deepStrictEqual(
      j.offenders.map(o => [o.route, o.code, o.reason]),
      [['POST /pay', 503, 'failed:payments']]
    );
    assert.deepStrictEqual(
      j.exemplars.map(e => e.traceId),
      [bad]
    );
    const explain = JSON.parse(
      await getText(collector.httpPort!, '/api/slos/checkout-journey/explain')
    ) as { text: string };
    assert.match(explain.text, /POST \/pay/);
  });

  it('should find the root span as entry through OTLP/HTTP protobuf, OTLP/HTTP JSON and OTLP/gRPC', async () => {
    const t0 = clock.t - 5_000;
    for (const via of [exporters.web, exporters.payments, exporters.stock]) {
      journey(t0, { payStatus: via === exporters.stock ? 500 : 200 });
      await exportAll(exporters.payments, take(payments));
      await exportAll(exporters.stock, take(stock));
      await exportAll(via, take(web));
    }
    clock.t += 10_000;
    const [j, , root] = await slos();
    assert.deepStrictEqual([j.good, j.bad], [2, 1]);
    assert.deepStrictEqual([root.journey, root.good, root.bad], [true, 2, 1]);
  });

  it('should count a slow journey made of fast spans as bad by the journey latency', async () => {
    const t0 = clock.t - 5_000;
    // every span under 300 ms; stock consumes from 1.9 s to 2.1 s: the journey lasts 2.1 s
    journey(t0, { stockAt: 1_900, stockMs: 200 });
    // the same from 1.85 s to 1.9 s: a 1.9 s journey, good
    journey(t0, { stockAt: 1_850, stockMs: 50 });
    await send();
    clock.t += 10_000;
    const [j] = await slos();
    assert.deepStrictEqual([j.good, j.bad], [1, 1]);
    assert.deepStrictEqual(
      j.offenders.map(o => [o.route, o.reason]),
      [['POST /checkout', 'latency']]
    );
  });

  it('should assemble late and out-of-order spans, and count spans after the decision as late', async () => {
    const t0 = clock.t - 5_000;
    const id = journey(t0);
    const [stockSpans, paySpans, webSpans] = [take(stock), take(payments), take(web)];
    // the entry first, the payment 6 s later, stock 6 s after that: one journey, waiting again each time
    await exportAll(exporters.web, webSpans);
    clock.t += 6_000;
    await exportAll(exporters.payments, paySpans);
    clock.t += 6_000;
    assert.strictEqual((await slos())[0].eligible, 0);
    await exportAll(exporters.stock, stockSpans);
    clock.t += 9_999;
    assert.strictEqual((await slos())[0].eligible, 0);
    clock.t += 1;
    let [j] = await slos();
    assert.deepStrictEqual([j.good, j.bad], [1, 0]);
    // a failed payment span of the decided trace arrives late: counted as late, nothing else
    const late = payments.tracer.startSpan(
      'POST /pay',
      { kind: SpanKind.SERVER, startTime: t0 + 400, attributes: http('POST', '/pay', 500) },
      trace.setSpanContext(context.active(), {
        traceId: id,
        spanId: '00f067aa0ba902b7',
        traceFlags: 1,
      })
    );
    late.setStatus({ code: SpanStatusCode.ERROR });
    late.end(t0 + 500);
    await exportAll(exporters.payments, take(payments));
    clock.t += 20_000;
    [j] = await slos();
    assert.deepStrictEqual([j.good, j.bad], [1, 0]);
    const metrics = parsePrometheusText(await getText(collector.metricsPort!, '/metrics'));
    assert.strictEqual(
      sampleValue(metrics, 'slo_journey_late_spans_total', { slo_journey_end: 'decided' }),
      1
    );
    assert.strictEqual(
      sampleValue(metrics, 'slo_journey_traces_total', { slo_journey_end: 'decided' }),
      1
    );
  });

  it('should drop a trace whose entry span never arrives after maxTraceAge, counted', async () => {
    const t0 = clock.t - 5_000;
    journey(t0, { payStatus: 503 });
    take(web);
    await exportAll(exporters.payments, take(payments));
    await exportAll(exporters.stock, take(stock));
    clock.t += 59_000;
    assert.strictEqual(collector.engine.journeys!.tracesInFlight, 1);
    clock.t += 1_000;
    const [j] = await slos();
    assert.strictEqual(j.eligible, 0);
    assert.strictEqual(collector.engine.journeys!.tracesInFlight, 0);
    const metrics = parsePrometheusText(await getText(collector.metricsPort!, '/metrics'));
    assert.strictEqual(
      sampleValue(metrics, 'slo_journey_traces_total', { slo_journey_end: 'no_entry' }),
      1
    );
    assert.strictEqual(sampleValue(metrics, 'slo_journey_traces_in_flight', {}), 0);
  });
});

describe('burnrate collector journey bound under 10,000 concurrent traces', function () {
  this.timeout(300_000);

  function gc(): void {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  }

  it('should hold at most maxTracesInFlight traces, decide the rest early (counted), and keep memory flat', async () => {
    const clock = { t: Date.now(), now: () => clock.t };
    const collector = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: false,
      metricsPort: false,
      logger: silentLogger,
      clock,
      maxTracesInFlight: 2_000,
    });
    const exporter = new ProtoExporter({
      url: `http://127.0.0.1:${collector.httpPort}/v1/traces`,
      timeoutMillis: 60_000,
    });
    const web = service('web');
    const payments = service('payments');
    const journeys = collector.engine.journeys!;
    /** 10,000 traces at once: each a payment span then its entry, every 5th payment failed. */
    const round = async (): Promise<void> => {
      const t0 = clock.t - 1_000;
      for (let i = 0; i < 10_000; i++) {
        const root = web.tracer.startSpan('POST /checkout', {
          kind: SpanKind.SERVER,
          startTime: t0,
          attributes: http('POST', '/checkout', 200),
        });
        const pay = payments.tracer.startSpan(
          'POST /pay',
          {
            kind: SpanKind.SERVER,
            startTime: t0 + 10,
            attributes: http('POST', '/pay', i % 5 === 0 ? 503 : 200),
          },
          trace.setSpan(context.active(), root)
        );
        pay.end(t0 + 20);
        root.end(t0 + 30);
      }
      // trace by trace: each request holds 500 payment spans, then their 500 entries
      const pays = take(payments);
      const entries = take(web);
      const spans = pays.flatMap((p, i) => [p, entries[i]]);
      let most = 0;
      for (let i = 0; i < spans.length; i += 1_000) {
        await exportAll(exporter, spans.slice(i, i + 1_000));
        most = Math.max(most, journeys.tracesInFlight);
      }
      assert.ok(most <= 2_000, `${most} traces in flight`);
      assert.ok(journeys.bufferBytes <= journeys.maxTraceBufferBytes);
      clock.t += 10_000;
      collector.engine.snapshot();
      assert.strictEqual(journeys.tracesInFlight, 0);
    };
    try {
      await round();
      gc();
      const after1 = process.memoryUsage().heapUsed;
      await round();
      await round();
      gc();
      const after3 = process.memoryUsage().heapUsed;
      const c = journeys.counts;
      assert.strictEqual(c.traces, 30_000);
      assert.strictEqual(c.ended.decided_early + c.ended.decided, 30_000);
      assert.strictEqual(c.ended.decided, 3 * 2_000);
      const [j] = collector.engine.snapshot();
      // every journey counted once: 30,000 eligible, every 5th bad
      assert.deepStrictEqual([j.eligible, j.bad], [30_000, 6_000]);
      // flat: two more rounds of 10,000 traces grow the heap by less than 8 MiB
      assert.ok(
        after3 - after1 < 8 * 1024 * 1024,
        `heap grew ${((after3 - after1) / 1024 / 1024).toFixed(1)} MiB`
      );
    } finally {
      await exporter.shutdown();
      await collector.close();
    }
  });
});
