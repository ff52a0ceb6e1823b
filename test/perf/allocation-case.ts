/**
 * One case of allocation.test.ts, run in a process of its own (as in
 * production, a process sees one kind of span view, and V8 keeps its property
 * reads monomorphic; a test process that has seen every test's views would
 * measure the mix). Prints an {@link Allocation} as JSON.
 *
 * `node allocation-case.js engine|engineGrouped|engineCorrected|processor|proto CALLS`
 */
import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  formatRecurrence,
  parseRecurrence,
  parseSpec,
  SloEngine,
  type AttributeValue,
  type SpanView,
} from '@burnrate/core';
import { ProtoTraceDecoder } from '@burnrate/collector';
import { SloSpanProcessor } from '@burnrate/otel';
import { allocatedBytesPerCall, type Allocation } from '../helpers/allocation';

/**
 * Ten SLOs of three SLIs (status, latency, attribute), all selecting POST /api/orders;
 * with `groupBy`, each grouped by it (docs/groups.md).
 */
const specOf = (groupBy = ''): ReturnType<typeof parseSpec> =>
  parseSpec(
    'slos:\n' +
      Array.from({ length: 10 }, (_, i) => {
        const good = [
          '{ status: ok }',
          '{ latency: 300ms }',
          '{ status: ok, attributes: { "app.payload.valid": true } }',
        ][i % 3];
        const route = i === 0 ? 'GET /api/orders/:id' : `GET /api/r${i}`;
        return `  - { name: s${i}, service: checkout, objective: 99.9, window: 28d,${groupBy} sli: { spans: { routes: ["${route}", "POST /api/orders"] }, good: ${good} } }`;
      }).join('\n') +
      '\n'
  );
const SPEC = specOf();

/** 1,024 real SDK spans, GET and POST, every 50th a 503 (bad for the status SLOs), ending now. */
function sdkSpans(badEvery = 50): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    spanProcessors: [
      {
        onStart: () => {},
        onEnd: s => void spans.push(s),
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      },
    ],
  });
  const tracer = provider.getTracer('allocation');
  for (let i = 0; i < 1024; i++) {
    const get = i % 2 === 0;
    const s = tracer.startSpan(get ? 'GET /api/orders/:id' : 'POST /api/orders', { kind: 1 });
    s.setAttribute('http.request.method', get ? 'GET' : 'POST');
    s.setAttribute('http.route', get ? '/api/orders/:id' : '/api/orders');
    s.setAttribute('http.response.status_code', badEvery > 0 && i % badEvery === 0 ? 503 : 200);
    s.setAttribute('app.payload.valid', true);
    s.end();
  }
  return spans;
}

/** A SpanView of plain fields over a real SDK span. */
class FieldView implements SpanView {
  readonly kind: number;
  readonly name: string;
  readonly endTimeMs: number;
  readonly durationMs: number;
  readonly statusCode: number;
  readonly serviceName: string | undefined;
  readonly traceId: string;
  private readonly _attributes: Attributes;
  constructor(span: ReadableSpan) {
    this.kind = span.kind;
    this.name = span.name;
    this.endTimeMs = span.endTime[0] * 1e3 + span.endTime[1] / 1e6;
    this.durationMs = span.duration[0] * 1e3 + span.duration[1] / 1e6;
    this.statusCode = span.status.code;
    this.serviceName = span.resource.attributes['service.name'] as string;
    this.traceId = span.spanContext().traceId;
    this._attributes = span.attributes;
  }
  attribute(key: string): AttributeValue | undefined {
    return this._attributes[key] as AttributeValue | undefined;
  }
}

const CASES: Record<string, (calls: number) => Promise<Allocation>> = {
  async engine(calls) {
    const engine = new SloEngine({ spec: SPEC });
    const views = sdkSpans().map(s => new FieldView(s));
    return allocatedBytesPerCall(i => engine.record(views[i & 1023]), calls, 2 * calls);
  },
  async engineGrouped(calls) {
    // one key (http.route) and two keys (route, method): every span finds its group
    const engine = new SloEngine({ spec: specOf(' groupBy: [http.route],') });
    const engine2 = new SloEngine({
      spec: specOf(' groupBy: [http.route, http.request.method],'),
    });
    const views = sdkSpans().map(s => new FieldView(s));
    return allocatedBytesPerCall(
      i => (i & 1 ? engine2 : engine).record(views[(i >> 1) & 1023]),
      calls,
      2 * calls
    );
  },
  async engineCorrected(calls) {
    // half the SLOs inside a correction for the whole run (every event left out), all
    // with a daily one about 12 hours away: the checks stay on their cached intervals
    const now = Date.now();
    const nightly = parseRecurrence(`FREQ=DAILY;BYHOUR=${(new Date(now).getUTCHours() + 12) % 24}`);
    if (typeof nightly === 'string') throw new Error(nightly);
    const engine = new SloEngine({
      spec: {
        ...SPEC,
        corrections: [
          {
            type: 'once',
            name: 'now',
            slos: ['s0', 's1', 's2', 's3', 's4'],
            startMs: now - 86_400_000,
            endMs: now + 86_400_000,
          },
          {
            type: 'recurring',
            name: 'nightly',
            rrule: formatRecurrence(nightly),
            recurrence: nightly,
            durationMs: 3_600_000,
            timeZone: 'UTC',
          },
        ],
      },
    });
    const views = sdkSpans().map(s => new FieldView(s));
    return allocatedBytesPerCall(i => engine.record(views[i & 1023]), calls, 2 * calls);
  },
  async processor(calls) {
    const processor = new SloSpanProcessor({ spec: SPEC, diagnosticsIntervalMs: 0 });
    const spans = sdkSpans();
    const a = await allocatedBytesPerCall(i => processor.onEnd(spans[i & 1023]), calls, 2 * calls);
    await processor.shutdown();
    return a;
  },
  async proto(calls) {
    // good spans only: a bad span's exemplar ids are decoded to strings (docs/performance.md)
    const engine = new SloEngine({ spec: SPEC });
    const decoder = new ProtoTraceDecoder(engine);
    const body = ProtobufTraceSerializer.serializeRequest(sdkSpans(0))!;
    const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const requests = Math.ceil(calls / 1024);
    const a = await allocatedBytesPerCall(() => decoder.ingest(buf), requests, 2 * requests);
    return { ...a, bytesPerCall: a.bytesPerCall / 1024, calls: a.calls * 1024 };
  },
};

const [name, calls] = process.argv.slice(2);
CASES[name](Number(calls))
  .then(a => {
    process.stdout.write(`${JSON.stringify(a)}\n`);
    process.exit(0);
  })
  .catch(e => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
