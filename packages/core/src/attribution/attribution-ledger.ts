import { formatDuration } from '../duration';
import { LedgerRing, type LedgerRingState } from './ledger-ring';
import type { SpanFacts } from '../classify/span-facts';
import { truncateLabelValue } from '../label-value';

/** Default cap on an SLO's attribution keys (rows), besides its two overflow rows. */
export const DEFAULT_MAX_ATTRIBUTION_KEYS = 100;
/** Default buckets per attribution window: sums exact to 1/60 of the window (5 s of 5 m). */
export const DEFAULT_ATTRIBUTION_BUCKETS = 60;
/** Most recent bad events kept per SLO as exemplars. */
export const EXEMPLARS_PER_SLO = 8;
/** Most recent bad events kept per attribution key as exemplars. */
export const EXEMPLARS_PER_KEY = 3;
/** Version of {@link AttributionLedgerState}. */
export const ATTRIBUTION_STATE_VERSION = 1;

/** Row of the good events of keys past the cap. */
const OVERFLOW_GOOD = 0;
/** Row of the bad events of keys past the cap. */
const OVERFLOW_BAD = 1;
/** Reason slots per status code in a bad-event key number. */
const REASON_SLOTS = 1024;

/** A bad event kept as an example: the trace and span to open. */
export interface Exemplar {
  readonly traceId: string;
  readonly spanId: string;
  /** When the event counted (ms since the epoch). */
  readonly timeMs: number;
}

/**
 * One row of the ledger as read: the good or the bad events of one key
 * (route, status code, failure reason, `service.version`).
 */
export interface AttributionRow {
  /** `good` or `bad`. */
  readonly outcome: 'good' | 'bad';
  /** True for the two rows counting keys past the cap (route, version, code and reason are then empty). */
  readonly overflow: boolean;
  /** `METHOD /route` (or the route alone), RPC `service/method`, `''` when the span had none. */
  readonly route: string;
  /** `http.route` (else `url.path`, else `http.target`), or the RPC `service/method`; `''` when none. */
  readonly httpRoute: string;
  /** HTTP request method, `''` when none (and for RPC). */
  readonly method: string;
  /** Whether the route is an RPC `service/method`. */
  readonly rpc: boolean;
  /** `service.version`, `''` when absent. */
  readonly version: string;
  /** HTTP status (≥ 100), else the gRPC code (0–16); -1 when neither or for good rows. */
  readonly code: number;
  /** Failure reason of bad rows (`status`, `latency`, `attribute:<key>`); `''` for good rows. */
  readonly reason: string;
  /** Events since the engine started (not restored: the counters' rule). */
  readonly total: number;
  /** Events per window, aligned with {@link AttributionReading.windows}. */
  readonly counts: readonly number[];
  /** When the key was first counted (ms; kept across restarts). */
  readonly firstSeenMs: number;
  /** Latest bad events of the row, newest first. */
  readonly exemplars: readonly Exemplar[];
}

/** Everything the ledger holds at one instant. */
export interface AttributionReading {
  /** Window labels (`5m` … `28d`), shortest first; the SLO window is the last. */
  readonly windows: readonly string[];
  readonly windowsMs: readonly number[];
  /** Rows in creation order; overflow rows last, and only when not empty. */
  readonly rows: readonly AttributionRow[];
  /** Latest bad events of the SLO, newest first. */
  readonly exemplars: readonly Exemplar[];
  /** Distinct keys kept, and the cap. */
  readonly keys: number;
  readonly maxKeys: number;
}

/** Serialized ledger (inside the engine state). */
export interface AttributionLedgerState {
  version: number;
  keys: Array<{
    outcome: 'good' | 'bad';
    rpc: boolean;
    route: string;
    method: string;
    version: string;
    code: number;
    reason: string;
    firstSeenMs: number;
  }>;
  windows: LedgerRingState[];
  exemplars: Array<{ traceId: string; spanId: string; timeMs: number; key: number }>;
}

