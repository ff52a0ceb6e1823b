import {
  burnRate,
  errorBudgetFraction,
  remainingRatio,
  sliRatio,
  timeToExhaustionMs,
} from '../math/budget';
import {
  AttributionLedger,
  type KeyRegistry,
  type AttributionLedgerState,
  type AttributionReading,
} from '../attribution/attribution-ledger';
import { CalendarWindow, type CalendarWindowState } from '../windows/calendar-window';
import type { CompiledSlo } from '../classify/classify';
import { formatDuration, HOUR_MS } from '../duration';
import { SloHistory, type SloHistoryState } from '../history/slo-history';
import { classifyStatus, type SloStatus } from '../math/status';
import { recordedWindows } from '../windows/recorded-windows';
import { reachesThreshold } from '../math/threshold';
import { resolveMinEvents, resolveNoDataAfterMs } from '../math/tiers';
import { SliceTracker } from '../windows/timeslices';
import type { StatusThresholds } from '../policy/policy';
import type { CorrectionInterval, CorrectionSchedule } from '../corrections/correction-schedule';
import type { AlertTier, Severity, SloDefinition } from '../types';
import { RECORD_TIME, RollingWindow, type RollingWindowState } from '../windows/window';

/** Burn rate over one alert window. */
export interface WindowReading {
  /** `slo.window` attribute value: `5m`, `1h`, … */
  readonly window: string;
  readonly windowMs: number;
  readonly eligible: number;
  readonly bad: number;
  readonly burnRate: number;
}

/** State of one alert tier. */
export interface TierReading {
  readonly tier: AlertTier;
  readonly longBurnRate: number;
  readonly shortBurnRate: number;
  readonly firing: boolean;
}

/** Every number of one SLO at one instant, read from one consistent state. */
export interface SloSnapshot {
  readonly name: string;
  /** The group's values by `groupBy` key (grouped SLOs only; docs/groups.md). */
  readonly group?: Readonly<Record<string, string>>;
  readonly definition: SloDefinition;
  readonly timeMs: number;
  /** Objective as a ratio (0.999). */
  readonly target: number;
  /** SLO window length (nominal for calendar windows). */
  readonly windowMs: number;
  /** Eligible events (slices, for timeslices budgets) in the SLO window. */
  readonly eligible: number;
  readonly good: number;
  readonly bad: number;
  /** good / eligible over the SLO window (1 without events). */
  readonly sli: number;
  /** Allowed bad events (or bad slices) in the SLO window. */
  readonly budget: number;
  /** Remaining budget ratio: 1 → 0 → negative. */
  readonly remaining: number;
  /** Burn rate per alert window, shortest window first. */
  readonly windows: readonly WindowReading[];
  /** Burn rate over the last hour, used for time to exhaustion. */
  readonly burnRate1h: number;
  /** Milliseconds until the budget is spent at the 1 h burn rate (Infinity when not burning). */
  readonly timeToExhaustionMs: number;
  readonly tiers: readonly TierReading[];
  /** Whether any tier of the severity fires. */
  readonly firing: Readonly<Record<Severity, boolean>>;
  readonly status: SloStatus;
  /**
   * Good and bad events since this process started: the `slo.events` counters.
   * Never restored from a snapshot, so that no exported counter goes back.
   */
  readonly totals: { readonly good: number; readonly bad: number };
  /** Last time (engine clock) an eligible event was counted, or when counting started. */
  readonly lastEventMs: number;
  /**
   * Eligible events left out since this process started because they arrived
   * during a correction (0 for an SLO without corrections).
   */
  readonly corrected: number;
}

