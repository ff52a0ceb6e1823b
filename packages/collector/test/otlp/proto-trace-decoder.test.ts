import * as assert from 'node:assert';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  MAX_HELD_SPANS,
  MAX_SPAN_ATTRIBUTES,
  ProtoTraceDecoder,
} from '../../src/otlp/proto-trace-decoder';
import {
  any,
  fFixed32,
  fFixed64,
  fGroup,
  fLen,
  fVarint,
  kv,
  msg,
  request,
  span,
} from './proto-writer';
import { RecordingSink } from './recording-sink';

const T0 = 1_700_000_000_000_000_000n;

function decode(body: Buffer, keys: string[] = []) {
  const sink = new RecordingSink(keys);
  const result = new ProtoTraceDecoder(sink).ingest(body);
  return { sink, result };
}

describe('ProtoTraceDecoder', () => {
  describe('.ingest', () => {
    it('should read what the OTel SDK serializer writes, as the SDK span reads it', () => {
      const exporter = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'checkout' }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const tracer = provider.getTracer('test');
      const attrs = {
        'http.route': '/api/orders/:id',
        'http.request.method': 'GET',
        'http.response.status_code': 503,
        ratio: 0.25,
        flag: false,
        tags: ['a', 'b'],
        nums: [1, 2, 3],
        'unicode.é': 'naïve ✓',
      };
      const kinds = [
        SpanKind.INTERNAL,
        SpanKind.SERVER,
        SpanKind.CLIENT,
        SpanKind.PRODUCER,
        SpanKind.CONSUMER,
      ];
      kinds.forEach((kind, i) => {
        const s = tracer.startSpan(`span-${i}`, {
          kind,
          attributes: attrs,
          startTime: [1_700_000_000 + i, 123_456_789],
        });
        s.setStatus({
          code:
            i % 3 === 0
              ? SpanStatusCode.UNSET
              : i % 3 === 1
                ? SpanStatusCode.OK
                : SpanStatusCode.ERROR,
        });
        s.end([1_700_000_000 + i, 423_456_790 + i]);
      });
      const finished = exporter.getFinishedSpans();
      const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(finished)!);
      const keys = [...Object.keys(attrs), 'absent'];
      const { sink, result } = decode(body, keys);
      assert.strictEqual(result.error, '');
      assert.strictEqual(result.spans, 5);
      assert.strictEqual(result.accepted, 5);
      finished.forEach((f, i) => {
        const seen = sink.spans[i];
        assert.strictEqual(seen.kind, f.kind);
        assert.strictEqual(seen.name, f.name);
        assert.strictEqual(seen.statusCode, f.status.code);
        assert.strictEqual(seen.serviceName, 'checkout');
        assert.strictEqual(seen.endTimeMs, f.endTime[0] * 1e3 + f.endTime[1] / 1e6);
        assert.strictEqual(seen.durationMs, 300.000001 + i / 1e6);
        for (const k of keys) assert.deepStrictEqual(seen.attributes[k], f.attributes[k], k);
      });
    });

    it('should convert OTLP span kinds (one higher) to the API numbering', () => {
      const spans = [0, 1, 2, 3, 4, 5, 9].map(kind => span({ kind, startNs: T0, endNs: T0 + 1n }));
      const { sink } = decode(request('svc', spans));
      assert.deepStrictEqual(
        sink.spans.map(s => s.kind),
        [-1, 0, 1, 2, 3, 4, -1]
      );
    });

    it('should decode every AnyValue type', () => {
      const big = 2n ** 60n + 1n;
      const attributes = [
        kv('s', any.string('text')),
        kv('t', any.bool(true)),
        kv('f', any.bool(false)),
        kv('i', any.int(503)),
        kv('neg', any.int(-42)),
        kv('big', any.int(big)),
        kv('min', any.int(-(2n ** 63n))),
        kv('d', any.double(1.5)),
        kv('nan', any.double(NaN)),
        kv('bytes', any.bytes(Buffer.from([0, 1, 2, 250]))),
        kv(
          'arr',
          any.array(
            any.string('x'),
            any.int(7),
            any.bool(true),
            any.double(2.5),
            any.int(big),
            any.empty(),
            any.array(any.int(1))
          )
        ),
        kv(
          'kvl',
          any.kvlist(
            kv('a', any.int(1)),
            kv('b', any.array(any.string('y'))),
            kv('c', any.kvlist(kv('d', any.bytes(Buffer.from('hi')))))
          )
        ),
        kv('empty', any.empty()),
        kv('novalue', Buffer.alloc(0)).subarray(0, 9),
      ];
      const { sink, result } = decode(
        request('svc', [span({ startNs: T0, endNs: T0 + 5n, attributes })]),
        [
          's',
          't',
          'f',
          'i',
          'neg',
          'big',
          'min',
          'd',
          'nan',
          'bytes',
          'arr',
          'kvl',
          'empty',
          'novalue',
          'missing',
        ]
      );
      assert.strictEqual(result.error, '');
      const a = sink.spans[0].attributes;
      assert.strictEqual(a.s, 'text');
      assert.strictEqual(a.t, true);
      assert.strictEqual(a.f, false);
      assert.strictEqual(a.i, 503);
      assert.strictEqual(a.neg, -42);
      assert.strictEqual(a.big, big);
      assert.strictEqual(a.min, -(2n ** 63n));
      assert.strictEqual(a.d, 1.5);
      assert.ok(Number.isNaN(a.nan));
      assert.strictEqual(a.bytes, Buffer.from([0, 1, 2, 250]).toString('base64'));
      assert.deepStrictEqual(a.arr, ['x', 7, true, 2.5, big.toString(), null, '[1]']);
      assert.strictEqual(
        a.kvl,
        JSON.stringify({ a: 1, b: ['y'], c: { d: Buffer.from('hi').toString('base64') } })
      );
      assert.strictEqual(a.empty, null);
      assert.strictEqual(a.novalue, null);
      assert.strictEqual(a.missing, undefined);
    });

    it('should return the last value of a repeated key', () => {
      const attributes = [kv('k', any.string('first')), kv('k', any.string('last'))];
      const { sink } = decode(request('svc', [span({ startNs: T0, endNs: T0 + 1n, attributes })]), [
        'k',
      ]);
      assert.strictEqual(sink.spans[0].attributes.k, 'last');
    });

    it('should skip unknown fields of every wire type at every level', () => {
      const unknown = [
        fVarint(99, 12345678901n),
        fFixed64(98, 7n),
        fLen(97, 'junk'),
        fFixed32(96, 5),
        fGroup(95, fVarint(1, 1), fGroup(2, fLen(3, 'x'))),
      ];
      const s = span({
        name: 'GET',
        kind: 2,
        startNs: T0,
        endNs: T0 + 2_000_000n,
        status: 2,
        attributes: [
          msg(fLen(1, 'http.route'), ...unknown, fLen(2, msg(fLen(1, '/x'), ...unknown))),
        ],
        extra: [
          ...unknown,
          fLen(11, msg(fLen(3, 'event'))),
          fLen(13, msg(fLen(1, Buffer.alloc(16)))),
        ],
      });
      const body = request('svc', [s], { resource: unknown, scope: unknown, request: unknown });
      const { sink, result } = decode(body, ['http.route']);
      assert.strictEqual(result.error, '');
      assert.strictEqual(sink.spans.length, 1);
      assert.deepStrictEqual(sink.spans[0], {
        kind: 1,
        name: 'GET',
        endTimeMs: Number(T0 + 2_000_000n) / 1e6,
        durationMs: 2,
        statusCode: 2,
        serviceName: 'svc',
        attributes: { 'http.route': '/x' },
      });
    });

    it('should read status.code as an int32 of its low 32 bits, as protobufjs does (regression: 2 + 2^32 read as unset)', () => {
      const codes = [2, 2 + 2 ** 32, 1 + 2 ** 40, 2 ** 32];
      const body = request(
        'svc',
        codes.map(status => span({ name: 'GET', startNs: T0, endNs: T0 + 1_000_000n, status }))
      );
      const { sink, result } = decode(body, []);
      assert.strictEqual(result.error, '');
      assert.deepStrictEqual(
        sink.spans.map(s => s.statusCode),
        [2, 2, 1, 0]
      );
    });

    it('should refuse a length varint wider than 32 bits (regression: 2^56 + L read as L)', () => {
      const good = span({ name: 'GET', startNs: T0, endNs: T0 + 1_000_000n });
      // field 1 (resource_spans) of the request, its length written as 2^56 + L
      const wide = (len: number, high: bigint) => {
        const bytes: number[] = [0x0a];
        let v = BigInt(len) + high;
        while (v >= 0x80n) {
          bytes.push(Number(v & 0x7fn) | 0x80);
          v >>= 7n;
        }
        bytes.push(Number(v));
        return Buffer.from(bytes);
      };
      const inner = request('svc', [good]).subarray(1);
      // the request's own length prefix, read back: 1 or 2 bytes here
      const len = inner[0] < 0x80 ? inner[0] : (inner[0] & 0x7f) | (inner[1] << 7);
      const payload = inner.subarray(inner[0] < 0x80 ? 1 : 2);
      assert.strictEqual(payload.length, len);
      const ok = decode(Buffer.concat([wide(len, 0n), payload]), []);
      assert.strictEqual(ok.result.error, '');
      assert.strictEqual(ok.sink.spans.length, 1);
      const bad = decode(Buffer.concat([wide(len, 1n << 56n), payload]), []);
      assert.match(bad.result.error, /does not fit 32 bits/);
      assert.strictEqual(bad.sink.spans.length, 0);
    });

    it('should read the resource even when it follows the scope spans', () => {
      const scopeSpans = msg(fLen(2, span({ startNs: T0, endNs: T0 + 1n })));
      const resource = msg(fLen(1, kv('service.name', any.string('late'))));
      const body = msg(fLen(1, msg(fLen(2, scopeSpans), fLen(1, resource))));
      const { sink } = decode(body);
      assert.strictEqual(sink.spans[0].serviceName, 'late');
    });

    it('should leave serviceName undefined without a string service.name', () => {
      const { sink } = decode(request(undefined, [span({ startNs: T0, endNs: T0 + 1n })]));
      assert.strictEqual(sink.spans[0].serviceName, undefined);
    });

    it('should accept an empty request', () => {
      const { sink, result } = decode(Buffer.alloc(0));
      assert.deepStrictEqual(result, {
        error: '',
        spans: 0,
        accepted: 0,
        rejected: 0,
        rejectMessage: '',
      });
      assert.strictEqual(sink.spans.length, 0);
    });

    it('should reject unusable spans through partial success and record the rest', () => {
      const spans = [
        span({ startNs: T0, endNs: T0 + 1n }),
        span({ startNs: T0 }),
        span({ endNs: T0 }),
        span({ startNs: T0 + 10n, endNs: T0 }),
        span({ startNs: T0, endNs: T0 + 3n }),
      ];
      const { sink, result } = decode(request('svc', spans));
      assert.strictEqual(result.error, '');
      assert.strictEqual(result.spans, 5);
      assert.strictEqual(result.accepted, 2);
      assert.strictEqual(result.rejected, 3);
      assert.strictEqual(
        result.rejectMessage,
        'resource_spans[0].scope_spans[0].spans[1]: end_time_unix_nano is missing'
      );
      assert.strictEqual(sink.spans.length, 2);
    });

    it('should record a request larger than it holds, batch by batch, with every resource', () => {
      const n = MAX_HELD_SPANS + 7;
      const spanOf = (i: number) =>
        span({
          name: `s${i}`,
          startNs: T0,
          endNs: T0 + BigInt(i + 1) * 1000n,
          attributes: [kv('i', any.int(i))],
        });
      // the resource follows its spans, as the protobuf allows
      const resourceSpans = (service: string, from: number, to: number) => {
        const spans: Buffer[] = [];
        for (let i = from; i < to; i++) spans.push(spanOf(i));
        const scope = msg(...spans.map(s => fLen(2, s)));
        const resource = msg(fLen(1, kv('service.name', any.string(service))));
        return fLen(1, msg(fLen(2, scope), fLen(1, resource)));
      };
      const half = 10;
      const body = msg(resourceSpans('a', 0, half), resourceSpans('b', half, n));
      const { sink, result } = decode(body, ['i']);
      assert.strictEqual(result.error, '');
      assert.strictEqual(result.spans, n);
      assert.strictEqual(result.accepted, n);
      assert.strictEqual(sink.spans.length, n);
      for (let i = 0; i < n; i++) {
        const seen = sink.spans[i];
        assert.strictEqual(seen.attributes.i, i);
        assert.strictEqual(seen.name, `s${i}`);
        assert.strictEqual(seen.serviceName, i < half ? 'a' : 'b');
        assert.strictEqual(seen.durationMs, (i + 1) / 1000);
      }
      // the same request with its last span malformed: nothing at all is recorded
      const bad = msg(
        resourceSpans('a', 0, half),
        resourceSpans('b', half, n),
        fLen(1, msg(fLen(2, msg(fLen(2, msg(Buffer.from([0x41, 1, 2])))))))
      );
      const refused = decode(bad, ['i']);
      assert.match(
        refused.result.error,
        /^resource_spans\[2\]\.scope_spans\[0\]\.spans\[0\]: truncated fixed64/
      );
      assert.strictEqual(refused.sink.spans.length, 0);
      assert.strictEqual(refused.result.accepted, 0);
    });

    it(`should reject a span with more than ${MAX_SPAN_ATTRIBUTES} attributes and record the rest`, () => {
      const attributes: Buffer[] = [];
      for (let i = 0; i <= MAX_SPAN_ATTRIBUTES; i++) attributes.push(kv('k', any.int(i)));
      const { sink, result } = decode(
        request('svc', [
          span({ startNs: T0, endNs: T0 + 1n, attributes }),
          span({ startNs: T0, endNs: T0 + 1n, attributes: [kv('k', any.int(1))] }),
        ]),
        ['k']
      );
      assert.strictEqual(result.error, '');
      assert.strictEqual(result.rejected, 1);
      assert.strictEqual(
        result.rejectMessage,
        `resource_spans[0].scope_spans[0].spans[0]: more than ${MAX_SPAN_ATTRIBUTES} attributes`
      );
      assert.deepStrictEqual(
        sink.spans.map(s => s.attributes.k),
        [1]
      );
    });

    it('should find every attribute the same way before and after its key has an id', () => {
      // 80 keys (more than get an id), of equal and different lengths, one of
      // them longer than a one-byte length, one KeyValue with the value first
      const keys: string[] = [];
      for (let i = 0; i < 80; i++) keys.push(i % 2 === 0 ? `key.${i % 10}${i}` : `k${i}`);
      keys.push('x'.repeat(300), 'value.first', 'absent', 'absent.too');
      const attributes = keys
        .slice(0, -2)
        .map((k, i) =>
          k === 'value.first' ? msg(fLen(2, any.string('vf')), fLen(1, k)) : kv(k, any.int(i))
        );
      const body = request('svc', [span({ startNs: T0, endNs: T0 + 1n, attributes })]);
      const sink = new RecordingSink(keys);
      const decoder = new ProtoTraceDecoder(sink);
      for (let round = 0; round < 3; round++) {
        assert.strictEqual(decoder.ingest(body).error, '');
        const seen = sink.spans[round].attributes;
        keys.slice(0, -2).forEach((k, i) => {
          assert.strictEqual(seen[k], k === 'value.first' ? 'vf' : i, `${k}, round ${round}`);
        });
        assert.strictEqual(seen.absent, undefined);
        assert.strictEqual(seen['absent.too'], undefined);
      }
    });

    describe('malformed requests', () => {
      const good = span({ startNs: T0, endNs: T0 + 1n });
      const cases: Array<[string, Buffer, RegExp]> = [
        [
          'a truncated varint',
          msg(request('svc', [good]), Buffer.from([0x10, 0xff])),
          /^ExportTraceServiceRequest: truncated varint/,
        ],
        [
          'a length past the end',
          msg(request('svc', [good]), Buffer.from([0x0a, 0x05, 0x01])),
          /runs past the end/,
        ],
        [
          'an invalid wire type',
          msg(request('svc', [good]), Buffer.from([0x17])),
          /^ExportTraceServiceRequest: invalid wire type 7/,
        ],
        [
          'resource_spans as a varint',
          msg(request('svc', [good]), fVarint(1, 3)),
          /resource_spans \(field 1\): expected wire type LEN, got VARINT/,
        ],
        [
          'a time as a varint',
          request('svc', [good, span({ extra: [fVarint(8, 5)] })]),
          /spans\[1\]: time \(field 8\): expected wire type I64, got VARINT/,
        ],
        [
          'a truncated time',
          request('svc', [good, msg(Buffer.from([0x41, 1, 2, 3]))]),
          /spans\[1\]: truncated fixed64/,
        ],
        [
          'a bad AnyValue',
          request('svc', [
            good,
            span({
              startNs: T0,
              endNs: T0 + 1n,
              attributes: [kv('k', Buffer.from([0x12, 0x09, 0x01]))],
            }),
          ]),
          /spans\[1\]/,
        ],
        [
          'an AnyValue int as LEN',
          request('svc', [
            good,
            span({ startNs: T0, endNs: T0 + 1n, attributes: [kv('k', fLen(3, 'x'))] }),
          ]),
          /AnyValue field 3: expected wire type VARINT, got LEN/,
        ],
        [
          'an unterminated group',
          msg(request('svc', [good]), Buffer.from([0x1b, 0x08, 0x01])),
          /unterminated group/,
        ],
        [
          'a bad resource attribute',
          request('svc', [good], { resource: [fLen(1, msg(fLen(2, Buffer.from([0x0a, 0x03]))))] }),
          /resource_spans\[0\]\.resource/,
        ],
      ];
      for (const [what, body, pattern] of cases) {
        it(`should refuse ${what}, naming where, and record nothing`, () => {
          const { sink, result } = decode(body);
          assert.match(result.error, pattern);
          assert.strictEqual(sink.spans.length, 0);
          assert.strictEqual(result.accepted, 0);
          assert.strictEqual(result.spans, 0);
        });
      }

      it('should refuse AnyValues nested deeper than 32', () => {
        let v = any.int(1);
        for (let i = 0; i < 40; i++) v = any.array(v);
        const { result } = decode(
          request('svc', [span({ startNs: T0, endNs: T0 + 1n, attributes: [kv('deep', v)] })])
        );
        assert.match(result.error, /nested deeper than 32/);
      });

      it('should never throw on random bytes', () => {
        let seed = 42;
        const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
        const base = request('svc', [
          span({ startNs: T0, endNs: T0 + 1n, attributes: [kv('a', any.array(any.string('x')))] }),
        ]);
        for (let i = 0; i < 2000; i++) {
          const b = Buffer.from(base);
          for (let j = 0; j < 3; j++) b[rnd() % b.length] = rnd();
          const { result } = decode(b.subarray(0, b.length - (rnd() % 4)), ['a', 'http.route']);
          assert.strictEqual(typeof result.error, 'string');
        }
      });
    });
  });
});