/** A key as {@link AttributionLedger.addCounts} takes it. */
export interface AttributionKey {
  readonly outcome: 'good' | 'bad';
  /** `http.route` (or the RPC `service/method` when `rpc`); `''` when none. */
  readonly route: string;
  /** HTTP method; `''` when none. */
  readonly method?: string;
  readonly rpc?: boolean;
  readonly version?: string;
  /** Bad keys: HTTP status or gRPC code, -1 when none. */
  readonly code?: number;
  /** Bad keys: failure reason. */
  readonly reason?: string;
}

/** Options of {@link AttributionLedger}. */
export interface AttributionLedgerOptions {
  /** Window lengths (ms): the alert windows and the SLO window. */
  windowsMs: readonly number[];
  /** Failure reasons by index (`CompiledSlo.failureReasons`). */
  reasons: readonly string[];
  /** Cap on keys. @default {@link DEFAULT_MAX_ATTRIBUTION_KEYS} */
  maxKeys?: number;
  /** Buckets per window. @default {@link DEFAULT_ATTRIBUTION_BUCKETS} */
  buckets?: number;
  /** The engine's key numbering, shared by its ledgers. @default one of its own */
  registry?: KeyRegistry;
}

/** Most distinct (route, method, version) tokens a {@link KeyRegistry} hands out. */
export const MAX_KEY_TOKENS = 20_000;

/** One (route, method, version) of an engine, numbered: ledgers find their rows by `id`. */
export interface KeyToken {
  readonly id: number;
}

/**
 * Numbers each (route or RPC service, method, version) once per engine, so that
 * a span's key is looked up once however many SLOs count it: each ledger then
 * finds its rows by the token's id. Bounded: past {@link MAX_KEY_TOKENS}
 * distinct keys it hands out none, and ledgers look keys up themselves.
 */
export class KeyRegistry {
  private readonly _maps = [
    new Map<string, Map<string, Map<string, KeyToken>>>(),
    new Map<string, Map<string, Map<string, KeyToken>>>(),
  ];
  private _next = 0;
  /** The last key asked for: consecutive spans of one key skip the maps. */
  private _lastRpc = false;
  private _lastA: string | undefined = undefined;
  private _lastB: string | undefined = undefined;
  private _lastV: string | undefined = undefined;
  private _lastToken: KeyToken | undefined = undefined;

  /** The token of a key; undefined past the bound. */
  token(rpc: boolean, a: string, b: string, v: string): KeyToken | undefined {
    if (a === this._lastA && b === this._lastB && v === this._lastV && rpc === this._lastRpc)
      return this._lastToken;
    const t = this._token(rpc, a, b, v);
    if (t !== undefined) {
      this._lastRpc = rpc;
      this._lastA = a;
      this._lastB = b;
      this._lastV = v;
      this._lastToken = t;
    }
    return t;
  }

  private _token(rpc: boolean, a: string, b: string, v: string): KeyToken | undefined {
    a = truncateLabelValue(a);
    b = truncateLabelValue(b);
    v = truncateLabelValue(v);
    const byRoute = this._maps[rpc ? 1 : 0];
    let byMethod = byRoute.get(a);
    let byVersion = byMethod?.get(b);
    const t = byVersion?.get(v);
    if (t !== undefined) return t;
    if (this._next >= MAX_KEY_TOKENS) return undefined;
    if (byMethod === undefined) byRoute.set(a, (byMethod = new Map()));
    if (byVersion === undefined) byMethod.set(b, (byVersion = new Map()));
    const token = { id: this._next++ };
    byVersion.set(v, token);
    return token;
  }
}

/** The rows of one (route, method, version): its good row and its bad rows by code and reason. */
interface KeyEntry {
  good: number;
  readonly bad: Map<number, number>;
  lastBadKey: number;
  lastBadRow: number;
}

/**
 * What burns one SLO's budget: eligible (good and bad) events by route (or
 * RPC `service/method`), `service.version`, and for bad events status code and
 * failure reason, over every alert window and the SLO window, plus the latest
 * bad trace and span ids. Fed on the per-span path without allocating (a
 * new key allocates its row once, up to the cap); keys past the cap count in
 * one good and one bad overflow row, so the rows always add up to the SLO's
 * counts. Memory is fixed by the cap: rows × windows × buckets doubles.
 */
