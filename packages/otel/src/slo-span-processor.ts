import { metrics, type Context, type MeterProvider } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SloEngine } from '@burnrate/core';
import { SloNotifier } from '@burnrate/notify';
import { ReadableSpanView } from './readable-span-view';
import { resolveSpec } from './resolve-spec';
import { SloMetrics } from './slo-metrics';
import type { SloSpanProcessorOptions } from './types';

/**
 * How often (in span starts, a power of two) the processor re-checks the global
 * MeterProvider; `forceFlush` and the tick after construction check too.
 */
export const PROVIDER_CHECK_EVERY = 64;

/**
 * A span processor that turns finished spans into SLO error budgets and burn
 * rates. `onEnd` classifies every span that reaches it (sampled or not)
 * against every SLO of the spec and counts it in the engine's windows: no
 * allocation in steady state, no I/O, never a throw. The numbers are published
 * as OpenTelemetry instruments ({@link SloMetrics}) on the given or the global
 * `MeterProvider`, and read by whatever metric reader is installed.
 *
 * ```ts
 * new NodeSDK({
 *   spanProcessors: [new SloSpanProcessor({ spec: 'burnrate.yaml' })],
 *   metricReaders: [new PrometheusExporter()],
 * }).start();
 * ```
 */
export class SloSpanProcessor implements SpanProcessor {
  private readonly _engine: SloEngine;
  private readonly _view = new ReadableSpanView();
  private readonly _fixedProvider: MeterProvider | undefined;
  private _provider: MeterProvider | undefined;
  private _metrics: SloMetrics | undefined;
  private _invalid = 0;
  private _starts = 0;
  private _isShutdown = false;
  private _shutdownOnce: Promise<void> | undefined;
  private readonly _dropped: Record<string, number> = { late: 0, future: 0, invalid: 0 };
  private readonly _notifier: SloNotifier | undefined;

  constructor(options: SloSpanProcessorOptions) {
    const spec = resolveSpec(options.spec);
    this._engine = new SloEngine({
      spec,
      clock: options.clock,
      maxFutureSkewMs: options.maxFutureSkewMs,
      maxAttributionKeys: options.maxAttributionKeys,
    });
    this._fixedProvider = options.meterProvider;
    if (options.notifications !== undefined) {
      this._notifier = new SloNotifier({
        meterProvider: options.meterProvider,
        ...options.notifications,
        engine: this._engine,
        clock: options.clock,
      });
      if (this._notifier.hasReceivers) this._notifier.start();
    }
    this._syncMeterProvider();
    if (this._fixedProvider === undefined) {
      // NodeSDK installs its MeterProvider in start(), usually right after this constructor.
      setImmediate(() => this._syncMeterProvider()).unref();
    }
  }

  /** The engine holding every SLO's windows. */
  get engine(): SloEngine {
    return this._engine;
  }

  /** The alert notifier, when `notifications` were given. */
  get notifier(): SloNotifier | undefined {
    return this._notifier;
  }

  /** The MeterProvider the instruments currently live on. */
  get meterProvider(): MeterProvider | undefined {
    return this._provider;
  }

  /** Dropped events by reason: the engine's (late, future, invalid) plus spans the processor could not read. */
  get dropped(): Readonly<Record<string, number>> {
    const d = this._engine.dropped;
    this._dropped.late = d.late;
    this._dropped.future = d.future;
    this._dropped.invalid = d.invalid + this._invalid;
    return this._dropped;
  }

  /** Re-checks the global MeterProvider every {@link PROVIDER_CHECK_EVERY} span starts (a lookup costs ~20 ns). */
  onStart(_span: Span, _parentContext: Context): void {
    if (
      this._fixedProvider === undefined &&
      (++this._starts & (PROVIDER_CHECK_EVERY - 1)) === 0 &&
      !this._isShutdown
    ) {
      this._syncMeterProvider();
    }
  }

  onEnd(span: ReadableSpan): void {
    if (this._isShutdown) return;
    const view = this._view;
    try {
      view.span = span;
      this._engine.record(view);
    } catch {
      this._invalid++;
    }
    view.span = undefined;
  }

  /** Nothing is buffered (the numbers are read at collection); re-checks the global MeterProvider. */
  forceFlush(): Promise<void> {
    if (!this._isShutdown && this._fixedProvider === undefined) this._syncMeterProvider();
    return Promise.resolve();
  }

  /**
   * Stops counting; the instruments report the final numbers at one more
   * collection (the MeterProvider's own shutdown export, say), then go away.
   * Runs once; later calls return the same promise.
   */
  shutdown(): Promise<void> {
    this._shutdownOnce ??= this._shutdown();
    return this._shutdownOnce;
  }

  private async _shutdown(): Promise<void> {
    await this.forceFlush();
    this._isShutdown = true;
    await this._notifier?.shutdown();
    this._metrics?.retireAfterNextCollection();
    this._metrics = undefined;
  }

  /** Puts the instruments on the fixed provider, or follows the global one when it changed. */
  private _syncMeterProvider(): void {
    try {
      const provider = this._fixedProvider ?? metrics.getMeterProvider();
      if (provider === this._provider || this._isShutdown) return;
      this._metrics?.shutdown();
      this._provider = provider;
      this._metrics = new SloMetrics({
        engine: this._engine,
        meterProvider: provider,
        dropped: () => this.dropped,
      });
    } catch {
      // A broken provider must not break the host app; the engine keeps counting.
      this._metrics = undefined;
    }
  }
}