/** Serialized state of one SLO. */
export interface SloStateData {
  window: RollingWindowState | CalendarWindowState;
  alertWindows: RollingWindowState[];
  /**
   * Lifetime counts, written by versions before counters restarted from zero;
   * never restored (a restart starts the `slo.events` counters again).
   */
  totals?: { good: number; bad: number };
  /** Last time (engine clock) an eligible event was counted, for `no-data`. */
  lastEventMs?: number;
  /** The SLO's history (absent in state written before history existed). */
  history?: SloHistoryState;
  /** The attribution ledger (absent in states written before it existed). */
  attribution?: AttributionLedgerState;
  /**
   * Correction intervals `[start, end)` (ms) the windows already leave out: those
   * of the spec when the state was saved, and those applied after the fact.
   * A restore applies the spec's other intervals to the buckets.
   */
  corrections?: Array<[number, number]>;
}

/** Options of a {@link SloState} beyond its SLO. */
export interface SloStateOptions {
  /**
   * Bucket width to use instead of 1/300 of each window (replay uses one minute
   * so that its window sums are exact per minute).
   */
  resolutionMs?: number;
  /** Cap on attribution keys. @default DEFAULT_MAX_ATTRIBUTION_KEYS */
  maxAttributionKeys?: number;
  /** Buckets per attribution window. @default DEFAULT_ATTRIBUTION_BUCKETS */
  attributionBuckets?: number;
  /** The engine's attribution key numbering, shared by its SLOs. */
  keyRegistry?: KeyRegistry;
  /** Status thresholds of the spec's `policy:`. @default DEFAULT_STATUS_THRESHOLDS */
  statusThresholds?: StatusThresholds;
  /** The group's values by `groupBy` key: this state is one group of a grouped SLO. */
  group?: Readonly<Record<string, string>>;
  /**
   * A group's sibling states (its SLO's groups and overflow group): a group
   * reports `no-data` only when none of them has counted an event for
   * `alerting.noDataAfter` (a quiet route of a busy SLO is not dead instrumentation).
   */
  peers?: { readonly groups: readonly SloState[]; readonly overflow: SloState | undefined };
  /** The corrections that apply to the SLO: events recorded inside one are left out. */
  corrections?: CorrectionSchedule;
}

/**
 * Scratch slots `[placeMs, nowMs, endMs]` read by {@link SloState.recordEvent}:
 * where the event is counted (the engine clock's now, by the time rule; replay:
 * the row's own time), now, and the span's end time, which only refuses events
 * older than the SLO window.
 */
export const EVENT_TIME = new Float64Array(3);

/** Why an event was not counted: older than the SLO window, in the future, or unreadable. */
export type DropReason = 'too_old' | 'future' | 'invalid';

/**
 * What {@link SloState.recordEvent} returns for an event inside a correction: not
 * eligible, and not a drop either (counted in {@link SloSnapshot.corrected}).
 */
export const CORRECTED = 'corrected';

/** What {@link SloState.recordEvent} returns: undefined when counted. */
export type RecordOutcome = DropReason | typeof CORRECTED | undefined;

/**
 * The live state of one SLO: a window of the SLO's length (rolling ring or
 * calendar period), one ring per alert window, lifetime totals, and for
 * timeslices budgets the open slices.
 */
