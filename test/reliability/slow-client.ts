/**
 * Clients that misbehave slowly, over loopback, each bounded: an upload that
 * stops (or trickles) after its first bytes, a gRPC message half sent, and a
 * well-behaved gzip gRPC export to compare with.
 */
import type { ClientHttp2Session } from 'node:http2';
import { connect } from 'node:net';
import {
  credentials,
  Client,
  Metadata,
  status as GrpcStatus,
  type ChannelOptions,
} from '@grpc/grpc-js';
import { TRACE_EXPORT_PATH } from '@burnrate/collector';
import { send } from '../collector/fixture';

/** A misbehaving client: `done` resolves with how the collector ended it. */
export interface SlowClient {
  /** The HTTP status or gRPC code name the collector answered, or `closed`. */
  readonly done: Promise<string>;
}

/** Options of {@link stalledUpload}. */
export interface StalledUploadOptions {
  gzip: boolean;
  /** Bytes sent at once after the headers. */
  first: Buffer;
  /** The Content-Length announced (more than `first`: the rest never comes). */
  declared: number;
  /** Then one more byte every this many ms (a trickle), or nothing (a stall). */
  trickleMs?: number;
  /** Give up after this long (the test fails on `timeout`). @default 30000 */
  timeoutMs?: number;
}

/** A POST /v1/traces that sends its headers and first bytes, then stalls or trickles. */
export function stalledUpload(port: number, o: StalledUploadOptions): SlowClient {
  const done = new Promise<string>(resolve => {
    const s = connect(port, '127.0.0.1');
    let answer = '';
    let trickle: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => finish('timeout'), o.timeoutMs ?? 30_000);
    const finish = (what: string) => {
      clearTimeout(timer);
      if (trickle !== undefined) clearInterval(trickle);
      s.destroy();
      resolve(what);
    };
    s.on('error', () => undefined);
    s.on('data', d => {
      answer += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d+)/.exec(answer);
      if (m !== null) finish(m[1]);
    });
    s.on('close', () => finish('closed'));
    s.on('connect', () => {
      s.write(
        'POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n' +
          (o.gzip ? 'Content-Encoding: gzip\r\n' : '') +
          `Content-Length: ${o.declared}\r\n\r\n`
      );
      s.write(o.first);
      if (o.trickleMs !== undefined)
        trickle = setInterval(() => s.write(Buffer.alloc(1)), o.trickleMs);
    });
  });
  return { done };
}

/**
 * A gRPC Export call on `session` that announces a message of `declared`
 * bytes, sends 32 KiB of it and stalls.
 */
export function stalledGrpcStream(session: ClientHttp2Session, declared: number): SlowClient {
  const done = new Promise<string>(resolve => {
    let settled = false;
    const finish = (what: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(what);
    };
    const timer = setTimeout(() => {
      stream.close();
      finish('timeout');
    }, 30_000);
    const stream = session.request({
      ':method': 'POST',
      ':path': TRACE_EXPORT_PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    stream.on('error', () => undefined);
    const code = (h: Record<string, unknown>) => {
      const c = h['grpc-status'];
      if (c === undefined) return;
      finish(GrpcStatus[Number(c)] ?? String(c));
    };
    stream.on('response', code);
    stream.on('trailers', code);
    stream.on('close', () => finish('closed'));
    const header = Buffer.alloc(5);
    header.writeUInt32BE(declared, 1);
    stream.write(Buffer.concat([header, Buffer.alloc(32 * 1024)]));
  });
  return { done };
}

/** One gzip-compressed gRPC Export of `body`; resolves with `OK` or the status code name and details. */
export function grpcGzipExport(
  port: number,
  body: Buffer,
  options: ChannelOptions = {}
): Promise<string> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
    'grpc.default_compression_algorithm': 2,
    'grpc.max_send_message_length': -1,
    ...options,
  });
  return new Promise(resolve => {
    client.makeUnaryRequest(
      TRACE_EXPORT_PATH,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      new Metadata(),
      { deadline: Date.now() + 30_000 },
      error => {
        client.close();
        resolve(
          error === null ? 'OK' : `${GrpcStatus[error.code] ?? error.code}: ${error.details}`
        );
      }
    );
  });
}

/** `burnrate_collector_in_flight` from the collector's /metrics. */
export async function inFlightBytes(metricsPort: number): Promise<number> {
  const text = (await send(metricsPort, 'GET', '/metrics')).body.toString();
  const m = /^burnrate_collector_in_flight(?:\{[^}]*\})? (\d+)/m.exec(text);
  if (m === null) throw new Error('no burnrate_collector_in_flight in /metrics');
  return Number(m[1]);
}

/**
 * Waits (at most `timeoutMs`) until the bytes in flight move by less than 16 KiB
 * over `quietMs`: the attackers have sent what they send at full speed and now
 * stall or trickle. Returns the bytes in flight.
 */
export async function waitForStall(
  metricsPort: number,
  quietMs = 700,
  timeoutMs = 15_000
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = await inFlightBytes(metricsPort);
  for (;;) {
    await new Promise(r => setTimeout(r, quietMs));
    const now = await inFlightBytes(metricsPort);
    if (Math.abs(now - last) < 16 * 1024 || Date.now() > deadline) return now;
    last = now;
  }
}
