import type { BatchObservableResult, Meter, MeterProvider, Observable } from '@opentelemetry/api';
import type { DeliveryQueue, DropReason } from './delivery-queue';
import {
  ATTR_ALERT_STATE,
  ATTR_DROP_REASON,
  ATTR_RECEIVER,
  ATTR_SLO_SEVERITY,
  METRIC_ALERT_TRANSITIONS,
  METRIC_NOTIFICATIONS_DROPPED,
  METRIC_NOTIFICATIONS_QUEUED,
  METRIC_NOTIFICATIONS_RETRIES,
  METRIC_NOTIFICATIONS_SENT,
  NOTIFY_METER_NAME,
} from './semconv';

const DROP_REASONS: readonly DropReason[] = ['queue_full', 'failed', 'rejected', 'shutdown'];

/**
 * The notifier's self-metrics: observable instruments read in one batch
 * callback from the queues' plain counters (the queues never touch the API).
 */
export class NotifierMetrics {
  /** Transitions by `severity/state`. */
  readonly transitions = new Map<string, number>();
  private readonly _queues: readonly DeliveryQueue[];
  private _meter: Meter | undefined;
  private _observables: Observable[] = [];
  private _observe: (r: BatchObservableResult) => void = () => {};

  constructor(meterProvider: MeterProvider | undefined, queues: readonly DeliveryQueue[]) {
    this._queues = queues;
    if (meterProvider !== undefined) this.register(meterProvider);
  }

  /** Creates the instruments on `meterProvider`, removing them from the previous one. */
  register(meterProvider: MeterProvider): void {
    this.shutdown();
    const queues = this._queues;
    const m = meterProvider.getMeter(NOTIFY_METER_NAME);
    const sent = m.createObservableCounter(METRIC_NOTIFICATIONS_SENT, {
      description: 'Alert messages delivered, by receiver kind',
      unit: '{message}',
    });
    const dropped = m.createObservableCounter(METRIC_NOTIFICATIONS_DROPPED, {
      description: 'Alert messages given up, by receiver kind and reason',
      unit: '{message}',
    });
    const retries = m.createObservableCounter(METRIC_NOTIFICATIONS_RETRIES, {
      description: 'Delivery attempts after a failed one, by receiver kind',
      unit: '{attempt}',
    });
    const queued = m.createObservableGauge(METRIC_NOTIFICATIONS_QUEUED, {
      description: 'Alert messages waiting for delivery, by receiver kind',
      unit: '{message}',
    });
    const transitions = m.createObservableCounter(METRIC_ALERT_TRANSITIONS, {
      description: 'Alert tiers that started firing or resolved, by severity and state',
      unit: '{transition}',
    });
    this._observables = [sent, dropped, retries, queued, transitions];
    this._observe = r => {
      for (const kind of ['alertmanager', 'webhook'] as const) {
        const mine = queues.filter(q => q.kind === kind);
        if (mine.length === 0) continue;
        const attrs = { [ATTR_RECEIVER]: kind };
        r.observe(
          sent,
          sum(mine, q => q.counts.sent),
          attrs
        );
        r.observe(
          retries,
          sum(mine, q => q.counts.retries),
          attrs
        );
        r.observe(
          queued,
          sum(mine, q => q.length),
          attrs
        );
        for (const reason of DROP_REASONS)
          r.observe(
            dropped,
            sum(mine, q => q.counts.dropped[reason]),
            {
              ...attrs,
              [ATTR_DROP_REASON]: reason,
            }
          );
      }
      for (const [key, n] of this.transitions) {
        const [severity, state] = key.split('/');
        r.observe(transitions, n, { [ATTR_SLO_SEVERITY]: severity, [ATTR_ALERT_STATE]: state });
      }
    };
    m.addBatchObservableCallback(this._observe, this._observables);
    this._meter = m;
  }

  /** Counts one transition. */
  countTransition(severity: string, state: string): void {
    const key = `${severity}/${state}`;
    this.transitions.set(key, (this.transitions.get(key) ?? 0) + 1);
  }

  /** Removes the callback. */
  shutdown(): void {
    this._meter?.removeBatchObservableCallback(this._observe, this._observables);
    this._meter = undefined;
  }
}

function sum(queues: readonly DeliveryQueue[], f: (q: DeliveryQueue) => number): number {
  let n = 0;
  for (const q of queues) n += f(q);
  return n;
}
