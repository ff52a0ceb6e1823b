import * as assert from 'node:assert';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { JsonTraceDecoder, MAX_HELD_JSON_SPANS } from '../../src/otlp/json-trace-decoder';
import { ProtoTraceDecoder } from '../../src/otlp/proto-trace-decoder';
import { any, kv, request, span } from './proto-writer';
import { RecordingSink } from './recording-sink';

function decode(doc: unknown, keys: string[] = []) {
  const sink = new RecordingSink(keys);
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  const result = new JsonTraceDecoder(sink).ingest(Buffer.from(text, 'utf8'));
  return { sink, result };
}

const START = '1700000000000000000';
const END = '1700000000250000000';

function doc(
  spans: unknown[],
  resourceAttributes: unknown[] = [{ key: 'service.name', value: { stringValue: 'svc' } }]
) {
  return {
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes },
        scopeSpans: [{ scope: { name: 's' }, spans }],
      },
    ],
  };
}

describe('JsonTraceDecoder', () => {
  describe('.ingest', () => {
    it('should read what the OTel SDK JSON serializer writes exactly as the protobuf decoder reads the same spans', () => {
      const exporter = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'checkout' }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const tracer = provider.getTracer('test');
      const attrs = {
        'http.route': '/r',
        code: 200,
        big: 2 ** 60,
        d: 0.5,
        b: true,
        arr: ['x', 'y'],
        nums: [1, 2],
      };
      for (let i = 0; i < 4; i++) {
        const s = tracer.startSpan(`s${i}`, {
          kind: SpanKind.SERVER,
          attributes: attrs,
          startTime: [1_700_000_000, i],
        });
        s.setStatus({ code: i % 2 === 0 ? SpanStatusCode.ERROR : SpanStatusCode.OK });
        s.end([1_700_000_001, 7 * i]);
      }
      const spans = exporter.getFinishedSpans();
      const keys = [...Object.keys(attrs), 'absent'];
      const fromJson = new RecordingSink(keys);
      const fromProto = new RecordingSink(keys);
      const jr = new JsonTraceDecoder(fromJson).ingest(
        JsonTraceSerializer.serializeRequest(spans)!
      );
      const pr = new ProtoTraceDecoder(fromProto).ingest(
        ProtobufTraceSerializer.serializeRequest(spans)!
      );
      assert.deepStrictEqual(jr, pr);
      assert.strictEqual(fromJson.spans.length, 4);
      assert.deepStrictEqual(fromJson.spans, fromProto.spans);
    });

    it('should decode every AnyValue type like the protobuf decoder', () => {
      const big = 2n ** 60n + 1n;
      const json = doc([
        {
          startTimeUnixNano: START,
          endTimeUnixNano: END,
          attributes: [
            { key: 's', value: { stringValue: 'text' } },
            { key: 't', value: { boolValue: true } },
            { key: 'i', value: { intValue: '503' } },
            { key: 'n', value: { intValue: 503 } },
            { key: 'neg', value: { intValue: '-42' } },
            { key: 'big', value: { intValue: big.toString() } },
            { key: 'd', value: { doubleValue: 1.5 } },
            { key: 'inf', value: { doubleValue: 'Infinity' } },
            { key: 'bytes', value: { bytesValue: Buffer.from([0, 1, 2, 250]).toString('base64') } },
            {
              key: 'arr',
              value: {
                arrayValue: {
                  values: [
                    { stringValue: 'x' },
                    { intValue: '7' },
                    { boolValue: true },
                    { doubleValue: 2.5 },
                    { intValue: big.toString() },
                    {},
                    { arrayValue: { values: [{ intValue: 1 }] } },
                  ],
                },
              },
            },
            {
              key: 'kvl',
              value: {
                kvlistValue: {
                  values: [
                    { key: 'a', value: { intValue: '1' } },
                    { key: 'b', value: { arrayValue: { values: [{ stringValue: 'y' }] } } },
                    {
                      key: 'c',
                      value: {
                        kvlistValue: {
                          values: [
                            {
                              key: 'd',
                              value: { bytesValue: Buffer.from('hi').toString('base64') },
                            },
                          ],
                        },
                      },
                    },
                  ],
                },
              },
            },
            { key: 'empty', value: {} },
          ],
        },
      ]);
      const keys = [
        's',
        't',
        'i',
        'n',
        'neg',
        'big',
        'd',
        'inf',
        'bytes',
        'arr',
        'kvl',
        'empty',
        'missing',
      ];
      const { sink, result } = decode(json, keys);
      assert.strictEqual(result.error, '');
      const proto = new RecordingSink(keys);
      new ProtoTraceDecoder(proto).ingest(
        request('svc', [
          span({
            startNs: BigInt(START),
            endNs: BigInt(END),
            attributes: [
              kv('s', any.string('text')),
              kv('t', any.bool(true)),
              kv('i', any.int(503)),
              kv('n', any.int(503)),
              kv('neg', any.int(-42)),
              kv('big', any.int(big)),
              kv('d', any.double(1.5)),
              kv('inf', any.double(Infinity)),
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
            ],
          }),
        ])
      );
      assert.deepStrictEqual(sink.spans[0].attributes, proto.spans[0].attributes);
      assert.strictEqual(sink.spans[0].attributes.big, big);
      assert.strictEqual(sink.spans[0].attributes.n, 503);
    });

    it('should accept snake_case keys, ids in either case, enums and int64 as strings or numbers, and ignore unknown fields', () => {
      const spans = [
        {
          traceId: 'ABCDEF0123456789abcdef0123456789',
          spanId: 'ABCDEF0123456789',
          kind: 2,
          startTimeUnixNano: START,
          endTimeUnixNano: END,
          status: { code: 2 },
          future: { x: 1 },
        },
        {
          trace_id: 'abcdef0123456789ABCDEF0123456789',
          span_id: 'abcdef0123456789',
          kind: 'SPAN_KIND_CLIENT',
          start_time_unix_nano: Number(START),
          end_time_unix_nano: END,
          status: { code: 'STATUS_CODE_OK' },
          attributes: [{ key: 'k', value: { string_value: 'v' } }],
        },
      ];
      const body = {
        resource_spans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { string_value: 'snake' } }] },
            scope_spans: [{ spans, extra: true }],
          },
        ],
        other: 1,
      };
      const { sink, result } = decode(body, ['k']);
      assert.strictEqual(result.error, '');
      assert.strictEqual(sink.spans.length, 2);
      assert.deepStrictEqual(
        sink.spans.map(s => [s.kind, s.statusCode, s.serviceName, s.durationMs, s.attributes.k]),
        [
          [1, 2, 'snake', 250, undefined],
          [2, 1, 'snake', 250, 'v'],
        ]
      );
    });

    it('should accept an empty body and an empty object', () => {
      assert.deepStrictEqual(new JsonTraceDecoder(new RecordingSink([])).ingest(Buffer.alloc(0)), {
        error: '',
        spans: 0,
        accepted: 0,
        rejected: 0,
        rejectMessage: '',
      });
      assert.strictEqual(decode({}).result.error, '');
    });

    it('should reject spans without an end time through partial success', () => {
      const { sink, result } = decode(
        doc([
          { startTimeUnixNano: START, endTimeUnixNano: END },
          { startTimeUnixNano: START },
          { startTimeUnixNano: END, endTimeUnixNano: START },
        ])
      );
      assert.strictEqual(result.rejected, 2);
      assert.strictEqual(result.accepted, 1);
      assert.strictEqual(
        result.rejectMessage,
        'resourceSpans[0].scopeSpans[0].spans[1]: endTimeUnixNano is missing'
      );
      assert.strictEqual(sink.spans.length, 1);
    });

    it('should read camelCase (fast path) and snake_case (general path) requests alike', () => {
      const camel = [
        {
          traceId: 'ab'.repeat(16),
          name: 'a',
          kind: 2,
          startTimeUnixNano: '1700000000123456789',
          endTimeUnixNano: 1_700_000_000_500_000_000,
          status: { code: 'STATUS_CODE_ERROR' },
          attributes: [
            { key: 'i', value: { intValue: 503 } },
            { key: 'b', value: { boolValue: true } },
            { key: 'd', value: { doubleValue: 0.5 } },
            { key: 'l', value: { arrayValue: { values: [{ stringValue: 'x' }] } } },
            { key: 'n' },
          ],
        },
        // beyond the fast time range (seconds ≥ 2^53 / 5^9) and 20 digits: BigInt
        { startTimeUnixNano: '4611686019000000000', endTimeUnixNano: '4611686019000000001' },
        { startTimeUnixNano: '1', endTimeUnixNano: '18446744073709551615' },
        { startTimeUnixNano: 0.5e9, endTimeUnixNano: 2 ** 53 + 2, status: { code: 2 ** 32 + 2 } },
      ];
      const snake = camel.map(span => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(span))
          out[k.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`)] = v;
        return out;
      });
      const keys = ['i', 'b', 'd', 'l', 'n', 'absent'];
      const fast = decode(doc(camel), keys);
      const general = decode(doc(snake), keys);
      assert.strictEqual(fast.result.error, '');
      assert.deepStrictEqual(fast.result, general.result);
      assert.deepStrictEqual(fast.sink.spans, general.sink.spans);
      // independent computation of the times
      const ms = (ns: bigint) => Number(ns) / 1e6;
      assert.deepStrictEqual(
        fast.sink.spans.map(s => [s.endTimeMs, s.durationMs]),
        [
          [ms(1700000000500000000n), ms(1700000000500000000n - 1700000000123456789n)],
          [ms(4611686019000000001n), ms(1n)],
          [ms(18446744073709551615n), ms(18446744073709551614n)],
          [ms(2n ** 53n + 2n), ms(2n ** 53n + 2n - 500000000n)],
        ]
      );
      assert.deepStrictEqual(
        fast.sink.spans.map(s => s.statusCode),
        [2, 0, 0, 2 ** 32 + 2]
      );
      assert.deepStrictEqual(fast.sink.spans[0].attributes, {
        i: 503,
        b: true,
        d: 0.5,
        l: ['x'],
        n: null,
        absent: undefined,
      });
    });

    it('should record a request larger than it holds, and nothing of one that is malformed at its end', () => {
      const n = MAX_HELD_JSON_SPANS + 7;
      const spans: unknown[] = [];
      for (let i = 0; i < n; i++) {
        spans.push({
          name: `s${i}`,
          startTimeUnixNano: START,
          endTimeUnixNano: String(BigInt(START) + BigInt(i + 1) * 1000n),
          attributes: [{ key: 'i', value: { intValue: i } }],
        });
      }
      const { sink, result } = decode(doc(spans), ['i']);
      assert.strictEqual(result.error, '');
      assert.strictEqual(result.spans, n);
      assert.strictEqual(result.accepted, n);
      for (let i = 0; i < n; i++) {
        assert.strictEqual(sink.spans[i].attributes.i, i);
        assert.strictEqual(sink.spans[i].name, `s${i}`);
        assert.strictEqual(sink.spans[i].durationMs, (i + 1) / 1000);
      }
      spans.push({ startTimeUnixNano: START, endTimeUnixNano: END, kind: 'server' });
      const refused = decode(doc(spans), ['i']);
      assert.match(refused.result.error, new RegExp(`spans\\[${n}\\]\\.kind`));
      assert.strictEqual(refused.sink.spans.length, 0);
      assert.strictEqual(refused.result.spans, 0);
    });

    const malformed: Array<[string, unknown, RegExp]> = [
      ['text that is not JSON', '{"resourceSpans": [', /^invalid JSON/],
      ['an array', [], /expected a JSON object/],
      [
        'resourceSpans that is not an array',
        { resourceSpans: {} },
        /^resourceSpans: expected an array/,
      ],
      [
        'a non-hex trace id',
        doc([{ traceId: 'xyz0', startTimeUnixNano: START, endTimeUnixNano: END }]),
        /spans\[0\]\.traceId: expected a hex id/,
      ],
      [
        'a time that is not an integer',
        doc([{ startTimeUnixNano: '1.5', endTimeUnixNano: END }]),
        /spans\[0\]\.startTimeUnixNano/,
      ],
      [
        'an intValue that is not an integer',
        doc([
          {
            startTimeUnixNano: START,
            endTimeUnixNano: END,
            attributes: [{ key: 'k', value: { intValue: 'x1' } }],
          },
        ]),
        /attributes\[0\]\.value\.intValue/,
      ],
      [
        'a kind that is not an enum',
        doc([{ kind: 'server', startTimeUnixNano: START, endTimeUnixNano: END }]),
        /spans\[0\]\.kind/,
      ],
      [
        'attributes that are not a list',
        doc([{ startTimeUnixNano: START, endTimeUnixNano: END, attributes: { k: 1 } }]),
        /spans\[0\]\.attributes: expected an array/,
      ],
    ];
    for (const [what, body, pattern] of malformed) {
      it(`should refuse ${what}, naming where, and record nothing`, () => {
        // a well-formed resource before the malformed one: it must not be recorded either
        const rs = (body as { resourceSpans?: unknown } | null)?.resourceSpans;
        const sent = Array.isArray(rs)
          ? {
              resourceSpans: [
                doc([{ startTimeUnixNano: START, endTimeUnixNano: END }]).resourceSpans[0],
                ...rs,
              ],
            }
          : body;
        const { sink, result } = decode(sent);
        assert.match(result.error, pattern);
        assert.strictEqual(sink.spans.length, 0);
      });
    }
  });
});
