import * as assert from 'node:assert';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { SloEngine } from '@burnrate/core';
import { JsonTraceDecoder, ProtoTraceDecoder } from '@burnrate/collector';
import { SloSpanProcessor } from '@burnrate/otel';
import * as fc from 'fast-check';
import { SPEC } from '../collector/fixture';

const NOW = Date.UTC(2026, 4, 1, 12, 0, 0);
const clock = { now: () => NOW };

const spanArb = fc.record({
  route: fc.constantFrom(
    '/api/orders',
    '/api/orders/:id',
    '/api/search',
    '/healthz',
    undefined,
    '/api/ünïcode/✓'
  ),
  method: fc.constantFrom('GET', 'POST', 'PUT', undefined),
  httpStatus: fc.option(fc.constantFrom(200, 201, 404, 429, 499, 500, 503, 599), {
    nil: undefined,
  }),
  spanStatus: fc.constantFrom(SpanStatusCode.UNSET, SpanStatusCode.OK, SpanStatusCode.ERROR),
  kind: fc.constantFrom(
    SpanKind.SERVER,
    SpanKind.SERVER,
    SpanKind.CLIENT,
    SpanKind.INTERNAL,
    SpanKind.CONSUMER,
    SpanKind.PRODUCER
  ),
  durationMs: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.constantFrom(299, 300, 301, 1200)),
  agoMs: fc.integer({ min: 1, max: 3_600_000 }),
  payload: fc.constantFrom(true, false, 'true', 1, undefined),
  grpcCode: fc.option(fc.integer({ min: 0, max: 16 }), { nil: undefined }),
  extra: fc.array(
    fc.tuple(
      fc.string({ maxLength: 12 }),
      fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }))
    ),
    { maxLength: 3 }
  ),
});

const batchArb = fc.record({
  service: fc.constantFrom('checkout', 'other', undefined),
  spans: fc.array(spanArb, { minLength: 1, maxLength: 25 }),
});

type Batch = typeof batchArb extends fc.Arbitrary<infer T> ? T : never;

/** Spans of a batch through a real tracer: the processor's numbers and the finished spans. */
function produce(batch: Batch) {
  const exporter = new InMemorySpanExporter();
  const processor = new SloSpanProcessor({ spec: SPEC, meterProvider: new MeterProvider(), clock });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(batch.service ? { 'service.name': batch.service } : {}),
    spanProcessors: [processor, new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('roundtrip');
  for (const s of batch.spans) {
    const end = NOW - s.agoMs;
    const attributes: Record<string, string | number | boolean | number[] | string[]> = {};
    for (const [k, v] of s.extra) attributes[`x.${k}`] = v as never;
    if (s.route !== undefined) attributes['http.route'] = s.route;
    if (s.method !== undefined) attributes['http.request.method'] = s.method;
    if (s.httpStatus !== undefined) attributes['http.response.status_code'] = s.httpStatus;
    if (s.payload !== undefined) attributes['app.payload.valid'] = s.payload;
    if (s.grpcCode !== undefined) {
      attributes['rpc.system'] = 'grpc';
      attributes['rpc.grpc.status_code'] = s.grpcCode;
    }
    const span = tracer.startSpan(`${s.method ?? ''} ${s.route ?? ''}`, {
      kind: s.kind,
      startTime: end - s.durationMs,
      attributes,
    });
    if (s.spanStatus !== SpanStatusCode.UNSET) span.setStatus({ code: s.spanStatus });
    span.end(end);
  }
  return { processor, spans: exporter.getFinishedSpans() };
}

function numbers(engine: SloEngine) {
  return {
    slos: engine.snapshot(NOW).map(s => ({
      name: s.name,
      eligible: s.eligible,
      good: s.good,
      bad: s.bad,
      windows: s.windows.map(w => [w.window, w.eligible, w.bad]),
    })),
    // first-seen times to the millisecond: end times convert from nanoseconds by two float paths
    attribution: engine.states.map(st =>
      st.readAttribution(NOW).rows.map(r => ({
        ...r,
        firstSeenMs: Math.round(r.firstSeenMs),
        exemplars: r.exemplars.map(e => ({ ...e, timeMs: Math.round(e.timeMs) })),
      }))
    ),
    dropped: { ...engine.dropped },
  };
}

describe('reliability: round trip through the OTel exporters’ serializers', () => {
  for (const [name, serializer, Decoder] of [
    ['ProtobufTraceSerializer', ProtobufTraceSerializer, ProtoTraceDecoder],
    ['JsonTraceSerializer', JsonTraceSerializer, JsonTraceDecoder],
  ] as const) {
    it(`should classify spans encoded by ${name} exactly as SloSpanProcessor does`, () => {
      let eligible = 0;
      fc.assert(
        fc.property(batchArb, batch => {
          const { processor, spans } = produce(batch);
          const body = serializer.serializeRequest(spans)!;
          const engine = new SloEngine({ spec: SPEC, clock });
          const result = new Decoder(engine).ingest(body);
          assert.strictEqual(result.error, '');
          assert.strictEqual(result.spans, batch.spans.length);
          assert.strictEqual(result.accepted, batch.spans.length);
          assert.deepStrictEqual(numbers(engine), numbers(processor.engine));
          eligible += engine.snapshot(NOW).reduce((n, s) => n + s.eligible, 0);
        }),
        { numRuns: 150 }
      );
      assert.ok(eligible > 100, `the generated spans exercise the SLOs (${eligible} events)`);
    });
  }
});
