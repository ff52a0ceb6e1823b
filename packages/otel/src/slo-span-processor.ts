import { diag, metrics, SpanKind, type Context, type MeterProvider } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SloEngine } from '@burnrate/core';
import { SloNotifier } from '@burnrate/notify';
import { ReadableSpanView } from './readable-span-view';
import { resolveSpec } from './resolve-spec';
import { SloMetrics } from '@burnrate/metrics';
import { SpanDiagnostics } from './span-diagnostics';
import type { SloSpanProcessorOptions } from './types';

/**
 * How often (in span starts, a power of two) the processor re-checks the global
 * MeterProvider; `forceFlush` and the tick after construction check too.
 */
export const PROVIDER_CHECK_EVERY = 64;

/** How often the processor looks for setup problems ({@link SpanDiagnostics}) by default. */
export const DEFAULT_DIAGNOSTICS_INTERVAL_MS = 60_000;

/**
 * How often the processor has the engine read its clock (`SloEngine.tick`): a
 * span counts at the engine's last reading, which in-sync spans refresh by
 * themselves; the timer bounds how stale it gets for spans whose end times lag
 * (a wall clock stepped back, an explicit end time).
 */
export const CLOCK_TICK_MS = 1_000;

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
  private readonly _dropped: Record<string, number> = { too_old: 0, future: 0, invalid: 0 };
  private readonly _notifier: SloNotifier | undefined;
  private readonly _diagnostics: SpanDiagnostics;
  private readonly _diagnosticsTimer: NodeJS.Timeout | undefined;
  private readonly _clockTimer: NodeJS.Timeout;
  private _lastErrorReportMs = -Infinity;

  constructor(options: SloSpanProcessorOptions) {
    const spec = resolveSpec(options.spec);
    this._engine = new SloEngine({
      spec,
      clock: options.clock,
      maxFutureSkewMs: options.maxFutureSkewMs,
      maxAttributionKeys: options.maxAttributionKeys,
      maxTracesInFlight: options.maxTracesInFlight,
      maxTraceBufferBytes: options.maxTraceBufferBytes,
      maxTraceAgeMs: options.maxTraceAgeMs,
    });
    this._fixedProvider = options.meterProvider;
    // journeys: quiet traces are decided on this timer too, spans ending or not
    this._clockTimer = setInterval(() => {
      this._engine.tick();
      this._engine.journeys?.sweep();
    }, CLOCK_TICK_MS);
    this._clockTimer.unref();
    this._diagnostics = new SpanDiagnostics(this._engine);
    const every = options.diagnosticsIntervalMs ?? DEFAULT_DIAGNOSTICS_INTERVAL_MS;
    if (Number.isFinite(every) && every > 0) {
      this._diagnosticsTimer = setInterval(() => this._diagnostics.check(Date.now()), every);
      this._diagnosticsTimer.unref();
    } else if (every !== 0) {
      diag.warn(
        `burnrate: diagnosticsIntervalMs must be a positive number of ms or 0 (off), got ${every}; using ${DEFAULT_DIAGNOSTICS_INTERVAL_MS}`
      );
      this._diagnosticsTimer = setInterval(
        () => this._diagnostics.check(Date.now()),
        DEFAULT_DIAGNOSTICS_INTERVAL_MS
      );
      this._diagnosticsTimer.unref();
    }
    if (options.notifications !== undefined) {
      this._notifier = new SloNotifier({
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

  /** What the spans no SLO counted say about the setup (see {@link SpanDiagnostics}). */
  get diagnostics(): SpanDiagnostics {
    return this._diagnostics;
  }

  /** The alert notifier, when `notifications` were given. */
  get notifier(): SloNotifier | undefined {
    return this._notifier;
  }

  /** The MeterProvider the instruments currently live on. */
  get meterProvider(): MeterProvider | undefined {
    return this._provider;
  }

  /** Dropped events by reason: the engine's (too_old, future, invalid) plus spans the processor could not read. */
  get dropped(): Readonly<Record<string, number>> {
    const d = this._engine.dropped;
    this._dropped.too_old = d.too_old;
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
    let counted = -1;
    try {
      view.span = span;
      counted = this._engine.record(view);
    } catch (e) {
      this._invalid++;
      this._reportError(e);
    }
    if (counted === 0) {
      try {
        if (view.kind === SpanKind.SERVER) this._diagnostics.recordUnmatched(view);
      } catch {
        // a span the engine already counted as invalid
      }
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

  /** Cold path: a span that could not be read, said through `diag` at most once a minute. */
  private _reportError(e: unknown): void {
    const now = Date.now();
    if (now - this._lastErrorReportMs < 60_000) return;
    this._lastErrorReportMs = now;
    diag.warn(
      `burnrate: a span could not be counted (${this._invalid} so far, counted as dropped invalid): ${(e as Error)?.message ?? e}`
    );
  }

  private async _shutdown(): Promise<void> {
    await this.forceFlush();
    this._isShutdown = true;
    clearInterval(this._clockTimer);
    if (this._diagnosticsTimer !== undefined) clearInterval(this._diagnosticsTimer);
    this._diagnostics.unobserve();
    // the journeys in flight are decided now (decided_early), before the last collection
    this._engine.journeys?.flush();
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
      this._diagnostics.observe(provider);
      this._notifier?.useMeterProvider(provider);
    } catch {
      // A broken provider must not break the host app; the engine keeps counting.
      this._metrics = undefined;
    }
  }
}
