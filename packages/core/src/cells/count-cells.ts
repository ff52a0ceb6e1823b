import type { KeyRegistry } from '../attribution/attribution-ledger';
import { Outcome, type AttributePredicate, type CompiledSlo } from '../classify/classify';
import type { RouteEntry } from '../classify/slo-dispatch';
import type { SpanFacts } from '../classify/span-facts';
import type { SloState } from '../engine/slo-state';
import type { SloDefinition } from '../types';

/** Most cells kept; past it, spans of a new cell key take the direct path. */
export const MAX_COUNT_CELLS = 16_384;
/** Most distinct attribute tests among a route's SLOs for its spans to fold into cells. */
const MAX_ATTRIBUTE_TESTS = 16;
/** Most distinct latency thresholds among a route's SLOs (the latency class takes 7 bits). */
const MAX_THRESHOLDS = 127;
/** Most distinct service names the cells number (12 bits). */
const MAX_SERVICES = 4095;
/** Bad spans whose exemplar ids the cells hold before the engine must flush them. */
export const BAD_SPAN_LOG = 256;

/** {@link CountCells.find}: the span cannot be folded (a value outside the key's ranges). */
export const CELL_UNUSABLE = -2;
/** {@link CountCells.find}: the key is usable but has no cell yet. */
export const CELL_NEW = -1;

/**
 * What the cells need of one route's candidate SLOs, computed once per route
 * entry: the distinct latency thresholds (a span's latency class is how many of
 * them it exceeds), the distinct `good` attribute tests (one bit each), the
 * shortest SLO window among them (a span older than it takes the direct path,
 * which drops it as too old for that SLO), and the candidates the cells cannot
 * classify by key, which every span of the route takes the direct path for.
 */
export interface CellPlan {
  readonly thresholds: Float64Array;
  readonly attributeKeys: readonly string[];
  readonly attributeTests: readonly AttributePredicate[];
  readonly minWindowMs: number;
  /** Candidates outside the cells (groups, RPC or attribute selectors, exclusions, timeslices). */
  readonly direct: Uint16Array;
  /** Candidates the cells classify. */
  readonly folded: Uint16Array;
}

/**
 * Whether the cells can classify the SLO's spans from a cell key: an
 * ungrouped ratio SLO of spans selected by service, kind and route alone
 * (eligibility a function of the route), with status, latency and attribute
 * predicates on `good`. The rest (and SLOs with corrections) takes the direct
 * path for every span.
 */
export function cellCapable(def: SloDefinition): boolean {
  const spans = def.sli.spans;
  return (
    def.groupBy === undefined &&
    def.budgeting.method === 'occurrences' &&
    spans.rpc.length === 0 &&
    Object.keys(spans.attributes).length === 0 &&
    spans.exclude.length === 0 &&
    !('trace' in (def.sli as object))
  );
}

/**
 * Count cells: a span is folded into a cell keyed by what decides its outcome
 * for every candidate SLO of its route — its attribution key (route, method,
 * `service.version`), service, kind, span status, HTTP status or RPC code,
 * latency class at the route's thresholds and the route's attribute-test bits
 * — with one increment, whatever the number of SLOs. Each cell knows, from
 * its first span, which SLOs count its spans as good (deferred here) and which
 * take the direct path (bad outcomes, for their exemplars and breakdown, and
 * SLOs the cells cannot classify). {@link flush} records every touched cell's
 * counts in those SLOs' windows and ledgers at the engine's time, which the
 * engine calls before every change of that time and before every read: so each
 * deferred event lands exactly where the direct path would have put it.
 * docs/performance.md gives the measured reason.
 */
export class CountCells {
  private readonly _slos: readonly CompiledSlo[];
  private readonly _states: ReadonlyArray<SloState | undefined>;
  private readonly _capable: Uint8Array;
  private readonly _registry: KeyRegistry;
  /** Plans by content, so that routes of the same SLOs and thresholds share one. */
  private readonly _plans = new Map<string, CellPlan | null>();
  private readonly _services = new Map<string, number>();
  private _lastService: string | undefined = undefined;
  private _lastServiceId = 0;
  // the open-addressing table: key (a, b, c) → cell, -1 when empty
  private _mask = 63;
  private _slot = new Int32Array(64).fill(-1);
  private _keyA = new Int32Array(64);
  private _keyB = new Int32Array(64);
  private _keyC = new Int32Array(64);
  private _cells = 0;
  // per cell
  private _spans = new Float64Array(64);
  private _weight = new Float64Array(64);
  private _touched = new Uint8Array(64);
  private readonly _good: Uint16Array[] = [];
  private readonly _goodRows: Int32Array[] = [];
  private readonly _bad: Uint16Array[] = [];
  private readonly _badRows: Int32Array[] = [];
  /** Per cell and bad SLO, whether the last flush counted the cell's events (scratch). */
  private readonly _badCounted: Uint8Array[] = [];
  private readonly _direct: Uint16Array[] = [];
  // bad spans of cells since the last flush, in order: their exemplar ids
  private readonly _logTrace: unknown[] = new Array<unknown>(BAD_SPAN_LOG).fill(undefined);
  private readonly _logSpan: unknown[] = new Array<unknown>(BAD_SPAN_LOG).fill(undefined);
  private readonly _logCell = new Int32Array(BAD_SPAN_LOG);
  private _logCount = 0;
  /** Cells touched since the last flush. */
  private _touchedList = new Int32Array(64);
  private _touchedCount = 0;
  // the key of the last find, for create
  private _a = 0;
  private _b = 0;
  private _c = 0;

