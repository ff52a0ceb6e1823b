import * as assert from 'node:assert';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { JsonTraceDecoder } from '../../src/otlp/json-trace-decoder';
import { IdSink, interleavedTraces } from './span-ids';

describe('JsonSpanView', () => {
  describe('.traceId, .spanId and .hasParent', () => {
    it('should read each span its own ids and parent presence', () => {
      const { spans, expected } = interleavedTraces();
      const sink = new IdSink();
      const body = Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
      assert.strictEqual(new JsonTraceDecoder(sink).ingest(body).accepted, spans.length);
      assert.deepStrictEqual(sink.ids, expected);
    });
  });
});
