import type { IncomingMessage } from 'node:http';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { InFlightBudget } from './in-flight-budget';

/** Options of {@link readBody}. */
export interface ReadBodyOptions {
  /** Largest body accepted, in bytes after decompression. */
  limitBytes: number;
  /** Whether the body is gzip-compressed (`Content-Encoding: gzip`). */
  gzip: boolean;
  /** Budget of bytes in flight; every byte kept is reserved in it. */
  budget: InFlightBudget;
}

/** A body read whole, or why not (an HTTP status and a message). */
export type BodyOutcome =
  | { readonly ok: true; readonly body: Buffer; readonly reservedBytes: number }
  | { readonly ok: false; readonly status: 400 | 413 | 429; readonly message: string };

/**
 * Reads a request body into one buffer, inflating gzip as a stream and
 * stopping as soon as the decompressed size passes the limit (so a gzip bomb
 * costs at most `limitBytes`). Every byte kept is reserved in the in-flight
 * budget; the caller releases `reservedBytes` once it has decoded the body.
 * On failure nothing stays reserved and the rest of the request is discarded.
 */
export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<BodyOutcome> {
  const { limitBytes, budget } = options;
  return new Promise<BodyOutcome>(resolve => {
    const chunks: Buffer[] = [];
    let size = 0;
    let reserved = 0;
    let done = false;
    let gunzip: Gunzip | undefined;

    const finish = (outcome: BodyOutcome) => {
      if (done) return;
      done = true;
      if (!outcome.ok) {
        budget.release(reserved);
        reserved = 0;
        chunks.length = 0;
        if (gunzip !== undefined) {
          req.unpipe(gunzip);
          gunzip.destroy();
        }
        req.removeListener('data', take);
        req.resume();
      }
      resolve(outcome);
    };
    const fail = (status: 400 | 413 | 429, message: string) =>
      finish({ ok: false, status, message });
    const take = (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        return fail(
          413,
          `the request body is larger than ${limitBytes} bytes${options.gzip ? ' after decompression' : ''}`
        );
      }
      if (!budget.tryReserve(chunk.length)) {
        return fail(429, `too many bytes in flight (limit ${budget.limitBytes}); retry later`);
      }
      reserved += chunk.length;
      chunks.push(chunk);
    };
    const complete = () => {
      if (done) return;
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      finish({ ok: true, body, reservedBytes: reserved });
    };

    req.on('error', () => fail(400, 'the request was aborted'));
    req.on('aborted', () => fail(400, 'the request was aborted'));
    if (options.gzip) {
      let compressed = 0;
      const g = createGunzip();
      gunzip = g;
      req.on('data', (c: Buffer) => {
        compressed += c.length;
        if (compressed > limitBytes)
          fail(413, `the compressed request body is larger than ${limitBytes} bytes`);
      });
      g.on('data', take);
      g.on('end', complete);
      g.on('error', e => fail(400, `invalid gzip body: ${e.message}`));
      req.pipe(g);
    } else {
      req.on('data', take);
      req.on('end', complete);
    }
  });
}
