/**
 * Issue #17: journey SLOs. Spans per second through the collector's OTLP
 * protobuf decoder and engine with one journey SLO (every span assembled by
 * trace id), against the plain per-span path (one per-span SLO over the same
 * entry spans) in the same run; and the memory a trace in flight holds,
 * against the per-span engine fed the same traffic.
 */
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  KEPT_SPAN_BYTES,
  parseSpec,
  SloEngine,
  TRACE_BYTES,
  type SloSpec,
  type SpanView,
} from '@burnrate/core';
import { ProtoTraceDecoder } from '@burnrate/collector';
import { bytes, compare, heapAfterGc, perSecond, report, SMOKE } from './harness';

/** Traces per export request: 4 spans each (web server and client, payments, stock). */
const TRACES_PER_REQUEST = 250;
const SPANS_PER_TRACE = 4;

export const JOURNEY = parseSpec(`
slos:
  - name: checkout-journey
    service: web
    objective: 99.5
    window: 28d
    sli:
      trace:
        entry: { routes: ["POST /checkout"] }
        mustSucceed: [ { service: payments }, { service: stock } ]
        decisionWait: 2s
      good: { status: ok, latency: 2s }
`);

const PER_SPAN = parseSpec(`
slos:
  - name: web-availability
    service: web
    objective: 99.5
    window: 28d
    sli:
      spans: { routes: ["POST /checkout"] }
      good: { status: ok }
`);

interface Service {
  tracer: Tracer;
  memory: InMemorySpanExporter;
}

function service(name: string): Service {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': name, 'service.version': '1.0.0' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  }).getTracer('bench');
  return { tracer, memory };
}

/** `n` checkout traces of four spans (every 50th payment fails), web's first in each request. */
function traces(n: number, nowMs: number): ReadableSpan[] {
  const web = service('web');
  const payments = service('payments');
  const stock = service('stock');
  for (let i = 0; i < n; i++) {
    const t0 = nowMs - 1_000;
    const root = web.tracer.startSpan('POST /checkout', {
      kind: SpanKind.SERVER,
      startTime: t0,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/checkout',
        'http.response.status_code': 200,
      },
    });
    const parent = trace.setSpan(context.active(), root);
    const call = web.tracer.startSpan('POST', { kind: SpanKind.CLIENT, startTime: t0 + 5 }, parent);
    const pay = payments.tracer.startSpan(
      'POST /pay',
      {
        kind: SpanKind.SERVER,
        startTime: t0 + 10,
        attributes: {
          'http.request.method': 'POST',
          'http.route': '/pay',
          'http.response.status_code': i % 50 === 0 ? 503 : 200,
        },
      },
      trace.setSpan(context.active(), call)
    );
    if (i % 50 === 0) pay.setStatus({ code: SpanStatusCode.ERROR });
    pay.end(t0 + 60);
    call.end(t0 + 70);
    stock.tracer
      .startSpan('reserve', { kind: SpanKind.CONSUMER, startTime: t0 + 80 }, parent)
      .end(t0 + 90);
    root.end(t0 + 100);
  }
  return [web, payments, stock].flatMap(s => s.memory.getFinishedSpans());
}

/** A request body and the byte offsets of its spans' trace ids (rewritten per request). */
export function request(nowMs: number): { body: Buffer; idOffsets: number[] } {
  const spans = traces(TRACES_PER_REQUEST, nowMs);
  const u8 = ProtobufTraceSerializer.serializeRequest(spans)!;
  const body = Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
  const idOffsets: number[] = [];
  for (const s of spans) {
    const id = Buffer.from(s.spanContext().traceId, 'hex');
    // a trace id field: tag 0x0a, length 16, then the id
    for (let at = body.indexOf(id); at >= 0; at = body.indexOf(id, at + 1)) {
      if (body[at - 2] === 0x0a && body[at - 1] === 16 && !idOffsets.includes(at)) {
        idOffsets.push(at);
        break;
      }
    }
  }
  if (idOffsets.length !== spans.length) throw new Error('trace ids not found in the request');
  return { body, idOffsets };
}

/** Makes every trace of the body new: the request number in the first 4 bytes of each trace id. */
export function renumber(body: Buffer, idOffsets: readonly number[], n: number): void {
  for (const at of idOffsets) body.writeUInt32BE(n >>> 0, at);
}

