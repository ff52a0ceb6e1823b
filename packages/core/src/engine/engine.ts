import { KeyRegistry } from '../attribution/attribution-ledger';
import { CompiledSlo, Outcome } from '../classify/classify';
import { explainSlo, type Explanation } from '../attribution/explain';
import { SloDispatch } from '../classify/slo-dispatch';
import { CELL_NEW, CELL_UNUSABLE, CountCells, type CellPlan } from '../cells/count-cells';
import { SpanFacts } from '../classify/span-facts';
import { CorrectionSchedule } from '../corrections/correction-schedule';
import {
  CORRECTED,
  EVENT_TIME,
  SloState,
  type DropReason,
  type RecordOutcome,
  type SloSnapshot,
  type SloStateData,
} from './slo-state';
import type { Clock, SloDefinition, SloSpec, SpanView } from '../types';
import { MonotonicClock } from './monotonic-clock';
import { compositeSnapshots, type CompositeSnapshot } from '../composite/composite';
import { SloGroups, type GroupValues } from '../groups/slo-groups';
import { DEFAULT_MAX_GROUPS } from '../spec/check-groups';
import { JourneyAssembler } from '../journey/journey-assembler';
import { CompiledJourney } from '../journey/compiled-journey';

const TIMES_UNCHECKED = 0;
const TIMES_OK = 1;
const TIMES_INVALID = 2;
const TIMES_FUTURE = 3;

/**
 * The system clock: wall time read once, when this module loads, then advanced
 * by the monotonic clock (see {@link MonotonicClock}). Each engine built without
 * a clock anchors a {@link MonotonicClock} of its own at construction.
 */
export const systemClock: Clock = new MonotonicClock();

/** Default {@link SloEngineOptions.maxFutureSkewMs}. */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 5_000;

/** Options of {@link SloEngine}. */
export interface SloEngineOptions {
  /** The validated spec. */
  spec: SloSpec;
  /**
   * Source of "now": every span counts at the moment the engine receives it, by
   * this clock, and windows and calendar periods advance by it alone.
   * @default a {@link MonotonicClock} anchored to the wall clock at construction
   */
  clock?: Clock;
  /**
   * Spans ending more than this far after "now" (a sender's clock ahead) are
   * dropped as `future`; the rest count at "now" whatever their end time.
   * A number of milliseconds ≥ 0 (`Infinity`: never drop). @default 5000
   */
  maxFutureSkewMs?: number;
  /** Bucket width for every window instead of 1/300 of its length (replay: one minute). */
  resolutionMs?: number;
  /**
   * Cap on attribution keys per SLO (distinct route, method, version, and for
   * bad events status code and failure reason); past it, events count in the
   * SLO's overflow rows. @default 100
   */
  maxAttributionKeys?: number;
  /** Buckets per attribution window. @default 60 */
  attributionBuckets?: number;
  /**
   * Whether spans fold into count cells (docs/performance.md): one increment
   * per span whatever the number of SLOs, recorded in the windows once per
   * clock reading; off, every span is classified against every candidate SLO
   * as it arrives (the benchmark's and the tests' reference). The counts are
   * the same either way. @default true
   */
  countCells?: boolean;
  /** Whether to keep the attribution ledgers at all (off: the benchmark's baseline). @default true */
  attribution?: boolean;
  /** Journey SLOs: traces held at once (see {@link JourneyAssembler}). @default 50000 */
  maxTracesInFlight?: number;
  /** Journey SLOs: estimated bytes the traces in flight may hold. @default 64 MiB */
  maxTraceBufferBytes?: number;
  /** Journey SLOs: a trace is decided or dropped this long after its first span. @default 2 minutes */
  maxTraceAgeMs?: number;
}

/** Dropped events by reason. */
export type DropCounts = Record<DropReason, number>;

/** Version of the serialized engine state. */
export const STATE_VERSION = 1;

