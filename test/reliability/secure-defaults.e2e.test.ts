import * as assert from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  startCollector,
  silentLogger,
  TRACE_EXPORT_PATH,
  type RunningCollector,
} from '@burnrate/collector';
import { credentials, Client, Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeStatus, makeFixture, send, SPEC, SPEC_TEXT } from '../collector/fixture';
import { freePort, startNode, waitForHttp, type Child } from '../helpers/child';
import { isLoopback, listeningSockets, startCollectorChild, type CollectorChild } from './proc';
import { totals } from './otlp-reference';

const ROOT = resolve(__dirname, '../../..');

function grpcExport(
  port: number,
  body: Buffer,
  token: string | undefined
): Promise<{ code: number; details: string }> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const md = new Metadata();
  if (token !== undefined) md.set('authorization', token);
  return new Promise(resolve => {
    client.makeUnaryRequest(
      TRACE_EXPORT_PATH,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      md,
      { deadline: Date.now() + 10_000 },
      err => {
        client.close();
        resolve(
          err ? { code: err.code ?? -1, details: err.details ?? '' } : { code: 0, details: '' }
        );
      }
    );
  });
}

describe('reliability: secure defaults', function () {
  this.timeout(60_000);

  describe('listeners bind loopback unless configured', () => {
    let dir: string;
    let c: CollectorChild | undefined;
    let app: Child | undefined;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'burnrate-secure-'));
    });
    after(async () => {
      await c?.child.stop(2_000);
      await app?.stop(2_000);
      rmSync(dir, { recursive: true, force: true });
    });

    it('should bind every collector listener (OTLP/HTTP, OTLP/gRPC, metrics) to loopback', async () => {
      const spec = join(dir, 'burnrate.yaml');
      writeFileSync(spec, SPEC_TEXT);
      c = await startCollectorChild(spec, [
        '--http-port',
        '0',
        '--grpc-port',
        '0',
        '--metrics-port',
        '0',
      ]);
      const sockets = listeningSockets(c.pid);
      const ports = sockets.map(s => s.port).sort();
      assert.deepStrictEqual(
        ports,
        [c.httpPort, c.grpcPort!, c.metricsPort!].sort(),
        JSON.stringify(sockets)
      );
      for (const s of sockets)
        assert.ok(isLoopback(s.address), `${s.address}:${s.port} is not loopback`);
    });

    it('should read the token from --token-file, keep it out of the command line, and refuse a wrong one', async () => {
      const spec = join(dir, 'burnrate.yaml');
      writeFileSync(spec, SPEC_TEXT);
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, 'file-s3cret\n', { mode: 0o600 });
      const t = await startCollectorChild(spec, [
        '--http-port',
        '0',
        '--grpc-port',
        'off',
        '--metrics-port',
        'off',
        '--token-file',
        tokenFile,
      ]);
      try {
        const cmdline = readFileSync(`/proc/${t.pid}/cmdline`, 'utf8');
        assert.ok(!cmdline.includes('file-s3cret'), cmdline);
        const body = Buffer.from(
          ProtobufTraceSerializer.serializeRequest(makeFixture(Date.now()).spans)!
        );
        const ct = { 'content-type': 'application/x-protobuf' };
        const wrong = await send(t.httpPort, 'POST', '/v1/traces', body, {
          ...ct,
          authorization: 'Bearer file-s3cre',
        });
        assert.strictEqual(wrong.status, 401);
        const right = await send(t.httpPort, 'POST', '/v1/traces', body, {
          ...ct,
          authorization: 'Bearer file-s3cret',
        });
        assert.strictEqual(right.status, 200);
      } finally {
        await t.child.stop(2_000);
      }
    });

    it('should bind the register entry’s Prometheus endpoint to loopback', async () => {
      const spec = join(dir, 'burnrate.yaml');
      writeFileSync(spec, SPEC_TEXT);
      const metricsPort = await freePort();
      app = startNode(['--require', '@burnrate/register', '-e', 'setInterval(() => {}, 1000)'], {
        cwd: ROOT,
        env: {
          ...process.env,
          BURNRATE_CONFIG: spec,
          OTEL_SERVICE_NAME: 'checkout',
          OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        },
      });
      await waitForHttp(metricsPort, '/metrics', 15_000, app);
      const sockets = listeningSockets(app.process.pid!);
      assert.deepStrictEqual(
        sockets.map(s => s.port),
        [metricsPort],
        JSON.stringify(sockets)
      );
      assert.ok(isLoopback(sockets[0].address), `${sockets[0].address} is not loopback`);
    });
  });

  describe('with a token set', () => {
    const TOKEN = 's3cret-token';
    let collector: RunningCollector;
    before(async () => {
      collector = await startCollector({
        spec: SPEC,
        httpPort: 0,
        grpcPort: 0,
        metricsPort: false,
        token: TOKEN,
        logger: silentLogger,
      });
    });
    after(() => collector.close());

    const spans = () => makeFixture(Date.now()).spans;

    it('should answer 401 / UNAUTHENTICATED to a missing or wrong token over HTTP, and count nothing', async () => {
      const before = totals(collector.engine);
      const seen = collector.engine.spansSeen;
      for (const json of [false, true]) {
        const body = Buffer.from(
          (json ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(spans())!
        );
        const ct = json ? 'application/json' : 'application/x-protobuf';
        for (const auth of [
          undefined,
          'Bearer wrong',
          `Bearer ${TOKEN}x`,
          TOKEN,
          `Basic ${TOKEN}`,
          'Bearer ',
        ]) {
          const a = await send(collector.httpPort!, 'POST', '/v1/traces', body, {
            'content-type': ct,
            ...(auth !== undefined ? { authorization: auth } : {}),
          });
          assert.strictEqual(a.status, 401, `${auth}`);
          assert.strictEqual(a.headers['www-authenticate'], 'Bearer');
          const st = json ? JSON.parse(a.body.toString('utf8')) : decodeStatus(a.body);
          assert.strictEqual(st.code, 16, 'google.rpc.Code UNAUTHENTICATED');
        }
      }
      assert.deepStrictEqual(totals(collector.engine), before);
      assert.strictEqual(collector.engine.spansSeen, seen);
      const ok = await send(
        collector.httpPort!,
        'POST',
        '/v1/traces',
        Buffer.from(ProtobufTraceSerializer.serializeRequest(spans())!),
        { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKEN}` }
      );
      assert.strictEqual(ok.status, 200);
      assert.ok(collector.engine.spansSeen > seen, 'the right token is counted');
    });

    it('should answer UNAUTHENTICATED to a missing or wrong token over gRPC, and count nothing', async () => {
      const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans())!);
      const before = totals(collector.engine);
      const seen = collector.engine.spansSeen;
      for (const auth of [undefined, 'Bearer wrong', TOKEN]) {
        const r = await grpcExport(collector.grpcPort!, body, auth);
        assert.strictEqual(r.code, GrpcStatus.UNAUTHENTICATED, `${auth}: ${r.details}`);
      }
      assert.deepStrictEqual(totals(collector.engine), before);
      assert.strictEqual(collector.engine.spansSeen, seen);
      const ok = await grpcExport(collector.grpcPort!, body, `Bearer ${TOKEN}`);
      assert.strictEqual(ok.code, GrpcStatus.OK, ok.details);
      assert.ok(collector.engine.spansSeen > seen);
    });
  });
});
