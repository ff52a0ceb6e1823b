import type { SpanFacts } from '../classify/span-facts';
import type { SloState } from '../engine/slo-state';
import { ATTR_HTTP_ROUTE } from '../semconv';
import { MAX_LABEL_VALUE_BYTES, truncateLabelValue } from '../label-value';

/**
 * The value of every `groupBy` attribute of the overflow group, which counts
 * the spans of every group past `maxGroups`. A span whose values are all this
 * string counts there too.
 */
export const OVERFLOW_GROUP_VALUE = '__overflow__';

/** Longest group value kept, in UTF-8 bytes; longer values are cut (`truncateLabelValue`, one group). */
export const MAX_GROUP_VALUE_LENGTH = MAX_LABEL_VALUE_BYTES;

/** A group's values by attribute key, in `groupBy` order. */
export type GroupValues = Readonly<Record<string, string>>;

const ATTR_SERVICE_NAME = 'service.name';
const ATTR_SERVICE_VERSION = 'service.version';

/** Where a `groupBy` key reads its value. */
const FROM_ATTRIBUTE = 0;
/** `http.route`: the classifier's route (`http.route`, else `url.path`, else `http.target`). */
const FROM_ROUTE = 1;
/** `service.name`: the span attribute, else the resource's. */
const FROM_SERVICE_NAME = 2;
/** `service.version`: the span attribute, else the resource's. */
const FROM_SERVICE_VERSION = 3;

/** A value no span attribute can be: the single-key memo's empty state. */
const NONE = Symbol('none');

/** Creates the state of a new group. */
export type GroupStateFactory = (group: GroupValues, overflow: boolean) => SloState;

/** Options of {@link SloGroups}. */
export interface SloGroupsOptions {
  /** The `groupBy` attribute keys. */
  readonly keys: readonly string[];
  /** Distinct groups before the overflow group. */
  readonly maxGroups: number;
  /** Builds (and registers) the state of a group the first time it is seen. */
  readonly create: GroupStateFactory;
}

/**
 * The groups of one grouped SLO: one {@link SloState} per distinct tuple of
 * `groupBy` values, at most `maxGroups` of them plus the overflow group.
 *
 * {@link stateFor} is on the per-span path: it reads the span's values and
 * walks one `Map` per key, keyed by the raw attribute value (no string built,
 * nothing allocated once a group exists). A miss is the cold path: the values
 * become label strings (`String(value)`, absent = `""`), which may name a group
 * seen under another type (the number 200 and the string "200" are one group),
 * and a new group is created while there is room. Spans past the cap count in
 * the overflow group; for a single key, the last 4 × `maxGroups` overflowing
 * values are remembered so that steady overflow traffic allocates nothing either.
 */
export class SloGroups {
  /** The `groupBy` attribute keys. */
  readonly keys: readonly string[];
  /** Distinct groups before the overflow group. */
  readonly maxGroups: number;
  private readonly _sources: Uint8Array;
  private readonly _create: GroupStateFactory;
  /** Raw value → (next map | state), one level per key. */
  private readonly _root = new Map<unknown, unknown>();
  /** Label tuple (values joined by NUL) → state: the cold path's lookup. */
  private readonly _byLabel = new Map<string, SloState>();
  private readonly _groups: SloState[] = [];
  private _overflow: SloState | undefined = undefined;
  /** Single key: raw values known to overflow (bounded, cleared when full). */
  private readonly _overflowing = new Map<unknown, true>();
  private _lastValue: unknown = NONE;
  private _lastState: SloState | undefined = undefined;
  /** Spans counted in the overflow group because the cap was reached. */
  private _overflowSpans = 0;

  constructor(options: SloGroupsOptions) {
    this.keys = [...options.keys];
    this.maxGroups = options.maxGroups;
    this._create = options.create;
    this._sources = Uint8Array.from(this.keys, k =>
      k === ATTR_HTTP_ROUTE
        ? FROM_ROUTE
        : k === ATTR_SERVICE_NAME
          ? FROM_SERVICE_NAME
          : k === ATTR_SERVICE_VERSION
            ? FROM_SERVICE_VERSION
            : FROM_ATTRIBUTE
    );
  }

  /** The groups created so far (without the overflow group), in the order they appeared. */
  get groups(): readonly SloState[] {
    return this._groups;
  }

  /** The overflow group, once a span needed it. */
  get overflow(): SloState | undefined {
    return this._overflow;
  }

  /** Spans that went to the overflow group because `maxGroups` groups existed. */
  get overflowSpans(): number {
    return this._overflowSpans;
  }

  /** The state of the span's group (per-span path; allocates nothing once the group exists). */
  stateFor(facts: SpanFacts): SloState {
    const n = this._sources.length;
    if (n === 1) {
      const v = this._value(facts, 0);
      if (v === this._lastValue) return this._lastState as SloState;
      const s = this._root.get(v) as SloState | undefined;
      if (s !== undefined) {
        this._lastValue = v;
        this._lastState = s;
        return s;
      }
      if (this._overflow !== undefined && this._overflowing.has(v)) {
        this._overflowSpans++;
        return this._overflow;
      }
      return this._miss(facts);
    }
    let node = this._root;
    for (let k = 0; k < n - 1; k++) {
      const next = node.get(this._value(facts, k)) as Map<unknown, unknown> | undefined;
      if (next === undefined) return this._miss(facts);
      node = next;
    }
    const s = node.get(this._value(facts, n - 1)) as SloState | undefined;
    return s !== undefined ? s : this._miss(facts);
  }