/** Serialized engine state (see {@link SloEngine.exportState}). */
export interface EngineState {
  version: number;
  savedAtMs: number;
  /** Ungrouped SLOs' state by name. */
  slos: Record<string, SloStateData>;
  /** Grouped SLOs' state by name: their `groupBy` and every group's values and state. */
  groups?: Record<string, GroupedSloStateData>;
  /** Drop counts written by versions that restored them; ignored. */
  dropped?: Partial<Record<string, number>>;
}

/** Serialized state of a grouped SLO (see {@link EngineState.groups}). */
export interface GroupedSloStateData {
  groupBy: string[];
  groups: Array<{ values: string[]; overflow?: boolean; state: SloStateData }>;
}

/**
 * The burnrate engine: every SLO of a spec compiled once, with its windows.
 * {@link record} classifies a span against every SLO and counts it; it
 * allocates nothing, does no I/O and never throws. {@link snapshot} reads every
 * number from one consistent state.
 */
export class SloEngine {
  readonly spec: SloSpec;
  /**
   * Every live state: ungrouped SLOs in spec order, then the groups of grouped
   * SLOs in the order they appeared. Append-only: an index keeps its state.
   */
  private readonly _states: SloState[];
  /** Per spec SLO, its state; undefined for a grouped SLO (see {@link _groups}). */
  private readonly _base: ReadonlyArray<SloState | undefined>;
  /** Per spec SLO, its groups; undefined for an ungrouped SLO. */
  private readonly _groups: ReadonlyArray<SloGroups | undefined>;
  private readonly _clock: Clock;
  private readonly _skewMs: number;
  private readonly _facts = new SpanFacts();
  private readonly _dispatch: SloDispatch;
  /** Every spec SLO compiled once, in spec order (shared by the states of its groups). */
  private readonly _slos: readonly CompiledSlo[];
  /**
   * Per SLO, its slot among SLOs that classify every candidate span alike (same
   * service, span selector apart from routes, and good predicates: SLOs of one
   * SLI with other routes, objectives or windows), or -1 when no other SLO does:
   * a span is classified once per slot.
   */
  private readonly _sharedSlot: Int32Array;
  /** Per slot, the span ({@link _spans}) whose outcome it holds. */
  private readonly _slotSpan: Float64Array;
  /** Per slot, that span's outcome. */
  private readonly _slotOutcome: Uint8Array;
  /** Whether counted events go to the attribution ledgers. */
  private readonly _attribution: boolean;
  private readonly _dropped: DropCounts = { too_old: 0, future: 0, invalid: 0 };
  private _spans = 0;
  /**
   * The engine's time (docs/spec.md, the time rule): `[0]` the last clock
   * reading, at which spans count until the next one; `[1]`, `[2]` the bounds
   * `[start, end)` of the finest bucket holding the end time of the span that
   * caused it. A clock read allocates (its double result is boxed), so the
   * per-span path reads the clock only when a span's end time leaves that
   * bucket or lies beyond the future skew (see {@link tick}).
   */
  private readonly _time = new Float64Array([NaN, Infinity, -Infinity]);
  /** The count cells, undefined when off. */
  private readonly _cells: CountCells | undefined;
  /** Width of the finest bucket of any state's rings (groups' included as they come), at most 1 s. */
  private _finestMs = 1000;
  /** The journey SLOs' trace assembler; undefined when the spec has none. */
  private readonly _journeys: JourneyAssembler | undefined;

