/**
 * Collector ingest: OTLP request bytes → classified, recorded events (issue #6).
 * Run with `node bench/build/collector-ingest.js [--smoke]`.
 *
 * Protobuf (1,000 HTTP server/client spans per request, 10 attributes each, 4 SLOs):
 * - baseline: protobufjs decoding the whole `ExportTraceServiceRequest` into
 *   message objects (what a generic OTLP receiver does before it can look at a span);
 * - walk: `ProtoTraceDecoder` into a sink that does nothing;
 * - ingest: `ProtoTraceDecoder` into an `SloEngine` with the 4-SLO spec.
 * JSON (the same spans through the OTel JSON serializer):
 * - baseline: `JSON.parse` of the body (bytes → UTF-8 text → objects);
 * - ingest: `JsonTraceDecoder` into an `SloEngine`.
 * And the engine alone on the same spans copied into plain objects, to show what decoding adds.
 *
 * Every candidate runs once per round, rounds interleaved; ratios are medians of
 * the per-round ratios (the machine is shared: absolute times drift, ratios less).
 * Heap growth per span is measured over ≥ 1 M spans with no GC in between.
 */
import { exportTraceServiceRequestType } from '@burnrate/test-utils';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { parseSpec, SloEngine, type AttributeValue, type SpanView } from '@burnrate/core';
import { JsonTraceDecoder, ProtoTraceDecoder } from '@burnrate/collector';
import { SMOKE } from './harness';

const SPANS_PER_REQUEST = 1000;

export const SPEC = parseSpec(`
slos:
  - { name: availability, service: checkout, objective: 99.9, window: 28d, sli: { spans: { routes: ["POST /api/orders", "GET /api/orders/:id"] }, good: { status: ok } } }
  - { name: latency, service: checkout, objective: 99, window: 28d, sli: { spans: { routes: ["GET /api/orders/:id", "GET /api/search"] }, good: { latency: { default: 300ms, routes: { "GET /api/search": 1200ms } } } } }
  - { name: payload, service: checkout, objective: 99.5, window: 7d, sli: { spans: { routes: ["POST /api/orders"] }, good: { status: ok, attributes: { "app.payload.valid": true } } } }
  - { name: clients, objective: 95, window: 1d, sli: { spans: { kind: client }, good: { status: ok } } }
`);

/** One export request of {@link SPANS_PER_REQUEST} HTTP spans with 10 attributes each, as protobuf and JSON. */
export function makeRequests(nowMs: number): { proto: Buffer; json: Buffer } {
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
  const spans = exporter.getFinishedSpans();
  return {
    proto: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
    json: Buffer.from(JsonTraceSerializer.serializeRequest(spans)!),
  };
}

/** A span copied into a plain object (every attribute decoded once): the engine alone. */
class PlainView implements SpanView {
  kind = -1;
  name = '';
  endTimeMs = 0;
  durationMs = 0;
  statusCode = 0;
  serviceName: string | undefined = undefined;
  attrs = new Map<string, AttributeValue>();
  attribute(key: string): AttributeValue | undefined {
    return this.attrs.get(key);
  }
}

/** The spans of a request as plain views, copied through the decoder once. */
function plainViews(proto: Buffer): PlainView[] {
  const views: PlainView[] = [];
  const keys = new Set<string>();
  // the keys of the bench spans, then what the SLIs may ask for
  for (const k of [
    'http.request.method',
    'http.method',
    'http.route',
    'url.path',
    'http.target',
    'http.response.status_code',
    'http.status_code',
    'rpc.grpc.status_code',
    'rpc.status_code',
    'rpc.service',
    'rpc.method',
    'url.scheme',
    'server.address',
    'network.protocol.version',
    'user_agent.original',
    'client.address',
    'app.payload.valid',
  ])
    keys.add(k);
  new ProtoTraceDecoder({
    record: (v: SpanView) => {
      const p = new PlainView();
      p.kind = v.kind;
      p.name = v.name;
      p.endTimeMs = v.endTimeMs;
      p.durationMs = v.durationMs;
      p.statusCode = v.statusCode;
      p.serviceName = v.serviceName;
      for (const k of keys) {
        const a = v.attribute(k);
        if (a !== undefined) p.attrs.set(k, a);
      }
      views.push(p);
      return 0;
    },
  }).ingest(proto);
  return views;
}

interface Candidate {
  name: string;
  /** One request's worth of work (1,000 spans). */
  fn: () => void;
  /** The candidate its ratio is taken against. */
  baseline?: string;
  /** Ratio as baseline time / candidate time (how many times faster), else candidate throughput / baseline throughput in %. */
  ratio?: 'times' | 'percent';
  samples: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Heap growth per call of `fn` over `calls` calls with no GC in between; NaN when a GC always ran. */
function heapBytesPerCall(fn: () => void, calls: number): number {
  const gc = (global as { gc?: () => void }).gc;
  let n = calls;
  for (let attempt = 0; attempt < 5; attempt++) {
    gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < n; i++) fn();
    const after = process.memoryUsage().heapUsed;
    if (after >= before) return (after - before) / n;
    n = Math.max(10, Math.floor(n / 2));
  }
  return NaN;
}

