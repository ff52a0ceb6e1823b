import type {
  Attributes,
  BatchObservableResult,
  Meter,
  MeterProvider,
  Observable,
  ObservableCounter,
  ObservableGauge,
} from '@opentelemetry/api';
import type {
  AttributionRow,
  CompositeSnapshot,
  SloEngine,
  SloSnapshot,
  SloState,
  SloStatus,
} from '@burnrate/core';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_OTEL_METRIC_OVERFLOW,
  ATTR_RPC_GRPC_STATUS_CODE,
  ATTR_SERVICE_VERSION,
  ATTR_SLO_DROP_REASON,
  ATTR_SLO_FAILURE_REASON,
  ATTR_SLO_NAME,
  ATTR_SLO_OUTCOME,
  ATTR_SLO_SEVERITY,
  ATTR_SLO_STATUS,
  ATTR_SLO_WINDOW,
  METRIC_SLO_ALERT_FIRING,
  METRIC_SLO_BAD_EVENTS,
  METRIC_SLO_BURN_RATE,
  METRIC_SLO_ELIGIBLE_EVENTS,
  METRIC_SLO_ERROR_BUDGET_REMAINING,
  METRIC_SLO_EVENTS,
  METRIC_SLO_OBJECTIVE,
  METRIC_SLO_SLI,
  METRIC_SLO_SPANS_DROPPED,
  METRIC_SLO_STATUS,
  METRIC_SLO_TIME_TO_EXHAUSTION,
  STATUS_ORDER,
  SLO_OUTCOME_BAD,
  SLO_OUTCOME_GOOD,
  TIME_TO_EXHAUSTION_MAX_SECONDS,
  UNIT_EVENTS,
  UNIT_RATIO,
  UNIT_SECONDS,
} from '@burnrate/core';
import { JourneyMetrics } from './journey-metrics';
import { METER_NAME } from './semconv';
import { VERSION } from './version';

/** Drop counts by reason, as read at collection time. */
export type DropCountsReader = () => Readonly<Record<string, number>>;

/** Options of {@link SloMetrics}. */
export interface SloMetricsOptions {
  /** The engine whose numbers are published. */
  engine: SloEngine;
  /** Where the instruments are created. */
  meterProvider: MeterProvider;
  /** Instrumentation scope name. @default '@burnrate/otel' */
  meterName?: string;
  /** Drop counts by reason for `slo.spans.dropped`. @default the engine's {@link SloEngine.dropped} */
  dropped?: DropCountsReader;
}

/** Attribute sets of one SLO, built once. */
interface SloAttributes {
  readonly base: Attributes;
  readonly windows: Map<string, Attributes>;
  readonly page: Attributes;
  readonly ticket: Attributes;
  readonly good: Attributes;
  readonly bad: Attributes;
  readonly overflow: Attributes;
  /** `slo.status` series, one per status class, in {@link STATUS_ORDER}. */
  readonly statuses: ReadonlyArray<readonly [SloStatus, Attributes]>;
}

/** Lowest status code read as HTTP; lower codes are gRPC codes (0-16). */
const MIN_HTTP_STATUS = 100;

/**
 * The SLO instruments of the metrics contract (docs/metrics.md) on one
 * `MeterProvider`: gauges of objective, SLI, remaining budget, burn rate per
 * alert window, time to exhaustion and firing alerts, and the `slo.events`,
 * `slo.spans.dropped` and `slo.bad_events` (by route and status code, capped)
 * counters. Every instrument is observed in one batch
 * callback that reads ONE engine snapshot per collection, so the numbers of
 * one scrape always agree with each other.
 *
 * Used by {@link SloSpanProcessor} and by the collector with its own engine.
 */
export class SloMetrics {
  private readonly _engine: SloEngine;
  private readonly _meter: Meter;
  private readonly _dropped: DropCountsReader;
  private readonly _objective: ObservableGauge;
  private readonly _sli: ObservableGauge;
  private readonly _remaining: ObservableGauge;
  private readonly _burnRate: ObservableGauge;
  private readonly _timeToExhaustion: ObservableGauge;
  private readonly _firing: ObservableGauge;
  private readonly _events: ObservableCounter;
  private readonly _droppedCounter: ObservableCounter;
  private readonly _badEvents: ObservableCounter;
  private readonly _eligibleEvents: ObservableCounter;
  private readonly _status: ObservableGauge;
  /** Attribute sets of the spec's composite SLOs, in spec order. */
  private readonly _compositeAttributes: SloAttributes[];
  private readonly _observables: Observable[];
  /** Per engine state (SLO or group), its attribute sets, built when first observed. */
  private readonly _attributes: SloAttributes[] = [];
  private readonly _dropAttributes = new Map<string, Attributes>();
  /** Per engine state, attributes of each attribution series by key, built once (bounded by the ledger's cap). */
  private readonly _seriesAttributes: Array<Map<string, Attributes>> = [];
  private _retiring = false;
  private _registered = false;
  /** The journey assembler's instruments, when the engine has journey SLOs. */
  private readonly _journeyMetrics: JourneyMetrics | undefined;

