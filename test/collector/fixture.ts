import { request } from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { parseSpec, type SloSpec } from '@burnrate/core';
import { SloSpanProcessor } from '@burnrate/otel';
import * as protobuf from 'protobufjs';

/** The spec every collector test uses. */
export const SPEC_TEXT = `
slos:
  - name: checkout-availability
    service: checkout
    objective: 99.9
    window: 28d
    sli:
      spans:
        kind: server
        routes: ["POST /api/orders", "GET /api/orders/:id"]
      good:
        status: ok
  - name: orders-latency
    service: checkout
    objective: 99
    window: 28d
    sli:
      spans: { routes: ["GET /api/orders/:id", "GET /api/search"] }
      good:
        latency: { default: 300ms, routes: { "GET /api/search": 1200ms } }
  - name: orders-payload
    service: checkout
    objective: 99.5
    window: 7d
    sli:
      spans: { routes: ["POST /api/orders"] }
      good: { status: ok, attributes: { "app.payload.valid": true } }
  - name: client-calls
    objective: 95
    window: 1d
    sli:
      spans: { kind: client }
      good: { status: ok }
`;

/** The parsed spec. */
export const SPEC: SloSpec = parseSpec(SPEC_TEXT, 'fixture');

const ROUTES = [
  ['GET', '/api/orders/:id'],
  ['POST', '/api/orders'],
  ['GET', '/api/search'],
  ['GET', '/healthz'],
] as const;
const STATUS_CODES = [200, 200, 201, 404, 500, 503, 200, 429];
const DURATIONS_MS = [12, 80, 299, 300, 301, 450, 1199, 1200, 1201, 2500];

/**
 * The shared fixture: 120 spans made with a real `BasicTracerProvider`, with a
 * fixed set of routes, methods, status codes, span statuses, kinds, payload
 * flags and durations (some at exactly a latency threshold), ending within the
 * last minute before `nowMs`. An `SloSpanProcessor` on the same provider,
 * whose clock stands at `nowMs`, computes the reference numbers.
 */
export function makeFixture(nowMs: number): {
  spans: ReadableSpan[];
  processor: SloSpanProcessor;
  referenceMetrics(): Promise<string>;
} {
  const exporter = new InMemorySpanExporter();
  const promReader = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [promReader] });
  // received at nowMs (the time rule): collectors given the same clock agree exactly
  const processor = new SloSpanProcessor({
    spec: SPEC,
    meterProvider,
    clock: { now: () => nowMs },
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    spanProcessors: [processor, new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('fixture');
  for (let i = 0; i < 120; i++) {
    const [method, route] = ROUTES[i % ROUTES.length];
    const kind =
      i % 10 === 9 ? SpanKind.CLIENT : i % 15 === 7 ? SpanKind.INTERNAL : SpanKind.SERVER;
    const duration = DURATIONS_MS[i % DURATIONS_MS.length];
    const end = nowMs - 1_000 - ((i * 379) % 50_000);
    const span = tracer.startSpan(`${method} ${route}`, {
      kind,
      startTime: end - duration,
      attributes: {
        'http.request.method': method,
        'http.route': route,
        'http.response.status_code': STATUS_CODES[i % STATUS_CODES.length],
        'app.payload.valid': i % 7 !== 3,
        'app.tags': ['a', 'b'],
        'app.count': i,
      },
    });
    if (i % 11 === 5) span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    else if (i % 4 === 0) span.setStatus({ code: SpanStatusCode.OK });
    span.end(end);
  }
  return {
    spans: exporter.getFinishedSpans(),
    processor,
    referenceMetrics: async () => {
      const { resourceMetrics } = await promReader.collect();
      return new PrometheusSerializer().serialize(resourceMetrics);
    },
  };
}

/** The `slo_*` sample lines of a Prometheus exposition, sorted. */
export function sloLines(text: string): string[] {
  return text
    .split('\n')
    .filter(l => l.startsWith('slo_'))
    .sort();
}

/** An HTTP answer. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends one request to 127.0.0.1:`port`. */
export function send(
  port: number,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string> = {}
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...headers,
          ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          })
        );
        res.on('error', reject);
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** GET a path as text. */
export async function getText(port: number, path: string): Promise<string> {
  const a = await send(port, 'GET', path);
  if (a.status !== 200) throw new Error(`GET ${path}: ${a.status} ${a.body.toString()}`);
  return a.body.toString('utf8');
}

const root = protobuf.Root.fromJSON({
  nested: {
    Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } },
    PartialSuccess: {
      fields: { rejectedSpans: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } },
    },
    ExportTraceServiceResponse: { fields: { partialSuccess: { type: 'PartialSuccess', id: 1 } } },
  },
});

/** Decodes a `google.rpc.Status` with protobufjs. */
export function decodeStatus(body: Buffer): { code: number; message: string } {
  const o = root
    .lookupType('Status')
    .toObject(root.lookupType('Status').decode(body), { defaults: true });
  return { code: o.code as number, message: o.message as string };
}

/** Decodes an `ExportTraceServiceResponse` with protobufjs. */
export function decodeExportResponse(
  body: Buffer
): { rejectedSpans: number; errorMessage: string } | undefined {
  const t = root.lookupType('ExportTraceServiceResponse');
  const o = t.toObject(t.decode(body), { longs: Number });
  return o.partialSuccess as { rejectedSpans: number; errorMessage: string } | undefined;
}
