/** How many recent slices stay open to late events. */
export const OPEN_SLICES = 64;

/**
 * Tracks recent time slices (OpenSLO `Timeslices`): each slice is bad when its
 * good ratio falls below the slice target. Recording an event may flip its
 * slice between good and bad; the flip (+1 or −1 bad slice, at the slice start)
 * is what the windows count.
 */
export class SliceTracker {
  readonly sliceMs: number;
  readonly sliceTarget: number;
  private readonly _good = new Float64Array(OPEN_SLICES);
  private readonly _eligible = new Float64Array(OPEN_SLICES);
  private readonly _index = new Float64Array(OPEN_SLICES).fill(-1);

  constructor(sliceMs: number, sliceTarget: number) {
    this.sliceMs = sliceMs;
    this.sliceTarget = sliceTarget;
  }

  /**
   * Adds events at `timeMs` and returns the change in bad slices (−1, 0, +1),
   * or NaN when the slice is no longer open (too late).
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
    const wasBad = this._isBad(slot);
    this._good[slot] += good;
    this._eligible[slot] += good + bad;
    return (this._isBad(slot) ? 1 : 0) - (wasBad ? 1 : 0);
  }

  /** Start time of the slice holding `timeMs`. */
  sliceStart(timeMs: number): number {
    return Math.floor(timeMs / this.sliceMs) * this.sliceMs;
  }

  private _isBad(slot: number): boolean {
    const e = this._eligible[slot];
    return e > 0 && this._good[slot] / e < this.sliceTarget;
  }
}