export class SloState {
  readonly slo: CompiledSlo;
  /** The group's values by `groupBy` key; undefined for an ungrouped SLO. */
  readonly group: Readonly<Record<string, string>> | undefined;
  // The fields {@link recordEvent} reads on its fast path come first (one hidden
  // class, in this order): fewer cache lines per SLO and span.
  /** Events that ended this long before now or more are too old: the SLO window (nominal for calendar windows). */
  private readonly _lateBeforeMs: number;
  /**
   * Width of the pending bucket (the finest ring's bucket, which every other
   * ring's bucket is a whole multiple of); 0 when events go straight to the rings.
   */
  private readonly _pendingMs: number;
  /** Bounds of the pending bucket, `[start, end)` ms: a span in it needs no division. */
  private _pendingStartMs = -Infinity;
  private _pendingEndMs = -Infinity;
  /** Index of the pending bucket: never older than any ring's head bucket. */
  private _pendingIndex = -Infinity;
  /** The SLO window when it is a calendar period. */
  private readonly _calendar: CalendarWindow | undefined;
  private _pendingGood = 0;
  private _pendingBad = 0;
  private _totalGood = 0;
  private _totalBad = 0;
  /** Last time an eligible event was counted (engine clock; NaN before the first or the start). */
  private _lastEventMs = NaN;
  private readonly _definition: SloDefinition;
  private readonly _window: RollingWindow | CalendarWindow;
  private readonly _alertWindows: RollingWindow[];
  private readonly _labels: string[];
  private readonly _hourIndex: number;
  private readonly _slices: SliceTracker | undefined;
  /** Per tier, since when both windows have been at the threshold (NaN: not now). */
  private readonly _holdSince: number[];
  /** The rolling rings (the SLO window when rolling, then every alert window). */
  private readonly _rings: RollingWindow[];
  private readonly _history: SloHistory;
  /** Eligible and bad events by route, code, reason and version: what burns the budget. */
  readonly attribution: AttributionLedger;
  /** `alerting.minEvents`: eligible events a tier's long window needs before it fires. */
  private readonly _minEvents: number;
  /** `alerting.noDataAfter` in milliseconds. */
  private readonly _noDataAfterMs: number;
  /** A group's siblings (see {@link SloStateOptions.peers}). */
  private readonly _peers: SloStateOptions['peers'];
  /**
   * Called before anything reads the state (snapshot, attribution, totals,
   * export): the engine's count cells add what they hold first.
   */
  beforeRead: (() => void) | undefined = undefined;
  /** The policy's status thresholds. */
  private readonly _thresholds: StatusThresholds | undefined;
  /** The SLO's corrections; undefined when none applies. */
  private readonly _corrections: CorrectionSchedule | undefined;
  /** Eligible events left out by corrections since the start. */
  private _corrected = 0;

  /**
   * @param slo the compiled SLO
   * @param options bucket resolution and attribution settings (a number: `resolutionMs`)
   */
  constructor(slo: CompiledSlo, options?: SloStateOptions | number) {
    const opts: SloStateOptions =
      typeof options === 'number' ? { resolutionMs: options } : (options ?? {});
    const resolutionMs = opts.resolutionMs;
    this.slo = slo;
    this.group = opts.group;
    const def = slo.definition;
    this._definition = def;
    const ring = (ms: number) =>
      resolutionMs !== undefined && ms >= resolutionMs
        ? new RollingWindow(ms, Math.round(ms / resolutionMs))
        : new RollingWindow(ms);
    this._window =
      def.window.type === 'rolling'
        ? ring(def.window.durationMs)
        : new CalendarWindow(def.window.unit, def.window.timeZone, def.window.startTime);
    this._lateBeforeMs = def.window.durationMs;
    const lengths = recordedWindows(def);
    this._alertWindows = lengths.map(ring);
    this._labels = lengths.map(formatDuration);
    this._hourIndex = lengths.indexOf(HOUR_MS);
    this._slices =
      def.budgeting.method === 'timeslices'
        ? new SliceTracker(def.budgeting.sliceMs, def.budgeting.sliceTarget)
        : def.budgeting.method === 'ratio-timeslices'
          ? new SliceTracker(def.budgeting.sliceMs, 1, true)
          : undefined;
    this._holdSince = def.alerting.tiers.map(() => NaN);
    this._calendar = this._window instanceof CalendarWindow ? this._window : undefined;
    this._rings =
      this._window instanceof RollingWindow
        ? [this._window, ...this._alertWindows]
        : [...this._alertWindows];
    this._pendingMs = this._slices === undefined ? pendingBucketMs(this._rings) : 0;
    this.attribution = new AttributionLedger({
      windowsMs: [...lengths, def.window.durationMs],
      reasons: slo.failureReasons,
      maxKeys: opts.maxAttributionKeys,
      buckets: opts.attributionBuckets,
      registry: opts.keyRegistry,
    });
    this._minEvents = resolveMinEvents(def);
    this._noDataAfterMs = resolveNoDataAfterMs(def);
    this._peers = opts.peers;
    this._thresholds = opts.statusThresholds;
    this._history = new SloHistory(def.window.durationMs, this._labels);
    this._corrections = opts.corrections;
  }

