import { postJson, type PostResult } from './http-post';
import type { NotifierLogger, ReceiverTarget } from './types';

/** Default longest wait for one attempt. */
export const DEFAULT_TIMEOUT_MS = 5_000;
/** Default retries after the first attempt. */
export const DEFAULT_RETRIES = 3;
/** Default bound of a receiver's queue. */
export const DEFAULT_QUEUE_SIZE = 100;
/** Default wait before the first retry. */
export const DEFAULT_BACKOFF_MS = 1_000;
/** Default longest wait between retries. */
export const DEFAULT_MAX_BACKOFF_MS = 30_000;

/** Why a message was not delivered. */
export type DropReason = 'queue_full' | 'failed' | 'rejected' | 'shutdown';

/** Kind of receiver, the `burnrate.receiver` attribute of the self-metrics. */
export type ReceiverKind = 'alertmanager' | 'webhook';

/** Counts of one receiver's deliveries. */
export interface DeliveryCounts {
  sent: number;
  retries: number;
  dropped: Record<DropReason, number>;
}

/** A receiver target with every default filled and its URL parsed. */
export interface ResolvedTarget {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly queueSize: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

function nonNegative(
  v: number | undefined,
  fallback: number,
  name: string,
  integer = false
): number {
  const n = v ?? fallback;
  if (!(n >= 0) || n === Infinity || (integer && !Number.isInteger(n)))
    throw new RangeError(`${name}: must be a ${integer ? 'whole ' : ''}number ≥ 0, got ${v}`);
  return n;
}

/**
 * Fills a target's defaults and checks it; throws a `RangeError` naming
 * `where` and the bad value. `path` is appended to the URL's path (`/api/v2/alerts`).
 */
export function resolveTarget(target: ReceiverTarget, where: string, path = ''): ResolvedTarget {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    throw new RangeError(`${where}.url: not a URL: ${JSON.stringify(target.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RangeError(
      `${where}.url: must be http:// or https://, got ${JSON.stringify(target.url)}`
    );
  if (path !== '') url.pathname = url.pathname.replace(/\/+$/, '') + path;
  const headers: Record<string, string> = { ...(target.headers ?? {}) };
  if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
  const timeoutMs = nonNegative(target.timeoutMs, DEFAULT_TIMEOUT_MS, `${where}.timeout`);
  if (timeoutMs === 0) throw new RangeError(`${where}.timeout: must be positive, got 0`);
  const queueSize = nonNegative(target.queueSize, DEFAULT_QUEUE_SIZE, `${where}.queueSize`, true);
  if (queueSize === 0) throw new RangeError(`${where}.queueSize: must be at least 1, got 0`);
  return {
    url,
    headers,
    timeoutMs,
    retries: nonNegative(target.retries, DEFAULT_RETRIES, `${where}.retries`, true),
    queueSize,
    backoffMs: nonNegative(target.backoffMs, DEFAULT_BACKOFF_MS, `${where}.backoffMs`),
    maxBackoffMs: nonNegative(target.maxBackoffMs, DEFAULT_MAX_BACKOFF_MS, `${where}.maxBackoffMs`),
  };
}

/** Whether an answer is worth another attempt: no answer, 408, 429 or 5xx. */
function retryable(r: PostResult): boolean {
  return 'error' in r || r.status === 408 || r.status === 429 || r.status >= 500;
}

/**
 * One receiver's outbox: a bounded FIFO of JSON bodies, delivered one at a
 * time in order, each attempt bounded by the target's timeout, retried with
 * exponential backoff, then dropped. Nothing waits on it: {@link enqueue}
 * returns at once, and a full queue drops the new message (counted), so a
 * receiver that fails, hangs or is down costs at most `queueSize` bodies of
 * memory and never slows the caller.
 */
export class DeliveryQueue {
  readonly kind: ReceiverKind;
  readonly target: ResolvedTarget;
  readonly counts: DeliveryCounts = {
    sent: 0,
    retries: 0,
    dropped: { queue_full: 0, failed: 0, rejected: 0, shutdown: 0 },
  };
  private readonly _queue: string[] = [];
  private readonly _logger: NotifierLogger;
  private _draining: Promise<void> | undefined;
  private _closed = false;
  private _wake: (() => void) | undefined;
  private _backoffTimer: NodeJS.Timeout | undefined;

