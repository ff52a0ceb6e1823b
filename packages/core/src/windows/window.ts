/** Scratch slot for the event time of {@link RollingWindow.recordAtScratchTime}. */
export const RECORD_TIME = new Float64Array(1);

/** Buckets per window: the window sum is exact to 1/300 of the window (1 s of 5 m). */
export const DEFAULT_BUCKETS = 300;

/**
 * A sliding window of good and bad counts over `lengthMs`, kept as a ring of
 * equal buckets with running sums: recording is O(1) and allocation-free, the
 * sum is O(1), and memory is fixed (two `Float64Array`s) whatever the traffic.
 *
 * The window at head bucket H covers buckets H−k+1 … H, the current one
 * partial, so a sum is off from an exact sliding sum by at most one bucket
 * (`lengthMs / buckets`). Counts are floats: exact integers up to 2^53.
 */
export class RollingWindow {
  /** Window length in milliseconds. */
  readonly lengthMs: number;
  /** Bucket width in milliseconds. */
  readonly bucketMs: number;
  private readonly _k: number;
  private readonly _good: Float64Array;
  private readonly _bad: Float64Array;
  private _head = -Infinity;
  /** Slot of the head bucket: slots are found from the head, never by `%` on huge indices. */
  private _headSlot = 0;
  private _goodSum = 0;
  private _badSum = 0;

  constructor(lengthMs: number, buckets: number = DEFAULT_BUCKETS) {
    if (!(lengthMs > 0) || !Number.isFinite(lengthMs))
      throw new RangeError(`window length must be positive, got ${lengthMs}`);
    this.lengthMs = lengthMs;
    this._k = Math.max(1, Math.floor(buckets));
    this.bucketMs = lengthMs / this._k;
    this._good = new Float64Array(this._k);
    this._bad = new Float64Array(this._k);
  }

  /** Good events in the window as of the last {@link advance} or record. */
  get good(): number {
    return this._goodSum;
  }

  /** Bad events in the window as of the last {@link advance} or record. */
  get bad(): number {
    return this._badSum;
  }

  /** Number of buckets. */
  get buckets(): number {
    return this._k;
  }

  /** Index of the newest bucket (`floor(time / bucketMs)`), -Infinity before the first event. */
  get headIndex(): number {
    return this._head;
  }

  /**
   * Adds counts at time `timeMs`. Events older than the window (relative to the
   * newest bucket seen) are ignored and `false` is returned.
   */
  record(timeMs: number, good: number, bad: number): boolean {
    RECORD_TIME[0] = timeMs;
    return this.recordAtScratchTime(good, bad);
  }

  /**
   * {@link record} at the time in `RECORD_TIME[0]`: callers on the per-span
   * path pass the time this way, since a double passed as an argument to a
   * function V8 does not inline is boxed (an allocation per call).
   */
  recordAtScratchTime(good: number, bad: number): boolean {
    const idx = Math.floor(RECORD_TIME[0] / this.bucketMs);
    if (idx > this._head) this._moveTo(idx);
    const back = this._head - idx;
    if (back >= this._k) return false;
    let slot = this._headSlot - back;
    if (slot < 0) slot += this._k;
    this._good[slot] += good;
    this._bad[slot] += bad;
    this._goodSum += good;
    this._badSum += bad;
    return true;
  }

  /**
   * Counts of the bucket `back` buckets before the head (0: the head) into
   * `out[0]` (good) and `out[1]` (bad); zeros past the ring.
   */
  bucketCounts(back: number, out: Float64Array): void {
    if (!(back >= 0 && back < this._k) || this._head === -Infinity) {
      out[0] = 0;
      out[1] = 0;
      return;
    }
    let slot = this._headSlot - back;
    if (slot < 0) slot += this._k;
    out[0] = this._good[slot];
    out[1] = this._bad[slot];
  }

