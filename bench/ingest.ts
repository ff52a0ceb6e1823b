/**
 * Issue #6, 4: collector ingest. In one process: the collector's
 * `ProtoTraceDecoder` + engine (10 SLOs) against protobufjs full decode of the
 * same 1,000-span bodies, and `JsonTraceDecoder` + engine against `JSON.parse`
 * alone. Over loopback, from a separate load process: the collector's OTLP/HTTP
 * protobuf receiver against a bare node:http server that only reads the same
 * bodies, and OTLP/gRPC. Every loop is bounded in count and time.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SloEngine } from '@burnrate/core';
import {
  JsonTraceDecoder,
  ProtoTraceDecoder,
  silentLogger,
  startCollector,
  TRACES_PATH,
  type SpanSink,
} from '@burnrate/collector';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ClientOrders, ClientReport } from './ingest-client';
import { finishedSpans, specWith } from './fixtures';
import { compare, median, perSecond, report, SMOKE } from './harness';
import { exportTraceServiceRequestType } from '@burnrate/test-utils';

/** Spans per export request (the OTel SDK's BatchSpanProcessor exports up to 512; collectors batch more). */
export const SPANS_PER_REQUEST = 1000;
/** Target: decode + classify + record in one process. */
export const TARGET_SPANS_PER_SECOND = 1_000_000;
/** Target: the protobuf path against protobufjs full decode. */
export const TARGET_VS_PROTOBUFJS = 10;
/** Target: the JSON path against `JSON.parse` alone. */
export const TARGET_VS_JSON_PARSE = 0.8;

const NULL_SINK: SpanSink = { record: () => 0 };

function toBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function inProcess(proto: Buffer, json: Buffer): void {
  const engine = new SloEngine({ spec: specWith(10) });
  const decoder = new ProtoTraceDecoder(engine);
  const walkOnly = new ProtoTraceDecoder(NULL_SINK);
  const type = exportTraceServiceRequestType();
  const decoded = type.decode(proto) as unknown as {
    resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }>;
  };
  if (decoded.resourceSpans[0].scopeSpans[0].spans.length !== SPANS_PER_REQUEST)
    throw new Error('protobufjs decoded a different request');
  const check = decoder.ingest(proto);
  if (check.error !== '' || check.accepted !== SPANS_PER_REQUEST)
    throw new Error(`the decoder refused the request: ${check.error}`);
  const ops = SMOKE ? 5 : 200;
  const rounds = SMOKE ? 3 : 7;
  const spansPerSecond = (nsPerRequest: number) => (SPANS_PER_REQUEST * 1e9) / nsPerRequest;
  const p = compare(
    [
      { name: 'protobufjs full decode (baseline)', fn: () => type.decode(proto) },
      { name: 'ProtoTraceDecoder + engine, 10 SLOs', fn: () => decoder.ingest(proto) },
      { name: 'ProtoTraceDecoder, no engine (walk only)', fn: () => walkOnly.ingest(proto) },
    ],
    ops,
    rounds
  );
  report(`protobuf body: ${(proto.length / 1024).toFixed(0)} KiB, ${SPANS_PER_REQUEST} spans`, '');
  for (const r of p) {
    const speedup = r === p[0] ? undefined : 1 / r.ratio;
    report(
      r.name,
      perSecond(spansPerSecond(r.nsPerOp)),
      speedup,
      speedup ? 'speed vs protobufjs' : ''
    );
  }
  report(
    'target: decode+classify+record ≥ 1 M spans/s, ≥ 10x protobufjs',
    spansPerSecond(p[1].nsPerOp) >= TARGET_SPANS_PER_SECOND &&
      1 / p[1].ratio >= TARGET_VS_PROTOBUFJS
      ? 'met'
      : 'missed',
    undefined,
    SMOKE ? '(smoke: too few rounds to judge)' : ''
  );

  const jsonEngine = new SloEngine({ spec: specWith(10) });
  const jsonDecoder = new JsonTraceDecoder(jsonEngine);
  const jsonOnly = new JsonTraceDecoder(NULL_SINK);
  const jcheck = jsonDecoder.ingest(json);
  if (jcheck.error !== '' || jcheck.accepted !== SPANS_PER_REQUEST)
    throw new Error(`the JSON decoder refused the request: ${jcheck.error}`);
  const j = compare(
    [
      { name: 'JSON.parse alone (baseline)', fn: () => JSON.parse(json.toString('utf8')) },
      { name: 'JsonTraceDecoder + engine, 10 SLOs', fn: () => jsonDecoder.ingest(json) },
      { name: 'JsonTraceDecoder, no engine', fn: () => jsonOnly.ingest(json) },
    ],
    ops,
    rounds
  );
  report(`JSON body: ${(json.length / 1024).toFixed(0)} KiB, ${SPANS_PER_REQUEST} spans`, '');
  for (const r of j) {
    const share = r === j[0] ? undefined : 1 / r.ratio;
    report(r.name, perSecond(spansPerSecond(r.nsPerOp)), share, share ? 'speed vs JSON.parse' : '');
  }
  report(
    'target: JSON ≥ 0.8x JSON.parse alone',
    1 / j[1].ratio >= TARGET_VS_JSON_PARSE ? 'met' : 'missed',
    1 / j[1].ratio,
    SMOKE ? '(smoke: too few rounds to judge)' : ''
  );
}