export class AttributionLedger {
  readonly maxKeys: number;
  /** Failure reasons by index. */
  readonly reasons: readonly string[];
  private readonly _windows: LedgerRing[];
  /** Width of the pending bucket (the finest ring's bucket), 0 when counts go straight to the rings. */
  private readonly _pendingMs: number;
  private _pendingStartMs = -Infinity;
  private _pendingEndMs = -Infinity;
  /** Pending counts per row, not yet in the rings. */
  private _pending: Float64Array;
  private _anyPending = false;
  private _total: Float64Array;
  private _firstSeen: Float64Array;
  private _capacity: number;
  private _rows = 2;
  // per row: what it counts
  private readonly _rowOutcome: Array<'good' | 'bad'> = ['good', 'bad'];
  private readonly _rowRpc: boolean[] = [false, false];
  private readonly _rowRoute: string[] = ['', ''];
  private readonly _rowMethod: string[] = ['', ''];
  private readonly _rowVersion: string[] = ['', ''];
  private readonly _rowCode: number[] = [-1, -1];
  private readonly _rowReason: string[] = ['', ''];
  // (route or RPC service) → (method or RPC method) → version → rows
  private readonly _http = new Map<string, Map<string, Map<string, KeyEntry>>>();
  private readonly _rpc = new Map<string, Map<string, Map<string, KeyEntry>>>();
  // the last key looked up: most spans repeat it
  private _lastA: string | undefined = undefined;
  private _lastB: string | undefined = undefined;
  private _lastV: string | undefined = undefined;
  private _lastRpc = false;
  private _lastEntry: KeyEntry | undefined = undefined;
  private readonly _registry: KeyRegistry;
  /** Key entries by token id (undefined: not looked up yet, or past the cap). */
  private readonly _byToken: Array<KeyEntry | undefined> = [];
  // exemplars of the SLO (ring) and of each row (ring of EXEMPLARS_PER_KEY)
  private readonly _exTrace: string[] = new Array<string>(EXEMPLARS_PER_SLO).fill('');
  private readonly _exSpan: string[] = new Array<string>(EXEMPLARS_PER_SLO).fill('');
  private readonly _exTime = new Float64Array(EXEMPLARS_PER_SLO);
  private readonly _exRow = new Int32Array(EXEMPLARS_PER_SLO);
  private _exNext = 0;
  private _rowExTrace: string[];
  private _rowExSpan: string[];
  private _rowExTime: Float64Array;
  private _rowExNext: Uint8Array;

  constructor(options: AttributionLedgerOptions) {
    const maxKeys = options.maxKeys ?? DEFAULT_MAX_ATTRIBUTION_KEYS;
    if (!Number.isInteger(maxKeys) || maxKeys < 0)
      throw new RangeError(`maxAttributionKeys: must be an integer >= 0, got ${maxKeys}`);
    const buckets = options.buckets ?? DEFAULT_ATTRIBUTION_BUCKETS;
    if (!Number.isInteger(buckets) || buckets < 1)
      throw new RangeError(`attributionBuckets: must be a positive integer, got ${buckets}`);
    this.maxKeys = maxKeys;
    this.reasons = options.reasons;
    this._registry = options.registry ?? new KeyRegistry();
    this._capacity = Math.min(maxKeys, 6) + 2;
    const lengths = [...new Set(options.windowsMs)].sort((a, b) => a - b);
    this._windows = lengths.map(ms => new LedgerRing(ms, buckets, this._capacity));
    this._pendingMs = pendingBucketMs(this._windows);
    this._pending = new Float64Array(this._capacity);
    this._total = new Float64Array(this._capacity);
    this._firstSeen = new Float64Array(this._capacity).fill(Infinity);
    this._rowExTrace = new Array<string>(this._capacity * EXEMPLARS_PER_KEY).fill('');
    this._rowExSpan = new Array<string>(this._capacity * EXEMPLARS_PER_KEY).fill('');
    this._rowExTime = new Float64Array(this._capacity * EXEMPLARS_PER_KEY);
    this._rowExNext = new Uint8Array(this._capacity);
  }

