import type {
  Attributes,
  BatchObservableResult,
  Meter,
  MeterProvider,
  Observable,
} from '@opentelemetry/api';
import {
  ATTR_COLLECTOR_RESPONSE_CODE,
  ATTR_COLLECTOR_RESULT,
  ATTR_COLLECTOR_TRANSPORT,
  COLLECTOR_METER_NAME,
  METRIC_COLLECTOR_CONNECTIONS_REFUSED,
  METRIC_COLLECTOR_IN_FLIGHT,
  METRIC_COLLECTOR_REQUESTS,
  METRIC_COLLECTOR_SPANS_ACCEPTED,
  METRIC_COLLECTOR_SPANS_RECEIVED,
  METRIC_COLLECTOR_SPANS_REJECTED,
  METRIC_COLLECTOR_STATE_RESTORE_FAILURES,
  METRIC_COLLECTOR_STATE_SNAPSHOTS,
} from './semconv';
import type { IngestResult } from './otlp/span-sink';

/** Transport of a request. */
export type Transport = 'http' | 'grpc';

/**
 * The collector's own counters. The hot path only adds to plain numbers; the
 * OTel instruments are observable and read them in one batch callback.
 */
export class CollectorMetrics {
  spansReceived = 0;
  spansAccepted = 0;
  spansRejected = 0;
  snapshotsOk = 0;
  snapshotsFailed = 0;
  restoreFailures = 0;
  /** Connections refused by the cap, by transport. */
  readonly connectionsRefused = { http: 0, grpc: 0 };
  private readonly _requests = new Map<string, { attributes: Attributes; count: number }>();
  private readonly _inFlight: () => number;
  private _meter: Meter | undefined;
  private _observables: Observable[] = [];

  /** @param inFlight reads the bytes in flight now */
  constructor(inFlight: () => number) {
    this._inFlight = inFlight;
  }

  /** Counts the spans of one ingested request. */
  countIngest(result: IngestResult): void {
    this.spansReceived += result.spans;
    this.spansAccepted += result.accepted;
    this.spansRejected += result.rejected;
  }

  /** Counts one answered request. */
  countRequest(transport: Transport, code: string): void {
    const key = `${transport} ${code}`;
    let entry = this._requests.get(key);
    if (entry === undefined) {
      entry = {
        attributes: { [ATTR_COLLECTOR_TRANSPORT]: transport, [ATTR_COLLECTOR_RESPONSE_CODE]: code },
        count: 0,
      };
      this._requests.set(key, entry);
    }
    entry.count++;
  }

  /** Requests answered with `code` on `transport` so far. */
  requests(transport: Transport, code: string): number {
    return this._requests.get(`${transport} ${code}`)?.count ?? 0;
  }

  /** Creates the instruments on `meterProvider`. */
  register(meterProvider: MeterProvider): void {
    const m = meterProvider.getMeter(COLLECTOR_METER_NAME);
    const received = m.createObservableCounter(METRIC_COLLECTOR_SPANS_RECEIVED, {
      description: 'Spans found in well-formed export requests',
      unit: '{span}',
    });
    const accepted = m.createObservableCounter(METRIC_COLLECTOR_SPANS_ACCEPTED, {
      description: 'Spans handed to the SLO engine',
      unit: '{span}',
    });
    const rejected = m.createObservableCounter(METRIC_COLLECTOR_SPANS_REJECTED, {
      description: 'Spans that cannot be used (reported as partial_success.rejected_spans)',
      unit: '{span}',
    });
    const requests = m.createObservableCounter(METRIC_COLLECTOR_REQUESTS, {
      description: 'Export requests answered, by transport and response code',
      unit: '{request}',
    });
    const inFlight = m.createObservableGauge(METRIC_COLLECTOR_IN_FLIGHT, {
      description: 'Bytes of request bodies being read and decoded',
      unit: 'By',
    });
    const snapshots = m.createObservableCounter(METRIC_COLLECTOR_STATE_SNAPSHOTS, {
      description: 'State snapshots written, by result',
      unit: '{snapshot}',
    });
    const restoreFailures = m.createObservableCounter(METRIC_COLLECTOR_STATE_RESTORE_FAILURES, {
      description: 'State files found corrupt or incompatible at start',
      unit: '{file}',
    });
    const refused = m.createObservableCounter(METRIC_COLLECTOR_CONNECTIONS_REFUSED, {
      description: 'Connections closed at once because the listener held its maximum',
      unit: '{connection}',
    });
    const http = { [ATTR_COLLECTOR_TRANSPORT]: 'http' };
    const grpc = { [ATTR_COLLECTOR_TRANSPORT]: 'grpc' };
    const ok = { [ATTR_COLLECTOR_RESULT]: 'ok' };
    const error = { [ATTR_COLLECTOR_RESULT]: 'error' };
    this._observables = [
      received,
      accepted,
      rejected,
      requests,
      inFlight,
      snapshots,
      restoreFailures,
      refused,
    ];
    this._meter = m;
    this._observe = (r: BatchObservableResult) => {
      r.observe(received, this.spansReceived);
      r.observe(accepted, this.spansAccepted);
      r.observe(rejected, this.spansRejected);
      for (const e of this._requests.values()) r.observe(requests, e.count, e.attributes);
      r.observe(inFlight, this._inFlight());
      r.observe(snapshots, this.snapshotsOk, ok);
      r.observe(snapshots, this.snapshotsFailed, error);
      r.observe(restoreFailures, this.restoreFailures);
      r.observe(refused, this.connectionsRefused.http, http);
      r.observe(refused, this.connectionsRefused.grpc, grpc);
    };
    m.addBatchObservableCallback(this._observe, this._observables);
  }

  /** Removes the instruments' callback. */
  shutdown(): void {
    if (this._meter === undefined) return;
    this._meter.removeBatchObservableCallback(this._observe, this._observables);
    this._meter = undefined;
  }

  private _observe: (r: BatchObservableResult) => void = () => {};
}
