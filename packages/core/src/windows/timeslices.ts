/** How many recent slices stay open to late events. */
export const OPEN_SLICES = 64;

/**
 * Tracks recent time slices (OpenSLO `Timeslices`): each slice is bad when its
 * good ratio falls below the slice target. Recording an event may flip its
 * slice between good and bad; the flip (+1 or −1 bad slice, at the slice start)
 * is what the windows count. With `ratio` (OpenSLO `RatioTimeslices`) a slice
 * counts its bad share (bad ÷ eligible) instead, and recording returns the
 * change of that share.
 */
export class SliceTracker {
  readonly sliceMs: number;
  readonly sliceTarget: number;
  readonly ratio: boolean;
  private readonly _good = new Float64Array(OPEN_SLICES);
  private readonly _eligible = new Float64Array(OPEN_SLICES);
  private readonly _index = new Float64Array(OPEN_SLICES).fill(-1);

  constructor(sliceMs: number, sliceTarget: number, ratio = false) {
    this.sliceMs = sliceMs;
    this.sliceTarget = sliceTarget;
    this.ratio = ratio;
  }

  /**
   * Adds events at `timeMs` and returns the change in bad slices (−1, 0, +1;
   * with `ratio`, the change of the slice's bad share, between −1 and 1), or
   * NaN when the slice is no longer open (too late).
   */
  record(timeMs: number, good: number, bad: number): number {
    const idx = Math.floor(timeMs / this.sliceMs);
    const slot = idx % OPEN_SLICES;
    const current = this._index[slot];
    if (current > idx) return NaN;
    if (current !== idx) {
      this._index[slot] = idx;
      this._good[slot] = 0;
      this._eligible[slot] = 0;
    }
    const was = this._badness(slot);
    this._good[slot] += good;
    this._eligible[slot] += good + bad;
    return this._badness(slot) - was;
  }

  /** Start time of the slice holding `timeMs`. */
  sliceStart(timeMs: number): number {
    return Math.floor(timeMs / this.sliceMs) * this.sliceMs;
  }

  /** 1 for a bad slice, 0 for a good one; with `ratio`, the bad share. */
  private _badness(slot: number): number {
    const e = this._eligible[slot];
    if (e === 0) return 0;
    if (this.ratio) return 1 - this._good[slot] / e;
    return this._good[slot] / e < this.sliceTarget ? 1 : 0;
  }
}