  /** Window lengths (ms), shortest first. */
  get windowsMs(): number[] {
    return this._windows.map(w => w.lengthMs);
  }

  /** Distinct keys (rows besides the overflow rows) kept. */
  get keys(): number {
    return this._rows - 2;
  }

  /** Bytes held by the rows' buckets and counters. */
  get byteSize(): number {
    let n = this._pending.byteLength + this._total.byteLength + this._firstSeen.byteLength;
    n += this._rowExTime.byteLength + this._rowExNext.byteLength;
    for (const w of this._windows) n += w.byteSize;
    return n;
  }

  /**
   * Counts `weight` good events (the span's adjusted count, default 1) of the
   * span in `facts` at the time in `time[0]`. Allocates only for a key not
   * seen before (up to the cap).
   */
  recordGood(facts: SpanFacts, time: Float64Array, weight = 1): void {
    const entry = this._entry(facts);
    let row: number;
    if (entry === undefined) row = OVERFLOW_GOOD;
    else {
      row = entry.good;
      if (row < 0) row = entry.good = this._addRow(facts, 'good', -1, -1, time);
    }
    this._count(row, time, weight);
  }

  /**
   * Counts `weight` bad events: `code` is the HTTP status (else the gRPC code,
   * -1), `reason` an index into {@link reasons}. Keeps its trace and span ids.
   */
  recordBad(facts: SpanFacts, code: number, reason: number, time: Float64Array, weight = 1): void {
    const entry = this._entry(facts);
    let row: number;
    if (entry === undefined) row = OVERFLOW_BAD;
    else {
      const key = (code + 1) * REASON_SLOTS + (reason < 0 ? REASON_SLOTS - 1 : reason);
      if (entry.lastBadKey === key) row = entry.lastBadRow;
      else {
        const r = entry.bad.get(key);
        row = r === undefined ? this._addRow(facts, 'bad', code, reason, time) : r;
        if (r === undefined && row !== OVERFLOW_BAD) entry.bad.set(key, row);
        entry.lastBadKey = key;
        entry.lastBadRow = row;
      }
    }
    this._count(row, time, weight);
    const view = facts.view;
    const traceId = view.traceId;
    if (typeof traceId === 'string' && traceId.length > 0)
      this.addExemplar(row, traceId, view.spanId, time[0]);
  }

  /**
   * The good row of the span's key (route, method, version) when it exists —
   * the overflow row when the key is past the cap —, else -1. Count cells
   * (`cells/count-cells.ts`) ask it once per cell, then count into the row with
   * {@link countGood}.
   */
  goodRow(facts: SpanFacts): number {
    const entry = this._entry(facts);
    return entry === undefined ? OVERFLOW_GOOD : entry.good;
  }

  /**
   * The bad row of the span's key with `code` and `reason` (as
   * {@link recordBad} takes them) when it exists — the overflow row past the
   * cap —, else -1.
   */
  badRow(facts: SpanFacts, code: number, reason: number): number {
    const entry = this._entry(facts);
    if (entry === undefined) return OVERFLOW_BAD;
    const row = entry.bad.get((code + 1) * REASON_SLOTS + (reason < 0 ? REASON_SLOTS - 1 : reason));
    return row === undefined ? -1 : row;
  }

  /** Counts `weight` events in a row from {@link goodRow} or {@link badRow} at the time in `time[0]`. */
  countRow(row: number, time: Float64Array, weight: number): void {
    this._count(row, time, weight);
  }

  /** Keeps a bad event's trace and span ids as the newest exemplar of the SLO and of `row`. */
  addExemplar(row: number, traceId: unknown, spanId: unknown, timeMs: number): void {
    if (typeof traceId !== 'string' || traceId.length === 0) return;
    const s = typeof spanId === 'string' ? spanId : '';
    let i = this._exNext;
    this._exTrace[i] = traceId;
    this._exSpan[i] = s;
    this._exTime[i] = timeMs;
    this._exRow[i] = row;
    this._exNext = i + 1 === EXEMPLARS_PER_SLO ? 0 : i + 1;
    const slot = this._rowExNext[row];
    i = row * EXEMPLARS_PER_KEY + slot;
    this._rowExTrace[i] = traceId;
    this._rowExSpan[i] = s;
    this._rowExTime[i] = timeMs;
    this._rowExNext[row] = slot + 1 === EXEMPLARS_PER_KEY ? 0 : slot + 1;
  }

