/**
 * Issue #6, 2: bytes burnrate allocates per span in steady state, measured as
 * heap growth over ≥ 1 M spans during which no garbage collection ran: through
 * the real `SloSpanProcessor.onEnd` (its ReadableSpanView adapter over real SDK
 * spans), through `SloEngine.record` alone, and through the collector's
 * protobuf decoder. The baseline is the SDK's own span lifecycle, measured the
 * way in the same run. Each case runs in a process of its own, as it would in
 * production: a process that sees one kind of span view keeps its property
 * reads monomorphic, and mixing views in one process would measure the mix.
 */
import { execFileSync } from 'node:child_process';
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SloEngine, type AttributeValue, type SpanView } from '@burnrate/core';
import { ProtoTraceDecoder } from '@burnrate/collector';
import { SloSpanProcessor } from '@burnrate/otel';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { checkoutTracer, finishedSpans, serverSpan, specWith } from './fixtures';
import { allocatedBytesPerOp, report, sampledBytesPerOp, SMOKE } from './harness';

/** What one case measured. */
interface Measured {
  bytesPerOp: number;
  gcs: number;
  ops: number;
}

function line(name: string, a: Measured, sdkBytes: number): void {
  report(
    name,
    `${a.bytesPerOp.toFixed(3)} B/span`,
    a.bytesPerOp / sdkBytes,
    `of the SDK's; over ${a.ops.toLocaleString('en')} spans, ${a.gcs} GCs during the loop`
  );
}

/** A SpanView with its numbers in plain fields, over a real SDK span. */
class FieldView implements SpanView {
  readonly kind: number;
  readonly name: string;
  readonly endTimeMs: number;
  readonly durationMs: number;
  readonly statusCode: number;
  readonly serviceName: string | undefined;
  private readonly _attributes: Attributes;
  constructor(span: ReadableSpan) {
    this.kind = span.kind;
    this.name = span.name;
    this.endTimeMs = span.endTime[0] * 1e3 + span.endTime[1] / 1e6;
    this.durationMs = span.duration[0] * 1e3 + span.duration[1] / 1e6;
    this.statusCode = span.status.code;
    this.serviceName = span.resource.attributes['service.name'] as string;
    this._attributes = span.attributes;
  }
  attribute(key: string): AttributeValue | undefined {
    return this._attributes[key] as AttributeValue | undefined;
  }
}

const OPS = SMOKE ? 100_000 : 2_000_000;
const WARM_UP = SMOKE ? OPS : 1_000_000;

/** The cases, each run in a fresh process by {@link run}. */
const CASES: Record<string, () => Promise<Measured>> = {
  async sdk() {
    const ops = SMOKE ? 20_000 : 200_000;
    const bare = checkoutTracer([]);
    return {
      bytesPerOp: await sampledBytesPerOp(i => serverSpan(bare, 'one', i), ops),
      gcs: -1,
      ops,
    };
  },
  async processor() {
    const spans = finishedSpans(1024);
    const processor = new SloSpanProcessor({ spec: specWith(10) });
    const a = await allocatedBytesPerOp(i => processor.onEnd(spans[i & 1023]), OPS, WARM_UP);
    if (processor.engine.spansSeen < a.ops) throw new Error('spans did not reach the engine');
    await processor.shutdown();
    return a;
  },
  async engine() {
    const engine = new SloEngine({ spec: specWith(10) });
    const views = finishedSpans(1024).map(s => new FieldView(s));
    return allocatedBytesPerOp(i => engine.record(views[i & 1023]), OPS, WARM_UP);
  },
  async processorGrouped() {
    const spans = finishedSpans(1024);
    const processor = new SloSpanProcessor({ spec: specWith(10, '[http.route]') });
    const a = await allocatedBytesPerOp(i => processor.onEnd(spans[i & 1023]), OPS, WARM_UP);
    if (processor.engine.states.length !== 11) throw new Error('expected 11 groups');
    await processor.shutdown();
    return a;
  },
  async engineGrouped() {
    const engine = new SloEngine({ spec: specWith(10, '[http.route]') });
    const views = finishedSpans(1024).map(s => new FieldView(s));
    return allocatedBytesPerOp(i => engine.record(views[i & 1023]), OPS, WARM_UP);
  },
  async engineGrouped2() {
    const engine = new SloEngine({ spec: specWith(10, '[http.route, http.request.method]') });
    const views = finishedSpans(1024).map(s => new FieldView(s));
    return allocatedBytesPerOp(i => engine.record(views[i & 1023]), OPS, WARM_UP);
  },
  async proto() {
    const engine = new SloEngine({ spec: specWith(10) });
    const decoder = new ProtoTraceDecoder(engine);
    const body = ProtobufTraceSerializer.serializeRequest(finishedSpans(1000))!;
    const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const a = await allocatedBytesPerOp(() => decoder.ingest(buf), OPS / 1000, WARM_UP / 1000);
    const counted = engine.snapshot().reduce((s, x) => s + x.totals.good + x.totals.bad, 0);
    if (counted === 0) throw new Error('the decoder recorded nothing');
    return { ...a, bytesPerOp: a.bytesPerOp / 1000, ops: a.ops * 1000 };
  },
};

function inChild(name: string): Measured {
  const args = [__filename, name, ...(SMOKE ? ['--smoke'] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  return JSON.parse(out) as Measured;
}

export function run(): void {
  const sdk = inChild('sdk').bytesPerOp;
  report(
    'sdk span start + 6 attributes + end (baseline)',
    `${sdk.toFixed(0)} B/span`,
    undefined,
    'sampling heap profiler'
  );
  line('SloSpanProcessor.onEnd, 10 SLOs (ReadableSpanView)', inChild('processor'), sdk);
  line('SloEngine.record, 10 SLOs (a SpanView of plain fields)', inChild('engine'), sdk);
  line('SloSpanProcessor.onEnd, 10 SLOs grouped by http.route', inChild('processorGrouped'), sdk);
  line('SloEngine.record, 10 SLOs grouped by http.route', inChild('engineGrouped'), sdk);
  line(
    'SloEngine.record, 10 SLOs grouped by http.route and method',
    inChild('engineGrouped2'),
    sdk
  );
  const proto = inChild('proto');
  line('collector ProtoTraceDecoder.ingest + engine, 10 SLOs', proto, sdk);
  report('  the same, per 1,000-span request', `${(proto.bytesPerOp * 1000).toFixed(0)} B/request`);
}

if (require.main === module) {
  const name = process.argv[2];
  const c = CASES[name];
  if (c === undefined) throw new Error(`no allocation case ${JSON.stringify(name)}`);
  c()
    .then(m => {
      process.stdout.write(JSON.stringify(m) + '\n');
      process.exit(0);
    })
    .catch(e => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    });
}
