/** Status strings in the order their index is stored in a history point. */
export const HISTORY_STATUSES: readonly string[] = [
  'healthy',
  'attention',
  'warning',
  'critical',
  'exhausted',
  'no-data',
];

const PRESENT = 0x80;
const PAGE = 0x01;
const TICKET = 0x02;
const STATUS_SHIFT = 2;
const STATUS_MASK = 0x07;
const STATUS_UNKNOWN = 7;

/** One reading of an SLO, as a history ring takes it. */
export interface HistoryReading {
  /** Remaining budget ratio. */
  readonly remaining: number;
  /** SLI over the SLO window. */
  readonly sli: number;
  /** Burn rate per alert window, in the ring's {@link HistoryRing.windows} order. */
  readonly burnRates: ArrayLike<number>;
  readonly page: boolean;
  readonly ticket: boolean;
  readonly status: string;
  /** Good events counted since the previous reading. */
  readonly good: number;
  /** Bad events counted since the previous reading. */
  readonly bad: number;
}

/** The points of one ring, oldest first, as columns (see {@link HistoryRing.read}). */
export interface HistorySeries {
  /** Width of a point, ms. */
  readonly stepMs: number;
  /** Start of each point's step, ms since the epoch. */
  readonly timeMs: number[];
  readonly remaining: number[];
  readonly sli: number[];
  /** Burn rate by alert window label (`5m`, `1h`, …): the highest reading in the step. */
  readonly burnRates: Record<string, number[]>;
  /** Whether a page (ticket) tier fired at any reading in the step. */
  readonly page: boolean[];
  readonly ticket: boolean[];
  /** Status at the step's last reading. */
  readonly status: string[];
  /** Good (bad) events counted during the step. */
  readonly good: number[];
  readonly bad: number[];
}

/** Serialized form of a {@link HistoryRing}: the steps from the oldest one held to the head. */
export interface HistoryRingState {
  stepMs: number;
  capacity: number;
  /** Step index (`floor(time / stepMs)`) of the newest point, null when empty. */
  head: number | null;
  /** Per step from `head − remaining.length + 1` to `head`; null for a step without a reading. */
  remaining: (number | null)[];
  sli: (number | null)[];
  /** One array per alert window, in {@link SloHistoryState.windows} order. */
  burn: (number | null)[][];
  good: number[];
  bad: number[];
  /** Bits: 1 page, 2 ticket, 4·status index, 128 present. */
  flags: number[];
}

/**
 * A fixed-size ring of SLO readings, one point per `stepMs`. Several readings
 * within one step fold into its point: the last remaining budget, SLI and
 * status, the highest burn rate per window, whether an alert fired at any of
 * them, the events counted in between summed. Memory is fixed at construction:
 * `capacity × (4 × (2 + windows) + 16 + 1)` bytes. Steps without a reading
 * stay empty (gaps), never interpolated.
 */
export class HistoryRing {
  /** Width of one point, ms. */
  readonly stepMs: number;
  /** Number of points held. */
  readonly capacity: number;
  /** Labels of the burn-rate columns. */
  readonly windows: readonly string[];
  private readonly _cols: number;
  /** Per slot: remaining, SLI, one burn rate per window (float32 is plenty for ratios). */
  private readonly _levels: Float32Array;
  /** Per slot: good, bad (exact counts). */
  private readonly _counts: Float64Array;
  private readonly _flags: Uint8Array;
  private _head = -Infinity;
  private _headSlot = 0;

  constructor(stepMs: number, capacity: number, windows: readonly string[]) {
    if (!(stepMs > 0) || !Number.isFinite(stepMs))
      throw new RangeError(`history step must be positive, got ${stepMs}`);
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    this.stepMs = stepMs;
    this.capacity = capacity;
    this.windows = [...windows];
    this._cols = 2 + windows.length;
    this._levels = new Float32Array(capacity * this._cols);
    this._counts = new Float64Array(capacity * 2);
    this._flags = new Uint8Array(capacity);
  }