  constructor(options: SloMetricsOptions) {
    this._engine = options.engine;
    this._dropped = options.dropped ?? (() => options.engine.dropped);
    this._meter = options.meterProvider.getMeter(options.meterName ?? METER_NAME, VERSION);
    const m = this._meter;
    this._objective = m.createObservableGauge(METRIC_SLO_OBJECTIVE, {
      description: 'SLO objective as a ratio (99.9 % is 0.999)',
      unit: UNIT_RATIO,
    });
    this._sli = m.createObservableGauge(METRIC_SLO_SLI, {
      description: 'Good / eligible events over the SLO window (1 without events)',
      unit: UNIT_RATIO,
    });
    this._remaining = m.createObservableGauge(METRIC_SLO_ERROR_BUDGET_REMAINING, {
      description:
        'Remaining error budget ratio over the SLO window: 1 - bad / ((1 - objective) * eligible)',
      unit: UNIT_RATIO,
    });
    this._burnRate = m.createObservableGauge(METRIC_SLO_BURN_RATE, {
      description: 'Burn rate over the alert window slo.window: (bad / eligible) / (1 - objective)',
      unit: UNIT_RATIO,
    });
    this._timeToExhaustion = m.createObservableGauge(METRIC_SLO_TIME_TO_EXHAUSTION, {
      description: `Seconds until the budget is spent at the 1h burn rate (${TIME_TO_EXHAUSTION_MAX_SECONDS} when not burning)`,
      unit: UNIT_SECONDS,
    });
    this._firing = m.createObservableGauge(METRIC_SLO_ALERT_FIRING, {
      description: '1 while a multiwindow burn-rate alert tier of slo.severity fires, else 0',
      unit: UNIT_RATIO,
    });
    this._events = m.createObservableCounter(METRIC_SLO_EVENTS, {
      description: 'Eligible events by outcome since the process started',
      unit: UNIT_EVENTS,
    });
    this._droppedCounter = m.createObservableCounter(METRIC_SLO_SPANS_DROPPED, {
      description: 'Events not counted (span x SLO), by slo.drop.reason',
      unit: UNIT_EVENTS,
    });
    this._badEvents = m.createObservableCounter(METRIC_SLO_BAD_EVENTS, {
      description:
        'Bad events since the process started by SLO, route, status code, failure reason and service.version (keys capped per SLO; otel.metric.overflow counts the rest)',
      unit: UNIT_EVENTS,
    });
    this._eligibleEvents = m.createObservableCounter(METRIC_SLO_ELIGIBLE_EVENTS, {
      description:
        'Eligible events since the process started by SLO, route and service.version (keys capped per SLO; otel.metric.overflow counts the rest)',
      unit: UNIT_EVENTS,
    });
    this._status = m.createObservableGauge(METRIC_SLO_STATUS, {
      description:
        'Status class of the SLO (slo.status: healthy, attention, warning, critical, exhausted, no-data): 1 for the current one, 0 for the others',
      unit: UNIT_RATIO,
    });
    this._observables = [
      this._badEvents,
      this._eligibleEvents,
      this._objective,
      this._sli,
      this._remaining,
      this._burnRate,
      this._timeToExhaustion,
      this._firing,
      this._events,
      this._droppedCounter,
      this._status,
    ];
    this._compositeAttributes = (this._engine.spec.composites ?? []).map(c =>
      sloAttributes(c.name)
    );
    this._meter.addBatchObservableCallback(this._observe, this._observables);
    this._registered = true;
    const journeys = this._engine.journeys;
    this._journeyMetrics = journeys !== undefined ? new JourneyMetrics(m, journeys) : undefined;
  }

  /** The meter the instruments live on. */
  get meter(): Meter {
    return this._meter;
  }

  /** Removes the callback: the instruments report nothing more. Idempotent. */
  shutdown(): void {
    if (!this._registered) return;
    this._registered = false;
    this._retiring = false;
    this._meter.removeBatchObservableCallback(this._observe, this._observables);
    this._journeyMetrics?.shutdown();
  }