function runClient(orders: ClientOrders): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(__dirname, 'ingest-client.js'), JSON.stringify(orders)],
      { timeout: orders.maxMs + 30_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`load process failed: ${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout) as ClientReport);
      }
    );
  });
}

function listen(server: Server): Promise<number> {
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  );
}

async function overLoopback(proto: Buffer): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'burnrate-ingest-'));
  const bodyFile = path.join(dir, 'body.pb');
  writeFileSync(bodyFile, proto);
  const bare = createServer((req, res) => {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => {
      res.writeHead(n > 0 ? 200 : 400, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  const barePort = await listen(bare);
  const collector = await startCollector({
    spec: specWith(10),
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    metricsPort: null,
    logger: silentLogger,
  });
  const orders = (kind: 'http' | 'grpc', target: string): ClientOrders => ({
    kind,
    target,
    bodyFile,
    contentType: 'application/x-protobuf',
    concurrency: 4,
    maxRequests: SMOKE ? 20 : 4_000,
    maxMs: SMOKE ? 1_000 : 4_000,
  });
  const rate = (r: ClientReport) => {
    if (r.errors > 0) throw new Error(`${r.errors} requests failed: ${r.firstError}`);
    return (r.requests * SPANS_PER_REQUEST * 1000) / r.ms;
  };
  try {
    const bareRates: number[] = [];
    const httpRates: number[] = [];
    const grpcRates: number[] = [];
    const rounds = SMOKE ? 1 : 3;
    for (let r = 0; r < rounds; r++) {
      bareRates.push(
        rate(await runClient(orders('http', `http://127.0.0.1:${barePort}/v1/traces`)))
      );
      httpRates.push(
        rate(
          await runClient(orders('http', `http://127.0.0.1:${collector.httpPort}${TRACES_PATH}`))
        )
      );
      grpcRates.push(rate(await runClient(orders('grpc', `127.0.0.1:${collector.grpcPort}`))));
    }
    const b = median(bareRates);
    const h = median(httpRates);
    const g = median(grpcRates);
    report('bare node:http server, reads bodies only (baseline)', perSecond(b));
    report(
      'collector OTLP/HTTP protobuf, 10 SLOs',
      perSecond(h),
      h / b,
      'share of the bare server'
    );
    report('collector OTLP/gRPC, 10 SLOs', perSecond(g), g / b, 'share of the bare HTTP server');
    const seen = collector.engine.spansSeen;
    if (seen === 0) throw new Error('the collector recorded nothing');
  } finally {
    await collector.close();
    await new Promise(resolve => bare.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const spans = finishedSpans(SPANS_PER_REQUEST);
  const proto = toBuffer(ProtobufTraceSerializer.serializeRequest(spans)!);
  const json = toBuffer(JsonTraceSerializer.serializeRequest(spans)!);
  inProcess(proto, json);
  await overLoopback(proto);
}
