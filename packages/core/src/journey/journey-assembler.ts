import { SpanFacts } from '../classify/span-facts';
import { CORRECTED, EVENT_TIME, type DropReason } from '../engine/slo-state';
import type { Clock, SpanView } from '../types';
import { CompiledJourney } from './compiled-journey';
import { KeptSpan } from './kept-span';

/** Default {@link JourneyAssemblerOptions.maxTracesInFlight}. */
export const DEFAULT_MAX_TRACES_IN_FLIGHT = 50_000;
/** Default {@link JourneyAssemblerOptions.maxTraceBufferBytes}: 64 MiB. */
export const DEFAULT_MAX_TRACE_BUFFER_BYTES = 64 * 1024 * 1024;
/** Default {@link JourneyAssemblerOptions.maxTraceAgeMs}: 2 minutes (at least twice the longest decisionWait). */
export const DEFAULT_MAX_TRACE_AGE_MS = 120_000;
/**
 * Estimated bytes of one trace in flight (its record, its entry in the trace
 * map and its 32-character id), measured by the journey benchmark (bench/).
 */
export const TRACE_BYTES = 320;
/** Estimated bytes of one kept span (entry or failing span) and its per-journey slot. */
export const KEPT_SPAN_BYTES = 200;
/** Estimated bytes of one decided trace id remembered to recognise its late spans. */
export const DECIDED_ID_BYTES = 120;

/** How a trace left the assembler; late spans of the trace are counted under it. */
export type TraceEnd =
  /** decided once `decisionWait` passed without new spans after its entry span */
  | 'decided'
  /** decided before that: a bound (traces, bytes, age) was reached */
  | 'decided_early'
  /** its root span came and no journey's entry span: not a journey */
  | 'not_journey'
  /** dropped: no entry span (nor root) within `maxTraceAge`, or evicted by a bound before one came */
  | 'no_entry';

/** What the assembler counted since it started (never restored). */
export interface JourneyCounts {
  /** Spans handed to the assembler. */
  spans: number;
  /** Spans without a trace id (ignored). */
  noTraceId: number;
  /** Traces started. */
  traces: number;
  /** Traces that ended, by how. */
  ended: Record<TraceEnd, number>;
  /** Spans of a trace that had already ended, by how it ended. */
  late: Record<TraceEnd, number>;
  /** Journey events recorded into the SLOs' windows (one trace may count for several SLOs). */
  events: number;
}

/** Options of a {@link JourneyAssembler}. */
export interface JourneyAssemblerOptions {
  /** The journey SLOs (`sli.trace`), in spec order. */
  journeys: readonly CompiledJourney[];
  /** The engine's clock: a span arrives, and a trace is decided, at its now. */
  clock: Clock;
  /**
   * Traces held at once; past it the oldest trace (by first span) is decided
   * early (or dropped when it has no entry span yet). @default 50000
   */
  maxTracesInFlight?: number;
  /** Estimated bytes the traces in flight may hold (same rule). @default 64 MiB */
  maxTraceBufferBytes?: number;
  /**
   * A trace is decided (counted `decided_early`), or dropped when it has no
   * entry span (`no_entry`), this long after its first span, even if spans
   * still come. At least the longest `decisionWait`.
   * @default 2 minutes, or twice the longest decisionWait when that is longer
   */
  maxTraceAgeMs?: number;
  /** Whether journeys go to the attribution ledgers. @default true */
  attribution?: boolean;
  /** Called when a journey event is not counted (too old, say): the engine's drop counters. */
  onDrop?: (reason: DropReason) => void;
}

/** One trace in flight (pooled: reused for another trace once ended). */
class TraceRecord {
  traceId = '';
  firstSeenMs = 0;
  lastSeenMs = 0;
  /** Earliest start and latest end of its spans (ms since the epoch). */
  startMs = Infinity;
  endMs = -Infinity;
  hasRoot = false;
  /** The longest decisionWait of the journeys whose entry span it holds; -1 when none. */
  waitMs = -1;
  /** Per journey j: its entry span at 2j, its first failing span at 2j + 1 (allocated at the first). */
  kept: Array<KeptSpan | undefined> | undefined = undefined;
  keptCount = 0;

