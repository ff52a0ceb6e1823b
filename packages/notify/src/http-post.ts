import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Largest response body read (and thrown away) from a receiver. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Outcome of one POST: the HTTP status, or why there is none. */
export type PostResult = { status: number } | { error: string };

/**
 * POSTs `body` (JSON) to `url` once. Resolves, never rejects: with the status
 * code once the whole response arrived (at most 64 KiB is read), or with an
 * error when the connection fails or nothing complete arrives within `timeoutMs`.
 */
export function postJson(
  url: URL,
  body: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number
): Promise<PostResult> {
  return new Promise(resolve => {
    let done = false;
    const finish = (r: PostResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'burnrate-notify',
          ...headers,
        },
      },
      (res: IncomingMessage) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) res.destroy();
        });
        res.on('end', () => finish({ status: res.statusCode ?? 0 }));
        res.on('close', () => finish({ status: res.statusCode ?? 0 }));
        res.on('error', () => finish({ status: res.statusCode ?? 0 }));
      }
    );
    const timer = setTimeout(() => {
      finish({ error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    timer.unref();
    req.on('error', e => finish({ error: e.message }));
    req.end(body);
  });
}
