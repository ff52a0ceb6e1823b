/**
 * Collector ingest: OTLP/protobuf request bytes → classified, recorded events.
 * Sketch of the issue #6 benchmark; run with `node bench/build/collector-ingest.js [--smoke]`.
 *
 * - walk: the collector's wire walker over every span (validation pass and view
 *   filling pass) into a sink that does nothing;
 * - ingest: the same into an `SloEngine` with the 4-SLO fixture spec (every
 *   SLO classifies every span, reading ~11 attributes);
 * - baseline: protobufjs decoding the whole `ExportTraceServiceRequest` into
 *   message objects (what a generic OTLP receiver does before it can look at a span).
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { parseSpec, SloEngine } from '@burnrate/core';
import { ProtoTraceDecoder } from '@burnrate/collector';
import * as protobuf from 'protobufjs';
import { SMOKE, time } from './harness';

const SPANS_PER_REQUEST = 1000;

const SPEC = parseSpec(`
slos:
  - { name: availability, service: checkout, objective: 99.9, window: 28d, sli: { spans: { routes: ["POST /api/orders", "GET /api/orders/:id"] }, good: { status: ok } } }
  - { name: latency, service: checkout, objective: 99, window: 28d, sli: { spans: { routes: ["GET /api/orders/:id", "GET /api/search"] }, good: { latency: { default: 300ms, routes: { "GET /api/search": 1200ms } } } } }
  - { name: payload, service: checkout, objective: 99.5, window: 7d, sli: { spans: { routes: ["POST /api/orders"] }, good: { status: ok, attributes: { "app.payload.valid": true } } } }
  - { name: clients, objective: 95, window: 1d, sli: { spans: { kind: client }, good: { status: ok } } }
`);

/** One export request of {@link SPANS_PER_REQUEST} HTTP server spans with 10 attributes each. */
function makeRequest(nowMs: number): Buffer {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'host.name': 'web-1',
      'telemetry.sdk.language': 'nodejs',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('bench');
  const routes = [
    ['GET', '/api/orders/:id'],
    ['POST', '/api/orders'],
    ['GET', '/api/search'],
    ['GET', '/healthz'],
  ];
  for (let i = 0; i < SPANS_PER_REQUEST; i++) {
    const [method, route] = routes[i % routes.length];
    const end = nowMs - (i % 1000);
    const s = tracer.startSpan(`${method} ${route}`, {
      kind: i % 10 === 9 ? SpanKind.CLIENT : SpanKind.SERVER,
      startTime: end - (i % 1500),
      attributes: {
        'http.request.method': method,
        'http.route': route,
        'http.response.status_code': i % 50 === 0 ? 503 : 200,
        'url.path': route.replace(':id', String(i)),
        'url.scheme': 'https',
        'server.address': 'shop.example.com',
        'network.protocol.version': '1.1',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) bench',
        'client.address': '10.0.0.1',
        'app.payload.valid': i % 13 !== 0,
      },
    });
    if (i % 97 === 0) s.setStatus({ code: SpanStatusCode.ERROR });
    s.end(end);
  }
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