  init(traceId: string, nowMs: number): void {
    this.traceId = traceId;
    this.firstSeenMs = nowMs;
    this.lastSeenMs = nowMs;
    this.startMs = Infinity;
    this.endMs = -Infinity;
    this.hasRoot = false;
    this.waitMs = -1;
    this.keptCount = 0;
  }
}

/**
 * Assembles traces for journey SLOs (`sli.trace`), as the OpenTelemetry
 * Collector's tail sampling does: spans are folded by trace id into one record
 * (earliest start, latest end, each journey's entry span and first failing span:
 * the fields the SLIs need, not the spans), and once a trace's entry span is in
 * and `decisionWait` has passed without new spans, the trace is classified once,
 * recorded into each journey SLO's ordinary state like any event, and forgotten.
 *
 * Bounded: at most `maxTracesInFlight` traces and `maxTraceBufferBytes`
 * (estimated) bytes, the oldest trace decided early when full;
 * traces older than `maxTraceAge` are decided or dropped; decided trace ids are
 * remembered (as many as `maxTracesInFlight`) so that their late spans are
 * counted by reason instead of starting a trace again.
 *
 * Transport-free: the engine hands it every span ({@link add}) and time moves
 * by its clock ({@link sweep}, also run by {@link add} every 250 ms).
 * Never throws from {@link add}.
 */
export class JourneyAssembler {
  readonly journeys: readonly CompiledJourney[];
  readonly maxTracesInFlight: number;
  readonly maxTraceBufferBytes: number;
  readonly maxTraceAgeMs: number;
  private readonly _clock: Clock;
  private readonly _attribution: boolean;
  private readonly _onDrop: ((reason: DropReason) => void) | undefined;
  /** Traces in flight, in the order of their first span (the oldest first). */
  private readonly _traces = new Map<string, TraceRecord>();
  /** Ended records and kept spans, reused (at most {@link POOL_SIZE} of each). */
  private readonly _freeRecords: TraceRecord[] = [];
  private readonly _freeKept: KeptSpan[] = [];
  private _bytes = 0;
  /** Ended trace ids and how they ended (index into {@link TRACE_ENDS}). */
  private readonly _ended = new Map<string, number>();
  /** Ring of the ended ids, oldest forgotten first. */
  private readonly _endedRing: string[];
  private _endedNext = 0;
  private readonly _facts = new SpanFacts();
  /** Facts of the span a decision counts under (a decision may run while {@link _facts} is in use). */
  private readonly _decisionFacts = new SpanFacts();
  private readonly _counts: JourneyCounts = {
    spans: 0,
    noTraceId: 0,
    traces: 0,
    ended: { decided: 0, decided_early: 0, not_journey: 0, no_entry: 0 },
    late: { decided: 0, decided_early: 0, not_journey: 0, no_entry: 0 },
    events: 0,
  };
  private readonly _minWaitMs: number;
  private readonly _maxWaitMs: number;
  private readonly _allRoot: boolean;
  private readonly _sweepEveryMs: number;
  private _nextSweepMs = -Infinity;