  /** The SLO's history: every {@link snapshot} is a reading. */
  get history(): SloHistory {
    return this._history;
  }

  /**
   * Since when the burn has been elevated, as of the last {@link snapshot}: the
   * start of the oldest bucket of the latest run of buckets whose bad ratio
   * exceeds the budget (burn > 1), walking back from now through the 1 h ring,
   * then the longer alert rings; buckets without events do not break the run.
   * NaN when the newest bucket with events is not burning; a run that reaches
   * the end of the longest ring reports that ring's start.
   */
  elevatedSinceMs(): number {
    this.beforeRead?.();
    const allowed = errorBudgetFraction(this._definition.target);
    const out = new Float64Array(2);
    let since = NaN;
    let covered = Infinity;
    const first = this._hourIndex >= 0 ? this._hourIndex : 0;
    for (let r = first; r < this._alertWindows.length; r++) {
      const w = this._alertWindows[r];
      if (w.headIndex === -Infinity) continue;
      for (let back = 0; back < w.buckets; back++) {
        const start = (w.headIndex - back) * w.bucketMs;
        if (start + w.bucketMs > covered) continue;
        w.bucketCounts(back, out);
        const eligible = out[0] + out[1];
        if (eligible === 0) continue;
        if (out[1] / eligible > allowed * (1 + 1e-9)) {
          since = start;
          covered = start;
        } else return since;
      }
      covered = Math.min(covered, (w.headIndex - w.buckets + 1) * w.bucketMs);
    }
    return since;
  }

  /** What the attribution ledger holds at `nowMs`. */
  readAttribution(nowMs: number): AttributionReading {
    this.beforeRead?.();
    return this.attribution.read(nowMs);
  }

  /** Width of the finest bucket of this SLO's rings (Infinity without rings). */
  get finestBucketMs(): number {
    let ms = Infinity;
    for (const r of this._rings) ms = Math.min(ms, r.bucketMs);
    return ms;
  }

  /** The SLO window's length (nominal for calendar windows). */
  get windowMs(): number {
    return this._definition.window.durationMs;
  }

  /**
   * Records one event counted at `timeMs` (already checked against the future
   * skew): replay and tests, whose rows carry their own times. Returns the drop
   * reason, or undefined when counted.
   */
  record(timeMs: number, nowMs: number, good: number, bad: number): RecordOutcome {
    EVENT_TIME[0] = timeMs;
    EVENT_TIME[1] = nowMs;
    EVENT_TIME[2] = timeMs;
    return this.recordEvent(good, bad);
  }

  /**
   * {@link record} with the event time and now read from {@link EVENT_TIME}: the
   * per-span path passes times this way because a double passed as an argument
   * to a function V8 does not inline is boxed, which is an allocation per span.
   */
  recordEvent(good: number, bad: number): RecordOutcome {
    // The common case, small enough for V8 to inline into the caller: an event
    // in the pending bucket of a rolling SLO window, not too old.
    const timeMs = EVENT_TIME[0];
    if (
      timeMs >= this._pendingStartMs &&
      timeMs < this._pendingEndMs &&
      EVENT_TIME[2] > EVENT_TIME[1] - this._lateBeforeMs &&
      this._calendar === undefined
    ) {
      this._lastEventMs = EVENT_TIME[1];
      this._pendingGood += good;
      this._pendingBad += bad;
      this._totalGood += good;
      this._totalBad += bad;
      return undefined;
    }
    return this._recordEvent(good, bad);
  }

