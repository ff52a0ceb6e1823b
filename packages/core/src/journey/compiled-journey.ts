import { CompiledSlo } from '../classify/classify';
import { RouteTable } from '../classify/route-table';
import type { SpanFacts } from '../classify/span-facts';
import type { SloState } from '../engine/slo-state';
import type { SloDefinition, StatusPredicate, TraceSli } from '../types';

/** Prefix of the failure reason of a journey whose span that must succeed failed: `failed:payments`. */
export const FAILURE_REASON_FAILED_PREFIX = 'failed:';
/** Most failure reasons of a journey SLO (its `good` reasons, then one per failing service). */
export const MAX_JOURNEY_REASONS = 128;
/** The reason of failing services past {@link MAX_JOURNEY_REASONS}. */
export const FAILURE_REASON_FAILED_OTHER = `${FAILURE_REASON_FAILED_PREFIX}other`;

const DEFAULT_STATUS: StatusPredicate = { clientErrors: 'good', spanError: 'bad', badCodes: [] };

/**
 * One journey SLO compiled for the assembler: which span of a trace is its
 * entry, which spans must succeed (by the status rules), and the journey
 * latency threshold; counted into the SLO's ordinary {@link SloState}.
 */
export class CompiledJourney {
  /** The journey SLO, compiled (shared by its groups' states). */
  readonly slo: CompiledSlo;
  readonly trace: TraceSli;
  /** `sli.trace.decisionWait` in milliseconds. */
  readonly decisionWaitMs: number;
  /** Whether the entry is the trace's root span (no `entry` selector). */
  readonly rootEntry: boolean;
  private readonly _service: string | undefined;
  /** The entry selector and the `good` predicates but latency (checked on the whole journey). */
  private readonly _entry: CompiledSlo;
  private readonly _mustSucceed: readonly CompiledSlo[];
  private readonly _latencyDefaultMs: number;
  private readonly _latencyRoutes: RouteTable<number> | undefined;
  private readonly _stateOf: (entry: SpanFacts) => SloState;

  /**
   * @param slo the compiled journey SLO
   * @param stateOf the state a journey counts in, from its entry span (a grouped
   *   SLO's group is the entry span's)
   */
  constructor(slo: CompiledSlo, stateOf: (entry: SpanFacts) => SloState) {
    const def = slo.definition;
    const trace = def.sli.trace;
    if (trace === undefined) throw new TypeError(`SLO ${def.name} is not a journey`);
    this.slo = slo;
    this._stateOf = stateOf;
    this.trace = trace;
    this.decisionWaitMs = trace.decisionWaitMs;
    this.rootEntry = trace.entry === undefined;
    this._service = def.service;
    const perSpan = (d: SloDefinition): CompiledSlo =>
      new CompiledSlo({ ...d, sli: { spans: d.sli.spans, good: d.sli.good } });
    this._entry = perSpan({
      ...def,
      sli: { spans: def.sli.spans, good: { ...def.sli.good, latency: undefined } },
    });
    const status = def.sli.good.status ?? DEFAULT_STATUS;
    this._mustSucceed = trace.mustSucceed.map(({ service, ...spans }) =>
      perSpan({ ...def, service, sli: { spans, good: { status, attributes: {} } } })
    );
    const latency = def.sli.good.latency;
    this._latencyDefaultMs = latency?.defaultMs ?? Infinity;
    this._latencyRoutes = undefined;
    if (latency && latency.routes.length > 0) {
      const table = new RouteTable<number>();
      for (const r of latency.routes) table.add(r.route, r.thresholdMs);
      this._latencyRoutes = table;
    }
  }

  /** The SLO's name. */
  get name(): string {
    return this.slo.name;
  }

  /** The state the journey entered by the span in `facts` counts in. */
  stateOf(entry: SpanFacts): SloState {
    return this._stateOf(entry);
  }

  /** Whether the span is a candidate entry span of this journey. */
  isEntry(facts: SpanFacts, root: boolean): boolean {
    if (this.rootEntry) {
      return root && (this._service === undefined || facts.serviceName() === this._service);
    }
    return this._entry.isEligible(facts);
  }

  /**
   * Why the entry span in `facts` fails the journey's `good` predicates but
   * latency: an index into the SLO's failure reasons, -1 when it passes.
   */
  entryReason(facts: SpanFacts): number {
    return this._entry.isGood(facts) ? -1 : this._entry.failureReason(facts);
  }

  /** The journey latency threshold of the entry span in `facts` (its route's, else the default). */
  latencyThresholdMs(facts: SpanFacts): number {
    if (this._latencyRoutes !== undefined) {
      const t = this._latencyRoutes.lookup(facts.method(), facts.route());
      if (t !== undefined) return t;
    }
    return this._latencyDefaultMs;
  }

  /**
   * Whether the span in `facts` matches a `mustSucceed` selector and failed by
   * the status rules (the SLO's `good.status`, else the default rules).
   */
  failed(facts: SpanFacts): boolean {
    const m = this._mustSucceed;
    for (let i = 0; i < m.length; i++) if (m[i].classify(facts) === 2) return true;
    return false;
  }

  /** The failure reason `failed:<service>` of a failing span's service (cold path). */
  failedReason(service: string | undefined): number {
    const slo = this.slo;
    const i = slo.failureReasonIndex(
      FAILURE_REASON_FAILED_PREFIX + (service ?? ''),
      MAX_JOURNEY_REASONS - 1
    );
    return i >= 0 ? i : slo.failureReasonIndex(FAILURE_REASON_FAILED_OTHER, MAX_JOURNEY_REASONS);
  }
}
