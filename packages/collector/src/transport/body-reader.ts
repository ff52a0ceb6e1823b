import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { BudgetHolder, InFlightBudget } from './in-flight-budget';

/** Options of {@link readBody}. */
export interface ReadBodyOptions {
  /** Largest body accepted, in bytes (compressed and after decompression). */
  limitBytes: number;
  /** Whether the body is gzip-compressed (`Content-Encoding: gzip`). */
  gzip: boolean;
  /** Budget of bytes in flight; every byte received or inflated is reserved in it. */
  budget: InFlightBudget;
  /**
   * Checks each chunk of the (inflated) body as it arrives: '' to go on, else
   * why the body is refused (400, at once, the rest unread).
   */
  check?: (chunk: Buffer) => string;
}

/** Why a body was not read: an HTTP status (0: the client went away) and a message. */
export type BodyFailure = {
  readonly ok: false;
  readonly status: 0 | 400 | 408 | 413 | 429;
  readonly message: string;
};

/**
 * A body read whole (the caller closes `holder` once it has decoded it), or
 * why not (nothing stays reserved).
 */
export type BodyOutcome =
  { readonly ok: true; readonly body: Buffer; readonly holder: BudgetHolder } | BodyFailure;

/** The message of a 408 after a request made no progress for the idle timeout. */
export const STALLED_MESSAGE = 'the request body stalled; send it without pausing';

/**
 * Reads a request body into one buffer. Every byte is reserved in the
 * in-flight budget as it arrives (what a client sent, never what it
 * announced), so a client that stops sending holds only what it sent, and the
 * budget evicts it (408) when someone else needs the room or when it makes no
 * progress for the receiver's body timeout. A gzip body is inflated only once
 * it has arrived whole, at CPU speed, stopping as soon as the decompressed
 * size passes the limit: a stalled gzip upload holds its compressed bytes, not
 * what they would inflate to. On failure nothing stays reserved and the rest
 * of the request is discarded.
 */
export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<BodyOutcome> {
  const { limitBytes, budget } = options;
  return new Promise<BodyOutcome>(resolve => {
    let chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const holder = budget.open(why =>
      why === 'timeout'
        ? fail(408, STALLED_MESSAGE)
        : fail(429, `too many bytes in flight (limit ${budget.limitBytes}); retry later`)
    );

    const finish = (outcome: BodyOutcome) => {
      if (done) return;
      done = true;
      req.removeListener('data', take);
      if (!outcome.ok) {
        budget.close(holder);
        chunks = [];
        req.resume();
      }
      resolve(outcome);
    };
    const fail = (status: BodyFailure['status'], message: string) =>
      finish({ ok: false, status, message });
    const take = (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        return fail(
          413,
          `the ${options.gzip ? 'compressed ' : ''}request body is larger than ${limitBytes} bytes`
        );
      }
      if (!budget.reserve(holder, chunk.length)) {
        return fail(429, `too many bytes in flight (limit ${budget.limitBytes}); retry later`);
      }
      if (!options.gzip && options.check !== undefined) {
        const refused = options.check(chunk);
        if (refused !== '') return fail(400, refused);
      }
      chunks.push(chunk);
    };
    const complete = () => {
      if (done) return;
      budget.received(holder);
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      chunks = [];
      if (!options.gzip) return finish({ ok: true, body, holder });
      inflate(body, size);
    };
    const inflate = (compressed: Buffer, compressedSize: number) => {
      const g = createGunzip();
      const out: Buffer[] = [];
      let inflated = 0;
      // past the budget, inflation goes on without keeping anything, to tell a body that
      // can never be taken (413) from one to retry later (429)
      let overBudget = false;
      g.on('data', (c: Buffer) => {
        if (done) return;
        inflated += c.length;
        if (inflated > limitBytes) {
          g.destroy();
          return fail(
            413,
            `the request body is larger than ${limitBytes} bytes after decompression`
          );
        }
        if (options.check !== undefined) {
          const refused = options.check(c);
          if (refused !== '') {
            g.destroy();
            return fail(400, refused);
          }
        }
        if (overBudget) return;
        if (!budget.reserve(holder, c.length)) {
          overBudget = true;
          out.length = 0;
          budget.release(holder, holder.bytes);
          return;
        }
        out.push(c);
      });
      g.on('end', () => {
        if (done) return;
        if (overBudget)
          return fail(429, `too many bytes in flight (limit ${budget.limitBytes}); retry later`);
        // the compressed bytes are garbage now: give their reservation back
        budget.release(holder, compressedSize);
        finish({
          ok: true,
          body: out.length === 1 ? out[0] : Buffer.concat(out, inflated),
          holder,
        });
      });
      g.on('error', e => fail(400, `invalid gzip body: ${e.message}`));
      g.end(compressed);
    };

    const gone = () => {
      if (!req.complete) fail(0, 'the client went away');
    };
    req.on('error', gone);
    req.on('close', gone);
    req.on('data', take);
    req.on('end', complete);
  });
}