  /** @throws RangeError naming the option when an option is not usable */
  constructor(options: JourneyAssemblerOptions) {
    this.journeys = options.journeys;
    if (this.journeys.length === 0) throw new RangeError('JourneyAssembler: no journey SLO');
    this._clock = options.clock;
    this._attribution = options.attribution ?? true;
    this._onDrop = options.onDrop;
    const waits = this.journeys.map(j => j.decisionWaitMs);
    this._minWaitMs = Math.min(...waits);
    this._maxWaitMs = Math.max(...waits);
    this._allRoot = this.journeys.every(j => j.rootEntry);
    this._sweepEveryMs = Math.min(SWEEP_EVERY_MS, this._minWaitMs / 4);
    const count = (name: string, v: number | undefined, fallback: number): number => {
      if (v === undefined) return fallback;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
        throw new RangeError(`JourneyAssembler: ${name} must be a whole number ≥ 1, got ${v}`);
      return v;
    };
    this.maxTracesInFlight = count(
      'maxTracesInFlight',
      options.maxTracesInFlight,
      DEFAULT_MAX_TRACES_IN_FLIGHT
    );
    this.maxTraceBufferBytes = count(
      'maxTraceBufferBytes',
      options.maxTraceBufferBytes,
      DEFAULT_MAX_TRACE_BUFFER_BYTES
    );
    const age = options.maxTraceAgeMs;
    if (age !== undefined && (typeof age !== 'number' || !(age >= this._maxWaitMs)))
      throw new RangeError(
        `JourneyAssembler: maxTraceAgeMs must be at least the longest decisionWait (${this._maxWaitMs} ms), got ${age}`
      );
    this.maxTraceAgeMs = age ?? Math.max(DEFAULT_MAX_TRACE_AGE_MS, 2 * this._maxWaitMs);
    this._endedRing = new Array<string>(this.maxTracesInFlight).fill('');
  }

  /** Traces in flight. */
  get tracesInFlight(): number {
    return this._traces.size;
  }

  /** Estimated bytes held by the traces in flight (what `maxTraceBufferBytes` bounds). */
  get bufferBytes(): number {
    return this._bytes;
  }

  /** Estimated bytes held by the traces in flight and the remembered ended ids. */
  get bytes(): number {
    return this._bytes + this._ended.size * DECIDED_ID_BYTES;
  }

  /** What was counted since the start. */
  get counts(): Readonly<JourneyCounts> {
    return this._counts;
  }

  /**
   * Folds a finished span into its trace, at the clock's now. `weight` is the
   * span's adjusted count (an entry span's weight is its journey's). Never throws.
   */
  add(span: SpanView, weight = 1): void {
    try {
      this._add(span, weight);
    } catch {
      this._counts.noTraceId++;
    }
    this._facts.clear();
  }

  private _add(span: SpanView, weight: number): void {
    const counts = this._counts;
    counts.spans++;
    const now = this._clock.now();
    if (now >= this._nextSweepMs) this.sweep(now);
    const traceId = span.traceId;
    if (typeof traceId !== 'string' || traceId.length === 0) {
      counts.noTraceId++;
      return;
    }
    let rec = this._traces.get(traceId);
    if (rec === undefined) {
      const ended = this._ended.get(traceId);
      if (ended !== undefined) {
        counts.late[TRACE_ENDS[ended]]++;
        return;
      }
      this._makeRoom(TRACE_BYTES, now);
      rec = this._freeRecords.pop() ?? new TraceRecord();
      rec.init(traceId, now);
      this._traces.set(traceId, rec);
      this._bytes += TRACE_BYTES;
      counts.traces++;
    }
    rec.lastSeenMs = now;
    const end = span.endTimeMs;
    const start = end - span.durationMs;
    if (start < rec.startMs) rec.startMs = start;
    if (end > rec.endMs) rec.endMs = end;
    const root = span.hasParent === false;
    if (root) rec.hasRoot = true;
    const facts = this._facts;
    facts.reset(span);
    const journeys = this.journeys;
    for (let j = 0; j < journeys.length; j++) {
      const journey = journeys[j];
      if (journey.isEntry(facts, root)) {
        const kept = this._slot(rec, 2 * j);
        if (kept === undefined || start < kept.startMs) {
          const k = kept ?? this._keep(rec, 2 * j);
          k.keep(facts, traceId, start, journey.entryReason(facts), weight);
          k.thresholdMs = journey.latencyThresholdMs(facts);
          k.state = journey.stateOf(facts);
          if (journey.decisionWaitMs > rec.waitMs) rec.waitMs = journey.decisionWaitMs;
        }
      }
      if (journey.failed(facts)) {
        const kept = this._slot(rec, 2 * j + 1);
        if (kept === undefined || start < kept.startMs) {
          const k = kept ?? this._keep(rec, 2 * j + 1);
          k.keep(facts, traceId, start, journey.failedReason(facts.serviceName()), weight);
        }
      }
    }
    // every journey's entry is the root, and this root is none of theirs: not a journey
    if (root && this._allRoot && rec.waitMs < 0) this._end(rec, NOT_JOURNEY, now);
  }

