import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectHttp2, type ClientHttp2Session } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { makeFixture, send, SPEC_TEXT } from '../collector/fixture';
import { rssKiB, startCollectorChild, type CollectorChild } from './proc';
import {
  grpcGzipExport,
  inFlightBytes,
  stalledGrpcStream,
  stalledUpload,
  waitForStall,
} from './slow-client';

/** The collector's bounds in this test (the defaults are 64 MiB bodies, 128 MiB in flight). */
const MAX_BODY = 4 * 1024 * 1024;
const MAX_IN_FLIGHT = 16 * 1024 * 1024;
/** How long a legitimate export may take while attackers stall (CI bound; `npm run soak` is tighter). */
const LEGIT_MS = 1_000;
/** How far RSS may rise while gzip gRPC messages arrive at once (CI bound). */
const GRPC_RSS_RISE_MIB = 64;
/** The collector's idle timeout here: stalled clients are gone a little after it. */
const IDLE_MS = 3_000;

describe('reliability: slow and stalled clients', function () {
  this.timeout(120_000);
  let dir: string;
  let c: CollectorChild;
  const proto = Buffer.from(
    ProtobufTraceSerializer.serializeRequest(makeFixture(Date.now()).spans)!
  );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-slow-'));
    const spec = join(dir, 'burnrate.yaml');
    writeFileSync(
      spec,
      `${SPEC_TEXT}\ncollector:\n  maxBodySize: ${MAX_BODY}\n  maxInFlight: ${MAX_IN_FLIGHT}\n  idleTimeout: ${IDLE_MS}ms\n  maxConnections: 64\n`
    );
    c = await startCollectorChild(spec, [
      '--http-port',
      '0',
      '--grpc-port',
      '0',
      '--metrics-port',
      '0',
    ]);
  });
  after(async () => {
    await c?.child.stop(2_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('should keep answering legitimate exports within a second while gzip, plain, trickling and gRPC uploads stall', async () => {
    // a gzip bomb's first 60 KiB (it would inflate to 60 MiB), a plain body short of
    // its last byte, a body trickled a byte at a time, a gRPC message half sent
    const bomb = gzipSync(Buffer.alloc(60 * 1024 * 1024)).subarray(0, 60 * 1024);
    const attackers: Array<{ done: Promise<string> }> = [];
    for (let i = 0; i < 8; i++) {
      attackers.push(
        stalledUpload(c.httpPort, { gzip: true, first: bomb, declared: MAX_BODY }),
        stalledUpload(c.httpPort, {
          gzip: false,
          first: Buffer.alloc(MAX_BODY - 1),
          declared: MAX_BODY,
        }),
        stalledUpload(c.httpPort, {
          gzip: false,
          first: Buffer.alloc(1024 * 1024),
          declared: MAX_BODY,
          trickleMs: 100,
        })
      );
    }
    const sessions: ClientHttp2Session[] = [];
    for (let i = 0; i < 4; i++) {
      const s = connectHttp2(`http://127.0.0.1:${c.grpcPort}`);
      s.on('error', () => undefined);
      sessions.push(s);
      for (let k = 0; k < 4; k++) attackers.push(stalledGrpcStream(s, MAX_BODY - 1024));
    }
    // the attackers have sent what they send at once and stall (the budget tells stalled
    // from slow 500 ms after a client's last 16 KiB)
    const held = await waitForStall(c.metricsPort!);

    // legitimate clients, one after another, over HTTP and gRPC
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const a = await send(c.httpPort, 'POST', '/v1/traces', proto, {
        'content-type': 'application/x-protobuf',
      });
      times.push(performance.now() - t0);
      assert.strictEqual(a.status, 200, `legitimate request ${i}: ${a.status} ${a.body}`);
      const t1 = performance.now();
      const g = await grpcGzipExport(c.grpcPort!, proto);
      times.push(performance.now() - t1);
      assert.strictEqual(g, 'OK', `legitimate gRPC request ${i}`);
    }
    const worst = Math.max(...times);
    process.stdout.write(
      `      in flight while stalled: ${held} B; legitimate exports: worst ${worst.toFixed(0)} ms, median ${times.sort((a, b) => a - b)[times.length >> 1].toFixed(0)} ms\n`
    );
    assert.ok(worst < LEGIT_MS, `a legitimate export took ${worst.toFixed(0)} ms`);

    // every stalled client is ended (408, DEADLINE_EXCEEDED or closed) within the idle timeout and a bit
    const t2 = performance.now();
    const outcomes = await Promise.all(attackers.map(a => a.done));
    const endedMs = performance.now() - t2;
    for (const s of sessions) s.destroy();
    process.stdout.write(
      `      stalled clients: ${tally(outcomes)}, all ended ${endedMs.toFixed(0)} ms later\n`
    );
    for (const o of outcomes) assert.match(o, /^(408|429|DEADLINE_EXCEEDED|UNAVAILABLE|closed)$/);
    assert.ok(endedMs < IDLE_MS + 5_000, `the stalled clients were ended ${endedMs} ms later`);
    assert.strictEqual(await inFlightBytes(c.metricsPort!), 0);
    assert.strictEqual(c.child.process.exitCode, null);
  });

  it('should hold gzip gRPC messages to the in-flight bound: peak RSS stays bounded', async () => {
    // 24 messages at once, each a valid request padded to just under 4 MiB that gzip
    // shrinks to a few KiB: grpc-js would inflate all of them at once without the gate
    const n = MAX_BODY - 64 * 1024;
    const padded = Buffer.concat([
      proto,
      Buffer.from([
        0x7a,
        (n & 0x7f) | 0x80,
        ((n >> 7) & 0x7f) | 0x80,
        ((n >> 14) & 0x7f) | 0x80,
        n >> 21,
      ]),
      Buffer.alloc(n),
    ]);
    assert.ok(padded.length < MAX_BODY);
    for (let i = 0; i < 3; i++) assert.strictEqual(await grpcGzipExport(c.grpcPort!, padded), 'OK');
    const baseline = rssKiB(c.pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssKiB(c.pid));
    }, 10);
    const outcomes: string[] = [];
    for (let round = 0; round < 3; round++) {
      outcomes.push(
        ...(await Promise.all(
          Array.from({ length: 24 }, () => grpcGzipExport(c.grpcPort!, padded))
        ))
      );
    }
    clearInterval(sampler);
    const rise = (peak - baseline) / 1024;
    process.stdout.write(
      `      24 x 3 gzip gRPC messages of ${(padded.length / 2 ** 20).toFixed(1)} MiB: ${tally(outcomes.map(o => o.split(':')[0]))}; RSS ${(baseline / 1024).toFixed(0)} MiB -> peak +${rise.toFixed(0)} MiB (in-flight bound ${MAX_IN_FLIGHT / 2 ** 20} MiB)\n`
    );
    for (const o of outcomes) assert.match(o, /^(OK|UNAVAILABLE)/);
    assert.ok(outcomes.includes('OK'));
    assert.ok(rise < GRPC_RSS_RISE_MIB, `RSS rose by ${rise.toFixed(0)} MiB`);
  });

  it('should refuse connections past maxConnections with a 503, and close idle ones after the idle timeout', async () => {
    const sockets: Socket[] = [];
    const closed: Promise<number>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < 64; i++) {
      const s = connect(c.httpPort, '127.0.0.1');
      s.on('error', () => undefined);
      s.resume();
      closed.push(new Promise(r => s.once('close', () => r(performance.now() - t0))));
      sockets.push(s);
    }
    await Promise.all(sockets.map(s => new Promise(r => s.once('connect', r))));
    await new Promise(r => setTimeout(r, 200));
    const refused = await rawGet(c.httpPort, '/healthz');
    assert.match(refused, /^HTTP\/1\.1 503 /);
    assert.match(refused, /too many connections \(limit 64\)/);
    // the idle ones are closed by the collector (no request within the idle timeout)
    const times = await Promise.all(closed);
    assert.ok(
      Math.max(...times) < IDLE_MS + 3_000,
      `idle sockets closed after ${Math.max(...times)} ms`
    );
    assert.match(await rawGet(c.httpPort, '/healthz'), /^HTTP\/1\.1 200 /);
    const metrics = await send(c.metricsPort!, 'GET', '/metrics');
    assert.match(
      metrics.body.toString(),
      /burnrate_collector_connections_refused_total\{[^}]*burnrate_transport="http"[^}]*\} [1-9]/
    );
  });

  it('should keep a GET connection alive and not count an aborted upload as 400', async () => {
    const s = connect(c.httpPort, '127.0.0.1');
    await new Promise(r => s.once('connect', r));
    let text = '';
    s.on('data', d => (text += d.toString()));
    s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise(r => setTimeout(r, 200));
    s.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise(r => setTimeout(r, 200));
    assert.strictEqual(text.match(/HTTP\/1\.1 200/g)?.length, 2, text);
    assert.doesNotMatch(text, /Connection: close/i);
    s.destroy();

    const before = (await send(c.metricsPort!, 'GET', '/metrics')).body.toString();
    const u = connect(c.httpPort, '127.0.0.1');
    await new Promise(r => u.once('connect', r));
    u.write(
      `POST ${'/v1/traces'} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n`
    );
    u.write(Buffer.alloc(100));
    await new Promise(r => setTimeout(r, 100));
    u.destroy();
    await new Promise(r => setTimeout(r, 300));
    const after = (await send(c.metricsPort!, 'GET', '/metrics')).body.toString();
    const count = (t: string, code: string) =>
      Number(
        t
          .split('\n')
          .find(
            l =>
              l.startsWith('burnrate_collector_requests_total{') &&
              l.includes(`burnrate_response_code="${code}"`) &&
              l.includes('burnrate_transport="http"')
          )
          ?.split(' ')
          .pop() ?? 0
      );
    assert.strictEqual(count(after, '400'), count(before, '400'));
    assert.strictEqual(count(after, 'aborted'), count(before, 'aborted') + 1);
  });
});

/** GET on a new connection; the whole answer as text. */
function rawGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    s.on('error', reject);
    s.on('data', d => {
      text += d.toString();
      if (/\r\n\r\n[^]*\n$/.test(text)) s.end();
    });
    s.on('close', () => resolve(text));
    s.on('connect', () => s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    setTimeout(() => s.destroy(), 5_000).unref();
  });
}

function tally(outcomes: string[]): string {
  const t: Record<string, number> = {};
  for (const o of outcomes) t[o] = (t[o] ?? 0) + 1;
  return JSON.stringify(t);
}
