import * as assert from 'node:assert';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ProtoTraceDecoder } from '../../src/otlp/proto-trace-decoder';
import { IdSink, interleavedTraces } from './span-ids';

describe('ProtoSpanView', () => {
  describe('.traceId, .spanId and .hasParent', () => {
    it('should read each span its own ids and parent presence, however the traces interleave', () => {
      const { spans, expected } = interleavedTraces();
      const sink = new IdSink();
      const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
      assert.strictEqual(new ProtoTraceDecoder(sink).ingest(body).accepted, spans.length);
      assert.deepStrictEqual(sink.ids, expected);
      // two roots, three children, two distinct traces
      assert.deepStrictEqual(
        sink.ids.map(i => i[2]),
        [true, true, true, false, false]
      );
      assert.strictEqual(new Set(sink.ids.map(i => i[0])).size, 2);
    });
  });
});