  constructor(kind: ReceiverKind, target: ResolvedTarget, logger: NotifierLogger) {
    this.kind = kind;
    this.target = target;
    this._logger = logger;
  }

  /** Messages waiting (the one being delivered included). */
  get length(): number {
    return this._queue.length;
  }

  /** Queues a body; false (and counted as `queue_full`) when the queue is full or closed. */
  enqueue(body: string): boolean {
    if (this._closed) {
      this._drop('shutdown', 1);
      return false;
    }
    if (this._queue.length >= this.target.queueSize) {
      this._drop('queue_full', 1);
      return false;
    }
    this._queue.push(body);
    this._draining ??= this._drain().finally(() => {
      this._draining = undefined;
    });
    return true;
  }

  /** Resolves when the queue is empty (tests, shutdown). */
  async idle(): Promise<void> {
    while (this._draining !== undefined) await this._draining;
  }

  /**
   * Stops taking messages; what is queued gets until `graceMs` to go out
   * without further retries, the rest is dropped (counted as `shutdown`).
   */
  async shutdown(graceMs: number): Promise<void> {
    this._closed = true;
    this._cancelBackoff();
    const grace = new Promise<void>(resolve => setTimeout(resolve, graceMs).unref());
    await Promise.race([this.idle(), grace]);
    const left = this._queue.length;
    if (left > 0) {
      this._queue.length = 0;
      this._drop('shutdown', left);
    }
  }

  private _drop(reason: DropReason, n: number): void {
    this.counts.dropped[reason] += n;
    this._logger.warn(
      `${this.kind} ${this.target.url.origin}: ${n} message${n === 1 ? '' : 's'} dropped (${reason.replace('_', ' ')})`
    );
  }

  private async _drain(): Promise<void> {
    while (this._queue.length > 0) {
      const body = this._queue[0];
      let attempt = 0;
      let outcome: 'sent' | DropReason | undefined;
      let last: PostResult = { error: 'not sent' };
      while (outcome === undefined) {
        last = await postJson(this.target.url, body, this.target.headers, this.target.timeoutMs);
        if (!retryable(last)) outcome = 'status' in last && last.status < 300 ? 'sent' : 'rejected';
        else if (attempt >= this.target.retries || this._closed) outcome = 'failed';
        else {
          attempt++;
          this.counts.retries++;
          await this._backoff(attempt);
        }
      }
      if (this._queue[0] === body) this._queue.shift();
      else if (this._queue.length === 0) return; // emptied by shutdown
      if (outcome === 'sent') this.counts.sent++;
      else {
        const why = 'error' in last ? last.error : `HTTP ${last.status}`;
        this.counts.dropped[outcome]++;
        this._logger.warn(
          `${this.kind} ${this.target.url.origin}: message dropped after ${attempt + 1} attempt${attempt === 0 ? '' : 's'} (${why})`
        );
      }
    }
  }

  /** Waits `backoffMs × 2^(attempt−1)`, ±20 %, at most `maxBackoffMs`; cut short by shutdown. */
  private _backoff(attempt: number): Promise<void> {
    const base = Math.min(this.target.backoffMs * 2 ** (attempt - 1), this.target.maxBackoffMs);
    const ms = base * (0.8 + 0.4 * Math.random());
    return new Promise(resolve => {
      this._wake = resolve;
      this._backoffTimer = setTimeout(resolve, ms);
      this._backoffTimer.unref();
    });
  }

  private _cancelBackoff(): void {
    if (this._backoffTimer !== undefined) clearTimeout(this._backoffTimer);
    this._wake?.();
    this._wake = undefined;
  }
}
