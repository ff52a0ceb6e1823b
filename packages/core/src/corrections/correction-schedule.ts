import type { CorrectionDefinition } from '../types';
import { occurrenceStarts } from './recurrence';

/** One interval of a correction: events received in `[startMs, endMs)` are not eligible. */
export interface CorrectionInterval {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * How far around a time {@link CorrectionSchedule.activeAt} looks when its
 * cached interval no longer holds: a time with no correction within this span
 * is clear for this span, and the check costs a lookup again only then.
 */
export const CORRECTION_LOOKAROUND_MS = 7 * 86_400_000;

/**
 * The corrections that apply to one SLO, as intervals in time. Asking whether a
 * time is inside one ({@link activeAt}) is O(1) and allocation-free while the
 * time stays within the interval found last (a correction, or the clear span
 * between two): only crossing a boundary expands the rules again.
 */
export class CorrectionSchedule {
  /** The corrections, in spec order. */
  readonly corrections: readonly CorrectionDefinition[];
  private readonly _maxDurationMs: number;
  /** The cached interval `[from, until)`: inside a correction when `_active`, clear otherwise. */
  private _fromMs = 0;
  private _untilMs = 0;
  private _active = false;

  constructor(corrections: readonly CorrectionDefinition[]) {
    this.corrections = corrections;
    let longest = 0;
    for (const c of corrections)
      longest = Math.max(longest, c.type === 'once' ? c.endMs - c.startMs : c.durationMs);
    this._maxDurationMs = longest;
  }

  /**
   * The schedule of the corrections of `corrections` that apply to the SLO
   * `sloName` (those without `slos`, and those naming it); undefined when none does.
   */
  static forSlo(
    corrections: readonly CorrectionDefinition[] | undefined,
    sloName: string
  ): CorrectionSchedule | undefined {
    const mine = (corrections ?? []).filter(c => c.slos === undefined || c.slos.includes(sloName));
    return mine.length > 0 ? new CorrectionSchedule(mine) : undefined;
  }

  /**
   * Every interval of every correction that overlaps `[fromMs, toMs)`, sorted
   * by start (then name). Intervals of two corrections may overlap.
   */
  intervals(fromMs: number, toMs: number): CorrectionInterval[] {
    const out: CorrectionInterval[] = [];
    if (!(toMs > fromMs)) return out;
    for (const c of this.corrections) {
      if (c.type === 'once') {
        if (c.startMs < toMs && c.endMs > fromMs)
          out.push({ name: c.name, startMs: c.startMs, endMs: c.endMs });
        continue;
      }
      for (const s of occurrenceStarts(c.recurrence, c.timeZone, fromMs - c.durationMs, toMs)) {
        if (s + c.durationMs > fromMs)
          out.push({ name: c.name, startMs: s, endMs: s + c.durationMs });
      }
    }
    return out.sort((a, b) => a.startMs - b.startMs || (a.name < b.name ? -1 : 1));
  }

  /**
   * The intervals overlapping `[fromMs, toMs)`, overlapping ones merged: disjoint
   * `[start, end)` pairs, ascending.
   */
  merged(fromMs: number, toMs: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const i of this.intervals(fromMs, toMs)) {
      const last = out[out.length - 1];
      if (last !== undefined && i.startMs <= last[1]) last[1] = Math.max(last[1], i.endMs);
      else out.push([i.startMs, i.endMs]);
    }
    return out;
  }

  /** Whether `timeMs` falls inside a correction. O(1) while it stays in the cached interval. */
  activeAt(timeMs: number): boolean {
    if (timeMs >= this._fromMs && timeMs < this._untilMs) return this._active;
    this._refresh(timeMs);
    return this._active;
  }

  /**
   * Start of the cached clear interval (no correction in `[clearFromMs,
   * clearUntilMs)`); empty (both 0) while the cached interval is a correction.
   */
  get clearFromMs(): number {
    return this._active ? 0 : this._fromMs;
  }

  /** End of the cached clear interval (see {@link clearFromMs}). */
  get clearUntilMs(): number {
    return this._active ? 0 : this._untilMs;
  }

  /** The latest end of a correction in `(timeMs - lookbackMs, timeMs]`, or -Infinity. */
  lastEndMs(timeMs: number, lookbackMs: number): number {
    let last = -Infinity;
    for (const i of this.intervals(timeMs - lookbackMs, timeMs + 1))
      if (i.endMs <= timeMs) last = Math.max(last, i.endMs);
    return last;
  }

  /** Finds the interval around `timeMs` (cold: once per boundary crossed). */
  private _refresh(timeMs: number): void {
    const around = CORRECTION_LOOKAROUND_MS;
    const merged = this.merged(timeMs - around, timeMs + around);
    let from = timeMs - around;
    let until = timeMs + around;
    for (const [s, e] of merged) {
      if (s <= timeMs && timeMs < e) {
        this._fromMs = s;
        this._untilMs = e;
        this._active = true;
        return;
      }
      if (e <= timeMs) from = Math.max(from, e);
      else if (s > timeMs) until = Math.min(until, s);
    }
    this._fromMs = from;
    this._untilMs = until;
    this._active = false;
  }

  /** The longest interval of any of the corrections, in milliseconds. */
  get maxDurationMs(): number {
    return this._maxDurationMs;
  }
}