  private _count(row: number, time: Float64Array, n: number): void {
    const t = time[0];
    this._total[row] += n;
    if (t >= this._pendingStartMs && t < this._pendingEndMs) {
      this._pending[row] += n;
      this._anyPending = true;
      return;
    }
    this._countSlow(row, time, n);
  }

  private _countSlow(row: number, time: Float64Array, n: number): void {
    const t = time[0];
    if (this._pendingMs > 0) {
      const idx = Math.floor(t / this._pendingMs);
      const start = idx * this._pendingMs;
      if (start >= this._pendingEndMs) {
        this._flush();
        this._pendingStartMs = start;
        this._pendingEndMs = start + this._pendingMs;
        this._pending[row] += n;
        this._anyPending = true;
        return;
      }
    }
    const w = this._windows;
    for (let i = 0; i < w.length; i++) w[i].add(row, t, n);
  }

  /** Moves the pending counts into every ring. */
  private _flush(): void {
    if (!this._anyPending) return;
    this._anyPending = false;
    const t = this._pendingStartMs;
    const w = this._windows;
    const p = this._pending;
    for (let r = 0; r < this._rows; r++) {
      const n = p[r];
      if (n === 0) continue;
      p[r] = 0;
      for (let i = 0; i < w.length; i++) w[i].add(r, t, n);
    }
  }

  /**
   * The key entry of the span's route, method and version; undefined past the
   * cap. The span's token (one lookup per span for every ledger of the
   * engine) finds it by index; the first time, or without a token, the maps do.
   */
  private _entry(facts: SpanFacts): KeyEntry | undefined {
    const token = facts.keyToken(this._registry);
    if (token !== undefined) {
      const e = this._byToken[token.id];
      if (e !== undefined) return e;
      const found = this._lookup(facts);
      if (found !== undefined) {
        while (this._byToken.length <= token.id) this._byToken.push(undefined);
        this._byToken[token.id] = found;
      }
      return found;
    }
    return this._lookup(facts);
  }

  private _lookup(facts: SpanFacts): KeyEntry | undefined {
    let a = facts.route();
    let b: string | undefined;
    let rpc = false;
    if (a !== undefined) b = facts.method();
    else {
      a = facts.rpcService();
      if (a !== undefined) {
        rpc = true;
        b = facts.rpcMethod();
      } else b = facts.method();
    }
    a = a === undefined ? '' : truncateLabelValue(a);
    b = b === undefined ? '' : truncateLabelValue(b);
    const v = truncateLabelValue(facts.serviceVersion() ?? '');
    if (a === this._lastA && b === this._lastB && v === this._lastV && rpc === this._lastRpc)
      return this._lastEntry;
    const byRoute = rpc ? this._rpc : this._http;
    let entry = byRoute.get(a)?.get(b)?.get(v);
    if (entry === undefined) {
      if (this._rows - 2 >= this.maxKeys) return undefined;
      entry = { good: -1, bad: new Map(), lastBadKey: -1, lastBadRow: -1 };
      let byMethod = byRoute.get(a);
      if (byMethod === undefined) byRoute.set(a, (byMethod = new Map()));
      let byVersion = byMethod.get(b);
      if (byVersion === undefined) byMethod.set(b, (byVersion = new Map()));
      byVersion.set(v, entry);
    }
    this._lastA = a;
    this._lastB = b;
    this._lastV = v;
    this._lastRpc = rpc;
    this._lastEntry = entry;
    return entry;
  }