  /**
   * The group of these label values, created when there is room (restoring a
   * saved state); `overflow` (or values that are all {@link OVERFLOW_GROUP_VALUE})
   * gives the overflow group. Undefined when the values do not fit the keys or
   * the cap is reached.
   */
  groupOf(values: readonly string[], overflow = false): SloState | undefined {
    if (values.length !== this.keys.length) return undefined;
    if (overflow || values.every(v => v === OVERFLOW_GROUP_VALUE)) return this._overflowState();
    const labels = values.map(v => truncateLabelValue(String(v)));
    const key = labels.join('\u0000');
    const found = this._byLabel.get(key);
    if (found !== undefined) return found;
    if (this._groups.length >= this.maxGroups) return undefined;
    const state = this._newGroup(labels, key);
    this._remember(labels, state);
    return state;
  }

  /** Cold path: a tuple of raw values not seen yet. */
  private _miss(facts: SpanFacts): SloState {
    const n = this._sources.length;
    const raw: unknown[] = [];
    const labels: string[] = [];
    for (let k = 0; k < n; k++) {
      const v = this._value(facts, k);
      raw.push(v);
      labels.push(labelOf(v));
    }
    const key = labels.join('\u0000');
    let state = this._byLabel.get(key);
    if (state === undefined) {
      if (labels.every(l => l === OVERFLOW_GROUP_VALUE)) state = this._overflowState();
      else if (this._groups.length < this.maxGroups) state = this._newGroup(labels, key);
      else {
        this._overflowSpans++;
        const overflow = this._overflowState();
        if (n === 1 && isKey(raw[0])) {
          if (this._overflowing.size >= 4 * this.maxGroups) this._overflowing.clear();
          this._overflowing.set(raw[0], true);
        }
        return overflow;
      }
    }
    this._remember(raw, state);
    return state;
  }

  /** Adds the path of `raw` values to the lookup maps (primitive values only: arrays are not kept). */
  private _remember(raw: readonly unknown[], state: SloState): void {
    if (!raw.every(isKey)) return;
    let node = this._root;
    for (let k = 0; k < raw.length - 1; k++) {
      let next = node.get(raw[k]) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(raw[k], next);
      }
      node = next;
    }
    node.set(raw[raw.length - 1], state);
  }

  private _newGroup(labels: readonly string[], key: string): SloState {
    const state = this._create(this._values(labels), false);
    this._groups.push(state);
    this._byLabel.set(key, state);
    return state;
  }

  private _overflowState(): SloState {
    if (this._overflow === undefined) {
      const labels = this.keys.map(() => OVERFLOW_GROUP_VALUE);
      this._overflow = this._create(this._values(labels), true);
      this._byLabel.set(labels.join('\u0000'), this._overflow);
    }
    return this._overflow;
  }

  private _values(labels: readonly string[]): GroupValues {
    const out: Record<string, string> = {};
    this.keys.forEach((k, i) => (out[k] = labels[i]));
    return Object.freeze(out);
  }

  /** The raw value of key `k` on the span (see the `FROM_*` sources). */
  private _value(facts: SpanFacts, k: number): unknown {
    switch (this._sources[k]) {
      case FROM_ROUTE:
        return facts.route();
      case FROM_SERVICE_NAME: {
        const v = facts.view.attribute(ATTR_SERVICE_NAME);
        return v !== undefined ? v : facts.serviceName();
      }
      case FROM_SERVICE_VERSION: {
        const v = facts.view.attribute(ATTR_SERVICE_VERSION);
        return v !== undefined ? v : facts.serviceVersion();
      }
      default:
        return facts.view.attribute(this.keys[k]);
    }
  }
}

/**
 * Whether a raw value can key the lookup maps: a primitive (compared by value),
 * strings no longer than {@link MAX_GROUP_VALUE_LENGTH} (longer ones share a
 * cut label: keeping each would grow the maps without bound).
 */
function isKey(v: unknown): boolean {
  if (typeof v === 'string') return v.length <= MAX_GROUP_VALUE_LENGTH;
  return v === null || typeof v !== 'object';
}

/**
 * A group label from a raw attribute value: strings as they are, numbers,
 * booleans and bigints as `String` writes them, arrays joined by commas,
 * absent (or null) as the empty string; cut to {@link MAX_GROUP_VALUE_LENGTH}.
 */
export function labelOf(v: unknown): string {
  let s: string;
  if (v === undefined || v === null) s = '';
  else if (typeof v === 'string') s = v;
  else if (Array.isArray(v))
    s = v.map(x => (x === undefined || x === null ? '' : String(x))).join(',');
  else s = String(v);
  return truncateLabelValue(s);
}