  /** @throws RangeError or TypeError naming the option when an option is not usable */
  constructor(options: SloEngineOptions) {
    validateEngineOptions(options);
    this.spec = options.spec;
    this._clock = options.clock ?? new MonotonicClock();
    this._skewMs = options.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS;
    const keyRegistry = new KeyRegistry();
    const stateOptions = {
      resolutionMs: options.resolutionMs,
      maxAttributionKeys: options.maxAttributionKeys,
      attributionBuckets: options.attributionBuckets,
      keyRegistry,
      statusThresholds: options.spec.policy?.thresholds,
    };
    this._slos = options.spec.slos.map(def => new CompiledSlo(def));
    // one schedule per SLO, shared by its groups (they all ask about the same now)
    const corrections = options.spec.slos.map(def =>
      CorrectionSchedule.forSlo(options.spec.corrections, def.name)
    );
    this._base = this._slos.map((slo, i) =>
      slo.definition.groupBy === undefined
        ? new SloState(slo, { ...stateOptions, corrections: corrections[i] })
        : undefined
    );
    this._states = this._base.filter((s): s is SloState => s !== undefined);
    this._groups = this._slos.map((slo, i) => {
      const def = slo.definition;
      if (def.groupBy === undefined) return undefined;
      const groups: SloGroups = new SloGroups({
        keys: def.groupBy,
        maxGroups: def.maxGroups ?? DEFAULT_MAX_GROUPS,
        create: (group: GroupValues) => {
          const state = new SloState(slo, {
            ...stateOptions,
            group,
            corrections: corrections[i],
            peers: groups,
          });
          state.markStart(this._clock.now());
          this._finestMs = Math.min(this._finestMs, state.finestBucketMs);
          this._states.push(state);
          return state;
        },
      });
      return groups;
    });
    this._attribution = options.attribution ?? true;
    this._sharedSlot = sharedSlots(options.spec.slos);
    const slots = this._sharedSlot.reduce((n, slot) => Math.max(n, slot + 1), 0);
    this._slotSpan = new Float64Array(slots);
    this._slotOutcome = new Uint8Array(slots);
    this._dispatch = new SloDispatch(this._slos);
    this._cells =
      (options.countCells ?? true)
        ? new CountCells(this._slos, this._base, keyRegistry)
        : undefined;
    if (this._cells !== undefined) {
      const flush = () => this._flushCells();
      for (const s of this._states) s.beforeRead = flush;
    }
    this._finestMs = this._states.reduce((ms, s) => Math.min(ms, s.finestBucketMs), 1000);
    this._journeys = journeyAssembler(
      this._slos,
      this._base,
      this._groups,
      this._clock,
      options,
      this._dropped
    );
    this._readClock();
    const start = this._time[0];
    for (const s of this.states) s.markStart(start);
  }

  /**
   * Every live state (one per ungrouped SLO, one per group of a grouped SLO):
   * ungrouped SLOs in spec order, then groups as they appeared. The list only
   * grows (a group is never removed), so an index keeps meaning its state;
   * {@link snapshot} reads them in this order.
   */
  get states(): readonly SloState[] {
    return this._states;
  }

  /** The states of one SLO: its own, or its groups (the overflow group last); empty for an unknown name. */
  sloStates(name: string): SloState[] {
    const i = this._slos.findIndex(s => s.name === name);
    if (i < 0) return [];
    const base = this._base[i];
    if (base !== undefined) return [base];
    const g = this._groups[i] as SloGroups;
    return g.overflow === undefined ? [...g.groups] : [...g.groups, g.overflow];
  }

  /** The groups of a grouped SLO by spec index; undefined for an ungrouped SLO. */
  groupsOf(sloIndex: number): SloGroups | undefined {
    return this._groups[sloIndex];
  }

  /**
   * Reads the clock: spans recorded from now on count at this reading until
   * the next one. The engine reads it by itself when a span's end time falls
   * outside the finest bucket (≤ 1 s) of the end time that caused the last
   * reading — the end times of any sender whose clock runs at the real rate,
   * ahead, behind or in sync, tell it that time has moved on by a bucket —,
   * when a span seems to be in the future, and at every read (`snapshot`,
   * `explain`, `exportState`). Callers call it once per batch (the collector:
   * per request) or on a timer (the processor: every second), which bounds how
   * stale the reading gets for spans whose end times stand still.
   */
  tick(): void {
    this._readClock();
  }

