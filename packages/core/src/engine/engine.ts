import { KeyRegistry } from '../attribution/attribution-ledger';
import { CompiledSlo, Outcome } from '../classify/classify';
import { explainSlo, type Explanation } from '../attribution/explain';
import { SloDispatch } from '../classify/slo-dispatch';
import { SpanFacts } from '../classify/span-facts';
import {
  EVENT_TIME,
  SloState,
  type DropReason,
  type SloSnapshot,
  type SloStateData,
} from './slo-state';
import type { Clock, SloDefinition, SloSpec, SpanView } from '../types';

const TIMES_UNCHECKED = 0;
const TIMES_OK = 1;
const TIMES_INVALID = 2;
const TIMES_FUTURE = 3;

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Options of {@link SloEngine}. */
export interface SloEngineOptions {
  /** The validated spec. */
  spec: SloSpec;
  /** Source of "now"; @default the system clock */
  clock?: Clock;
  /** Spans ending up to this far in the future are counted at "now"; later ones are dropped. @default 5000 */
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
  /** Whether to keep the attribution ledgers at all (off: the benchmark's baseline). @default true */
  attribution?: boolean;
}

/** Dropped events by reason. */
export type DropCounts = Record<DropReason, number>;

/** Version of the serialized engine state. */
export const STATE_VERSION = 1;

/** Serialized engine state (see {@link SloEngine.exportState}). */
export interface EngineState {
  version: number;
  savedAtMs: number;
  slos: Record<string, SloStateData>;
  dropped?: Partial<DropCounts>;
}

/**
 * The burnrate engine: every SLO of a spec compiled once, with its windows.
 * {@link record} classifies a span against every SLO and counts it; it
 * allocates nothing, does no I/O and never throws. {@link snapshot} reads every
 * number from one consistent state.
 */
export class SloEngine {
  readonly spec: SloSpec;
  readonly states: readonly SloState[];
  private readonly _clock: Clock;
  private readonly _skewMs: number;
  private readonly _facts = new SpanFacts();
  private readonly _dispatch: SloDispatch;
  /** `states[i].slo`, so that a candidate's SLO and state are loaded side by side. */
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
  private readonly _dropped: DropCounts = { late: 0, future: 0, invalid: 0 };
  private _spans = 0;
  /** Last reading of the clock; see {@link _place}. */
  private _now = -Infinity;

  constructor(options: SloEngineOptions) {
    this.spec = options.spec;
    this._clock = options.clock ?? systemClock;
    this._skewMs = options.maxFutureSkewMs ?? 5_000;
    const keyRegistry = new KeyRegistry();
    this.states = options.spec.slos.map(
      def =>
        new SloState(new CompiledSlo(def), {
          resolutionMs: options.resolutionMs,
          maxAttributionKeys: options.maxAttributionKeys,
          attributionBuckets: options.attributionBuckets,
          keyRegistry,
        })
    );
    this._attribution = options.attribution ?? true;
    this._slos = this.states.map(s => s.slo);
    this._sharedSlot = sharedSlots(options.spec.slos);
    const slots = this._sharedSlot.reduce((n, slot) => Math.max(n, slot + 1), 0);
    this._slotSpan = new Float64Array(slots);
    this._slotOutcome = new Uint8Array(slots);
    this._dispatch = new SloDispatch(this._slos);
  }

  /** The injected clock. */
  get clock(): Clock {
    return this._clock;
  }

  /** Dropped events by reason (an event is one span for one SLO). */
  get dropped(): Readonly<DropCounts> {
    return this._dropped;
  }

  /** Spans seen by {@link record}. */
  get spansSeen(): number {
    return this._spans;
  }