/** The engine and decoder of `spec` (default bounds) on a clock that moves 100 ms per request. */
export function pipeline(spec: SloSpec, nowMs: number) {
  const clock = { t: nowMs, now: () => clock.t };
  const engine = new SloEngine({ spec, clock });
  return { clock, engine, decoder: new ProtoTraceDecoder(engine) };
}

export function throughput(nowMs: number): void {
  const { body, idOffsets } = request(nowMs);
  const plain = pipeline(PER_SPAN, nowMs);
  const journey = pipeline(JOURNEY, nowMs);
  let n = 0;
  const ingest = (p: ReturnType<typeof pipeline>) => () => {
    renumber(body, idOffsets, ++n);
    p.clock.t += 100;
    const r = p.decoder.ingest(body);
    if (r.accepted !== TRACES_PER_REQUEST * SPANS_PER_TRACE) throw new Error(r.error);
  };
  const ops = SMOKE ? 20 : 400;
  const rounds = SMOKE ? 3 : 7;
  const c = compare(
    [
      { name: 'per-span SLO: decode + classify + record (baseline)', fn: ingest(plain) },
      { name: 'journey SLO: decode + assemble + decide', fn: ingest(journey) },
    ],
    ops,
    rounds
  );
  const spansPerRequest = TRACES_PER_REQUEST * SPANS_PER_TRACE;
  for (const r of c) {
    report(
      r.name,
      perSecond((spansPerRequest * 1e9) / r.nsPerOp),
      r === c[0] ? undefined : 1 / r.ratio,
      r === c[0] ? '' : 'speed vs per-span'
    );
  }
  const j = journey.engine.journeys!;
  const events = journey.engine.snapshot()[0];
  report(
    'journeys decided (good, bad), traces in flight',
    `${events.good}, ${events.bad}, ${j.tracesInFlight}`
  );
}

function memoryPerTrace(nowMs: number): void {
  const n = SMOKE ? 5_000 : 50_000;
  const spans = traces(n, nowMs);
  const views = spans.map(viewOf);
  const run = (spec: SloSpec) => {
    const clock = { now: () => nowMs };
    const before = heapAfterGc();
    const engine = new SloEngine({ spec, clock, maxTracesInFlight: n });
    const built = heapAfterGc();
    for (const v of views) engine.record(v);
    const after = heapAfterGc();
    return { engine, total: after - before, fed: after - built };
  };
  const plain = run(PER_SPAN);
  const journey = run(JOURNEY);
  const j = journey.engine.journeys!;
  if (j.tracesInFlight !== n)
    throw new Error(`${j.tracesInFlight} traces in flight, expected ${n}`);
  const perTrace = (journey.fed - plain.fed) / n;
  report(`per-span engine, after ${n} traces (baseline)`, bytes(plain.total));
  report(
    `journey engine, ${n} traces in flight`,
    bytes(journey.total),
    journey.total / plain.total,
    'memory vs per-span'
  );
  report('memory per trace in flight (measured)', bytes(perTrace));
  const estimate = j.bufferBytes / n;
  report(
    `estimate (${TRACE_BYTES} B a trace + ${KEPT_SPAN_BYTES} B a kept span)`,
    bytes(estimate),
    perTrace / estimate,
    'measured vs estimate'
  );
}

/** A plain SpanView copy of an SDK span (the memory run feeds the engine directly). */
function viewOf(s: ReadableSpan): SpanView {
  const end = s.endTime[0] * 1e3 + s.endTime[1] / 1e6;
  const attrs = s.attributes;
  const resource = s.resource.attributes;
  return {
    kind: s.kind,
    name: s.name,
    endTimeMs: end,
    durationMs: s.duration[0] * 1e3 + s.duration[1] / 1e6,
    statusCode: s.status.code,
    serviceName: resource['service.name'] as string,
    serviceVersion: resource['service.version'] as string,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    hasParent: s.parentSpanContext !== undefined,
    attribute: k => attrs[k] as never,
  };
}

export function run(): void {
  const nowMs = Date.now();
  throughput(nowMs);
  memoryPerTrace(nowMs);
}
