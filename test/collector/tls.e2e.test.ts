import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { silentLogger, startCollector, TRACE_EXPORT_PATH } from '@burnrate/collector';
import { makeFixture, SPEC } from './fixture';

describe('burnrate collector over TLS', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' }
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('should receive OTLP/HTTP over HTTPS and OTLP/gRPC over TLS', async () => {
    const ca = readFileSync(join(dir, 'cert.pem'));
    const c = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: 0,
      metricsPort: false,
      tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') },
      logger: silentLogger,
    });
    try {
      const body = Buffer.from(
        ProtobufTraceSerializer.serializeRequest(makeFixture(Date.now()).spans)!
      );
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: c.httpPort,
            method: 'POST',
            path: '/v1/traces',
            ca,
            headers: { 'content-type': 'application/x-protobuf' },
          },
          res => {
            res.resume();
            resolve(res.statusCode ?? 0);
          }
        );
        req.on('error', reject);
        req.end(body);
      });
      assert.strictEqual(status, 200);
      const client = new Client(`127.0.0.1:${c.grpcPort}`, credentials.createSsl(ca), {
        'grpc.ssl_target_name_override': 'localhost',
      });
      const error = await new Promise(resolve =>
        client.makeUnaryRequest(
          TRACE_EXPORT_PATH,
          (b: Buffer) => b,
          (b: Buffer) => b,
          body,
          new Metadata(),
          e => {
            client.close();
            resolve(e);
          }
        )
      );
      assert.strictEqual(error, null);
      assert.strictEqual(c.engine.spansSeen, 240);
    } finally {
      await c.close();
    }
  });
});