  /** Cold path: a new clock reading into {@link _time}, with no span's end time. */
  private _readClock(): number {
    this._flushCells();
    const now = this._clock.now();
    this._time[0] = now;
    return now;
  }

  /**
   * Records what the count cells hold at the current reading (`_time[0]`, where
   * the direct path counted each of their spans); called before the reading
   * changes and before any read of the states.
   */
  private _flushCells(): void {
    const cells = this._cells;
    if (cells === undefined) return;
    const now = this._time[0];
    EVENT_TIME[0] = now;
    EVENT_TIME[1] = now;
    EVENT_TIME[2] = now;
    cells.flush(EVENT_TIME, this._dropped, this._attribution);
  }

  /** Cold path of {@link record}: a new clock reading, caused by a span ending at `_time[1]`. */
  private _readClockAtEnd(): void {
    const t = this._time;
    const start = Math.floor(t[1] / this._finestMs) * this._finestMs;
    t[1] = start;
    t[2] = start + this._finestMs;
    this._flushCells();
    t[0] = this._clock.now();
  }

  /** Count cells in use (0 when `countCells` is off). */
  get countCellsInUse(): number {
    return this._cells?.size ?? 0;
  }

  /** The injected clock. */
  get clock(): Clock {
    return this._clock;
  }

  /** Dropped events by reason (an event is one span for one SLO). */
  get dropped(): Readonly<DropCounts> {
    return this._dropped;
  }

  /** The journey SLOs' trace assembler (`sli.trace`); undefined when the spec has none. */
  get journeys(): JourneyAssembler | undefined {
    return this._journeys;
  }

  /** Spans seen by {@link record}. */
  get spansSeen(): number {
    return this._spans;
  }

  /**
   * Classifies a finished span against every SLO and records it in the windows
   * of the SLOs it is eligible for, at the clock's now (the time rule: a span
   * counts when it is received, in every window). Its end time only refuses it:
   * older than the SLO window (`too_old`) or more than `maxFutureSkewMs` ahead
   * (`future`). `weight` is how many spans it stands for (its adjusted count
   * under probability sampling, ≥ 1; default 1). Returns the number of SLOs that
   * counted it.
   */
  record(span: SpanView, weight = 1): number {
    const spanNumber = ++this._spans;
    let counted = 0;
    try {
      const facts = this._facts;
      facts.reset(span);
      const entry = this._dispatch.entry(facts.method(), facts.route());
      const cells = this._cells;
      let cell = CELL_UNUSABLE;
      if (cells !== undefined) {
        const plan =
          entry.plan === undefined ? cells.planOf(entry) : (entry.plan as CellPlan | null);
        if (plan !== null) cell = this._fold(plan, span, weight);
        if (cell >= 0) {
          const ids = this._attribution && cells.hasBad(cell);
          if (
            !cells.add(cell, weight, ids ? span.traceId : undefined, ids ? span.spanId : undefined)
          )
            this._flushCells();
          const direct = cells.direct(cell);
          counted = cells.counted(cell);
          if (direct.length > 0) counted += this._recordDirect(span, direct, weight, spanNumber);
        } else {
          counted = this._recordDirect(span, entry.candidates, weight, spanNumber);
          if (cell === CELL_NEW) cells.create(plan as CellPlan, facts, this._attribution);
        }
      } else counted = this._recordDirect(span, entry.candidates, weight, spanNumber);
    } catch {
      this._dropped.invalid++;
    }
    this._facts.clear();
    if (this._journeys !== undefined) this._journeys.add(span, weight);
    return counted;
  }

