import { DAY_MS, MINUTE_MS } from '../duration';
import { HistoryRing, type HistoryRingState, type HistorySeries } from './history-ring';

/** Points of the fine ring (a day at one per minute). */
export const FINE_POINTS = 1440;
/** Most steps of the coarse ring spanning the whole SLO window (it holds one more, the current one). */
export const COARSE_MAX_POINTS = 2016;

const SECOND_MS = 1_000;
/** Steps the coarse ring picks from: the smallest that covers the window in {@link COARSE_MAX_POINTS}. */
const COARSE_STEPS_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
].map(s => s * SECOND_MS);

/**
 * Step of the fine ring: the window over 1440, in whole seconds, between 1 s
 * and 1 min (one point a minute for windows of a day and more; a 1 h window
 * gets one point per 3 s).
 */
export function fineStepMs(windowMs: number): number {
  const s = Math.round(windowMs / FINE_POINTS / SECOND_MS) * SECOND_MS;
  return Math.min(MINUTE_MS, Math.max(SECOND_MS, s));
}

/**
 * How often a history should take a reading so that every fine step of these
 * SLO windows gets one: the finest of their fine steps (1 s to 1 min).
 */
export function historyReadingIntervalMs(windowsMs: Iterable<number>): number {
  let ms = MINUTE_MS;
  for (const w of windowsMs) ms = Math.min(ms, fineStepMs(w));
  return ms;
}

/**
 * Step of the coarse ring: the smallest of 1 s … 1 d (in 1-2-5 and clock steps)
 * that is no finer than the fine step and spans the window in at most
 * {@link COARSE_MAX_POINTS} points (7 d: 5 min, 28 d and 30 d: 30 min, 90 d: 2 h).
 */
export function coarseStepMs(windowMs: number): number {
  const fine = fineStepMs(windowMs);
  for (const s of COARSE_STEPS_MS)
    if (s >= fine && Math.ceil(windowMs / s) <= COARSE_MAX_POINTS) return s;
  return Math.ceil(windowMs / COARSE_MAX_POINTS / DAY_MS) * DAY_MS;
}

/** Serialized {@link SloHistory}. */
export interface SloHistoryState {
  /** Labels of the burn-rate columns. */
  windows: string[];
  fine: HistoryRingState;
  coarse: HistoryRingState;
}

/** What {@link SloHistory.read} returns: both resolutions, oldest point first. */
export interface SloHistorySeries {
  /** One point per {@link fineStepMs} over the last day (or the window when shorter). */
  readonly fine: HistorySeries;
  /** One point per {@link coarseStepMs} over the whole SLO window. */
  readonly coarse: HistorySeries;
}

/** A snapshot's numbers as the history takes them. */
export interface HistorySample {
  readonly remaining: number;
  readonly sli: number;
  readonly burnRates: ArrayLike<number>;
  readonly page: boolean;
  readonly ticket: boolean;
  readonly status: string;
  /** The SLO's lifetime good (bad) event totals at the reading. */
  readonly totalGood: number;
  readonly totalBad: number;
}

/**
 * The compact history of one SLO: two fixed rings fed by snapshots (never by
 * spans) — a fine one over the last day and a coarse one over the whole window.
 * Events per point are the growth of the SLO's lifetime totals between
 * readings; a drop in the totals (a restart that starts them from zero) counts
 * the new totals from zero.
 */
export class SloHistory {
  readonly fine: HistoryRing;
  readonly coarse: HistoryRing;
  private _lastGood = 0;
  private _lastBad = 0;
  private _lastTimeMs = -Infinity;

  constructor(windowMs: number, windows: readonly string[]) {
    const fine = fineStepMs(windowMs);
    this.fine = new HistoryRing(
      fine,
      Math.min(FINE_POINTS, Math.ceil(windowMs / fine) + 1),
      windows
    );
    const coarse = coarseStepMs(windowMs);
    this.coarse = new HistoryRing(coarse, Math.ceil(windowMs / coarse) + 1, windows);
  }

  /** Bytes held by both rings. */
  get byteSize(): number {
    return this.fine.byteSize + this.coarse.byteSize;
  }

  /** Sets the totals the next reading's events are counted from (after a restore). */
  baseline(totalGood: number, totalBad: number): void {
    this._lastGood = totalGood;
    this._lastBad = totalBad;
  }

  /** Folds a reading taken at `timeMs` into both rings (a reading from before the last one counts at the last one's time). */
  add(timeMs: number, s: HistorySample): void {
    if (!Number.isFinite(timeMs)) return;
    const t = Math.max(timeMs, this._lastTimeMs);
    this._lastTimeMs = t;
    const good = s.totalGood >= this._lastGood ? s.totalGood - this._lastGood : s.totalGood;
    const bad = s.totalBad >= this._lastBad ? s.totalBad - this._lastBad : s.totalBad;
    const reading = {
      remaining: s.remaining,
      sli: s.sli,
      burnRates: s.burnRates,
      page: s.page,
      ticket: s.ticket,
      status: s.status,
      good,
      bad,
    };
    this.fine.add(t, reading);
    this.coarse.add(t, reading);
    this._lastGood = s.totalGood;
    this._lastBad = s.totalBad;
  }

  /** Both rings' points, oldest first. */
  read(): SloHistorySeries {
    return { fine: this.fine.read(), coarse: this.coarse.read() };
  }

  toJSON(): SloHistoryState {
    return {
      windows: [...this.fine.windows],
      fine: this.fine.toJSON(),
      coarse: this.coarse.toJSON(),
    };
  }

  /** Restores saved history; rings whose step or size changed start empty. */
  restore(state: SloHistoryState | undefined): boolean {
    if (!state || typeof state !== 'object' || !Array.isArray(state.windows)) return false;
    const a = this.fine.restore(state.fine, state.windows);
    const b = this.coarse.restore(state.coarse, state.windows);
    const head = Math.max(
      this.fine.headIndex * this.fine.stepMs,
      this.coarse.headIndex * this.coarse.stepMs
    );
    this._lastTimeMs = Number.isFinite(head) ? head : -Infinity;
    return a && b;
  }
}