  /**
   * {@link recordEvent}, every case. An event placed inside a correction is left
   * out here: the pending bucket's bounds end at the next correction boundary
   * ({@link _movePending}), so the fast path never sees one.
   */
  private _recordEvent(good: number, bad: number): RecordOutcome {
    const timeMs = EVENT_TIME[0];
    const nowMs = EVENT_TIME[1];
    if (EVENT_TIME[2] <= nowMs - this._lateBeforeMs) return 'too_old';
    const corrections = this._corrections;
    if (corrections !== undefined && corrections.activeAt(timeMs)) {
      this._corrected += good + bad;
      return CORRECTED;
    }
    if (this._pendingMs > 0) {
      // Fast path: an event in the newest bucket is added to the pending counts
      // (two additions) instead of to each of the eight rings; the pending counts
      // go to the rings when time moves on or before anything reads them.
      let pending = timeMs >= this._pendingStartMs && timeMs < this._pendingEndMs;
      let idx = this._pendingIndex;
      if (!pending) {
        idx = Math.floor(timeMs / this._pendingMs);
        pending = idx >= this._pendingIndex;
      }
      if (pending) {
        if (this._calendar !== undefined && !this._calendar.record(timeMs, good, bad))
          return 'too_old';
        if (idx > this._pendingIndex) {
          this._flush();
          this._movePending(idx);
        } else if (corrections !== undefined) this._movePending(idx);
        this._pendingGood += good;
        this._pendingBad += bad;
        this._totalGood += good;
        this._totalBad += bad;
        this._lastEventMs = nowMs;
        return undefined;
      }
      this._flush();
    }
    let g = good;
    let b = bad;
    let t = timeMs;
    if (this._slices !== undefined) {
      const flip = this._slices.record(timeMs, good, bad);
      if (Number.isNaN(flip)) return 'too_old';
      g = 0;
      b = flip;
      t = this._slices.sliceStart(timeMs);
    }
    let counted: boolean;
    const w = this._window;
    if (w instanceof RollingWindow) {
      RECORD_TIME[0] = t;
      counted = w.recordAtScratchTime(g, b);
    } else counted = w.record(t, g, b);
    if (!counted && this._slices === undefined) return 'too_old';
    this._totalGood += good;
    this._totalBad += bad;
    this._lastEventMs = nowMs;
    if (b === 0 && g === 0) return undefined;
    const aw = this._alertWindows;
    for (let i = 0; i < aw.length; i++) {
      RECORD_TIME[0] = t;
      aw[i].recordAtScratchTime(g, b);
    }
    return undefined;
  }

  /** Reads every number at `nowMs`. */
  snapshot(nowMs: number): SloSnapshot {
    this.beforeRead?.();
    const def = this._definition;
    const target = def.target;
    const windowMs = def.window.durationMs;
    this._flush();
    this._window.advance(nowMs);
    for (const w of this._alertWindows) w.advance(nowMs);
    // the rings' heads may now be past the pending bucket: older events go the slow way
    if (this._pendingMs > 0) {
      const idx = Math.floor(nowMs / this._pendingMs);
      if (idx > this._pendingIndex) this._movePending(idx);
    }
    const slices = this._slices;
    let eligible: number;
    let good: number;
    let bad: number;
    if (slices === undefined) {
      good = this._window.good;
      bad = this._window.bad;
      eligible = good + bad;
    } else {
      eligible = windowMs / slices.sliceMs;
      bad = this._window.bad;
      good = eligible - bad;
    }
    const windows: WindowReading[] = this._alertWindows.map((w, i) => {
      const e = slices === undefined ? w.good + w.bad : w.lengthMs / slices.sliceMs;
      return {
        window: this._labels[i],
        windowMs: w.lengthMs,
        eligible: e,
        bad: w.bad,
        burnRate: burnRate(target, e, w.bad),
      };
    });
    const remaining = remainingRatio(target, eligible, bad);
    const burnRate1h =
      this._hourIndex >= 0
        ? windows[this._hourIndex].burnRate
        : (windows[windows.length - 1]?.burnRate ?? 0);
    const tte = timeToExhaustionMs(remaining, windowMs, burnRate1h, this._calendar === undefined);
    const byLength = new Map(windows.map(w => [w.windowMs, w]));
    const firing: Record<Severity, boolean> = { page: false, ticket: false };
    const tiers: TierReading[] = def.alerting.tiers.map((tier, index) => {
      const long = byLength.get(tier.longWindowMs);
      const longBurnRate = long?.burnRate ?? 0;
      const shortBurnRate = byLength.get(tier.shortWindowMs)?.burnRate ?? 0;
      const onNow =
        reachesThreshold(longBurnRate, tier.burnRate) &&
        reachesThreshold(shortBurnRate, tier.burnRate) &&
        (long?.eligible ?? 0) >= this._minEvents;
      const on = this._held(index, onNow, tier.holdMs ?? 0, nowMs);
      if (on) firing[tier.severity] = true;
      return { tier, longBurnRate, shortBurnRate, firing: on };
    });
    const sli = sliRatio(eligible, good);
    if (Number.isNaN(this._lastEventMs)) this._lastEventMs = nowMs;
    const status = classifyStatus(
      {
        noData: this._noData(nowMs),
        remaining,
        burnRate: burnRate1h,
        timeToExhaustionMs: tte,
        pageFiring: firing.page,
        ticketFiring: firing.ticket,
        windowMs,
      },
      this._thresholds
    );
    this._history.add(nowMs, {
      remaining,
      sli,
      burnRates: windows.map(w => w.burnRate),
      page: firing.page,
      ticket: firing.ticket,
      status,
      totalGood: this._totalGood,
      totalBad: this._totalBad,
    });
    return {
      name: def.name,
      ...(this.group !== undefined ? { group: this.group } : {}),
      definition: def,
      timeMs: nowMs,
      target,
      windowMs,
      eligible,
      good,
      bad,
      sli,
      budget: errorBudgetFraction(target) * eligible,
      remaining,
      windows,
      burnRate1h,
      timeToExhaustionMs: tte,
      tiers,
      firing,
      status,
      totals: { good: this._totalGood, bad: this._totalBad },
      lastEventMs: this._lastEventMs,
      corrected: this._corrected,
    };
  }