  /**
   * The count cell of a span, after the checks the direct path would make of
   * its times (valid, not in the future, not older than the shortest window of
   * the plan's SLOs) and of its weight (an integer: sums of integers are exact);
   * {@link CELL_NEW} when it gets a cell after the direct path recorded it,
   * another negative number when it takes the direct path alone.
   */
  private _fold(plan: CellPlan, span: SpanView, weight: number): number {
    const end = span.endTimeMs;
    const duration = span.durationMs;
    if (!(end > 0) || end === Infinity || !(duration >= 0) || duration === Infinity)
      return CELL_UNUSABLE;
    if (!(weight >= 0) || weight !== Math.floor(weight) || weight > 1e9) return CELL_UNUSABLE;
    const t = this._time;
    if (end < t[1] || end >= t[2] || end > t[0] + this._skewMs) {
      t[1] = end;
      this._readClockAtEnd();
    }
    if (end > t[0] + this._skewMs || !(end > t[0] - plan.minWindowMs)) return CELL_UNUSABLE;
    return (this._cells as CountCells).find(plan, this._facts);
  }

  /** The direct path: classifies the span against each of `candidates` and records it. */
  private _recordDirect(
    span: SpanView,
    candidates: Uint16Array,
    weight: number,
    spanNumber: number
  ): number {
    let counted = 0;
    const facts = this._facts;
    const base = this._base;
    const slos = this._slos;
    // what the span's times say, found at the first SLO it is eligible for
    let times = TIMES_UNCHECKED;
    const several = candidates.length > 1 && this._slotSpan.length > 0;
    for (let c = 0; c < candidates.length; c++) {
      const i = candidates[c];
      const slot = several ? this._sharedSlot[i] : -1;
      let outcome: Outcome;
      if (slot < 0) outcome = slos[i].classify(facts, true);
      else if (this._slotSpan[slot] === spanNumber) outcome = this._slotOutcome[slot] as Outcome;
      else {
        outcome = slos[i].classify(facts, true);
        this._slotSpan[slot] = spanNumber;
        this._slotOutcome[slot] = outcome;
      }
      if (outcome === Outcome.INELIGIBLE) continue;
      let state = base[i];
      if (state === undefined) state = (this._groups[i] as SloGroups).stateFor(facts);
      if (times === TIMES_UNCHECKED) {
        const end = span.endTimeMs;
        const duration = span.durationMs;
        times = TIMES_OK;
        if (!(end > 0) || end === Infinity || !(duration >= 0) || duration === Infinity) {
          times = TIMES_INVALID;
        } else {
          // The engine's time, read again only when the span says it moved on
          // (a clock read allocates 16 B: docs/performance.md, allocation).
          const t = this._time;
          if (end < t[1] || end >= t[2] || end > t[0] + this._skewMs) {
            t[1] = end;
            this._readClockAtEnd();
          }
          const now = t[0];
          if (end > now + this._skewMs) times = TIMES_FUTURE;
          EVENT_TIME[0] = now;
          EVENT_TIME[1] = now;
          EVENT_TIME[2] = end;
        }
      }
      if (times === TIMES_INVALID) {
        this._dropped.invalid++;
        continue;
      }
      if (times === TIMES_FUTURE) {
        this._dropped.future++;
        continue;
      }
      const isGood = outcome === Outcome.GOOD;
      const good = isGood ? weight : 0;
      const reason = state.recordEvent(good, weight - good);
      if (reason === undefined) {
        counted++;
        if (this._attribution) {
          if (isGood) state.attribution.recordGood(facts, EVENT_TIME, weight);
          else this._recordBad(state, facts, weight);
        }
      } else if (reason !== CORRECTED) this._dropped[reason]++;
    }
    return counted;
  }

  /** Cold path: a counted bad event goes to the ledger with its status code and failure reason. */
  private _recordBad(state: SloState, facts: SpanFacts, weight: number): void {
    if (this._cells?.holdsBadSpans === true) {
      // the cells' bad spans came first: their exemplars go first (same time, same counts)
      const end = EVENT_TIME[2];
      this._flushCells();
      EVENT_TIME[2] = end;
    }
    const http = facts.httpStatus();
    const code = http >= 0 ? http : facts.rpcCode();
    state.attribution.recordBad(facts, code, state.slo.failureReason(facts), EVENT_TIME, weight);
  }