  /**
   * @param slos the engine's compiled SLOs
   * @param states each SLO's state (undefined for a grouped SLO)
   * @param registry the engine's attribution key numbering
   */
  constructor(
    slos: readonly CompiledSlo[],
    states: ReadonlyArray<SloState | undefined>,
    registry: KeyRegistry
  ) {
    this._slos = slos;
    this._states = states;
    this._registry = registry;
    // an SLO with corrections counts none of a correction's spans, which the
    // direct path returns as not counted: it stays there
    this._capable = Uint8Array.from(
      slos.map((s, i) => {
        const state = states[i];
        return state !== undefined && !state.hasCorrections && cellCapable(s.definition) ? 1 : 0;
      })
    );
  }

  /** Cells in use. */
  get size(): number {
    return this._cells;
  }

  /** The plan of a route entry (cold: once per entry); null when no candidate can be folded. */
  planOf(entry: RouteEntry): CellPlan | null {
    let plan = entry.plan as CellPlan | null | undefined;
    if (plan !== undefined) return plan;
    const folded: number[] = [];
    const direct: number[] = [];
    const thresholds = new Set<number>();
    const tests = new Map<string, { key: string; test: AttributePredicate }>();
    let minWindowMs = Infinity;
    for (const i of entry.candidates) {
      const slo = this._slos[i];
      if (this._capable[i] === 0) {
        direct.push(i);
        continue;
      }
      const t = slo.latencyThresholdMs(entry.method, entry.route);
      if (!Number.isNaN(t)) thresholds.add(t);
      const g = slo.goodAttributes;
      for (let k = 0; k < g.keys.length; k++) {
        const matcher = slo.definition.sli.good.attributes[g.keys[k]];
        const id = JSON.stringify([g.keys[k], matcher]);
        if (!tests.has(id)) tests.set(id, { key: g.keys[k], test: g.tests[k] });
      }
      minWindowMs = Math.min(minWindowMs, slo.definition.window.durationMs);
      folded.push(i);
    }
    const sorted = [...thresholds].sort((x, y) => x - y);
    const id = JSON.stringify([folded, direct, sorted, [...tests.keys()], minWindowMs]);
    plan = this._plans.get(id);
    if (plan === undefined) {
      plan =
        folded.length === 0 || sorted.length > MAX_THRESHOLDS || tests.size > MAX_ATTRIBUTE_TESTS
          ? null
          : {
              thresholds: Float64Array.from(sorted),
              attributeKeys: [...tests.values()].map(t => t.key),
              attributeTests: [...tests.values()].map(t => t.test),
              minWindowMs,
              direct: Uint16Array.from(direct),
              folded: Uint16Array.from(folded),
            };
      this._plans.set(id, plan);
    }
    entry.plan = plan;
    return plan;
  }