  /**
   * Whether the SLO has had no eligible event for `alerting.noDataAfter`: never
   * during a correction, and counting from the end of the last one (the
   * correction, not the instrumentation, kept the events out).
   */
  private _noData(nowMs: number): boolean {
    const after = this._noDataAfterMs;
    if (nowMs - this._lastEventMs < after) return false;
    const peers = this._peers;
    if (peers !== undefined) {
      for (const p of peers.groups) if (nowMs - p._lastEventMs < after) return false;
      if (peers.overflow !== undefined && nowMs - peers.overflow._lastEventMs < after) return false;
    }
    const c = this._corrections;
    if (c === undefined) return true;
    if (c.activeAt(nowMs)) return false;
    return nowMs - c.lastEndMs(nowMs, after) >= after;
  }

  /**
   * The correction intervals that overlap the SLO window at `nowMs` (`[now − W,
   * now]`; the current period of a calendar window), sorted by start: what
   * `/api/slos` lists. Empty without corrections.
   */
  /** Whether any correction applies to the SLO. */
  get hasCorrections(): boolean {
    return this._corrections !== undefined;
  }

  correctionIntervals(nowMs: number): CorrectionInterval[] {
    if (this._corrections === undefined) return [];
    const from =
      this._calendar !== undefined && Number.isFinite(this._calendar.startMs)
        ? this._calendar.startMs
        : nowMs - this._definition.window.durationMs;
    return this._corrections.intervals(from, nowMs + 1);
  }

  /**
   * Whether a tier fires with a hold (`for:`): its condition must have been
   * true at every reading for `holdMs`, as Prometheus evaluates `for:`.
   */
  private _held(index: number, onNow: boolean, holdMs: number, nowMs: number): boolean {
    if (!onNow) {
      this._holdSince[index] = NaN;
      return false;
    }
    if (holdMs <= 0) return true;
    if (Number.isNaN(this._holdSince[index])) this._holdSince[index] = nowMs;
    return nowMs - this._holdSince[index] >= holdMs;
  }

  /**
   * Starts the no-data clock at `nowMs` (the engine's start) when no event was
   * counted yet: an SLO that never sees an eligible event reports `no-data`
   * once `alerting.noDataAfter` has passed since.
   */
  markStart(nowMs: number): void {
    if (Number.isNaN(this._lastEventMs) && Number.isFinite(nowMs)) this._lastEventMs = nowMs;
  }