  /** Adds a row (cold path); the overflow row of the outcome when at the cap. */
  private _addRow(
    facts: SpanFacts,
    outcome: 'good' | 'bad',
    code: number,
    reason: number,
    time: Float64Array
  ): number {
    const route = facts.route();
    const rpcService = route === undefined ? facts.rpcService() : undefined;
    const rpc = rpcService !== undefined;
    const path = rpc ? `${rpcService}/${facts.rpcMethod() ?? ''}` : (route ?? '');
    const row = this._newRow(
      outcome,
      rpc,
      truncateLabelValue(path),
      truncateLabelValue(rpc ? '' : (facts.method() ?? '')),
      truncateLabelValue(facts.serviceVersion() ?? ''),
      code,
      reason < 0 ? '' : (this.reasons[reason] ?? ''),
      time[0]
    );
    return row < 0 ? (outcome === 'good' ? OVERFLOW_GOOD : OVERFLOW_BAD) : row;
  }

  private _newRow(
    outcome: 'good' | 'bad',
    rpc: boolean,
    route: string,
    method: string,
    version: string,
    code: number,
    reason: string,
    firstSeenMs: number
  ): number {
    if (this._rows - 2 >= this.maxKeys) return -1;
    if (this._rows >= this._capacity) this._grow(Math.min(this._capacity * 2, this.maxKeys + 2));
    const row = this._rows++;
    this._rowOutcome[row] = outcome;
    this._rowRpc[row] = rpc;
    this._rowRoute[row] = route;
    this._rowMethod[row] = method;
    this._rowVersion[row] = version;
    this._rowCode[row] = code;
    this._rowReason[row] = reason;
    this._firstSeen[row] = firstSeenMs;
    return row;
  }

  private _grow(capacity: number): void {
    this._flush();
    const copy = <T extends Float64Array | Uint8Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this._pending = copy(this._pending, capacity);
    this._total = copy(this._total, capacity);
    const first = copy(this._firstSeen, capacity);
    first.fill(Infinity, this._capacity);
    this._firstSeen = first;
    this._rowExTime = copy(this._rowExTime, capacity * EXEMPLARS_PER_KEY);
    this._rowExNext = copy(this._rowExNext, capacity);
    for (let i = this._capacity * EXEMPLARS_PER_KEY; i < capacity * EXEMPLARS_PER_KEY; i++) {
      this._rowExTrace.push('');
      this._rowExSpan.push('');
    }
    for (const w of this._windows) w.grow(capacity);
    this._capacity = capacity;
  }

  /**
   * Adds `n` events of a key at `timeMs` (pre-aggregated counts: replay,
   * tests); a cold path that finds or creates the key's row (overflow past the cap).
   */
  addCounts(key: AttributionKey, n: number, timeMs: number): void {
    if (!(n > 0)) return;
    const rpc = key.rpc ?? false;
    const method = key.method ?? '';
    const version = key.version ?? '';
    const code = key.outcome === 'bad' ? (key.code ?? -1) : -1;
    const reason = key.outcome === 'bad' ? (key.reason ?? '') : '';
    let row = -1;
    for (let r = 2; r < this._rows && row < 0; r++) {
      if (
        this._rowOutcome[r] === key.outcome &&
        this._rowRpc[r] === rpc &&
        this._rowRoute[r] === key.route &&
        this._rowMethod[r] === method &&
        this._rowVersion[r] === version &&
        this._rowCode[r] === code &&
        this._rowReason[r] === reason
      )
        row = r;
    }
    if (row < 0) {
      row = this._newRow(key.outcome, rpc, key.route, method, version, code, reason, timeMs);
      if (row >= 0) this._index(row);
      else row = key.outcome === 'good' ? OVERFLOW_GOOD : OVERFLOW_BAD;
    }
    this._flush();
    this._total[row] += n;
    for (const w of this._windows) w.add(row, timeMs, n);
  }

