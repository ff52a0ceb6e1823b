import type {
  Attributes,
  BatchObservableResult,
  Meter,
  Observable,
  ObservableCounter,
  ObservableGauge,
} from '@opentelemetry/api';
import {
  ATTR_SLO_JOURNEY_END,
  METRIC_SLO_JOURNEY_BUFFER_BYTES,
  METRIC_SLO_JOURNEY_LATE_SPANS,
  METRIC_SLO_JOURNEY_TRACES,
  METRIC_SLO_JOURNEY_TRACES_IN_FLIGHT,
  type JourneyAssembler,
  type TraceEnd,
} from '@burnrate/core';

const ENDS: readonly TraceEnd[] = ['decided', 'decided_early', 'not_journey', 'no_entry'];

/**
 * The journey assembler's own instruments: traces let go and late spans by how
 * the trace ended (`slo.journey.end`), traces in flight and their estimated
 * bytes. {@link SloMetrics} registers one when its engine has journey SLOs.
 */
export class JourneyMetrics {
  private readonly _meter: Meter;
  private readonly _journeys: JourneyAssembler;
  private readonly _traces: ObservableCounter;
  private readonly _late: ObservableCounter;
  private readonly _inFlight: ObservableGauge;
  private readonly _bytes: ObservableGauge;
  private readonly _observables: Observable[];
  private readonly _endAttributes: readonly Attributes[] = ENDS.map(end => ({
    [ATTR_SLO_JOURNEY_END]: end,
  }));
  private _registered = true;

  constructor(meter: Meter, journeys: JourneyAssembler) {
    this._meter = meter;
    this._journeys = journeys;
    this._traces = meter.createObservableCounter(METRIC_SLO_JOURNEY_TRACES, {
      description: 'Traces the journey assembler let go, by slo.journey.end',
      unit: '{trace}',
    });
    this._late = meter.createObservableCounter(METRIC_SLO_JOURNEY_LATE_SPANS, {
      description: 'Spans that arrived after their trace was let go, by slo.journey.end',
      unit: '{span}',
    });
    this._inFlight = meter.createObservableGauge(METRIC_SLO_JOURNEY_TRACES_IN_FLIGHT, {
      description: 'Traces held by the journey assembler (at most maxTracesInFlight)',
      unit: '{trace}',
    });
    this._bytes = meter.createObservableGauge(METRIC_SLO_JOURNEY_BUFFER_BYTES, {
      description: 'Estimated bytes of the traces in flight (at most maxTraceBufferBytes)',
      unit: 'By',
    });
    this._observables = [this._traces, this._late, this._inFlight, this._bytes];
    meter.addBatchObservableCallback(this._observe, this._observables);
  }

  /** Removes the callback. Idempotent. */
  shutdown(): void {
    if (!this._registered) return;
    this._registered = false;
    this._meter.removeBatchObservableCallback(this._observe, this._observables);
  }

  private readonly _observe = (result: BatchObservableResult): void => {
    const j = this._journeys;
    const counts = j.counts;
    for (let i = 0; i < ENDS.length; i++) {
      result.observe(this._traces, counts.ended[ENDS[i]], this._endAttributes[i]);
      result.observe(this._late, counts.late[ENDS[i]], this._endAttributes[i]);
    }
    result.observe(this._inFlight, j.tracesInFlight);
    result.observe(this._bytes, j.bufferBytes);
  };
}