  /**
   * Records pre-aggregated counts for one SLO at their own time `timeMs` (replay,
   * whose rows carry their times; tests): `good` and `bad` events, with `nowMs`
   * for the too-old and future checks. Returns the drop reason, or undefined
   * when counted.
   */
  recordCounts(
    sloIndex: number,
    timeMs: number,
    good: number,
    bad: number,
    nowMs: number = this._readClock()
  ): RecordOutcome {
    const state = this._base[sloIndex];
    if (state === undefined) return 'invalid';
    this._flushCells();
    if (!Number.isFinite(timeMs) || !(good >= 0) || !(bad >= 0)) return 'invalid';
    if (timeMs > nowMs + this._skewMs) return 'future';
    return state.record(timeMs, nowMs, good, bad);
  }

  /** Every SLO's numbers at `nowMs` (default: the clock's now). */
  snapshot(nowMs: number = this._readClock()): SloSnapshot[] {
    this._journeys?.sweep(nowMs);
    return this._states.map(s => s.snapshot(nowMs));
  }

  /**
   * Every composite SLO of the spec (`composites:`), from SLO snapshots read at
   * one instant (default: {@link snapshot} now), in spec order.
   */
  compositeSnapshots(snapshots: readonly SloSnapshot[] = this.snapshot()): CompositeSnapshot[] {
    const composites = this.spec.composites ?? [];
    if (composites.length === 0) return [];
    const timeMs = snapshots[0]?.timeMs ?? this._readClock();
    return compositeSnapshots(composites, snapshots, timeMs, this.spec.policy);
  }

  /**
   * Explains one SLO at `nowMs`: its numbers, since when it burns, what burns
   * it (route, code, reason, version), the deploy correlation and example
   * traces. Undefined when the spec has no SLO of that name. For a grouped SLO,
   * `group` picks the group by its values (the keys given must all match);
   * without it, the group burning fastest.
   */
  explain(
    name: string,
    nowMs: number = this._readClock(),
    group?: Readonly<Record<string, string>>
  ): Explanation | undefined {
    const state = this._explained(name, nowMs, group);
    if (state === undefined) return undefined;
    this._journeys?.sweep(nowMs);
    const snapshot = state.snapshot(nowMs);
    return explainSlo(snapshot, state.readAttribution(nowMs), state.elevatedSinceMs());
  }

  /**
   * The state {@link explain} reads: the group whose values match `group`, or
   * without it the SLO's own state, or for a grouped SLO the group burning
   * fastest (1 h burn rate, then least budget left, then first seen).
   */
  private _explained(
    name: string,
    nowMs: number,
    group: Readonly<Record<string, string>> | undefined
  ): SloState | undefined {
    const states = this.sloStates(name);
    if (group !== undefined || states.length <= 1)
      return states.find(s => groupMatches(s.group, group));
    let best: SloState | undefined;
    let bestBurn = -Infinity;
    let bestRemaining = Infinity;
    for (const s of states) {
      const snap = s.snapshot(nowMs);
      if (
        snap.burnRate1h > bestBurn ||
        (snap.burnRate1h === bestBurn && snap.remaining < bestRemaining)
      ) {
        best = s;
        bestBurn = snap.burnRate1h;
        bestRemaining = snap.remaining;
      }
    }
    return best;
  }

  /**
   * The serializable window state of every SLO. Counters (`slo.events`, drops)
   * are not part of it: a restored engine counts them again from zero.
   */
  exportState(nowMs: number = this._readClock()): EngineState {
    const slos: Record<string, SloStateData> = {};
    const groups: Record<string, GroupedSloStateData> = {};
    this._slos.forEach((slo, i) => {
      const base = this._base[i];
      if (base !== undefined) {
        slos[slo.name] = base.toJSON(nowMs);
        return;
      }
      const g = this._groups[i] as SloGroups;
      groups[slo.name] = {
        groupBy: [...g.keys],
        groups: this.sloStates(slo.name).map(s => ({
          values: g.keys.map(k => (s.group as GroupValues)[k]),
          ...(s === g.overflow ? { overflow: true } : {}),
          state: s.toJSON(nowMs),
        })),
      };
    });
    return {
      version: STATE_VERSION,
      savedAtMs: nowMs,
      slos,
      ...(Object.keys(groups).length > 0 ? { groups } : {}),
    };
  }