  /**
   * The cell of the span in `facts` under `plan`: its index, {@link CELL_NEW}
   * when its key has no cell yet, {@link CELL_UNUSABLE} when it has no key
   * (no attribution key token, a code or kind outside the key's ranges).
   */
  find(plan: CellPlan, facts: SpanFacts): number {
    const kind = facts.kind();
    const status = facts.statusCode();
    // a fraction or NaN would be truncated by the key's bit fields into another
    // span's cell (kind 1.5 read as SERVER): such spans take the direct path
    if ((kind | 0) !== kind || (status | 0) !== status) return CELL_UNUSABLE;
    if (kind < 0 || kind > 7 || status < 0 || status > 3) return CELL_UNUSABLE;
    const http = facts.httpStatus();
    let code = 0;
    if (http >= 0) {
      if (http > 999 || (http | 0) !== http) return CELL_UNUSABLE;
      code = 1 + http;
    } else {
      const rpc = facts.rpcCode();
      if (rpc > 16) return CELL_UNUSABLE;
      if (rpc >= 0) {
        if ((rpc | 0) !== rpc) return CELL_UNUSABLE;
        code = 1001 + rpc;
      }
    }
    let latencyClass = 0;
    const thresholds = plan.thresholds;
    if (thresholds.length > 0) {
      facts.readDuration();
      const d = facts.duration[0];
      while (latencyClass < thresholds.length && !(d <= thresholds[latencyClass])) latencyClass++;
    }
    let bits = 0;
    const keys = plan.attributeKeys;
    if (keys.length > 0) {
      const view = facts.view;
      const tests = plan.attributeTests;
      for (let k = 0; k < keys.length; k++) if (tests[k](view.attribute(keys[k]))) bits |= 1 << k;
    }
    const service = this._serviceId(facts.serviceName());
    if (service < 0) return CELL_UNUSABLE;
    const token = facts.keyToken(this._registry);
    if (token === undefined) return CELL_UNUSABLE;
    const a = token.id;
    const b = (code << 12) | (latencyClass << 5) | (kind << 2) | status;
    const c = (service << 16) | bits;
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> 0;
    h = (h ^ (h >>> 15)) & this._mask;
    for (;;) {
      const cell = this._slot[h];
      if (cell < 0) break;
      if (this._keyA[h] === a && this._keyB[h] === b && this._keyC[h] === c) return cell;
      h = (h + 1) & this._mask;
    }
    this._a = a;
    this._b = b;
    this._c = c;
    return CELL_NEW;
  }

  /**
   * Adds one span standing for `weight` spans to cell `cell`; a span of a cell
   * with bad outcomes keeps its trace and span ids for the exemplars. Returns
   * false when the log of those is full: the engine flushes.
   */
  add(cell: number, weight: number, traceId: unknown, spanId: unknown): boolean {
    this._spans[cell]++;
    this._weight[cell] += weight;
    if (this._touched[cell] === 0) {
      this._touched[cell] = 1;
      this._touchedList[this._touchedCount++] = cell;
    }
    if (traceId === undefined) return true;
    const k = this._logCount++;
    this._logTrace[k] = traceId;
    this._logSpan[k] = spanId;
    this._logCell[k] = cell;
    return this._logCount < BAD_SPAN_LOG;
  }

  /** Whether a cell's spans are bad for some folded SLO (their ids are kept for exemplars). */
  hasBad(cell: number): boolean {
    return this._bad[cell].length > 0;
  }

  /** Whether the log of bad spans holds any (their exemplars come before any later bad span's). */
  get holdsBadSpans(): boolean {
    return this._logCount > 0;
  }

  /** How many SLOs count a cell's spans in {@link flush} (as the direct path's count). */
  counted(cell: number): number {
    return this._good[cell].length + this._bad[cell].length;
  }

  /** The SLOs (indices) every span of a cell takes the direct path for. */
  direct(cell: number): Uint16Array {
    return this._direct[cell];
  }

  /**
   * Makes the cell of the key {@link find} last returned {@link CELL_NEW} for,
   * from the span in `facts`, which the direct path has just recorded: each
   * folded candidate classifies it (its outcome, status code and failure
   * reason are the same for every span of the key). Returns the cell, or -1
   * when it cannot be made now: the table is full, or an SLO's ledger has no
   * row for the key yet (the direct path dropped the span), which a later span
   * makes.
   */
  create(plan: CellPlan, facts: SpanFacts, attribution: boolean): number {
    if (this._cells >= MAX_COUNT_CELLS) return -1;
    const good: number[] = [];
    const goodRows: number[] = [];
    const bad: number[] = [];
    const badRows: number[] = [];
    for (const i of plan.folded) {
      const slo = this._slos[i];
      const outcome = slo.classify(facts, true);
      if (outcome === Outcome.INELIGIBLE) continue;
      const ledger = (this._states[i] as SloState).attribution;
      if (outcome === Outcome.GOOD) {
        const row = attribution ? ledger.goodRow(facts) : 0;
        if (row < 0) return -1;
        good.push(i);
        goodRows.push(row);
      } else {
        const http = facts.httpStatus();
        const code = http >= 0 ? http : facts.rpcCode();
        const row = attribution ? ledger.badRow(facts, code, slo.failureReason(facts)) : 0;
        if (row < 0) return -1;
        bad.push(i);
        badRows.push(row);
      }
    }
    const cell = this._cells++;
    if (cell >= this._spans.length) this._growCells();
    this._good[cell] = Uint16Array.from(good);
    this._goodRows[cell] = Int32Array.from(goodRows);
    this._bad[cell] = Uint16Array.from(bad);
    this._badRows[cell] = Int32Array.from(badRows);
    this._badCounted[cell] = new Uint8Array(bad.length);
    this._direct[cell] = plan.direct;
    if (this._cells * 2 > this._mask + 1) this._rehash();
    this._insert(this._a, this._b, this._c, cell);
    return cell;
  }