  /** Reads every row at `nowMs`. */
  read(nowMs: number): AttributionReading {
    this._flush();
    for (const w of this._windows) w.advance(nowMs);
    if (this._pendingMs > 0 && nowMs >= this._pendingEndMs) {
      this._pendingStartMs = -Infinity;
      this._pendingEndMs = -Infinity;
    }
    const rows: AttributionRow[] = [];
    const order: number[] = [];
    for (let r = 2; r < this._rows; r++) order.push(r);
    order.push(OVERFLOW_GOOD, OVERFLOW_BAD);
    for (const r of order) {
      const counts = this._windows.map(w => w.sum(r));
      if (r < 2 && this._total[r] === 0 && counts.every(c => c === 0)) continue;
      const exemplars: Exemplar[] = [];
      for (let j = 1; j <= EXEMPLARS_PER_KEY; j++) {
        const i =
          r * EXEMPLARS_PER_KEY +
          ((this._rowExNext[r] - j + EXEMPLARS_PER_KEY) % EXEMPLARS_PER_KEY);
        if (this._rowExTrace[i] !== '')
          exemplars.push({
            traceId: this._rowExTrace[i],
            spanId: this._rowExSpan[i],
            timeMs: this._rowExTime[i],
          });
      }
      const rpc = this._rowRpc[r];
      const method = this._rowMethod[r];
      const path = this._rowRoute[r];
      rows.push({
        outcome: this._rowOutcome[r],
        overflow: r < 2,
        route: method !== '' && path !== '' ? `${method} ${path}` : path,
        httpRoute: path,
        method,
        rpc,
        version: this._rowVersion[r],
        code: this._rowCode[r],
        reason: this._rowReason[r],
        total: this._total[r],
        counts,
        firstSeenMs: this._firstSeen[r],
        exemplars,
      });
    }
    return {
      windows: this._windows.map(w => formatDuration(w.lengthMs)),
      windowsMs: this._windows.map(w => w.lengthMs),
      rows,
      exemplars: this._sloExemplars(),
      keys: this._rows - 2,
      maxKeys: this.maxKeys,
    };
  }

  private _sloExemplars(): Exemplar[] {
    const out: Exemplar[] = [];
    for (let j = 1; j <= EXEMPLARS_PER_SLO; j++) {
      const i = (this._exNext - j + EXEMPLARS_PER_SLO) % EXEMPLARS_PER_SLO;
      if (this._exTrace[i] !== '')
        out.push({ traceId: this._exTrace[i], spanId: this._exSpan[i], timeMs: this._exTime[i] });
    }
    return out;
  }

  /** Serializable state: keys, windows and exemplars (the since-start totals are not kept). */
  toJSON(): AttributionLedgerState {
    this._flush();
    const keys: AttributionLedgerState['keys'] = [];
    for (let r = 0; r < this._rows; r++) {
      keys.push({
        outcome: this._rowOutcome[r],
        rpc: this._rowRpc[r],
        route: this._rowRoute[r],
        method: this._rowMethod[r],
        version: this._rowVersion[r],
        code: this._rowCode[r],
        reason: this._rowReason[r],
        firstSeenMs: Number.isFinite(this._firstSeen[r]) ? this._firstSeen[r] : 0,
      });
    }
    const exemplars: AttributionLedgerState['exemplars'] = [];
    for (let j = EXEMPLARS_PER_SLO; j >= 1; j--) {
      const i = (this._exNext - j + EXEMPLARS_PER_SLO) % EXEMPLARS_PER_SLO;
      if (this._exTrace[i] !== '')
        exemplars.push({
          traceId: this._exTrace[i],
          spanId: this._exSpan[i],
          timeMs: this._exTime[i],
          key: this._exRow[i],
        });
    }
    return {
      version: ATTRIBUTION_STATE_VERSION,
      keys,
      windows: this._windows.map(w => w.toJSON()),
      exemplars,
    };
  }