  /**
   * Classifies a finished span against every SLO and records it in the windows
   * of the SLOs it is eligible for, placed at its end time. `weight` is how many
   * spans it stands for (its adjusted count under probability sampling, ≥ 1;
   * default 1). Returns the number of SLOs that counted it.
   */
  record(span: SpanView, weight = 1): number {
    const spanNumber = ++this._spans;
    let counted = 0;
    try {
      const facts = this._facts;
      facts.reset(span);
      const states = this.states;
      const slos = this._slos;
      const candidates = this._dispatch.candidates(facts.method(), facts.route());
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
        const state = states[i];
        if (times === TIMES_UNCHECKED) {
          const end = span.endTimeMs;
          const duration = span.durationMs;
          times = TIMES_OK;
          if (!(end > 0) || end === Infinity || !(duration >= 0) || duration === Infinity) {
            times = TIMES_INVALID;
          } else if (end > this._now + this._skewMs) {
            // The clock is read only when a span seems to end in the future of the
            // last reading (clock reads cost more than the rest of this path on some
            // machines); a stale reading only makes the late check more lenient.
            this._now = this._clock.now();
            if (end > this._now + this._skewMs) times = TIMES_FUTURE;
          }
          EVENT_TIME[0] = end;
          EVENT_TIME[1] = this._now;
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
        } else this._dropped[reason]++;
      }
    } catch {
      this._dropped.invalid++;
    }
    this._facts.clear();
    return counted;
  }

  /** Cold path: a counted bad event goes to the ledger with its status code and failure reason. */
  private _recordBad(state: SloState, facts: SpanFacts, weight: number): void {
    const http = facts.httpStatus();
    const code = http >= 0 ? http : facts.rpcCode();
    state.attribution.recordBad(facts, code, state.slo.failureReason(facts), EVENT_TIME, weight);
  }

  /**
   * Records pre-aggregated counts for one SLO (replay, tests): `good` and `bad`
   * events at `timeMs`. Returns the drop reason, or undefined when counted.
   */
  recordCounts(
    sloIndex: number,
    timeMs: number,
    good: number,
    bad: number,
    nowMs: number = this._clock.now()
  ): DropReason | undefined {
    const state = this.states[sloIndex];
    if (!Number.isFinite(timeMs) || !(good >= 0) || !(bad >= 0)) return 'invalid';
    if (timeMs > nowMs + this._skewMs) return 'future';
    return state.record(timeMs, nowMs, good, bad);
  }

  /** Every SLO's numbers at `nowMs` (default: the clock's now). */
  snapshot(nowMs: number = this._clock.now()): SloSnapshot[] {
    return this.states.map(s => s.snapshot(nowMs));
  }

  /**
   * Explains one SLO at `nowMs`: its numbers, since when it burns, what burns
   * it (route, code, reason, version), the deploy correlation and example
   * traces. Undefined when the spec has no SLO of that name.
   */
  explain(name: string, nowMs: number = this._clock.now()): Explanation | undefined {
    const state = this.states.find(s => s.slo.name === name);
    if (state === undefined) return undefined;
    const snapshot = state.snapshot(nowMs);
    return explainSlo(snapshot, state.readAttribution(nowMs), state.elevatedSinceMs());
  }

  /** The serializable window state of every SLO. */
  exportState(nowMs: number = this._clock.now()): EngineState {
    const slos: Record<string, SloStateData> = {};
    for (const s of this.states) slos[s.slo.name] = s.toJSON();
    return { version: STATE_VERSION, savedAtMs: nowMs, slos, dropped: { ...this._dropped } };
  }

  /**
   * Restores state written by {@link exportState}. SLOs are matched by name;
   * windows whose length changed are left empty. Throws on a state of another
   * version or shape, leaving the engine as it was.
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
    for (const s of this.states) {
      const data = state.slos[s.slo.name];
      if (data === undefined) continue;
      if (s.restore(data)) restored.push(s.slo.name);
      else skipped.push(s.slo.name);
    }
    if (state.dropped) {
      for (const k of ['late', 'future', 'invalid'] as const) {
        const v = state.dropped[k];
        if (typeof v === 'number' && Number.isFinite(v)) this._dropped[k] = v;
      }
    }
    return { restored, skipped };
  }
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