  /**
   * Records every touched cell's counts in its SLOs' windows and ledgers at
   * the time in `time` (`EVENT_TIME`: place, now, end — the engine's current
   * reading for all three), then the exemplars of its bad spans in the order
   * they came, and clears them. `dropped` receives the events a window refused
   * (one per span, as the direct path counts them).
   */
  flush(time: Float64Array, dropped: Record<string, number>, attribution: boolean): void {
    const n = this._touchedCount;
    if (n === 0) return;
    this._touchedCount = 0;
    const states = this._states;
    for (let k = 0; k < n; k++) {
      const cell = this._touchedList[k];
      this._touched[cell] = 0;
      const spans = this._spans[cell];
      const weight = this._weight[cell];
      this._spans[cell] = 0;
      this._weight[cell] = 0;
      const good = this._good[cell];
      const goodRows = this._goodRows[cell];
      for (let j = 0; j < good.length; j++) {
        const state = states[good[j]] as SloState;
        const reason = state.recordEvent(weight, 0);
        if (reason === undefined) {
          if (attribution) state.attribution.countRow(goodRows[j], time, weight);
        } else if (dropped[reason] !== undefined) dropped[reason] += spans;
      }
      const bad = this._bad[cell];
      const badRows = this._badRows[cell];
      const counted = this._badCounted[cell];
      for (let j = 0; j < bad.length; j++) {
        const state = states[bad[j]] as SloState;
        const reason = state.recordEvent(0, weight);
        counted[j] = reason === undefined ? 1 : 0;
        if (reason === undefined) {
          if (attribution) state.attribution.countRow(badRows[j], time, weight);
        } else if (dropped[reason] !== undefined) dropped[reason] += spans;
      }
    }
    const logged = this._logCount;
    this._logCount = 0;
    const t = time[0];
    for (let k = 0; k < logged; k++) {
      const cell = this._logCell[k];
      const bad = this._bad[cell];
      const rows = this._badRows[cell];
      const counted = this._badCounted[cell];
      for (let j = 0; j < bad.length; j++) {
        if (counted[j] === 1)
          (states[bad[j]] as SloState).attribution.addExemplar(
            rows[j],
            this._logTrace[k],
            this._logSpan[k],
            t
          );
      }
      this._logTrace[k] = undefined;
      this._logSpan[k] = undefined;
    }
  }

  /** Forgets every cell (after a restore rebuilt the ledgers' rows); flush first. */
  clear(): void {
    this._cells = 0;
    this._touchedCount = 0;
    this._slot.fill(-1);
    this._touched.fill(0);
    this._spans.fill(0);
    this._weight.fill(0);
    this._good.length = 0;
    this._goodRows.length = 0;
    this._bad.length = 0;
    this._badRows.length = 0;
    this._badCounted.length = 0;
    this._direct.length = 0;
    this._logTrace.fill(undefined);
    this._logSpan.fill(undefined);
    this._logCount = 0;
  }

  private _serviceId(name: string | undefined): number {
    if (name === this._lastService) return this._lastServiceId;
    const key = name ?? '';
    let id = this._services.get(key);
    if (id === undefined) {
      if (this._services.size >= MAX_SERVICES) return -1;
      id = this._services.size + 1;
      this._services.set(key, id);
    }
    this._lastService = name;
    this._lastServiceId = id;
    return id;
  }

  private _insert(a: number, b: number, c: number, cell: number): void {
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> 0;
    h = (h ^ (h >>> 15)) & this._mask;
    while (this._slot[h] >= 0) h = (h + 1) & this._mask;
    this._slot[h] = cell;
    this._keyA[h] = a;
    this._keyB[h] = b;
    this._keyC[h] = c;
  }

  private _rehash(): void {
    const slot = this._slot;
    const a = this._keyA;
    const b = this._keyB;
    const c = this._keyC;
    const size = (this._mask + 1) * 2;
    this._mask = size - 1;
    this._slot = new Int32Array(size).fill(-1);
    this._keyA = new Int32Array(size);
    this._keyB = new Int32Array(size);
    this._keyC = new Int32Array(size);
    for (let h = 0; h < slot.length; h++) if (slot[h] >= 0) this._insert(a[h], b[h], c[h], slot[h]);
  }

  private _growCells(): void {
    const size = this._spans.length * 2;
    const grow = <T extends Float64Array | Uint8Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this._spans = grow(this._spans, new Float64Array(size));
    this._weight = grow(this._weight, new Float64Array(size));
    this._touched = grow(this._touched, new Uint8Array(size));
    this._touchedList = grow(this._touchedList, new Int32Array(size));
  }
}