  /**
   * Restores state written by {@link exportState}: windows, history and the time
   * of the last event. SLOs are matched by name; windows whose length changed are
   * left empty. Lifetime counters (event totals, drops) are never restored: they
   * start again from zero, as any restarted process's counters do, so that no
   * exported cumulative value goes back. Throws on a state of another version or
   * shape, leaving the engine as it was.
   */
  importState(state: EngineState): { restored: string[]; skipped: string[] } {
    if (
      !state ||
      typeof state !== 'object' ||
      state.version !== STATE_VERSION ||
      typeof state.slos !== 'object' ||
      state.slos === null
    ) {
      throw new Error(
        `unsupported state: expected version ${STATE_VERSION}, got ${JSON.stringify((state as { version?: unknown })?.version)}`
      );
    }
    const restored: string[] = [];
    const skipped: string[] = [];
    // the ledgers' rows are rebuilt: the cells' row numbers would point elsewhere
    this._flushCells();
    this._cells?.clear();
    this._slos.forEach((slo, i) => {
      const base = this._base[i];
      if (base !== undefined) {
        const data = state.slos[slo.name];
        if (data === undefined) return;
        if (base.restore(data, state.savedAtMs)) restored.push(slo.name);
        else skipped.push(slo.name);
        return;
      }
      const saved = savedGroups(state.groups, slo.name);
      if (saved === undefined) return;
      const g = this._groups[i] as SloGroups;
      if (saved.groupBy.length !== g.keys.length || saved.groupBy.some((k, j) => k !== g.keys[j])) {
        skipped.push(slo.name);
        return;
      }
      let ok = true;
      for (const entry of saved.groups) {
        // a group without an event over a whole SLO window holds nothing: it is not
        // restored (nor counted against maxGroups), so idle values expire at a restart
        const last = entry?.state?.lastEventMs;
        if (
          typeof last === 'number' &&
          typeof state.savedAtMs === 'number' &&
          state.savedAtMs - last >= slo.definition.window.durationMs
        )
          continue;
        const values = entry?.values;
        const target =
          Array.isArray(values) && values.every(v => typeof v === 'string')
            ? g.groupOf(values, entry.overflow === true)
            : undefined;
        if (target === undefined || !target.restore(entry.state, state.savedAtMs)) ok = false;
      }
      (ok ? restored : skipped).push(slo.name);
    });
    return { restored, skipped };
  }
}

/** Whether a state's group has every value of `wanted` (no `wanted`: any state). */
function groupMatches(
  group: Readonly<Record<string, string>> | undefined,
  wanted: Readonly<Record<string, string>> | undefined
): boolean {
  if (wanted === undefined) return true;
  if (group === undefined) return Object.keys(wanted).length === 0;
  return Object.keys(wanted).every(k => group[k] === wanted[k]);
}

/** A grouped SLO's saved state, when it has the expected shape. */
function savedGroups(groups: EngineState['groups'], name: string): GroupedSloStateData | undefined {
  if (groups === null || typeof groups !== 'object') return undefined;
  const g = (groups as Record<string, unknown>)[name] as GroupedSloStateData | undefined;
  if (g === null || typeof g !== 'object') return undefined;
  if (!Array.isArray(g.groupBy) || !Array.isArray(g.groups)) return undefined;
  return g;
}

/**
 * The assembler of the engine's journey SLOs (a grouped journey counts in the
 * group of its entry span), counting their drops with the engine's; undefined
 * without one.
 */
