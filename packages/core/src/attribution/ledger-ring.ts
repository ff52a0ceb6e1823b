/** Serialized form of a {@link LedgerRing}: the head bucket index and each row's buckets, oldest first. */
export interface LedgerRingState {
  lengthMs: number;
  buckets: number;
  head: number | null;
  /** Per row, its buckets oldest first. */
  rows: number[][];
}

/**
 * One sliding window of counts for many rows at once (the rows of an
 * attribution ledger): a ring of equal buckets per row, one head for all, so
 * that moving the window clears one bucket of every row together. Recording is
 * O(1) and allocation-free; a row's sum is O(1). Rows are added by growing the
 * arrays (a cold path: only when a new row appears, up to the ledger's cap).
 */
export class LedgerRing {
  /** Window length in milliseconds. */
  readonly lengthMs: number;
  /** Bucket width in milliseconds. */
  readonly bucketMs: number;
  /** Buckets per row. */
  readonly buckets: number;
  private _rows = 0;
  /** Row r's buckets are `_counts[r * buckets, (r + 1) * buckets)`. */
  private _counts: Float64Array;
  private _sums: Float64Array;
  private _head = -Infinity;
  private _headSlot = 0;

  constructor(lengthMs: number, buckets: number, rows: number) {
    this.lengthMs = lengthMs;
    this.buckets = Math.max(1, Math.floor(buckets));
    this.bucketMs = lengthMs / this.buckets;
    this._counts = new Float64Array(rows * this.buckets);
    this._sums = new Float64Array(rows);
    this._rows = rows;
  }

  /** Rows the ring holds. */
  get rows(): number {
    return this._rows;
  }

  /** Index of the newest bucket, -Infinity before the first count. */
  get headIndex(): number {
    return this._head;
  }

  /** Grows the ring to `rows` rows (new rows start at zero). */
  grow(rows: number): void {
    if (rows <= this._rows) return;
    const counts = new Float64Array(rows * this.buckets);
    counts.set(this._counts);
    const sums = new Float64Array(rows);
    sums.set(this._sums);
    this._counts = counts;
    this._sums = sums;
    this._rows = rows;
  }

  /**
   * Adds `n` to `row` at `timeMs`. Counts older than the window (relative to
   * the newest bucket) are ignored and `false` is returned.
   */
  add(row: number, timeMs: number, n: number): boolean {
    const idx = Math.floor(timeMs / this.bucketMs);
    if (idx > this._head) this._moveTo(idx);
    const back = this._head - idx;
    if (back >= this.buckets) return false;
    let slot = this._headSlot - back;
    if (slot < 0) slot += this.buckets;
    this._counts[row * this.buckets + slot] += n;
    this._sums[row] += n;
    return true;
  }

  /** Slides the window so that it ends at `timeMs` (never backwards). */
  advance(timeMs: number): void {
    const idx = Math.floor(timeMs / this.bucketMs);
    if (idx > this._head) this._moveTo(idx);
  }

  /** A row's count over the window as of the last {@link advance} or {@link add}. */
  sum(row: number): number {
    return this._sums[row];
  }

  /** Bytes held by the bucket arrays. */
  get byteSize(): number {
    return this._counts.byteLength + this._sums.byteLength;
  }

  private _moveTo(idx: number): void {
    const k = this.buckets;
    const rows = this._rows;
    if (idx - this._head >= k) {
      this._counts.fill(0);
      this._sums.fill(0);
      this._headSlot = 0;
    } else {
      let slot = this._headSlot;
      for (let i = this._head + 1; i <= idx; i++) {
        slot = slot + 1 === k ? 0 : slot + 1;
        for (let r = 0, o = slot; r < rows; r++, o += k) {
          const c = this._counts[o];
          if (c !== 0) {
            this._sums[r] -= c;
            this._counts[o] = 0;
          }
        }
      }
      this._headSlot = slot;
    }
    this._head = idx;
  }

  /** Serializable state. */
  toJSON(): LedgerRingState {
    const k = this.buckets;
    const rows: number[][] = [];
    for (let r = 0; r < this._rows; r++) {
      const b: number[] = [];
      for (let j = 1; j <= k; j++) b.push(this._counts[r * k + ((this._headSlot + j) % k)]);
      rows.push(b);
    }
    return {
      lengthMs: this.lengthMs,
      buckets: k,
      head: Number.isFinite(this._head) ? this._head : null,
      rows,
    };
  }

  /**
   * Restores state written by {@link toJSON}, row `map[i]` taking saved row `i`
   * (`-1`: dropped). Returns false (and keeps nothing) when the shape differs.
   */
  restore(state: LedgerRingState, map: readonly number[]): boolean {
    const k = this.buckets;
    if (
      state === null ||
      typeof state !== 'object' ||
      state.lengthMs !== this.lengthMs ||
      state.buckets !== k ||
      !Array.isArray(state.rows) ||
      (state.head !== null && !Number.isInteger(state.head))
    ) {
      return false;
    }
    for (let i = 0; i < state.rows.length && i < map.length; i++) {
      const saved = state.rows[i];
      if (!Array.isArray(saved) || saved.length !== k) return false;
      for (const c of saved) if (typeof c !== 'number' || !(c >= 0) || c === Infinity) return false;
    }
    this._counts.fill(0);
    this._sums.fill(0);
    for (let i = 0; i < state.rows.length && i < map.length; i++) {
      const r = map[i];
      if (r < 0 || r >= this._rows) continue;
      const saved = state.rows[i];
      let s = 0;
      for (let j = 0; j < k; j++) {
        this._counts[r * k + j] += saved[j];
        s += saved[j];
      }
      this._sums[r] += s;
    }
    this._head = state.head === null ? -Infinity : state.head;
    this._headSlot = k - 1;
    return true;
  }
}
