/**
 * Bytes a request must receive to count as progress: a client trickling less
 * than this per {@link InFlightBudget.stallMs} is stalled, whatever it sends.
 */
export const PROGRESS_BYTES = 16 * 1024;

/** Why a {@link BudgetHolder} was ended. */
export type EvictReason = 'evicted' | 'timeout';

/** Options of {@link InFlightBudget}. */
export interface InFlightBudgetOptions {
  /** The bound in bytes. */
  limitBytes: number;
  /**
   * A holder that has not made progress ({@link PROGRESS_BYTES}, or finished
   * receiving) for this long is stalled: when a reservation does not fit,
   * stalled holders are evicted (their request is ended) to make room.
   * @default 500
   */
  stallMs?: number;
  /** Source of "now" in ms (monotonic). @default performance.now */
  now?: () => number;
}

/**
 * What one request (an HTTP body being read, a gRPC message being received)
 * holds in the budget. {@link evict} is called when the budget takes its
 * bytes back from a stalled holder: it must end the request.
 */
export class BudgetHolder {
  /** Bytes reserved by this holder now. */
  bytes = 0;
  /** When the holder last made progress. */
  progressAt: number;
  /** Bytes received since {@link progressAt}. */
  sinceProgress = 0;
  /** Whether the holder has everything it waits for (it is decoding, not receiving). */
  receiving = true;
  /**
   * Called once when the budget ends the holder: `evicted` when its room was
   * taken for another request (answer it as overload: 429 / `UNAVAILABLE`, a
   * retry may succeed), `timeout` when it made no progress for the timeout
   * (408 / `DEADLINE_EXCEEDED`).
   */
  readonly evict: (why: EvictReason) => void;

  constructor(evict: (why: EvictReason) => void, now: number) {
    this.evict = evict;
    this.progressAt = now;
  }
}

/**
 * A bound on the bytes of requests being received and decoded at once, across
 * HTTP and gRPC. Every byte is reserved when it is received (not when a
 * request announces it) by the request's {@link BudgetHolder}; a reservation
 * past the bound first evicts stalled holders (requests that have not
 * received {@link PROGRESS_BYTES} within `stallMs`), and fails (the receiver
 * answers 429 / `UNAVAILABLE`) only when the budget is held by requests that
 * are making progress. So a client that stops sending holds at most what it
 * sent, and only until someone else needs the room.
 */
export class InFlightBudget {
  /** The bound in bytes. */
  readonly limitBytes: number;
  /** See {@link InFlightBudgetOptions.stallMs}. */
  readonly stallMs: number;
  /** Holders evicted so far (for the collector's metrics). */
  evictions = 0;
  /** Holders ended by {@link sweep} so far. */
  timeouts = 0;
  private _used = 0;
  private readonly _holders = new Set<BudgetHolder>();
  private readonly _now: () => number;

  constructor(options: InFlightBudgetOptions | number) {
    const o = typeof options === 'number' ? { limitBytes: options } : options;
    this.limitBytes = o.limitBytes;
    this.stallMs = o.stallMs ?? 500;
    this._now = o.now ?? (() => performance.now());
  }

  /** Bytes reserved now. */
  get usedBytes(): number {
    return this._used;
  }

  /** Holders with bytes reserved or a request open. */
  get holders(): number {
    return this._holders.size;
  }

  /** A new holder for one request; {@link close} it when the request ends. */
  open(evict: (why: EvictReason) => void): BudgetHolder {
    const h = new BudgetHolder(evict, this._now());
    this._holders.add(h);
    return h;
  }

  /**
   * Reserves `bytes` for `holder` (received now: that is progress). When they
   * do not fit, stalled holders other than this one are evicted first; false
   * (and nothing reserved) when they still do not fit.
   */
  reserve(holder: BudgetHolder, bytes: number): boolean {
    const now = this._now();
    if (this._used + bytes > this.limitBytes && !this._reclaim(holder, bytes, now)) return false;
    this._used += bytes;
    holder.bytes += bytes;
    this._progress(holder, bytes, now);
    return true;
  }

  /** Notes that `holder` received `bytes` it had reserved beforehand (progress, no reservation). */
  progress(holder: BudgetHolder, bytes: number): void {
    this._progress(holder, bytes, this._now());
  }

  private _progress(holder: BudgetHolder, bytes: number, now: number): void {
    holder.sinceProgress += bytes;
    if (holder.sinceProgress >= PROGRESS_BYTES) {
      holder.sinceProgress = 0;
      holder.progressAt = now;
    }
  }

  /** Marks that `holder` has received everything: it is no longer evictable. */
  received(holder: BudgetHolder): void {
    holder.receiving = false;
    holder.progressAt = this._now();
  }

  /** Gives back `bytes` of `holder`'s reservation (at most what it holds). */
  release(holder: BudgetHolder, bytes: number): void {
    const n = Math.min(bytes, holder.bytes);
    holder.bytes -= n;
    this._used = Math.max(0, this._used - n);
  }

  /**
   * Evicts every holder still receiving that has made no progress for
   * `timeoutMs`; returns how many. The collector calls it every few hundred
   * ms, so that a stalled request ends within its body timeout even when
   * nobody else needs the room.
   */
  sweep(timeoutMs: number): number {
    const now = this._now();
    let n = 0;
    for (const h of this._holders) {
      if (!h.receiving || now - h.progressAt < timeoutMs) continue;
      this.close(h);
      n++;
      h.evict('timeout');
    }
    this.timeouts += n;
    return n;
  }

  /** Gives back `holder`'s bytes and forgets it. Idempotent. */
  close(holder: BudgetHolder): void {
    this._used = Math.max(0, this._used - holder.bytes);
    holder.bytes = 0;
    this._holders.delete(holder);
  }

  /** Whether `bytes` more would fit now without evicting anyone. */
  fits(bytes: number): boolean {
    return this._used + bytes <= this.limitBytes;
  }

  /**
   * Evicts stalled holders, most bytes first, until `bytes` fit; returns
   * whether they do. Holders that are decoding are never evicted.
   */
  private _reclaim(except: BudgetHolder, bytes: number, now: number): boolean {
    const stalled: BudgetHolder[] = [];
    for (const h of this._holders) {
      if (h !== except && h.receiving && h.bytes > 0 && now - h.progressAt >= this.stallMs)
        stalled.push(h);
    }
    if (stalled.length === 0) return false;
    stalled.sort((a, b) => b.bytes - a.bytes);
    for (const h of stalled) {
      if (this._used + bytes <= this.limitBytes) break;
      this.close(h);
      this.evictions++;
      h.evict('evicted');
    }
    return this._used + bytes <= this.limitBytes;
  }
}