  /**
   * Restores state written by {@link toJSON} into an empty ledger. Keys are
   * matched to this ledger's cap (the rest go to the overflow rows); windows
   * whose length or buckets changed stay empty. Returns false when nothing fit.
   */
  restore(state: AttributionLedgerState): boolean {
    if (
      state === null ||
      typeof state !== 'object' ||
      state.version !== ATTRIBUTION_STATE_VERSION ||
      !Array.isArray(state.keys) ||
      !Array.isArray(state.windows)
    )
      return false;
    const map: number[] = [];
    for (let i = 0; i < state.keys.length; i++) {
      const k = state.keys[i];
      if (i < 2 || !validKey(k)) {
        map.push(i < 2 ? i : -1);
        continue;
      }
      const row = this._newRow(
        k.outcome,
        k.rpc,
        k.route,
        k.method,
        k.version,
        k.code,
        k.reason,
        k.firstSeenMs
      );
      map.push(row >= 0 ? row : k.outcome === 'good' ? OVERFLOW_GOOD : OVERFLOW_BAD);
      if (row >= 0) this._index(row);
    }
    let ok = false;
    for (const w of this._windows) {
      const saved = state.windows.find(s => s && s.lengthMs === w.lengthMs);
      if (saved !== undefined && w.restore(saved, map)) ok = true;
    }
    if (Array.isArray(state.exemplars)) {
      for (const e of state.exemplars) {
        if (!e || typeof e.traceId !== 'string' || typeof e.spanId !== 'string') continue;
        if (!Number.isFinite(e.timeMs) || !Number.isInteger(e.key)) continue;
        const row = e.key >= 0 && e.key < map.length ? map[e.key] : -1;
        const i = this._exNext;
        this._exTrace[i] = e.traceId;
        this._exSpan[i] = e.spanId;
        this._exTime[i] = e.timeMs;
        this._exRow[i] = row;
        this._exNext = i + 1 === EXEMPLARS_PER_SLO ? 0 : i + 1;
        if (row >= 0) {
          const slot = this._rowExNext[row];
          const j = row * EXEMPLARS_PER_KEY + slot;
          this._rowExTrace[j] = e.traceId;
          this._rowExSpan[j] = e.spanId;
          this._rowExTime[j] = e.timeMs;
          this._rowExNext[row] = slot + 1 === EXEMPLARS_PER_KEY ? 0 : slot + 1;
        }
      }
    }
    return ok;
  }

  /** Puts a restored row in the key maps. */
  private _index(row: number): void {
    const rpc = this._rowRpc[row];
    let a = this._rowRoute[row];
    let b = this._rowMethod[row];
    if (rpc) {
      const slash = a.lastIndexOf('/');
      b = a.slice(slash + 1);
      a = a.slice(0, slash);
    }
    const byRoute = rpc ? this._rpc : this._http;
    let byMethod = byRoute.get(a);
    if (byMethod === undefined) byRoute.set(a, (byMethod = new Map()));
    let byVersion = byMethod.get(b);
    if (byVersion === undefined) byMethod.set(b, (byVersion = new Map()));
    const v = this._rowVersion[row];
    let entry = byVersion.get(v);
    if (entry === undefined) {
      entry = { good: -1, bad: new Map(), lastBadKey: -1, lastBadRow: -1 };
      byVersion.set(v, entry);
    }
    if (this._rowOutcome[row] === 'good') entry.good = row;
    else {
      const reason = this.reasons.indexOf(this._rowReason[row]);
      const key =
        (this._rowCode[row] + 1) * REASON_SLOTS + (reason < 0 ? REASON_SLOTS - 1 : reason);
      entry.bad.set(key, row);
    }
    this._lastA = undefined;
    this._lastEntry = undefined;
  }
}

function validKey(k: AttributionLedgerState['keys'][number]): boolean {
  return (
    k !== null &&
    typeof k === 'object' &&
    (k.outcome === 'good' || k.outcome === 'bad') &&
    typeof k.rpc === 'boolean' &&
    typeof k.route === 'string' &&
    typeof k.method === 'string' &&
    typeof k.version === 'string' &&
    Number.isInteger(k.code) &&
    typeof k.reason === 'string' &&
    Number.isFinite(k.firstSeenMs)
  );
}

/**
 * The pending bucket width: the finest ring's bucket, when it is a whole
 * number of milliseconds that divides every other ring's bucket; 0 otherwise.
 */
function pendingBucketMs(rings: readonly LedgerRing[]): number {
  if (rings.length === 0) return 0;
  let fine = Infinity;
  for (const r of rings) fine = Math.min(fine, r.bucketMs);
  if (!Number.isInteger(fine) || fine <= 0) return 0;
  for (const r of rings) if (!Number.isInteger(r.bucketMs / fine)) return 0;
  return fine;
}