function journeyAssembler(
  slos: readonly CompiledSlo[],
  base: ReadonlyArray<SloState | undefined>,
  groups: ReadonlyArray<SloGroups | undefined>,
  clock: Clock,
  options: SloEngineOptions,
  dropped: DropCounts
): JourneyAssembler | undefined {
  const journeys: CompiledJourney[] = [];
  slos.forEach((slo, i) => {
    if (!slo.isJourney) return;
    const state = base[i];
    const g = groups[i];
    const stateOf =
      g !== undefined ? (facts: SpanFacts) => g.stateFor(facts) : () => state as SloState;
    journeys.push(new CompiledJourney(slo, stateOf));
  });
  if (journeys.length === 0) return undefined;
  return new JourneyAssembler({
    journeys,
    clock,
    maxTracesInFlight: options.maxTracesInFlight,
    maxTraceBufferBytes: options.maxTraceBufferBytes,
    maxTraceAgeMs: options.maxTraceAgeMs,
    attribution: options.attribution,
    onDrop: reason => dropped[reason]++,
  });
}

/**
 * Checks {@link SloEngineOptions} as the OpenTelemetry SDK checks its own: a
 * clear error naming the option and the value, never a NaN carried into the
 * windows.
 */
function validateEngineOptions(options: SloEngineOptions): void {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`SloEngine: options must be an object, got ${String(options)}`);
  const spec = options.spec as SloSpec | undefined;
  if (spec === null || typeof spec !== 'object' || !Array.isArray(spec.slos))
    throw new TypeError(
      'SloEngine: options.spec must be a validated spec (validateSpec / loadSpec)'
    );
  const clock = options.clock as Clock | undefined;
  if (clock !== undefined && (clock === null || typeof clock.now !== 'function'))
    throw new TypeError('SloEngine: options.clock must have a now() method returning milliseconds');
  const number = (name: keyof SloEngineOptions, ok: (v: number) => boolean, what: string): void => {
    const v = options[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || !ok(v))
      throw new RangeError(`SloEngine: options.${name} must be ${what}, got ${String(v)}`);
  };
  number('maxFutureSkewMs', v => v >= 0, 'a number of milliseconds ≥ 0 (Infinity: no limit)');
  number('resolutionMs', v => v > 0 && Number.isFinite(v), 'a positive number of milliseconds');
}

/**
 * Per SLO, a slot shared with every other SLO whose outcome is the same for
 * any span the dispatch makes it a candidate for, or -1 when it shares with
 * none. {@link CompiledSlo.classify} with `routeChecked` reads only the SLO's
 * service, its span selector apart from `routes` and its good predicates.
 */
function sharedSlots(slos: readonly SloDefinition[]): Int32Array {
  const keys = slos.map(d => {
    const { routes: _routes, ...selector } = d.sli.spans;
    return JSON.stringify([d.service, selector, d.sli.good], exactValue);
  });
  const slot = new Int32Array(slos.length).fill(-1);
  const slotOf = new Map<string, number>();
  let next = 0;
  for (let i = 0; i < slos.length; i++) {
    if (keys.indexOf(keys[i]) === keys.lastIndexOf(keys[i])) continue;
    let s = slotOf.get(keys[i]);
    if (s === undefined) {
      s = next++;
      slotOf.set(keys[i], s);
    }
    slot[i] = s;
  }
  return slot;
}

let uniqueValues = 0;

/**
 * JSON replacer keeping what JSON loses (number vs string, Infinity, NaN,
 * undefined, bigint, RegExp); a function or symbol makes the key unique.
 */
function exactValue(_key: string, v: unknown): unknown {
  if (typeof v === 'number') return { n: String(v) };
  if (typeof v === 'function' || typeof v === 'symbol') return { unique: ++uniqueValues };
  if (typeof v === 'bigint') return { b: String(v) };
  if (v === undefined) return { u: 1 };
  if (v instanceof RegExp) return { r: String(v) };
  return v;
}
