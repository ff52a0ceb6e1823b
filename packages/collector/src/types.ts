import type { Clock, SloEngine, SloSpec } from '@burnrate/core';
import type { MeterProvider } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type {
  AlertDetailsSource,
  SloNotifier,
  AlertmanagerTarget,
  WebhookTarget,
} from '@burnrate/notify';

/** Where the collector writes what it does. */
export interface CollectorLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options of {@link startCollector}. */
export interface CollectorOptions {
  /** The SLOs: a path to `burnrate.yaml` or a validated spec. */
  spec: string | SloSpec;
  /** Address the OTLP, API and metrics servers bind. Anything but loopback is logged as a warning. @default '127.0.0.1' */
  host?: string;
  /** OTLP/HTTP port (also `/api/slos`, `/healthz`, `/readyz`); 0 = ephemeral; `null`/`false` disables. @default 4318 */
  httpPort?: number | null | false;
  /** OTLP/gRPC port; 0 = ephemeral; `null`/`false` disables. @default 4317 */
  grpcPort?: number | null | false;
  /** Prometheus `/metrics` port; 0 = ephemeral; `null`/`false` disables. @default 9464 */
  metricsPort?: number | null | false;
  /** Address of the metrics server. @default {@link host} */
  metricsHost?: string;
  /** Window state file: restored at start, snapshotted every {@link snapshotIntervalMs} and on close. @default none */
  stateFile?: string;
  /** Interval between state snapshots. @default 10000 */
  snapshotIntervalMs?: number;
  /** Largest request body, after decompression. @default 64 MiB */
  maxBodyBytes?: number;
  /**
   * Largest OTLP/gRPC message, compressed and inflated (`grpc.max_receive_message_length`).
   * @default the smallest of 4 MiB, {@link maxBodyBytes} and half of {@link maxInFlightBytes}
   */
  maxGrpcMessageBytes?: number;
  /** Most connections each OTLP listener holds open; past it a connection is refused (HTTP `503`) and counted. @default 512 */
  maxConnections?: number;
  /**
   * Longest time a request may go without progress: its headers, each 16 KiB of its
   * body, or its end; past it the request ends with `408` / `DEADLINE_EXCEEDED`.
   * An idle keep-alive connection is closed after it too. @default 5000
   */
  idleTimeoutMs?: number;
  /** Largest total of request bytes being received and decoded at once, HTTP and gRPC together. @default 2 × {@link maxBodyBytes} */
  maxInFlightBytes?: number;
  /**
   * Cap on each SLO's attribution keys (route, method, version, and for bad
   * events status code and failure reason: the series of `slo.bad_events` and
   * `slo.eligible_events`); routes and versions can be unbounded, so events of
   * keys past it are counted in one overflow series per SLO
   * (`otel.metric.overflow="true"`). @default 100
   */
  maxSeries?: number;
  /**
   * Journey SLOs: traces held at once, the oldest decided early
   * past it (docs/journeys.md). @default 50000
   */
  maxTracesInFlight?: number;
  /** Journey SLOs: estimated bytes the traces in flight may hold (same rule). @default 64 MiB */
  maxTraceBufferBytes?: number;
  /** Journey SLOs: a trace is decided, or dropped without entry span, this long after its first span. @default 2 minutes */
  maxTraceAgeMs?: number;
  /** Bearer token required on OTLP requests (`Authorization: Bearer <token>`). @default none */
  token?: string;
  /** TLS for the OTLP and API servers: PEM file paths. @default plain text */
  tls?: { cert: string; key: string };
  /** Source of "now". @default the system clock */
  clock?: Clock;
  /** Spans ending up to this far in the future count at "now". @default 5000 */
  maxFutureSkewMs?: number;
  /** Where to log. @default lines on stderr */
  logger?: CollectorLogger;
  /**
   * OTLP metrics endpoint to push to with a `PeriodicExportingMetricReader`.
   * @default `process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` (unset: no push)
   */
  otlpMetricsEndpoint?: string;
  /** Interval of the OTLP metrics push. @default 60000 (or `OTEL_METRIC_EXPORT_INTERVAL`) */
  otlpMetricsIntervalMs?: number;
  /** More metric readers on the collector's MeterProvider (tests, custom exporters). */
  metricReaders?: MetricReader[];
  /** Alertmanagers that get every firing and resolved alert (`POST /api/v2/alerts`); give each member of an HA pair. @default none */
  alertmanagers?: AlertmanagerTarget[];
  /** Webhooks that get one message when an alert tier starts firing and one when it resolves. @default none */
  webhooks?: WebhookTarget[];
  /** Interval of the alert evaluation that drives notifications. @default 10000 */
  alertEvaluationIntervalMs?: number;
  /** Interval at which Alertmanager is told again about a firing alert. @default 60000 */
  alertResendIntervalMs?: number;
  /** Explanation and example trace ids for webhook messages; `false` for none. @default the engine's `explain` summary and trace ids */
  alertDetails?: AlertDetailsSource | false;
}

/** A started collector. */
export interface RunningCollector {
  /** The engine every span goes to. */
  readonly engine: SloEngine;
  /** The MeterProvider the SLO and collector instruments live on. */
  readonly meterProvider: MeterProvider;
  /** Bound address. */
  readonly host: string;
  /** Bound OTLP/HTTP port, undefined when disabled. */
  readonly httpPort: number | undefined;
  /** Bound OTLP/gRPC port, undefined when disabled. */
  readonly grpcPort: number | undefined;
  /** Bound metrics port, undefined when disabled. */
  readonly metricsPort: number | undefined;
  /** The alert notifier; undefined without Alertmanagers or webhooks. */
  readonly notifier: SloNotifier | undefined;
  /** Writes the state file now (a no-op without one). */
  snapshotState(): Promise<void>;
  /** Stops accepting requests, writes the state file, closes every server and the metrics pipeline. Idempotent. */
  close(): Promise<void>;
}