  /**
   * Reports the numbers at one more collection, then removes the callback.
   * A processor shut down together with its MeterProvider (as `NodeSDK`
   * shuts both down at once) thus still has its final numbers in the
   * provider's last export.
   */
  retireAfterNextCollection(): void {
    if (this._registered) this._retiring = true;
  }

  private readonly _observe = (result: BatchObservableResult): void => {
    if (this._retiring) setImmediate(() => this.shutdown());
    const nowMs = this._engine.clock.now();
    const snapshots = this._engine.snapshot(nowMs);
    const states = this._engine.states;
    for (let i = 0; i < snapshots.length; i++)
      this._observeSlo(result, snapshots[i], this._attributesOf(i, states[i]));
    const composites = this._engine.compositeSnapshots(snapshots);
    for (let i = 0; i < composites.length; i++)
      this._observeComposite(result, composites[i], this._compositeAttributes[i]);
    const dropped = this._dropped();
    for (const reason of Object.keys(dropped)) {
      let attrs = this._dropAttributes.get(reason);
      if (attrs === undefined) {
        attrs = { [ATTR_SLO_DROP_REASON]: reason };
        this._dropAttributes.set(reason, attrs);
      }
      result.observe(this._droppedCounter, dropped[reason], attrs);
    }
    this._observeBreakdown(result, nowMs);
  };

  /**
   * `slo.bad_events` (one point per bad key of the attribution ledger) and
   * `slo.eligible_events` (good and bad keys summed by route, method and
   * version), each SLO's overflow rows as one `otel.metric.overflow` series.
   */
  private _observeBreakdown(result: BatchObservableResult, nowMs: number): void {
    const states = this._engine.states;
    for (let i = 0; i < states.length; i++) {
      const base = this._attributesOf(i, states[i]).base;
      const cache = (this._seriesAttributes[i] ??= new Map<string, Attributes>());
      const eligible = new Map<string, number>();
      for (const row of states[i].readAttribution(nowMs).rows) {
        const ek = row.overflow ? '\u0000' : eligibleKey(row);
        eligible.set(ek, (eligible.get(ek) ?? 0) + row.total);
        if (row.outcome !== 'bad') continue;
        const bk = row.overflow ? '\u0000bad' : `${ek}\u0000${row.code}\u0000${row.reason}`;
        let attrs = cache.get(bk);
        if (attrs === undefined) {
          attrs = row.overflow ? this._attributes[i].overflow : rowAttributes(base, row, true);
          cache.set(bk, attrs);
        }
        result.observe(this._badEvents, row.total, attrs);
      }
      for (const [ek, n] of eligible) {
        const key = `\u0000eligible${ek}`;
        let attrs = cache.get(key);
        if (attrs === undefined) {
          const row = ek === '\u0000' ? undefined : parseEligibleKey(ek);
          attrs =
            row === undefined ? this._attributes[i].overflow : rowAttributes(base, row, false);
          cache.set(key, attrs);
        }
        result.observe(this._eligibleEvents, n, attrs);
      }
    }
  }

  /**
   * The attribute sets of the engine's state `i`, built the first time it is
   * observed (a grouped SLO's groups appear as spans arrive; engine indices
   * never change meaning). Every set carries `slo.name` and, for a group, its
   * `groupBy` values under their attribute keys.
   */
  private _attributesOf(i: number, state: SloState): SloAttributes {
    let a = this._attributes[i];
    if (a === undefined) {
      a = sloAttributes(state.slo.name, state.group);
      this._attributes[i] = a;
    }
    return a;
  }

  private _observeSlo(result: BatchObservableResult, s: SloSnapshot, a: SloAttributes): void {
    result.observe(this._objective, s.target, a.base);
    result.observe(this._sli, s.sli, a.base);
    result.observe(this._remaining, s.remaining, a.base);
    for (const w of s.windows) {
      let attrs = a.windows.get(w.window);
      if (attrs === undefined) {
        attrs = { ...a.base, [ATTR_SLO_WINDOW]: w.window };
        a.windows.set(w.window, attrs);
      }
      result.observe(this._burnRate, w.burnRate, attrs);
    }
    result.observe(this._timeToExhaustion, timeToExhaustionSeconds(s.timeToExhaustionMs), a.base);
    result.observe(this._firing, s.firing.page ? 1 : 0, a.page);
    result.observe(this._firing, s.firing.ticket ? 1 : 0, a.ticket);
    result.observe(this._events, s.totals.good, a.good);
    result.observe(this._events, s.totals.bad, a.bad);
    this._observeStatus(result, s.status, a);
  }

