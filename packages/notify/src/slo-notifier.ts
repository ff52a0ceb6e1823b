import { diag, type MeterProvider } from '@opentelemetry/api';
import type { Clock, SloEngine, SloSnapshot } from '@burnrate/core';
import { buildNotice } from './alert-notice';
import { AlertTracker, type TierTransition } from './alert-tracker';
import { DeliveryQueue, resolveTarget, type DeliveryCounts } from './delivery-queue';
import { alertmanagerAlert, webhookBody, type AlertmanagerAlert } from './message-formats';
import { NotifierMetrics } from './notifier-metrics';
import type {
  AlertDetails,
  AlertDetailsSource,
  NotifierLogger,
  Offender,
  SloNotifierOptions,
  WebhookFormat,
} from './types';

/** Default interval between alert evaluations. */
export const DEFAULT_EVALUATION_INTERVAL_MS = 10_000;
/** Default interval between re-sends of a firing alert to Alertmanager (Prometheus' resend delay). */
export const DEFAULT_RESEND_INTERVAL_MS = 60_000;
/** How long a resolved alert keeps being re-sent to Alertmanager (Prometheus keeps 15 min). */
export const RESOLVED_RETENTION_MS = 15 * 60_000;
/** Path of Alertmanager's v2 alerts API, appended to each Alertmanager URL. */
export const ALERTMANAGER_ALERTS_PATH = '/api/v2/alerts';
/** Offenders (route × status code) named in a message. */
export const MAX_OFFENDERS = 5;

const diagLogger: NotifierLogger = { warn: m => diag.warn(`burnrate notify: ${m}`) };

function positive(v: number | undefined, fallback: number, name: string): number {
  const n = v ?? fallback;
  if (!(n > 0) || n === Infinity) throw new RangeError(`${name}: must be positive, got ${v}`);
  return n;
}

/** The format of a webhook when none is given: Slack's for its incoming-webhook host. */
export function defaultWebhookFormat(url: URL): WebhookFormat {
  return url.hostname === 'hooks.slack.com' ? 'slack' : 'json';
}

/**
 * Evaluates the engine's alert tiers on a timer of its own and sends state
 * changes: every firing and recently resolved alert to each Alertmanager
 * (`POST /api/v2/alerts`, labels and annotations those of the generated
 * Prometheus rules, so that both paths deduplicate; re-sent every
 * `resendIntervalMs` while firing), and one message per webhook when a tier
 * starts firing and one when it resolves.
 *
 * Evaluation reads one snapshot per SLO, off the span path; delivery is
 * asynchronous through a bounded queue per receiver ({@link DeliveryQueue}),
 * so a failing receiver never slows ingest nor grows memory.
 */
export class SloNotifier {
  readonly evaluationIntervalMs: number;
  readonly resendIntervalMs: number;
  private readonly _engine: SloEngine;
  private readonly _clock: Clock;
  private readonly _tracker: AlertTracker;
  private readonly _alertmanagers: DeliveryQueue[];
  private readonly _webhooks: Array<{ queue: DeliveryQueue; format: WebhookFormat }>;
  private readonly _details: AlertDetailsSource | undefined;
  private readonly _generatorUrl: string | undefined;
  private readonly _logger: NotifierLogger;
  private readonly _metrics: NotifierMetrics;
  /** Per bad-event series: its count when its SLO last burned at most its budget (see {@link offenders}). */
  /** Per SLO, bad events by route and status code when it last burned at most its budget. */
  private readonly _baseline = new Map<string, number>();
  private _lastResendMs = -Infinity;
  private _timer: NodeJS.Timeout | undefined;
  private _shutdown: Promise<void> | undefined;

