/**
 * The load generator of the ingest benchmark, run as its own process: sends
 * one body over and over, over OTLP/HTTP (keep-alive) or OTLP/gRPC, with
 * `concurrency` requests in flight, until `maxRequests` were answered or
 * `maxMs` passed, and prints one JSON line: requests, errors, milliseconds.
 *
 * `node ingest-client.js '{"kind":"http","target":"http://127.0.0.1:4318/v1/traces",...}'`
 */
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';

/** The client's orders. */
export interface ClientOrders {
  kind: 'http' | 'grpc';
  /** URL (http) or host:port (grpc). */
  target: string;
  bodyFile: string;
  contentType: string;
  concurrency: number;
  maxRequests: number;
  maxMs: number;
}

/** What the client prints. */
export interface ClientReport {
  requests: number;
  errors: number;
  firstError: string;
  ms: number;
}

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

async function main(): Promise<void> {
  const orders = JSON.parse(process.argv[2]) as ClientOrders;
  const body = readFileSync(orders.bodyFile);
  let sent = 0;
  let requests = 0;
  let errors = 0;
  let firstError = '';
  const fail = (m: string) => {
    errors++;
    if (firstError === '') firstError = m;
  };
  const start = Date.now();
  const more = () => sent < orders.maxRequests && Date.now() - start < orders.maxMs;
  let send: () => Promise<void>;
  let close = () => {};
  if (orders.kind === 'http') {
    const url = new URL(orders.target);
    const agent = new http.Agent({ keepAlive: true, maxSockets: orders.concurrency });
    close = () => agent.destroy();
    send = () =>
      new Promise<void>(resolve => {
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            agent,
            headers: { 'content-type': orders.contentType, 'content-length': body.length },
          },
          res => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode === 200) requests++;
              else fail(`HTTP ${res.statusCode}`);
              resolve();
            });
          }
        );
        req.on('error', e => {
          fail(e.message);
          resolve();
        });
        req.end(body);
      });
  } else {
    const Client = grpc.makeGenericClientConstructor(
      {
        Export: {
          path: EXPORT_PATH,
          requestStream: false,
          responseStream: false,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      'TraceService'
    );
    const client = new Client(orders.target, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': 64 * 1024 * 1024,
    }) as unknown as grpc.Client & {
      Export(b: Buffer, cb: (e: grpc.ServiceError | null) => void): void;
    };
    close = () => client.close();
    send = () =>
      new Promise<void>(resolve =>
        client.Export(body, e => {
          if (e) fail(e.message);
          else requests++;
          resolve();
        })
      );
  }
  const worker = async () => {
    while (more()) {
      sent++;
      await send();
    }
  };
  await Promise.all(Array.from({ length: orders.concurrency }, worker));
  const report: ClientReport = { requests, errors, firstError, ms: Date.now() - start };
  close();
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch(e => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = 1;
});
