import type { MeterProvider } from '@opentelemetry/api';
import type { Clock } from '@burnrate/core';
import type { SloNotifierOptions } from '@burnrate/notify';
import type { SpecInput } from './resolve-spec';

/** Options of {@link SloSpanProcessor}. */
export interface SloSpanProcessorOptions {
  /**
   * The SLOs: a path to `burnrate.yaml`, a raw spec object (validated here), or
   * a spec already returned by `validateSpec`/`loadSpec`. An invalid spec throws
   * `SpecError` from the constructor.
   */
  spec: SpecInput;
  /**
   * Where the SLO instruments live. @default the global MeterProvider, resolved
   * when spans start and on `forceFlush` (so a processor constructed before
   * `NodeSDK.start()` ends up on the provider the SDK installs), and followed
   * when the global provider is replaced.
   */
  meterProvider?: MeterProvider;
  /** Source of "now" for windows and snapshots. @default the system clock */
  clock?: Clock;
  /** Spans ending up to this far in the future are counted at "now". @default 5000 */
  maxFutureSkewMs?: number;
  /**
   * Cap on each SLO's attribution keys (route, method, version, and for bad
   * events status code and failure reason), which `slo.bad_events` and
   * `slo.eligible_events` report; events of keys past it count in one overflow
   * series per SLO. @default 100
   */
  maxAttributionKeys?: number;
  /**
   * Journey SLOs (`sli.trace`) whose spans all end in this process: traces held
   * at once, the oldest decided early past it
   * (docs/journeys.md). @default 50000
   */
  maxTracesInFlight?: number;
  /** Journey SLOs: estimated bytes the traces in flight may hold (same rule). @default 64 MiB */
  maxTraceBufferBytes?: number;
  /** Journey SLOs: a trace is decided, or dropped without entry span, this long after its first span. @default 2 minutes */
  maxTraceAgeMs?: number;
  /**
   * How often (ms) to look for setup problems in the spans no SLO counted — a
   * `service` no span has, route patterns with parameters while spans carry no
   * `http.route` — and report them through `diag.warn`; 0 turns it off.
   * @default 60000
   */
  diagnosticsIntervalMs?: number;
  /**
   * Alert notifications: the processor evaluates its SLOs' alert tiers on a
   * timer of its own and sends state changes to Alertmanager and/or webhooks
   * (see `@burnrate/notify`). Started with the processor, stopped by its
   * `shutdown`; the self-metrics (`burnrate.notifications.*`) live on the
   * same MeterProvider as the SLO instruments. @default none
   */
  notifications?: ProcessorNotifications;
}

/** {@link SloSpanProcessorOptions.notifications}: the notifier's options but the engine. */
export type ProcessorNotifications = Omit<SloNotifierOptions, 'engine' | 'clock' | 'meterProvider'>;