  /** Throws a `RangeError` naming the option when one is out of range. */
  constructor(options: SloNotifierOptions) {
    this._engine = options.engine;
    this._clock = options.clock ?? options.engine.clock;
    this.evaluationIntervalMs = positive(
      options.evaluationIntervalMs,
      DEFAULT_EVALUATION_INTERVAL_MS,
      'evaluationIntervalMs'
    );
    this.resendIntervalMs = positive(
      options.resendIntervalMs,
      DEFAULT_RESEND_INTERVAL_MS,
      'resendIntervalMs'
    );
    this._logger = options.logger ?? diagLogger;
    this._alertmanagers = (options.alertmanagers ?? []).map(
      (t, i) =>
        new DeliveryQueue(
          'alertmanager',
          resolveTarget(t, `alertmanagers[${i}]`, ALERTMANAGER_ALERTS_PATH),
          this._logger
        )
    );
    this._webhooks = (options.webhooks ?? []).map((t, i) => {
      const target = resolveTarget(t, `webhooks[${i}]`);
      const format = t.format ?? defaultWebhookFormat(target.url);
      if (format !== 'json' && format !== 'slack')
        throw new RangeError(
          `webhooks[${i}].format: must be json or slack, got ${JSON.stringify(format)}`
        );
      return { queue: new DeliveryQueue('webhook', target, this._logger), format };
    });
    const engine = options.engine;
    this._details =
      options.details === false
        ? undefined
        : (options.details ??
          (snapshot => {
            const e = engine.explain(snapshot.name, snapshot.timeMs, snapshot.group);
            return e === undefined ? undefined : { summary: e.text, traceIds: e.traceIds };
          }));
    this._generatorUrl = options.generatorUrl;
    this._tracker = new AlertTracker(
      options.engine.states.map(s => s.slo.definition.alerting.tiers.length)
    );
    this._metrics = new NotifierMetrics(options.meterProvider, [
      ...this._alertmanagers,
      ...this._webhooks.map(w => w.queue),
    ]);
  }

  /**
   * Moves the self-metrics to `meterProvider` (the processor follows the
   * global MeterProvider that NodeSDK installs after it was constructed).
   */
  useMeterProvider(meterProvider: MeterProvider): void {
    if (this._shutdown === undefined) this._metrics.register(meterProvider);
  }

  /** Whether there is any receiver to notify. */
  get hasReceivers(): boolean {
    return this._alertmanagers.length > 0 || this._webhooks.length > 0;
  }

  /** Delivery counts of every receiver: Alertmanagers first, then webhooks, in option order. */
  get deliveries(): ReadonlyArray<{
    kind: string;
    url: string;
    format: WebhookFormat | 'alertmanager';
    queued: number;
    counts: Readonly<DeliveryCounts>;
  }> {
    return [
      ...this._alertmanagers.map(queue => ({ queue, format: 'alertmanager' as const })),
      ...this._webhooks,
    ].map(({ queue: q, format }) => ({
      kind: q.kind,
      url: q.target.url.href,
      format,
      queued: q.length,
      counts: q.counts,
    }));
  }

  /** Starts evaluating every {@link evaluationIntervalMs} (an unref'd timer). Idempotent. */
  start(): void {
    if (this._timer !== undefined || this._shutdown !== undefined) return;
    this._timer = setInterval(() => this.evaluate(), this.evaluationIntervalMs);
    this._timer.unref();
  }

  /**
   * Evaluates every SLO's tiers now and queues the messages of the state
   * changes (and the Alertmanager re-sends that are due). Returns the state
   * changes. Never throws: a failure is logged and the next evaluation retries.
   */
  evaluate(nowMs: number = this._clock.now()): TierTransition[] {
    if (this._shutdown !== undefined) return [];
    try {
      const snapshots = this._engine.snapshot(nowMs);
      const transitions = this._tracker.update(snapshots);
      const offenders = new Map<number, Offender[]>();
      const offendersOf = (i: number) => {
        let o = offenders.get(i);
        if (o === undefined) offenders.set(i, (o = this._offenders(i)));
        return o;
      };
      const details = new Map<number, AlertDetails | undefined>();
      const detailsOf = (i: number) => {
        if (!details.has(i)) details.set(i, this._detailsOf(snapshots[i]));
        return details.get(i);
      };
      const notice = (i: number, j: number, t: { startsAtMs: number; endsAtMs: number }) =>
        buildNotice(
          snapshots[i],
          j,
          Number.isNaN(t.endsAtMs) ? 'firing' : 'resolved',
          t.startsAtMs,
          Number.isNaN(t.endsAtMs) ? undefined : t.endsAtMs,
          offendersOf(i),
          detailsOf(i)
        );
      for (const t of transitions) {
        const n = notice(t.sloIndex, t.tierIndex, {
          startsAtMs: t.startsAtMs,
          endsAtMs: t.endsAtMs ?? NaN,
        });
        this._metrics.countTransition(n.severity, n.state);
        for (const w of this._webhooks) w.queue.enqueue(webhookBody(n, w.format));
      }
      if (
        this._alertmanagers.length > 0 &&
        (transitions.length > 0 || nowMs - this._lastResendMs >= this.resendIntervalMs)
      ) {
        this._lastResendMs = nowMs;
        const validUntil = nowMs + 4 * Math.max(this.resendIntervalMs, this.evaluationIntervalMs);
        const alerts: AlertmanagerAlert[] = this._tracker
          .active(nowMs - RESOLVED_RETENTION_MS)
          .map(a =>
            alertmanagerAlert(notice(a.sloIndex, a.tierIndex, a), validUntil, this._generatorUrl)
          );
        if (alerts.length > 0) {
          const body = JSON.stringify(alerts);
          for (const q of this._alertmanagers) q.enqueue(body);
        }
      }
      this._updateBaseline(snapshots);
      return transitions;
    } catch (e) {
      this._logger.warn(`alert evaluation failed: ${(e as Error).message}`);
      return [];
    }
  }