export function run(): void {
  const { proto, json } = makeRequests(Date.now());
  const rounds = SMOKE ? 3 : 15;
  const perRound = SMOKE ? 5 : 60;
  const engine = new SloEngine({ spec: SPEC });
  const ingest = new ProtoTraceDecoder(engine);
  const walk = new ProtoTraceDecoder({ record: () => 0 });
  const jsonEngine = new SloEngine({ spec: SPEC });
  const jsonIngest = new JsonTraceDecoder(jsonEngine);
  const plainEngine = new SloEngine({ spec: SPEC });
  const Request = exportTraceServiceRequestType();

  const check = ingest.ingest(proto);
  if (check.error !== '' || check.accepted !== SPANS_PER_REQUEST)
    throw new Error(`bad protobuf fixture: ${JSON.stringify(check)}`);
  const jsonCheck = jsonIngest.ingest(json);
  if (jsonCheck.error !== '' || jsonCheck.accepted !== SPANS_PER_REQUEST)
    throw new Error(`bad JSON fixture: ${JSON.stringify(jsonCheck)}`);
  const full = Request.decode(proto) as unknown as {
    resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }>;
  };
  if (full.resourceSpans[0].scopeSpans[0].spans.length !== SPANS_PER_REQUEST)
    throw new Error('protobufjs read another number of spans');
  // the same decisions from both decoders and the engine
  const a = JSON.stringify(engine.snapshot().map(s => s.totals));
  const b = JSON.stringify(jsonEngine.snapshot().map(s => s.totals));
  if (a !== b) throw new Error(`protobuf and JSON ingest disagree: ${a} vs ${b}`);

  const views = plainViews(proto);
  const candidates: Candidate[] = [
    { name: 'protobufjs full decode', fn: () => Request.decode(proto), samples: [] },
    {
      name: 'ProtoTraceDecoder, no engine',
      fn: () => walk.ingest(proto),
      baseline: 'protobufjs full decode',
      ratio: 'times',
      samples: [],
    },
    {
      name: 'ProtoTraceDecoder + SloEngine',
      fn: () => ingest.ingest(proto),
      baseline: 'protobufjs full decode',
      ratio: 'times',
      samples: [],
    },
    {
      name: 'JSON.parse (bytes to objects)',
      fn: () => JSON.parse(json.toString('utf8')),
      samples: [],
    },
    {
      name: 'JsonTraceDecoder + SloEngine',
      fn: () => jsonIngest.ingest(json),
      baseline: 'JSON.parse (bytes to objects)',
      ratio: 'percent',
      samples: [],
    },
    {
      name: 'SloEngine.record alone (same spans, plain views)',
      fn: () => {
        for (let i = 0; i < views.length; i++) plainEngine.record(views[i]);
      },
      samples: [],
    },
  ];
  for (const c of candidates) for (let i = 0; i < Math.min(perRound, 20); i++) c.fn();
  for (let r = 0; r < rounds; r++) {
    for (const c of candidates) {
      const n = c.name.startsWith('protobufjs') ? Math.max(2, perRound / 6) : perRound;
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) c.fn();
      c.samples.push(Number(process.hrtime.bigint() - start) / n / SPANS_PER_REQUEST);
    }
  }

  console.log(
    `protobuf request: ${SPANS_PER_REQUEST} spans, ${proto.length} bytes (${(proto.length / SPANS_PER_REQUEST).toFixed(0)} B/span); ` +
      `JSON: ${json.length} bytes (${(json.length / SPANS_PER_REQUEST).toFixed(0)} B/span); 10 attributes per span, 4 SLOs; ` +
      `median of ${rounds} interleaved rounds`
  );
  for (const c of candidates) {
    const nsPerSpan = median(c.samples);
    let note = '';
    if (c.baseline !== undefined) {
      const base = candidates.find(x => x.name === c.baseline)!;
      const ratios = c.samples.map((s, i) => base.samples[i] / s);
      const r = median(ratios);
      note =
        c.ratio === 'percent'
          ? `  ${(r * 100).toFixed(0)} % of ${c.baseline} throughput`
          : `  ${r.toFixed(1)}x ${c.baseline}`;
    }
    console.log(
      `${c.name.padEnd(48)} ${nsPerSpan.toFixed(0).padStart(6)} ns/span  ${(1e3 / nsPerSpan).toFixed(2)} M spans/s${note}`
    );
  }

  const calls = SMOKE ? 50 : 1000;
  const protoHeap = heapBytesPerCall(() => ingest.ingest(proto), calls) / SPANS_PER_REQUEST;
  const jsonHeap = heapBytesPerCall(() => jsonIngest.ingest(json), SMOKE ? 5 : 20);
  console.log(
    `heap growth: ProtoTraceDecoder + SloEngine ${protoHeap.toFixed(2)} B/span over ${calls * SPANS_PER_REQUEST} spans` +
      `${(global as { gc?: unknown }).gc === undefined ? ' (run with --expose-gc for a clean start)' : ''}; ` +
      `JsonTraceDecoder + SloEngine ${(jsonHeap / SPANS_PER_REQUEST).toFixed(0)} B/span including JSON.parse`
  );
}

if (require.main === module) run();
