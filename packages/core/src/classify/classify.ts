import { GRPC_SERVER_ERROR_CODES } from './grpc-codes';
import { globToRegExp, RouteTable } from './route-table';
import { SpanFacts } from './span-facts';
import {
  SpanKindValue,
  SpanStatusValue,
  type AttributeMatcher,
  type AttributeValue,
  type SloDefinition,
  type SpanSelector,
} from '../types';
import { internString } from '../intern';

/** Outcome of classifying one span against one SLO. */
export const Outcome = {
  /** The span is not eligible for this SLO. */
  INELIGIBLE: 0,
  GOOD: 1,
  BAD: 2,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** Failure reason of a bad event failing the `status` predicate. */
export const FAILURE_REASON_STATUS = 'status';
/** Failure reason of a bad event failing the `latency` predicate. */
export const FAILURE_REASON_LATENCY = 'latency';
/** Prefix of the failure reason of a bad event failing an attribute test (`attribute:app.payload.valid`). */
export const FAILURE_REASON_ATTRIBUTE_PREFIX = 'attribute:';

/** A compiled attribute test. */
export type AttributePredicate = (value: AttributeValue | undefined) => boolean;

const KIND_NUMBER: Readonly<Record<SpanSelector['kind'], number>> = {
  internal: SpanKindValue.INTERNAL,
  server: SpanKindValue.SERVER,
  client: SpanKindValue.CLIENT,
  producer: SpanKindValue.PRODUCER,
  consumer: SpanKindValue.CONSUMER,
  any: -1,
};

/** Compiles an {@link AttributeMatcher} into a predicate. */
export function compileAttributeMatcher(m: AttributeMatcher): AttributePredicate {
  switch (m.op) {
    case 'equals':
      return v => scalarEquals(v, m.value);
    case 'notEquals':
      return v => v !== undefined && !scalarEquals(v, m.value);
    case 'oneOf': {
      const values = m.values;
      return v => {
        for (let i = 0; i < values.length; i++) if (scalarEquals(v, values[i])) return true;
        return false;
      };
    }
    case 'exists':
      return m.exists ? v => v !== undefined && v !== null : v => v === undefined || v === null;
    case 'compare': {
      const { gt, gte, lt, lte } = m;
      return v => {
        const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
        if (Number.isNaN(n)) return false;
        if (gt !== undefined && !(n > gt)) return false;
        if (gte !== undefined && !(n >= gte)) return false;
        if (lt !== undefined && !(n < lt)) return false;
        if (lte !== undefined && !(n <= lte)) return false;
        return true;
      };
    }
    case 'regex': {
      const re = new RegExp(m.pattern);
      return v => typeof v === 'string' && re.test(v);
    }
  }
}

function scalarEquals(v: AttributeValue | undefined, want: string | number | boolean): boolean {
  if (v === want) return true;
  if (typeof v === 'bigint' && typeof want === 'number') return Number(v) === want;
  return false;
}

/** Compiled attribute tests: keys and predicates side by side. */
export interface CompiledAttributes {
  readonly keys: readonly string[];
  readonly tests: readonly AttributePredicate[];
}

function compileAttributes(attrs: Readonly<Record<string, AttributeMatcher>>): CompiledAttributes {
  const keys = Object.keys(attrs);
  return { keys, tests: keys.map(k => compileAttributeMatcher(attrs[k])) };
}

function attributesHold(c: CompiledAttributes, facts: SpanFacts): boolean {
  const view = facts.view;
  for (let i = 0; i < c.keys.length; i++) {
    if (!c.tests[i](view.attribute(c.keys[i]))) return false;
  }
  return true;
}

interface CompiledRpcPattern {
  readonly service: RegExp;
  readonly method: RegExp;
}

function routeTableOf(patterns: readonly string[]): RouteTable<true> | undefined {
  if (patterns.length === 0) return undefined;
  const table = new RouteTable<true>();
  for (const p of patterns) table.add(p, true);
  return table;
}

/**
 * An SLO's selector and good predicates compiled once into plain data and
 * closures, so that {@link CompiledSlo.classify} allocates nothing.
 */
export class CompiledSlo {
  readonly definition: SloDefinition;
  // The fields read for every candidate span come first (one hidden class, in
  // this order): fewer cache lines per SLO and span.
  private readonly _service: string | undefined;
  private readonly _kind: number;
  /** Whether eligibility is service and kind alone (no RPC, attribute or exclude selectors). */
  private readonly _serviceAndKindOnly: boolean;
  private readonly _routes: RouteTable<true> | undefined;
  private readonly _checkStatus: boolean;
  private readonly _spanErrorBad: boolean;
  private readonly _clientErrorsBad: boolean;
  /** Whether `badCodes` lists any code (else its table is not read). */
  private readonly _hasBadCodes: boolean;
  private readonly _checkLatency: boolean;
  private readonly _latencyRoutes: RouteTable<number> | undefined;
  private readonly _latencyDefaultMs: number;
  /** Whether `good` tests attributes (else {@link _goodAttributes} is not read). */
  private readonly _hasGoodAttributes: boolean;
  private readonly _goodAttributes: CompiledAttributes;
  private readonly _rpc: readonly CompiledRpcPattern[];
  private readonly _attributes: CompiledAttributes;
  private readonly _exclude: ReadonlyArray<{
    routes: RouteTable<true> | undefined;
    attributes: CompiledAttributes;
  }>;
  private readonly _badCodes: Uint8Array;
  private readonly _serverGrpcErrors: Uint8Array;
  private readonly _failureReasons: string[];
  /**
   * Whether the SLO is a journey (`sli.trace`): one event per trace, counted by
   * the journey assembler; the per-span dispatch never makes it a candidate.
   */
  readonly isJourney: boolean;

  constructor(definition: SloDefinition) {
    this.definition = definition;
    const { spans, good } = definition.sli;
    this._service = definition.service === undefined ? undefined : internString(definition.service);
    this._kind = KIND_NUMBER[spans.kind];
    this._routes = routeTableOf(spans.routes);
    this._rpc = spans.rpc.map(p => {
      const slash = p.lastIndexOf('/');
      const svc = slash >= 0 ? p.slice(0, slash) : p;
      const method = slash >= 0 ? p.slice(slash + 1) : '*';
      return { service: globToRegExp(svc || '*'), method: globToRegExp(method || '*') };
    });
    this._attributes = compileAttributes(spans.attributes);
    this._exclude = spans.exclude.map(e => ({
      routes: routeTableOf(e.routes),
      attributes: compileAttributes(e.attributes),
    }));
    this._checkStatus = good.status !== undefined;
    this._spanErrorBad = good.status?.spanError !== 'ignore';
    this._clientErrorsBad = good.status?.clientErrors === 'bad';
    this._badCodes = new Uint8Array(600);
    for (const c of good.status?.badCodes ?? []) if (c >= 0 && c < 600) this._badCodes[c] = 1;
    this._hasBadCodes = this._badCodes.includes(1);
    this._serverGrpcErrors = new Uint8Array(17);
    for (const c of GRPC_SERVER_ERROR_CODES) this._serverGrpcErrors[c] = 1;
    this._checkLatency = good.latency !== undefined;
    this._latencyDefaultMs = good.latency?.defaultMs ?? Infinity;
    // assigned on every path, so that every CompiledSlo has one hidden class
    this._latencyRoutes = undefined;
    if (good.latency && good.latency.routes.length > 0) {
      const table = new RouteTable<number>();
      for (const r of good.latency.routes) table.add(r.route, r.thresholdMs);
      this._latencyRoutes = table;
    }
    this._goodAttributes = compileAttributes(good.attributes);
    this._hasGoodAttributes = this._goodAttributes.keys.length > 0;
    this._failureReasons = [
      FAILURE_REASON_STATUS,
      FAILURE_REASON_LATENCY,
      ...this._goodAttributes.keys.map(k => FAILURE_REASON_ATTRIBUTE_PREFIX + k),
    ];
    this._serviceAndKindOnly =
      this._rpc.length === 0 && this._attributes.keys.length === 0 && this._exclude.length === 0;
    this.isJourney = definition.sli.trace !== undefined;
  }

  /**
   * The index of failure reason `label` in {@link failureReasons}, added when
   * new (journeys name the failing span's service: `failed:payments`); -1 past
   * `max` reasons.
   */
  failureReasonIndex(label: string, max: number): number {
    const i = this._failureReasons.indexOf(label);
    if (i >= 0 || this._failureReasons.length >= max) return i;
    return this._failureReasons.push(label) - 1;
  }

  /**
   * Failure reasons by index ({@link failureReason}): `status`, `latency`, then
   * `attribute:<key>` per attribute test of `good`.
   */
  get failureReasons(): readonly string[] {
    return this._failureReasons;
  }

  /** The SLO's name. */
  get name(): string {
    return this.definition.name;
  }

  /**
   * The latency threshold (ms) of spans of `method` and `route`: the route's
   * own, else the default; NaN when the SLO has no latency predicate.
   */
  latencyThresholdMs(method: string | undefined, route: string | undefined): number {
    if (!this._checkLatency) return NaN;
    const t = this._latencyRoutes?.lookup(method, route);
    return t !== undefined ? t : this._latencyDefaultMs;
  }

  /** The attribute tests of `good`: keys and compiled predicates, in spec order. */
  get goodAttributes(): CompiledAttributes {
    return this._goodAttributes;
  }

  /**
   * Whether anything but the route selector depends on the route: per-route
   * latency thresholds or route exclusions.
   */
  get routeDependent(): boolean {
    return this._latencyRoutes !== undefined || this._exclude.some(e => e.routes !== undefined);
  }

  /** Whether the SLO selects spans by route at all. */
  get selectsRoutes(): boolean {
    return this._routes !== undefined;
  }

  /** Whether `method` and `route` pass the SLO's route selector (true when it has none). */
  matchesRoute(method: string | undefined, route: string | undefined): boolean {
    return this._routes === undefined || this._routes.lookup(method, route) !== undefined;
  }

  /**
   * Whether the span counts for this SLO at all (the SLI denominator).
   * @param routeChecked the caller already knows the route selector holds
   */
  isEligible(facts: SpanFacts, routeChecked = false): boolean {
    if (this._service !== undefined && facts.serviceName() !== this._service) return false;
    if (this._kind >= 0 && facts.kind() !== this._kind) return false;
    if (this._serviceAndKindOnly && (routeChecked || this._routes === undefined)) return true;
    if (
      !routeChecked &&
      this._routes !== undefined &&
      this._routes.lookup(facts.method(), facts.route()) === undefined
    ) {
      return false;
    }
    if (this._rpc.length > 0) {
      const svc = facts.rpcService();
      const method = facts.rpcMethod();
      if (svc === undefined) return false;
      let hit = false;
      for (let i = 0; i < this._rpc.length; i++) {
        const p = this._rpc[i];
        if (p.service.test(svc) && p.method.test(method ?? '')) {
          hit = true;
          break;
        }
      }
      if (!hit) return false;
    }
    if (this._attributes.keys.length > 0 && !attributesHold(this._attributes, facts)) return false;
    for (let i = 0; i < this._exclude.length; i++) {
      const e = this._exclude[i];
      if (e.routes !== undefined && e.routes.lookup(facts.method(), facts.route()) === undefined)
        continue;
      if (e.attributes.keys.length > 0 && !attributesHold(e.attributes, facts)) continue;
      return false;
    }
    return true;
  }

  /** Whether an eligible span passes every `good` predicate. */
  isGood(facts: SpanFacts): boolean {
    if (this._checkStatus) {
      const http = facts.httpStatus();
      // an HTTP span has no RPC code: skip the two lookups
      const rpc = http >= 0 ? -1 : facts.rpcCode();
      if (this._spanErrorBad && this._spanErrorCounts(facts, http, rpc)) return false;
      if (http >= 500 && http < 600) return false;
      if (http >= 400 && http < 500 && this._clientErrorsBad) return false;
      if (this._hasBadCodes && http >= 0 && http < 600 && this._badCodes[http] === 1) return false;
      if (rpc > 0) {
        if (facts.kind() === SpanKindValue.SERVER) {
          if (this._serverGrpcErrors[rpc] === 1) return false;
        } else {
          return false;
        }
      }
    }
    if (this._checkLatency) {
      let threshold = this._latencyDefaultMs;
      if (this._latencyRoutes !== undefined) {
        const t = this._latencyRoutes.lookup(facts.method(), facts.route());
        if (t !== undefined) threshold = t;
      }
      facts.readDuration();
      if (!(facts.duration[0] <= threshold)) return false;
    }
    if (this._hasGoodAttributes && !attributesHold(this._goodAttributes, facts)) return false;
    return true;
  }

  /**
   * Why an eligible span is bad, as an index into {@link failureReasons}: the
   * first `good` predicate it fails (status, then latency, then each attribute
   * test in spec order); -1 when it passes every one. Read for bad events only.
   */
  failureReason(facts: SpanFacts): number {
    if (this._checkStatus) {
      const http = facts.httpStatus();
      const rpc = http >= 0 ? -1 : facts.rpcCode();
      if (this._spanErrorBad && this._spanErrorCounts(facts, http, rpc)) return 0;
      if (http >= 500 && http < 600) return 0;
      if (http >= 400 && http < 500 && this._clientErrorsBad) return 0;
      if (this._hasBadCodes && http >= 0 && http < 600 && this._badCodes[http] === 1) return 0;
      if (rpc > 0 && (facts.kind() !== SpanKindValue.SERVER || this._serverGrpcErrors[rpc] === 1))
        return 0;
    }
    if (this._checkLatency) {
      let threshold = this._latencyDefaultMs;
      if (this._latencyRoutes !== undefined) {
        const t = this._latencyRoutes.lookup(facts.method(), facts.route());
        if (t !== undefined) threshold = t;
      }
      facts.readDuration();
      if (!(facts.duration[0] <= threshold)) return 1;
    }
    const g = this._goodAttributes;
    const view = facts.view;
    for (let i = 0; i < g.keys.length; i++)
      if (!g.tests[i](view.attribute(g.keys[i]))) return 2 + i;
    return -1;
  }

  /**
   * Whether the span's ERROR status makes it bad. On a server span whose
   * protocol status says the caller erred (HTTP 4xx, or a gRPC code outside the
   * server error set such as NOT_FOUND), the protocol status decides: the
   * semantic conventions leave a server span's status unset for the caller's
   * errors, and some instrumentations (gRPC's) set ERROR anyway.
   */
  private _spanErrorCounts(facts: SpanFacts, http: number, rpc: number): boolean {
    if (facts.statusCode() !== SpanStatusValue.ERROR) return false;
    if (facts.kind() !== SpanKindValue.SERVER) return true;
    if (http >= 400 && http < 500) return false;
    return !(rpc > 0 && this._serverGrpcErrors[rpc] !== 1);
  }

  /** Classifies a span whose facts were read: {@link Outcome}. */
  classify(facts: SpanFacts, routeChecked = false): Outcome {
    if (!this.isEligible(facts, routeChecked)) return Outcome.INELIGIBLE;
    return this.isGood(facts) ? Outcome.GOOD : Outcome.BAD;
  }
}