  /** Lifetime good events. */
  get totalGood(): number {
    this.beforeRead?.();
    return this._totalGood;
  }

  /** Lifetime bad events. */
  get totalBad(): number {
    this.beforeRead?.();
    return this._totalBad;
  }

  /** Bytes held by the window buckets and the history rings. */
  get byteSize(): number {
    let n = this._window instanceof RollingWindow ? this._window.byteSize : 64;
    for (const w of this._alertWindows) n += w.byteSize;
    n += this._history.byteSize;
    return n;
  }

  /**
   * The serializable state. `nowMs` (the engine's export time) dates the
   * correction intervals the windows already leave out ({@link SloStateData.corrections}).
   */
  toJSON(nowMs?: number): SloStateData {
    this.beforeRead?.();
    this._flush();
    const data: SloStateData = {
      window: this._window.toJSON(),
      alertWindows: this._alertWindows.map(w => w.toJSON()),
      lastEventMs: Number.isFinite(this._lastEventMs) ? this._lastEventMs : undefined,
      history: this._history.toJSON(),
      attribution: this.attribution.toJSON(),
    };
    if (this._corrections !== undefined && nowMs !== undefined && Number.isFinite(nowMs))
      data.corrections = this._corrections.merged(nowMs - this._lateBeforeMs, nowMs + 1);
    return data;
  }

  /**
   * Restores saved state; windows whose shape changed (spec edited) are left
   * empty. Returns false when nothing fit. With `savedAtMs` (when the state was
   * written), correction intervals of the spec before that time which the state
   * did not leave out yet (declared after the fact) are taken out of the
   * restored buckets ({@link applyCorrections}).
   */
  restore(data: SloStateData, savedAtMs?: number): boolean {
    this.beforeRead?.();
    if (!data || typeof data !== 'object') return false;
    let ok = (this._window as { restore(s: unknown): boolean }).restore(data.window);
    const saved = Array.isArray(data.alertWindows) ? data.alertWindows : [];
    for (const w of this._alertWindows) {
      const match = saved.find(s => s && s.lengthMs === w.lengthMs);
      if (match) ok = w.restore(match) && ok;
    }
    // The lifetime totals are not restored: the `slo.events` counters of a new
    // process start again from zero (with a new start time), which Prometheus and
    // OTLP read as a reset, instead of from a saved value that may be below one
    // already exported (read as a reset and counted again whole).
    if (typeof data.lastEventMs === 'number' && Number.isFinite(data.lastEventMs))
      this._lastEventMs = data.lastEventMs;
    this._resetPending();
    this._history.restore(data.history);
    this._history.baseline(this._totalGood, this._totalBad);
    if (data.attribution !== undefined) this.attribution.restore(data.attribution);
    if (savedAtMs !== undefined && Number.isFinite(savedAtMs))
      this.applyCorrections(savedAtMs, Array.isArray(data.corrections) ? data.corrections : []);
    return ok;
  }

  /**
   * Takes the SLO's correction intervals before `untilMs` out of what the
   * windows hold, except the parts in `known` (intervals already left out). With
   * bucket resolution: each ring loses, from every bucket a correction overlaps,
   * the share of the bucket's width the correction covers (events are taken as
   * spread evenly over a bucket), so a bucket wholly inside loses all. A
   * calendar period loses what the finest alert ring that covers the interval
   * lost. Returns the eligible events taken out of the SLO window.
   */
  applyCorrections(untilMs: number, known: ReadonlyArray<readonly [number, number]> = []): number {
    const c = this._corrections;
    if (c === undefined) return 0;
    this._flush();
    const wanted = subtractIntervals(c.merged(untilMs - this._lateBeforeMs, untilMs), known);
    const out = new Float64Array(2);
    let removed = 0;
    for (const [start, endRaw] of wanted) {
      const end = Math.min(endRaw, untilMs);
      if (!(end > start)) continue;
      // for a calendar period: what the finest ring reaching back to `start` lost
      let fromGood = 0;
      let fromBad = 0;
      let fromBucketMs = Infinity;
      let fromCovers = false;
      for (const ring of this._rings) {
        ring.removeShare(start, end, out);
        if (ring === this._window) removed += out[0] + out[1];
        const covers = (ring.headIndex - ring.buckets + 1) * ring.bucketMs <= start;
        const better = covers
          ? !fromCovers || ring.bucketMs < fromBucketMs
          : !fromCovers && (fromBucketMs === Infinity || ring.bucketMs > fromBucketMs);
        if (better) {
          fromGood = out[0];
          fromBad = out[1];
          fromBucketMs = ring.bucketMs;
          fromCovers = covers;
        }
      }
      if (this._calendar !== undefined && end > this._calendar.startMs) {
        removed += this._calendar.subtract(fromGood, fromBad);
      }
    }
    this._resetPending();
    return removed;
  }