  /**
   * A composite SLO: the gauges of an SLO from its components' numbers
   * (docs/composites.md); no `slo.events` of its own, which would count its
   * components' events twice in any sum.
   */
  private _observeComposite(
    result: BatchObservableResult,
    s: CompositeSnapshot,
    a: SloAttributes
  ): void {
    result.observe(this._objective, s.target, a.base);
    result.observe(this._sli, s.sli, a.base);
    result.observe(this._remaining, s.remaining, a.base);
    for (const w of s.windows) {
      let attrs = a.windows.get(w.window);
      if (attrs === undefined) {
        attrs = { ...a.base, [ATTR_SLO_WINDOW]: w.window };
        a.windows.set(w.window, attrs);
      }
      result.observe(this._burnRate, w.burnRate, attrs);
    }
    result.observe(this._timeToExhaustion, timeToExhaustionSeconds(s.timeToExhaustionMs), a.base);
    result.observe(this._firing, s.firing.page ? 1 : 0, a.page);
    result.observe(this._firing, s.firing.ticket ? 1 : 0, a.ticket);
    this._observeStatus(result, s.status, a);
  }

  /** `slo.status`: 1 on the current class's series, 0 on the others. */
  private _observeStatus(result: BatchObservableResult, status: SloStatus, a: SloAttributes): void {
    for (const [s, attrs] of a.statuses) result.observe(this._status, s === status ? 1 : 0, attrs);
  }
}

/** The attribute sets of one SLO (or composite), built once. */
function sloAttributes(name: string, group?: Readonly<Record<string, string>>): SloAttributes {
  const base: Attributes = { [ATTR_SLO_NAME]: name, ...group };
  return {
    base,
    windows: new Map<string, Attributes>(),
    page: { ...base, [ATTR_SLO_SEVERITY]: 'page' },
    ticket: { ...base, [ATTR_SLO_SEVERITY]: 'ticket' },
    good: { ...base, [ATTR_SLO_OUTCOME]: SLO_OUTCOME_GOOD },
    bad: { ...base, [ATTR_SLO_OUTCOME]: SLO_OUTCOME_BAD },
    overflow: { ...base, [ATTR_OTEL_METRIC_OVERFLOW]: true },
    statuses: STATUS_ORDER.map(s => [s, { ...base, [ATTR_SLO_STATUS]: s }] as const),
  };
}

/** The (route, method, version) of a row, as one string key. */
function eligibleKey(row: Pick<AttributionRow, 'httpRoute' | 'method' | 'version'>): string {
  return `${row.httpRoute}\u0001${row.method}\u0001${row.version}`;
}

function parseEligibleKey(key: string): Pick<AttributionRow, 'httpRoute' | 'method' | 'version'> {
  const [httpRoute, method, version] = key.split('\u0001');
  return { httpRoute, method, version };
}

/**
 * Attributes of one attribution series: route, method and version (and for
 * `slo.bad_events` the status code and failure reason), each left out when absent.
 */
function rowAttributes(
  base: Attributes,
  row: Pick<AttributionRow, 'httpRoute' | 'method' | 'version'> &
    Partial<Pick<AttributionRow, 'code' | 'reason'>>,
  bad: boolean
): Attributes {
  const attrs: Attributes = { ...base };
  if (row.httpRoute !== '') attrs[ATTR_HTTP_ROUTE] = row.httpRoute;
  if (row.method !== '') attrs[ATTR_HTTP_REQUEST_METHOD] = row.method;
  if (row.version !== '') attrs[ATTR_SERVICE_VERSION] = row.version;
  if (bad) {
    const code = row.code ?? -1;
    if (code >= MIN_HTTP_STATUS) attrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = code;
    else if (code >= 0) attrs[ATTR_RPC_GRPC_STATUS_CODE] = code;
    if (row.reason !== undefined && row.reason !== '') attrs[ATTR_SLO_FAILURE_REASON] = row.reason;
  }
  return attrs;
}

/**
 * `slo.time_to_exhaustion` in seconds: the engine's milliseconds, with infinity
 * (not burning) and anything longer reported as {@link TIME_TO_EXHAUSTION_MAX_SECONDS}.
 */
export function timeToExhaustionSeconds(ms: number): number {
  if (!(ms >= 0)) return 0;
  const seconds = ms / 1000;
  return seconds > TIME_TO_EXHAUSTION_MAX_SECONDS ? TIME_TO_EXHAUSTION_MAX_SECONDS : seconds;
}