  /** Resolves when every receiver's queue is empty. */
  async idle(): Promise<void> {
    await Promise.all(
      [...this._alertmanagers, ...this._webhooks.map(w => w.queue)].map(q => q.idle())
    );
  }

  /**
   * Stops the timer; queued messages get `graceMs` to go out (no more
   * retries), the rest is dropped and counted. Runs once. Firing alerts are not
   * resolved: Alertmanager lets them expire at their `endsAt` unless a
   * restarted burnrate re-sends them.
   */
  shutdown(graceMs = 2_000): Promise<void> {
    this._shutdown ??= (async () => {
      if (this._timer !== undefined) clearInterval(this._timer);
      this._timer = undefined;
      await Promise.all(
        [...this._alertmanagers, ...this._webhooks.map(w => w.queue)].map(q => q.shutdown(graceMs))
      );
      this._metrics.shutdown();
    })();
    return this._shutdown;
  }

  private _detailsOf(snapshot: SloSnapshot): AlertDetails | undefined {
    if (this._details === undefined) return undefined;
    try {
      return this._details(snapshot);
    } catch (e) {
      this._logger.warn(`alert details for ${snapshot.name} failed: ${(e as Error).message}`);
      return undefined;
    }
  }

  /**
   * The routes and codes with the most bad events since the SLO last burned at
   * most its budget (burn rate ≤ 1 over its shortest window, no tier firing):
   * what the incident consists of.
   */
  private _offenders(sloIndex: number): Offender[] {
    const out: Offender[] = [];
    for (const [key, o] of this._badByRouteAndCode(sloIndex)) {
      const n = o.badEvents - (this._baseline.get(key) ?? 0);
      if (n > 0) out.push({ route: o.route, statusCode: o.statusCode, badEvents: n });
    }
    out.sort((a, b) => b.badEvents - a.badEvents);
    return out.slice(0, MAX_OFFENDERS);
  }

  /** Bad events since start by route and status code, from the engine's attribution ledger. */
  private _badByRouteAndCode(
    sloIndex: number
  ): Map<string, { route: string; statusCode: number; badEvents: number }> {
    const out = new Map<string, { route: string; statusCode: number; badEvents: number }>();
    const state = this._engine.states[sloIndex];
    for (const r of state.readAttribution(this._engine.clock.now()).rows) {
      if (r.outcome !== 'bad') continue;
      const route = r.overflow ? '(overflow)' : r.httpRoute;
      const key = `${sloIndex}\u0000${route}\u0000${r.code}`;
      const o = out.get(key);
      if (o === undefined) out.set(key, { route, statusCode: r.code, badEvents: r.total });
      else o.badEvents += r.total;
    }
    return out;
  }

  private _updateBaseline(snapshots: readonly SloSnapshot[]): void {
    const quiet = snapshots.map(
      (s, i) => !this._tracker.anyFiring(i) && (s.windows[0]?.burnRate ?? 0) <= 1
    );
    for (let i = 0; i < quiet.length; i++) {
      if (!quiet[i]) continue;
      for (const [key, o] of this._badByRouteAndCode(i)) this._baseline.set(key, o.badEvents);
    }
  }
}
