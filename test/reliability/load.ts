/**
 * Bounded load on a collector over loopback: a fixed number of requests, a
 * fixed concurrency, a deadline. Every outcome is tallied: the HTTP status, or
 * the socket error when no answer came.
 */
import { request } from 'node:http';

/** Options of {@link runLoad}. */
export interface LoadOptions {
  port: number;
  body: Buffer;
  contentType: string;
  requests: number;
  concurrency: number;
  /** Give up (and count the rest as `timeout`) after this long. */
  deadlineMs: number;
  /** Per-request timeout: no answer by then counts as `timeout`. */
  requestTimeoutMs: number;
  /** Every other request sends its body in chunks without Content-Length. */
  chunked?: boolean;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/** Outcomes by HTTP status (`'200'`, `'429'` …), `error:<code>` or `timeout`. */
export type LoadTally = Record<string, number>;

function once(o: LoadOptions, i: number): Promise<string> {
  return new Promise(resolve => {
    let settled = false;
    const done = (what: string) => {
      if (!settled) {
        settled = true;
        resolve(what);
      }
    };
    const chunked = o.chunked === true && i % 2 === 1;
    const req = request(
      {
        host: '127.0.0.1',
        port: o.port,
        method: 'POST',
        path: '/v1/traces',
        agent: false,
        headers: {
          'content-type': o.contentType,
          ...(chunked ? {} : { 'content-length': String(o.body.length) }),
          ...o.headers,
        },
      },
      res => {
        res.resume();
        res.on('end', () => done(String(res.statusCode)));
        res.on('error', () => done(String(res.statusCode)));
      }
    );
    req.setTimeout(o.requestTimeoutMs, () => {
      done('timeout');
      req.destroy();
    });
    req.on('error', e => done(`error:${(e as NodeJS.ErrnoException).code ?? e.message}`));
    if (!chunked) req.end(o.body);
    else {
      const step = 64 * 1024;
      let at = 0;
      const pump = () => {
        while (at < o.body.length) {
          const chunk = o.body.subarray(at, at + step);
          at += step;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    }
  });
}

/** Sends `requests` requests, `concurrency` at a time, until done or the deadline. */
export async function runLoad(o: LoadOptions): Promise<LoadTally> {
  const tally: LoadTally = {};
  const deadline = Date.now() + o.deadlineMs;
  let next = 0;
  const worker = async () => {
    while (next < o.requests) {
      const i = next++;
      const what = Date.now() > deadline ? 'timeout' : await once(o, i);
      tally[what] = (tally[what] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return tally;
}