/** The OTLP trace schema for protobufjs (every field, as trace.proto has them). */
const OTLP = protobuf.Root.fromJSON({
  nested: {
    AnyValue: {
      oneofs: {
        value: {
          oneof: [
            'stringValue',
            'boolValue',
            'intValue',
            'doubleValue',
            'arrayValue',
            'kvlistValue',
            'bytesValue',
          ],
        },
      },
      fields: {
        stringValue: { type: 'string', id: 1 },
        boolValue: { type: 'bool', id: 2 },
        intValue: { type: 'int64', id: 3 },
        doubleValue: { type: 'double', id: 4 },
        arrayValue: { type: 'ArrayValue', id: 5 },
        kvlistValue: { type: 'KeyValueList', id: 6 },
        bytesValue: { type: 'bytes', id: 7 },
      },
    },
    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
    KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
    Resource: {
      fields: {
        attributes: { rule: 'repeated', type: 'KeyValue', id: 1 },
        droppedAttributesCount: { type: 'uint32', id: 2 },
      },
    },
    InstrumentationScope: {
      fields: {
        name: { type: 'string', id: 1 },
        version: { type: 'string', id: 2 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
        droppedAttributesCount: { type: 'uint32', id: 4 },
      },
    },
    Status: { fields: { message: { type: 'string', id: 2 }, code: { type: 'int32', id: 3 } } },
    Event: {
      fields: {
        timeUnixNano: { type: 'fixed64', id: 1 },
        name: { type: 'string', id: 2 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
        droppedAttributesCount: { type: 'uint32', id: 4 },
      },
    },
    Link: {
      fields: {
        traceId: { type: 'bytes', id: 1 },
        spanId: { type: 'bytes', id: 2 },
        traceState: { type: 'string', id: 3 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 4 },
        droppedAttributesCount: { type: 'uint32', id: 5 },
        flags: { type: 'fixed32', id: 6 },
      },
    },
    Span: {
      fields: {
        traceId: { type: 'bytes', id: 1 },
        spanId: { type: 'bytes', id: 2 },
        traceState: { type: 'string', id: 3 },
        parentSpanId: { type: 'bytes', id: 4 },
        flags: { type: 'fixed32', id: 16 },
        name: { type: 'string', id: 5 },
        kind: { type: 'int32', id: 6 },
        startTimeUnixNano: { type: 'fixed64', id: 7 },
        endTimeUnixNano: { type: 'fixed64', id: 8 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 9 },
        droppedAttributesCount: { type: 'uint32', id: 10 },
        events: { rule: 'repeated', type: 'Event', id: 11 },
        droppedEventsCount: { type: 'uint32', id: 12 },
        links: { rule: 'repeated', type: 'Link', id: 13 },
        droppedLinksCount: { type: 'uint32', id: 14 },
        status: { type: 'Status', id: 15 },
      },
    },
    ScopeSpans: {
      fields: {
        scope: { type: 'InstrumentationScope', id: 1 },
        spans: { rule: 'repeated', type: 'Span', id: 2 },
        schemaUrl: { type: 'string', id: 3 },
      },
    },
    ResourceSpans: {
      fields: {
        resource: { type: 'Resource', id: 1 },
        scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 },
        schemaUrl: { type: 'string', id: 3 },
      },
    },
    ExportTraceServiceRequest: {
      fields: { resourceSpans: { rule: 'repeated', type: 'ResourceSpans', id: 1 } },
    },
  },
});

export function run(): void {
  const body = makeRequest(Date.now());
  const requests = SMOKE ? 20 : 300;
  const engine = new SloEngine({ spec: SPEC });
  const ingest = new ProtoTraceDecoder(engine);
  const walk = new ProtoTraceDecoder({ record: () => 0 });
  const Request = OTLP.lookupType('ExportTraceServiceRequest');
  const check = ingest.ingest(body);
  if (check.error !== '' || check.accepted !== SPANS_PER_REQUEST)
    throw new Error(`bad fixture: ${JSON.stringify(check)}`);
  const full = Request.decode(body) as unknown as {
    resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }>;
  };
  if (full.resourceSpans[0].scopeSpans[0].spans.length !== SPANS_PER_REQUEST)
    throw new Error('protobufjs read another number of spans');

  const baseline = time(() => Request.decode(body), Math.max(5, requests / 10), 5);
  const walked = time(() => walk.ingest(body), requests, 5);
  const ingested = time(() => ingest.ingest(body), requests, 5);
  const perSpan = (t: { nsPerOp: number }) => t.nsPerOp / SPANS_PER_REQUEST;
  const rate = (t: { nsPerOp: number }) => `${(1e9 / perSpan(t) / 1e6).toFixed(2)} M spans/s`;
  console.log(
    `request: ${SPANS_PER_REQUEST} spans, ${body.length} bytes (${(body.length / SPANS_PER_REQUEST).toFixed(0)} B/span), 10 attributes per span`
  );
  console.log(
    `protobufjs full decode     ${perSpan(baseline).toFixed(0).padStart(6)} ns/span  ${rate(baseline)}`
  );
  console.log(
    `walker (no engine)         ${perSpan(walked).toFixed(0).padStart(6)} ns/span  ${rate(walked)}  ${(baseline.nsPerOp / walked.nsPerOp).toFixed(1)}x protobufjs`
  );
  console.log(
    `walker + classify + record ${perSpan(ingested).toFixed(0).padStart(6)} ns/span  ${rate(ingested)}  ${(baseline.nsPerOp / ingested.nsPerOp).toFixed(1)}x protobufjs, 4 SLOs`
  );
}

if (require.main === module) run();