  /**
   * Decides every trace that is due at `nowMs`: quiet for its decisionWait
   * since its entry span came, or older than `maxTraceAge`. The engine runs it
   * before every snapshot; the collector and the span processor on a timer.
   */
  sweep(nowMs: number = this._clock.now()): void {
    this._nextSweepMs = nowMs + this._sweepEveryMs;
    for (const rec of this._traces.values()) {
      // the map is in first-span order: no later trace can have been quiet long enough
      if (nowMs - rec.firstSeenMs < this._minWaitMs) break;
      const quiet = nowMs - rec.lastSeenMs;
      const old = nowMs - rec.firstSeenMs >= this.maxTraceAgeMs;
      if (rec.waitMs >= 0) {
        if (quiet >= rec.waitMs) this._end(rec, DECIDED, nowMs);
        else if (old) this._end(rec, DECIDED_EARLY, nowMs);
      } else if (rec.hasRoot && quiet >= this._maxWaitMs) this._end(rec, NOT_JOURNEY, nowMs);
      else if (old) this._end(rec, NO_ENTRY, nowMs);
    }
  }

  /** Decides (or drops) every trace in flight now, as if full: shutdown. */
  flush(nowMs: number = this._clock.now()): void {
    for (const rec of this._traces.values())
      this._end(rec, rec.waitMs >= 0 ? DECIDED_EARLY : NO_ENTRY, nowMs);
  }

  /** Ends the oldest traces (by first span) until `bytes` more fit under both bounds. */
  private _makeRoom(bytes: number, nowMs: number): void {
    const traces = this._traces;
    while (
      traces.size > 0 &&
      (traces.size >= this.maxTracesInFlight || this._bytes + bytes > this.maxTraceBufferBytes)
    ) {
      const rec = traces.values().next().value as TraceRecord;
      this._end(rec, rec.waitMs >= 0 ? DECIDED_EARLY : NO_ENTRY, nowMs);
    }
  }

  private _slot(rec: TraceRecord, i: number): KeptSpan | undefined {
    return rec.kept === undefined ? undefined : rec.kept[i];
  }

  /** A new kept span in slot `i` of the trace (at most two per journey). */
  private _keep(rec: TraceRecord, i: number): KeptSpan {
    this._makeRoomFor(rec);
    if (rec.kept === undefined)
      rec.kept = new Array<KeptSpan | undefined>(2 * this.journeys.length).fill(undefined);
    const k = this._freeKept.pop() ?? new KeptSpan();
    rec.kept[i] = k;
    rec.keptCount++;
    this._bytes += KEPT_SPAN_BYTES;
    return k;
  }

  /** Makes room for one more kept span of `rec` without ending `rec` itself. */
  private _makeRoomFor(rec: TraceRecord): void {
    const traces = this._traces;
    while (this._bytes + KEPT_SPAN_BYTES > this.maxTraceBufferBytes && traces.size > 1) {
      const oldest = traces.values().next().value as TraceRecord;
      if (oldest === rec) break;
      this._end(oldest, oldest.waitMs >= 0 ? DECIDED_EARLY : NO_ENTRY, this._clock.now());
    }
  }