  /** Step index of the newest point, -Infinity while empty. */
  get headIndex(): number {
    return this._head;
  }

  /** Bytes held by the point arrays. */
  get byteSize(): number {
    return this._levels.byteLength + this._counts.byteLength + this._flags.byteLength;
  }

  /** Folds a reading taken at `timeMs` into its step's point. Readings older than the newest step are ignored (false). */
  add(timeMs: number, r: HistoryReading): boolean {
    const idx = Math.floor(timeMs / this.stepMs);
    if (!Number.isFinite(idx)) return false;
    if (idx < this._head) return false;
    if (idx > this._head) this._moveTo(idx);
    const slot = this._headSlot;
    const base = slot * this._cols;
    const lv = this._levels;
    const first = (this._flags[slot] & PRESENT) === 0;
    lv[base] = r.remaining;
    lv[base + 1] = r.sli;
    for (let w = 0; w < this.windows.length; w++) {
      const v = r.burnRates[w] ?? 0;
      if (first || v > lv[base + 2 + w]) lv[base + 2 + w] = v;
    }
    this._counts[slot * 2] += r.good;
    this._counts[slot * 2 + 1] += r.bad;
    const old = first ? 0 : this._flags[slot];
    let status = HISTORY_STATUSES.indexOf(r.status);
    if (status < 0) status = STATUS_UNKNOWN;
    this._flags[slot] =
      PRESENT |
      (old & (PAGE | TICKET)) |
      (r.page ? PAGE : 0) |
      (r.ticket ? TICKET : 0) |
      (status << STATUS_SHIFT);
    return true;
  }

  /** The points held, oldest first; empty steps are left out. */
  read(): HistorySeries {
    const out: HistorySeries = {
      stepMs: this.stepMs,
      timeMs: [],
      remaining: [],
      sli: [],
      burnRates: Object.fromEntries(this.windows.map(w => [w, [] as number[]])),
      page: [],
      ticket: [],
      status: [],
      good: [],
      bad: [],
    };
    if (this._head === -Infinity) return out;
    const k = this.capacity;
    for (let back = k - 1; back >= 0; back--) {
      let slot = this._headSlot - back;
      if (slot < 0) slot += k;
      const f = this._flags[slot];
      if ((f & PRESENT) === 0) continue;
      const base = slot * this._cols;
      out.timeMs.push((this._head - back) * this.stepMs);
      out.remaining.push(this._levels[base]);
      out.sli.push(this._levels[base + 1]);
      this.windows.forEach((w, i) => out.burnRates[w].push(this._levels[base + 2 + i]));
      out.page.push((f & PAGE) !== 0);
      out.ticket.push((f & TICKET) !== 0);
      const s = (f >> STATUS_SHIFT) & STATUS_MASK;
      out.status.push(HISTORY_STATUSES[s] ?? 'unknown');
      out.good.push(this._counts[slot * 2]);
      out.bad.push(this._counts[slot * 2 + 1]);
    }
    return out;
  }

  /** Serializable state: the steps from the oldest present point to the head (ratios in the fewest digits that read back exactly). */
  toJSON(): HistoryRingState {
    const state: HistoryRingState = {
      stepMs: this.stepMs,
      capacity: this.capacity,
      head: Number.isFinite(this._head) ? this._head : null,
      remaining: [],
      sli: [],
      burn: this.windows.map(() => []),
      good: [],
      bad: [],
      flags: [],
    };
    if (this._head === -Infinity) return state;
    const k = this.capacity;
    let oldest = -1;
    for (let back = k - 1; back >= 0 && oldest < 0; back--) {
      let slot = this._headSlot - back;
      if (slot < 0) slot += k;
      if ((this._flags[slot] & PRESENT) !== 0) oldest = back;
    }
    for (let back = oldest; back >= 0; back--) {
      let slot = this._headSlot - back;
      if (slot < 0) slot += k;
      const present = (this._flags[slot] & PRESENT) !== 0;
      const base = slot * this._cols;
      state.remaining.push(present ? round7(this._levels[base]) : null);
      state.sli.push(present ? round7(this._levels[base + 1]) : null);
      for (let w = 0; w < this.windows.length; w++)
        state.burn[w].push(present ? round7(this._levels[base + 2 + w]) : null);
      state.good.push(this._counts[slot * 2]);
      state.bad.push(this._counts[slot * 2 + 1]);
      state.flags.push(this._flags[slot]);
    }
    return state;
  }

