import { calendarPeriod, type CalendarUnit } from './calendar';

/**
 * Good and bad counts since the start of the current calendar period. Events
 * before the period start are refused (late); a new period starts from zero.
 */
export class CalendarWindow {
  readonly unit: CalendarUnit;
  readonly timeZone: string;
  /** Local date and time the periods count from (see {@link calendarPeriod}). */
  readonly startTime: string | undefined;
  private _startMs = -Infinity;
  private _endMs = -Infinity;
  private _good = 0;
  private _bad = 0;

  constructor(unit: CalendarUnit, timeZone: string, startTime?: string) {
    this.unit = unit;
    this.timeZone = timeZone;
    this.startTime = startTime;
  }

  get good(): number {
    return this._good;
  }

  get bad(): number {
    return this._bad;
  }

  /** Start of the current period (ms), -Infinity before the first event or advance. */
  get startMs(): number {
    return this._startMs;
  }

  /** End of the current period (ms). */
  get endMs(): number {
    return this._endMs;
  }

  /** Moves to the period containing `timeMs` when it is past the current one. */
  advance(timeMs: number): void {
    if (timeMs < this._endMs) return;
    const p = calendarPeriod(timeMs, this.unit, this.timeZone, this.startTime);
    this._startMs = p.startMs;
    this._endMs = p.endMs;
    this._good = 0;
    this._bad = 0;
  }

  /** Adds counts at `timeMs`; false when it falls before the current period. */
  record(timeMs: number, good: number, bad: number): boolean {
    if (timeMs >= this._endMs) this.advance(timeMs);
    if (timeMs < this._startMs) return false;
    this._good += good;
    this._bad += bad;
    return true;
  }

  /**
   * Takes `good` and `bad` events out of the current period (a correction
   * applied after the fact), never below zero. Returns how many it took.
   */
  subtract(good: number, bad: number): number {
    const g = Math.min(this._good, Math.max(0, good));
    const b = Math.min(this._bad, Math.max(0, bad));
    this._good -= g;
    this._bad -= b;
    return g + b;
  }

  toJSON(): CalendarWindowState {
    return {
      unit: this.unit,
      timeZone: this.timeZone,
      startMs: Number.isFinite(this._startMs) ? this._startMs : null,
      good: this._good,
      bad: this._bad,
    };
  }

  restore(state: CalendarWindowState): boolean {
    if (
      !state ||
      state.unit !== this.unit ||
      state.timeZone !== this.timeZone ||
      typeof state.good !== 'number' ||
      typeof state.bad !== 'number'
    )
      return false;
    if (state.startMs === null) return true;
    if (typeof state.startMs !== 'number') return false;
    const p = calendarPeriod(state.startMs, this.unit, this.timeZone, this.startTime);
    // periods that no longer start there (a new startTime): the saved counts belong to none
    if (p.startMs !== state.startMs) return false;
    this._startMs = p.startMs;
    this._endMs = p.endMs;
    this._good = state.good;
    this._bad = state.bad;
    return true;
  }
}

/** Serialized form of a {@link CalendarWindow}. */
export interface CalendarWindowState {
  unit: CalendarUnit;
  timeZone: string;
  startMs: number | null;
  good: number;
  bad: number;
}
