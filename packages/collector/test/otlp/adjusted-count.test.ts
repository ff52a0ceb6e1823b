import * as assert from 'node:assert';
import { context, createTraceState, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { parseSpec, SloEngine } from '@burnrate/core';
import { adjustedCount, adjustedCountAt } from '../../src/otlp/adjusted-count';
import { JsonTraceDecoder } from '../../src/otlp/json-trace-decoder';
import { ProtoTraceDecoder } from '../../src/otlp/proto-trace-decoder';
import { RecordingSink } from './recording-sink';

describe('adjustedCount', () => {
  it('should invert the sampling probability the ot threshold declares', () => {
    // threshold T (hex fraction of 2^56) rejects T, keeps 1 − T
    assert.strictEqual(adjustedCount('ot=th:0'), 1); // keep everything
    assert.strictEqual(adjustedCount('ot=th:8'), 2); // reject 8/16
    assert.strictEqual(adjustedCount('ot=th:c'), 4); // reject 12/16
    assert.strictEqual(adjustedCount('ot=th:f'), 16);
    assert.strictEqual(adjustedCount('ot=th:fc'), 64); // reject 252/256
    assert.strictEqual(adjustedCount('ot=th:e666'), 65536 / (65536 - 0xe666)); // ~10 %
  });

  it('should find th among other sub-keys and list members', () => {
    assert.strictEqual(adjustedCount('vendor=abc,ot=rv:abcdef12345678;th:c,other=1'), 4);
    assert.strictEqual(adjustedCount('vendor=abc, ot=th:8;rv:00000000000001'), 2);
    assert.strictEqual(adjustedCount('xot=th:8'), 1); // another member's key
  });

  it('should count once without a threshold or with a malformed one', () => {
    for (const ts of [
      '',
      'vendor=x',
      'ot=rv:abcdef',
      'ot=th:',
      'ot=th:C', // upper case is not the spec's
      'ot=th:123456789abcdef', // 15 digits
      'ot=th:zz',
    ])
      assert.strictEqual(adjustedCount(ts), 1, ts);
    assert.strictEqual(adjustedCount(undefined), 1);
  });

  it('should read the bytes in place at an offset', () => {
    const bytes = Buffer.from('xxot=th:cyy');
    assert.strictEqual(adjustedCountAt(bytes, 2, 9), 4);
  });
});

describe('decoders with sampled spans', () => {
  /** 10 server spans whose parent context carries `traceState`, from the OTel SDK. */
  function spans(traceState: string | undefined) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('test');
    for (let i = 0; i < 10; i++) {
      const parent = trace.setSpanContext(context.active(), {
        traceId: `${'0'.repeat(30)}${String(i).padStart(2, '0')}`.replace(/^0/, 'a'),
        spanId: 'b'.repeat(16),
        traceFlags: TraceFlags.SAMPLED,
        traceState: traceState === undefined ? undefined : createTraceState(traceState),
        isRemote: true,
      });
      tracer
        .startSpan(
          'GET /api/items/:id',
          {
            kind: SpanKind.SERVER,
            attributes: {
              'http.request.method': 'GET',
              'http.route': '/api/items/:id',
              'http.response.status_code': i < 2 ? 503 : 200,
            },
          },
          parent
        )
        .end();
    }
    return exporter.getFinishedSpans();
  }

  const spec = parseSpec(`slos:
  - name: items
    service: checkout
    objective: 99
    window: 28d
    sli: { spans: { routes: ["GET /api/items/:id"] }, good: { status: ok } }
`);

  it('should weight protobuf spans by the adjusted count in their trace_state', () => {
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans('ot=th:c'))!);
    const sink = new RecordingSink([]);
    assert.strictEqual(new ProtoTraceDecoder(sink).ingest(body).accepted, 10);
    assert.deepStrictEqual(sink.weights, new Array(10).fill(4));
    const engine = new SloEngine({ spec });
    new ProtoTraceDecoder(engine).ingest(body);
    const s = engine.snapshot()[0];
    // 10 sampled spans at p = 1/4 stand for 40 requests, 2 bad stand for 8
    assert.strictEqual(s.eligible, 40);
    assert.strictEqual(s.bad, 8);
  });

  it('should weight OTLP/JSON spans by their traceState, and count unsampled spans once', () => {
    const json = Buffer.from(JsonTraceSerializer.serializeRequest(spans('ot=th:8'))!);
    const engine = new SloEngine({ spec });
    const decoder = new JsonTraceDecoder(engine);
    decoder.ingest(json);
    assert.strictEqual(engine.snapshot()[0].eligible, 20);
    decoder.ingest(Buffer.from(JsonTraceSerializer.serializeRequest(spans(undefined))!));
    assert.strictEqual(engine.snapshot()[0].eligible, 30);
    const proto = new ProtoTraceDecoder(engine);
    proto.ingest(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans('vendor=1'))!));
    assert.strictEqual(engine.snapshot()[0].eligible, 40);
  });
});