  /**
   * Restores state written by {@link toJSON}, its burn columns given in
   * `savedWindows` order (columns of windows no longer used are dropped, new ones
   * read 0). Returns false, leaving the ring empty, when it does not fit.
   */
  restore(state: HistoryRingState, savedWindows: readonly string[]): boolean {
    this._clear();
    if (
      state === null ||
      typeof state !== 'object' ||
      state.stepMs !== this.stepMs ||
      state.capacity !== this.capacity
    )
      return false;
    if (state.head === null) return true;
    const n = Array.isArray(state.flags) ? state.flags.length : -1;
    if (
      typeof state.head !== 'number' ||
      !Number.isSafeInteger(state.head) ||
      n < 0 ||
      n > this.capacity ||
      !Array.isArray(state.burn) ||
      state.burn.length !== savedWindows.length ||
      ![state.remaining, state.sli, state.good, state.bad, ...state.burn].every(
        a => Array.isArray(a) && a.length === n
      )
    )
      return false;
    const column = this.windows.map(w => savedWindows.indexOf(w));
    const num = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
    for (let i = 0; i < n; i++) {
      const f = state.flags[i];
      if (
        !Number.isInteger(f) ||
        f < 0 ||
        f > 255 ||
        !num(state.remaining[i]) ||
        !num(state.sli[i]) ||
        !num(state.good[i]) ||
        !num(state.bad[i]) ||
        !state.burn.every(b => num(b[i]))
      ) {
        this._clear();
        return false;
      }
    }
    this._head = state.head;
    this._headSlot = this.capacity - 1;
    for (let i = 0; i < n; i++) {
      const slot = this.capacity - n + i;
      const base = slot * this._cols;
      const f = state.flags[i];
      if ((f & PRESENT) === 0) continue;
      this._levels[base] = state.remaining[i] ?? 0;
      this._levels[base + 1] = state.sli[i] ?? 0;
      column.forEach((c, w) => (this._levels[base + 2 + w] = c < 0 ? 0 : (state.burn[c][i] ?? 0)));
      this._counts[slot * 2] = state.good[i];
      this._counts[slot * 2 + 1] = state.bad[i];
      this._flags[slot] = f;
    }
    return true;
  }

  private _clear(): void {
    this._levels.fill(0);
    this._counts.fill(0);
    this._flags.fill(0);
    this._head = -Infinity;
    this._headSlot = 0;
  }

  private _moveTo(idx: number): void {
    const k = this.capacity;
    const steps = idx - this._head;
    if (steps >= k) {
      this._levels.fill(0);
      this._counts.fill(0);
      this._flags.fill(0);
      this._headSlot = 0;
    } else {
      let slot = this._headSlot;
      for (let i = 0; i < steps; i++) {
        slot = slot + 1 === k ? 0 : slot + 1;
        this._levels.fill(0, slot * this._cols, (slot + 1) * this._cols);
        this._counts[slot * 2] = 0;
        this._counts[slot * 2 + 1] = 0;
        this._flags[slot] = 0;
      }
      this._headSlot = slot;
    }
    this._head = idx;
  }
}

/** The shortest decimal (7 to 9 digits) that reads back as the same float32. */
function round7(v: number): number {
  for (let digits = 7; digits < 9; digits++) {
    const r = Number(v.toPrecision(digits));
    if (Math.fround(r) === v) return r;
  }
  return Number(v.toPrecision(9));
}
