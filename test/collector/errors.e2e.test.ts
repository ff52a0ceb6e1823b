import * as assert from 'node:assert';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import {
  credentials,
  Client,
  Metadata,
  status as GrpcStatus,
  type ServiceError,
} from '@grpc/grpc-js';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  silentLogger,
  startCollector,
  TRACE_EXPORT_PATH,
  type RunningCollector,
} from '@burnrate/collector';
import { decodeExportResponse, decodeStatus, getText, makeFixture, send, SPEC } from './fixture';

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** Sends raw bytes to TraceService/Export; resolves with the error or the raw answer. */
function grpcExport(
  port: number,
  body: Buffer,
  metadata = new Metadata()
): Promise<{ error: ServiceError | null; answer?: Buffer }> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise(resolve => {
    client.makeUnaryRequest(
      TRACE_EXPORT_PATH,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      metadata,
      (error, answer) => {
        client.close();
        resolve({ error, answer });
      }
    );
  });
}

describe('burnrate collector error handling', () => {
  const fixture = makeFixture(Date.now());
  const proto = Buffer.from(ProtobufTraceSerializer.serializeRequest(fixture.spans)!);
  const json = Buffer.from(JsonTraceSerializer.serializeRequest(fixture.spans)!);
  let c: RunningCollector;
  /** The numbers that must not move: /api/slos without its time, and the span counters. */
  const numbers = async () => {
    const api = JSON.parse(await getText(c.httpPort!, '/api/slos'));
    return { slos: api.slos, seen: c.engine.spansSeen };
  };

  before(async () => {
    c = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: 0,
      metricsPort: 0,
      maxBodyBytes: 256 * 1024,
      maxInFlightBytes: 300 * 1024,
      logger: silentLogger,
    });
    assert.ok(proto.length < 100 * 1024 && json.length < 256 * 1024);
  });
  after(() => c.close());

  it('should answer an empty request with 200 and an empty response, in both types', async () => {
    const before = await numbers();
    const p = await send(c.httpPort!, 'POST', '/v1/traces', Buffer.alloc(0), PROTO);
    assert.strictEqual(p.status, 200);
    assert.strictEqual(p.headers['content-type'], 'application/x-protobuf');
    assert.strictEqual(p.body.length, 0);
    const j = await send(c.httpPort!, 'POST', '/v1/traces', '', JSON_TYPE);
    assert.strictEqual(j.status, 200);
    assert.strictEqual(j.headers['content-type'], 'application/json');
    assert.deepStrictEqual(JSON.parse(j.body.toString()), {});
    const g = await grpcExport(c.grpcPort!, Buffer.alloc(0));
    assert.strictEqual(g.error, null);
    assert.deepStrictEqual(await numbers(), before);
  });

  it('should answer a malformed protobuf body with 400 and a protobuf google.rpc.Status', async () => {
    const before = await numbers();
    const body = Buffer.concat([proto, Buffer.from([0x0a, 0x7f, 0x01])]);
    const a = await send(c.httpPort!, 'POST', '/v1/traces', body, PROTO);
    assert.strictEqual(a.status, 400);
    assert.strictEqual(a.headers['content-type'], 'application/x-protobuf');
    const s = decodeStatus(a.body);
    assert.strictEqual(s.code, GrpcStatus.INVALID_ARGUMENT);
    assert.match(s.message, /^ExportTraceServiceRequest: length 127 at byte \d+ runs past the end/);
    assert.deepStrictEqual(await numbers(), before);
  });

  it('should answer a malformed JSON body with 400 and a JSON google.rpc.Status', async () => {
    const before = await numbers();
    const a = await send(
      c.httpPort!,
      'POST',
      '/v1/traces',
      json.subarray(0, json.length - 3),
      JSON_TYPE
    );
    assert.strictEqual(a.status, 400);
    assert.strictEqual(a.headers['content-type'], 'application/json');
    const s = JSON.parse(a.body.toString());
    assert.strictEqual(s.code, GrpcStatus.INVALID_ARGUMENT);
    assert.match(s.message, /^invalid JSON/);
    assert.deepStrictEqual(await numbers(), before);
  });

  it('should answer a malformed gRPC request with INVALID_ARGUMENT', async () => {
    const before = await numbers();
    const g = await grpcExport(c.grpcPort!, Buffer.from([0x0a, 0x05, 0x01]));
    assert.strictEqual(g.error?.code, GrpcStatus.INVALID_ARGUMENT);
    assert.match(g.error!.details, /runs past the end/);
    assert.deepStrictEqual(await numbers(), before);
  });

  it('should answer an unsupported content type with 415 and other methods with 405', async () => {
    const before = await numbers();
    const a = await send(c.httpPort!, 'POST', '/v1/traces', 'hello', {
      'content-type': 'text/plain',
    });
    assert.strictEqual(a.status, 415);
    assert.match(JSON.parse(a.body.toString()).message, /unsupported Content-Type "text\/plain"/);
    const e = await send(c.httpPort!, 'POST', '/v1/traces', proto, {
      ...PROTO,
      'content-encoding': 'br',
    });
    assert.strictEqual(e.status, 415);
    const m = await send(c.httpPort!, 'GET', '/v1/traces');
    assert.strictEqual(m.status, 405);
    assert.strictEqual(m.headers.allow, 'POST');
    assert.deepStrictEqual(await numbers(), before);
  });

  it('should answer a body over the limit with 413, before and after decompression (a gzip bomb)', async () => {
    const before = await numbers();
    const big = Buffer.alloc(300 * 1024, 0x0a);
    const a = await send(c.httpPort!, 'POST', '/v1/traces', big, PROTO);
    assert.strictEqual(a.status, 413);
    assert.strictEqual(decodeStatus(a.body).code, GrpcStatus.RESOURCE_EXHAUSTED);
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    assert.ok(bomb.length < 100 * 1024);
    const b = await send(c.httpPort!, 'POST', '/v1/traces', bomb, {
      ...JSON_TYPE,
      'content-encoding': 'gzip',
    });
    assert.strictEqual(b.status, 413);
    assert.match(
      JSON.parse(b.body.toString()).message,
      /larger than 262144 bytes after decompression/
    );
    const g = await grpcExport(c.grpcPort!, big);
    assert.strictEqual(g.error?.code, GrpcStatus.RESOURCE_EXHAUSTED);
    assert.strictEqual(c.engine.spansSeen, before.seen);
    assert.deepStrictEqual(await numbers(), before);
  });

  it('should answer 429 / UNAVAILABLE past the in-flight bound while a request holds bytes, and count nothing', async () => {
    const before = await numbers();
    // a valid request padded with an unknown field to 200 KiB
    const n = 200 * 1024 - proto.length - 4;
    const padded = Buffer.concat([
      proto,
      Buffer.from([0x7a, (n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, n >> 14]),
      Buffer.alloc(n),
    ]);
    assert.strictEqual(padded.length, 200 * 1024);
    // the first request sends 150 KiB and waits: those bytes are in flight
    const first = request({
      host: '127.0.0.1',
      port: c.httpPort!,
      method: 'POST',
      path: '/v1/traces',
      headers: { ...PROTO, 'content-length': String(padded.length) },
    });
    const firstAnswer = new Promise<number>((resolve, reject) => {
      first.on('response', res => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      first.on('error', reject);
    });
    first.write(padded.subarray(0, 150 * 1024));
    const started = Date.now();
    while (Date.now() - started < 5_000) {
      const m = await getText(c.metricsPort!, '/metrics');
      if (Number(/burnrate_collector_in_flight\{[^}]*\} (\d+)/.exec(m)?.[1]) >= 100 * 1024) break;
      await new Promise(r => setTimeout(r, 10));
    }
    const busy = await send(c.httpPort!, 'POST', '/v1/traces', padded, PROTO);
    assert.strictEqual(busy.status, 429);
    assert.strictEqual(busy.headers['retry-after'], '1');
    assert.strictEqual(decodeStatus(busy.body).code, GrpcStatus.UNAVAILABLE);
    const g = await grpcExport(c.grpcPort!, padded);
    assert.strictEqual(g.error?.code, GrpcStatus.UNAVAILABLE);
    assert.deepStrictEqual(await numbers(), before);
    // the first request completes and counts
    first.end(padded.subarray(150 * 1024));
    assert.strictEqual(await firstAnswer, 200);
    assert.strictEqual(c.engine.spansSeen, before.seen + fixture.spans.length);
  });

  it('should report unusable spans through partial_success and count the rest', async () => {
    const doc = JSON.parse(json.toString());
    const spans = doc.resourceSpans[0].scopeSpans[0].spans;
    delete spans[0].endTimeUnixNano;
    spans[1].endTimeUnixNano = '0';
    const before = c.engine.spansSeen;
    const a = await send(c.httpPort!, 'POST', '/v1/traces', JSON.stringify(doc), JSON_TYPE);
    assert.strictEqual(a.status, 200);
    const ps = JSON.parse(a.body.toString()).partialSuccess;
    assert.strictEqual(ps.rejectedSpans, '2');
    assert.match(
      ps.errorMessage,
      /^2 of 120 spans rejected; first: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]: endTimeUnixNano is missing/
    );
    assert.strictEqual(c.engine.spansSeen, before + 118);

    // the same through protobuf: the response decodes with protobufjs
    const p = await send(
      c.httpPort!,
      'POST',
      '/v1/traces',
      gzipSync(Buffer.from(ProtobufTraceSerializer.serializeRequest(fixture.spans)!)),
      { ...PROTO, 'content-encoding': 'gzip' }
    );
    assert.strictEqual(p.status, 200);
    assert.strictEqual(decodeExportResponse(p.body), undefined);
    assert.strictEqual(c.engine.spansSeen, before + 238);
  });
});