  /**
   * Takes out of every bucket that `[startMs, endMs)` overlaps the share of its
   * counts that the overlap is of the bucket's width (events taken as spread
   * evenly over a bucket; a bucket wholly inside loses everything): a correction
   * applied after the fact, with bucket resolution. Writes what was taken into
   * `out[0]` (good) and `out[1]` (bad).
   */
  removeShare(startMs: number, endMs: number, out: Float64Array): void {
    out[0] = 0;
    out[1] = 0;
    if (this._head === -Infinity || !(endMs > startMs)) return;
    const b = this.bucketMs;
    const first = Math.max(this._head - this._k + 1, Math.floor(startMs / b));
    const last = Math.min(this._head, Math.ceil(endMs / b) - 1);
    for (let i = first; i <= last; i++) {
      const overlap = Math.min(endMs, (i + 1) * b) - Math.max(startMs, i * b);
      if (overlap <= 0) continue;
      const share = Math.min(1, overlap / b);
      let slot = this._headSlot - (this._head - i);
      if (slot < 0) slot += this._k;
      const g = share === 1 ? this._good[slot] : this._good[slot] * share;
      const bad = share === 1 ? this._bad[slot] : this._bad[slot] * share;
      this._good[slot] -= g;
      this._bad[slot] -= bad;
      this._goodSum -= g;
      this._badSum -= bad;
      out[0] += g;
      out[1] += bad;
    }
  }

  /** Slides the window so that it ends at `timeMs` (never backwards). */
  advance(timeMs: number): void {
    const idx = Math.floor(timeMs / this.bucketMs);
    if (idx > this._head) this._moveTo(idx);
  }

  /** Clears every count. */
  reset(): void {
    this._good.fill(0);
    this._bad.fill(0);
    this._goodSum = 0;
    this._badSum = 0;
    this._head = -Infinity;
    this._headSlot = 0;
  }

  private _moveTo(idx: number): void {
    const k = this._k;
    if (idx - this._head >= k) {
      this._good.fill(0);
      this._bad.fill(0);
      this._goodSum = 0;
      this._badSum = 0;
      this._headSlot = 0;
    } else {
      let slot = this._headSlot;
      for (let i = this._head + 1; i <= idx; i++) {
        slot = slot + 1 === k ? 0 : slot + 1;
        this._goodSum -= this._good[slot];
        this._badSum -= this._bad[slot];
        this._good[slot] = 0;
        this._bad[slot] = 0;
      }
      this._headSlot = slot;
    }
    this._head = idx;
  }

  /** Serializable state: the head bucket index and the buckets, oldest first. */
  toJSON(): RollingWindowState {
    const good: number[] = [];
    const bad: number[] = [];
    const k = this._k;
    for (let j = 1; j <= k; j++) {
      const slot = (this._headSlot + j) % k;
      good.push(this._good[slot]);
      bad.push(this._bad[slot]);
    }
    return {
      lengthMs: this.lengthMs,
      buckets: k,
      head: Number.isFinite(this._head) ? this._head : null,
      good,
      bad,
    };
  }

  /** Restores state written by {@link toJSON}; returns false (and keeps nothing) when it does not fit. */
  restore(state: RollingWindowState): boolean {
    if (
      state === null ||
      typeof state !== 'object' ||
      state.lengthMs !== this.lengthMs ||
      state.buckets !== this._k ||
      !Array.isArray(state.good) ||
      !Array.isArray(state.bad) ||
      state.good.length !== this._k ||
      state.bad.length !== this._k
    ) {
      return false;
    }
    for (let i = 0; i < this._k; i++) {
      const g = state.good[i];
      const b = state.bad[i];
      if (
        typeof g !== 'number' ||
        typeof b !== 'number' ||
        !Number.isFinite(g) ||
        !Number.isFinite(b)
      ) {
        this.reset();
        return false;
      }
      this._good[i] = g;
      this._bad[i] = b;
    }
    if (state.head !== null && (typeof state.head !== 'number' || !Number.isInteger(state.head))) {
      this.reset();
      return false;
    }
    this._head = state.head === null ? -Infinity : state.head;
    this._headSlot = this._k - 1;
    let gs = 0;
    let bs = 0;
    for (let i = 0; i < this._k; i++) {
      gs += this._good[i];
      bs += this._bad[i];
    }
    this._goodSum = gs;
    this._badSum = bs;
    return true;
  }

  /** Bytes held by the bucket arrays. */
  get byteSize(): number {
    return this._good.byteLength + this._bad.byteLength;
  }
}

/** Serialized form of a {@link RollingWindow}. */
export interface RollingWindowState {
  lengthMs: number;
  buckets: number;
  head: number | null;
  good: number[];
  bad: number[];
}