  /** Ends a trace: decides it for every journey whose entry it holds, then forgets it. */
  private _end(rec: TraceRecord, how: number, nowMs: number): void {
    if (this._traces.get(rec.traceId) !== rec) return;
    this._traces.delete(rec.traceId);
    this._bytes -= TRACE_BYTES + rec.keptCount * KEPT_SPAN_BYTES;
    this._counts.ended[TRACE_ENDS[how]]++;
    if (how === DECIDED || how === DECIDED_EARLY) this._decide(rec, nowMs);
    this._remember(rec.traceId, how);
    this._recycle(rec);
  }

  /** Puts an ended record and its kept spans back in the pools (bounded). */
  private _recycle(rec: TraceRecord): void {
    const kept = rec.kept;
    if (kept !== undefined && rec.keptCount > 0) {
      for (let i = 0; i < kept.length; i++) {
        const k = kept[i];
        if (k === undefined) continue;
        kept[i] = undefined;
        k.state = undefined;
        if (this._freeKept.length < POOL_SIZE) this._freeKept.push(k);
      }
    }
    rec.keptCount = 0;
    rec.traceId = '';
    if (this._freeRecords.length < POOL_SIZE) this._freeRecords.push(rec);
  }

  private _remember(traceId: string, how: number): void {
    const ring = this._endedRing;
    const i = this._endedNext;
    const old = ring[i];
    if (old !== '' && this._ended.get(old) !== undefined) this._ended.delete(old);
    ring[i] = traceId;
    this._ended.set(traceId, how);
    this._endedNext = i + 1 === ring.length ? 0 : i + 1;
  }

  /**
   * Classifies the trace once per journey whose entry span it holds and
   * records the event at now (the time rule), its latest end refusing it only
   * when older than the SLO window. Bad: a span that must succeed failed
   * (counted under that span: route, code, `failed:<service>`), else the entry
   * failed its status, else the journey (earliest start to latest end) was
   * slower than the threshold, else the entry failed an attribute test.
   */
  private _decide(rec: TraceRecord, nowMs: number): void {
    const kept = rec.kept;
    if (kept === undefined) return;
    const latency = rec.endMs - rec.startMs;
    const facts = this._decisionFacts;
    for (let j = 0; j < this.journeys.length; j++) {
      const entry = kept[2 * j];
      if (entry === undefined) continue;
      const failure = kept[2 * j + 1];
      let offender = entry;
      let reason = -1;
      if (failure !== undefined) {
        offender = failure;
        reason = failure.reason;
      } else if (entry.reason === 0) reason = 0;
      else if (!(latency <= entry.thresholdMs)) reason = 1;
      else if (entry.reason > 0) reason = entry.reason;
      const state = entry.state;
      if (state === undefined) continue;
      const weight = entry.weight;
      const good = reason < 0 ? weight : 0;
      EVENT_TIME[0] = nowMs;
      EVENT_TIME[1] = nowMs;
      EVENT_TIME[2] = rec.endMs;
      const drop = state.recordEvent(good, weight - good);
      if (drop !== undefined) {
        // inside a correction: not eligible, counted by the state; else a drop
        if (drop !== CORRECTED) this._onDrop?.(drop);
        continue;
      }
      this._counts.events++;
      if (!this._attribution) continue;
      facts.reset(offender);
      if (reason < 0) state.attribution.recordGood(facts, EVENT_TIME, weight);
      else state.attribution.recordBad(facts, offender.code, reason, EVENT_TIME, weight);
      facts.clear();
    }
  }
}

/**
 * How often (engine clock) {@link JourneyAssembler.add} sweeps: every trace
 * older than the shortest decisionWait is looked at, so a decision is late by
 * at most this much.
 */
const SWEEP_EVERY_MS = 250;

/** Most ended records (and kept spans) kept for reuse. */
const POOL_SIZE = 4096;

const DECIDED = 0;
const DECIDED_EARLY = 1;
const NOT_JOURNEY = 2;
const NO_ENTRY = 3;
const TRACE_ENDS: readonly TraceEnd[] = ['decided', 'decided_early', 'not_journey', 'no_entry'];