describe('burnrate collector with a bearer token', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: 0,
      metricsPort: false,
      token: 's3cret',
      logger: silentLogger,
    });
  });
  after(() => c.close());

  it('should answer 401 / UNAUTHENTICATED without the token and count nothing', async () => {
    const body = Buffer.from(
      ProtobufTraceSerializer.serializeRequest(makeFixture(Date.now()).spans)!
    );
    const a = await send(c.httpPort!, 'POST', '/v1/traces', body, {
      ...PROTO,
      authorization: 'Bearer wrong',
    });
    assert.strictEqual(a.status, 401);
    assert.strictEqual(a.headers['www-authenticate'], 'Bearer');
    assert.strictEqual(decodeStatus(a.body).code, GrpcStatus.UNAUTHENTICATED);
    const g = await grpcExport(c.grpcPort!, body);
    assert.strictEqual(g.error?.code, GrpcStatus.UNAUTHENTICATED);
    assert.strictEqual(c.engine.spansSeen, 0);

    const ok = await send(c.httpPort!, 'POST', '/v1/traces', body, {
      ...PROTO,
      authorization: 'Bearer s3cret',
    });
    assert.strictEqual(ok.status, 200);
    const md = new Metadata();
    md.set('authorization', 'Bearer s3cret');
    assert.strictEqual((await grpcExport(c.grpcPort!, body, md)).error, null);
    assert.strictEqual(c.engine.spansSeen, 240);
  });
});