  /** Adds the pending counts to every ring, at the start of the pending bucket. */
  private _flush(): void {
    const g = this._pendingGood;
    const b = this._pendingBad;
    if (g === 0 && b === 0) return;
    this._pendingGood = 0;
    this._pendingBad = 0;
    const t = this._pendingIndex * this._pendingMs;
    const rings = this._rings;
    for (let i = 0; i < rings.length; i++) {
      RECORD_TIME[0] = t;
      rings[i].recordAtScratchTime(g, b);
    }
  }

  /** Drops the pending counts and moves the pending bucket to the newest ring head. */
  private _resetPending(): void {
    this._pendingGood = 0;
    this._pendingBad = 0;
    let idx = -Infinity;
    if (this._pendingMs > 0) {
      for (const r of this._rings) {
        if (r.headIndex === -Infinity) continue;
        idx = Math.max(idx, Math.floor((r.headIndex * r.bucketMs) / this._pendingMs));
      }
    }
    this._movePending(idx);
  }

  /**
   * Moves the (flushed) pending bucket to `idx` (cold path). With corrections,
   * its bounds are cut to the clear interval the schedule last found, so that an
   * event at or past the next correction boundary takes the slow path, which checks it.
   */
  private _movePending(idx: number): void {
    this._pendingIndex = idx;
    let start = idx * this._pendingMs;
    let end = start + this._pendingMs;
    const c = this._corrections;
    if (c !== undefined) {
      start = Math.max(start, c.clearFromMs);
      end = Math.min(end, c.clearUntilMs);
    }
    this._pendingStartMs = start;
    this._pendingEndMs = end;
  }
}

/**
 * The pending bucket width for a set of rings: the finest bucket, when it is a
 * whole number of milliseconds and every other bucket is a whole multiple of
 * it (so that a pending bucket lies inside one bucket of every ring); 0 otherwise.
 */
function pendingBucketMs(rings: readonly RollingWindow[]): number {
  if (rings.length === 0) return 0;
  let fine = Infinity;
  for (const r of rings) fine = Math.min(fine, r.bucketMs);
  if (!Number.isInteger(fine) || fine <= 0) return 0;
  for (const r of rings) if (!Number.isInteger(r.bucketMs / fine)) return 0;
  return fine;
}

/** The parts of the disjoint ascending intervals `a` that no interval of `b` covers. */
function subtractIntervals(
  a: ReadonlyArray<readonly [number, number]>,
  b: ReadonlyArray<readonly [number, number]>
): Array<[number, number]> {
  let rest: Array<[number, number]> = a.map(([s, e]) => [s, e]);
  for (const item of b) {
    if (!Array.isArray(item) || typeof item[0] !== 'number' || typeof item[1] !== 'number')
      continue;
    const [bs, be] = item;
    const next: Array<[number, number]> = [];
    for (const [s, e] of rest) {
      if (be <= s || bs >= e) next.push([s, e]);
      else {
        if (bs > s) next.push([s, bs]);
        if (be < e) next.push([be, e]);
      }
    }
    rest = next;
  }
  return rest;
}
