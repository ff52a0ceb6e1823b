import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import {
  ConsoleMetricExporter,
  PeriodicExportingMetricReader,
  type MetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { notificationSettingsFromEnv, type NotificationSettings } from '@burnrate/notify';
import { SloSpanProcessor } from '@burnrate/otel';
import { startStatusServer, type RunningStatusServer } from '@burnrate/status';
import { appRequire, registerInstrumentations } from './instrumentations';
import { samplerFromEnv } from './sampler-from-env';
import { statusPageFromEnv, type StatusPageSettings } from './status-from-env';

/** What the `register` entry starts, read from the environment by {@link readRegisterConfig}. */
export interface RegisterConfig {
  /** `BURNRATE_CONFIG`, resolved against the working directory. @default './burnrate.yaml' */
  specPath: string;
  /** `OTEL_METRICS_EXPORTER`: `prometheus`, `otlp`, `console`, `none`. @default ['prometheus'] */
  metricsExporters: string[];
  /** `OTEL_EXPORTER_PROMETHEUS_HOST`. @default '127.0.0.1' */
  prometheusHost: string;
  /** `OTEL_EXPORTER_PROMETHEUS_PORT`. @default 9464 */
  prometheusPort: number;
  /** `OTEL_TRACES_EXPORTER`: `otlp`, `console`, `none`. @default [] (none) */
  tracesExporters: string[];
  /** `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` or `OTEL_EXPORTER_OTLP_PROTOCOL`. @default 'http/protobuf' */
  otlpTracesProtocol: string;
  /** `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL` or `OTEL_EXPORTER_OTLP_PROTOCOL`. @default 'http/protobuf' */
  otlpMetricsProtocol: string;
  /** `OTEL_METRIC_EXPORT_INTERVAL`: ms between pushes of the `otlp` and `console` metric readers. @default 60000 */
  metricExportIntervalMs: number;
  /** `OTEL_METRIC_EXPORT_TIMEOUT`: ms an export may take, at most the interval. @default 30000 */
  metricExportTimeoutMs: number;
  /**
   * The sampler from `OTEL_TRACES_SAMPLER`/`_ARG`, wrapped so that every span is
   * counted before the sampling decision unless `BURNRATE_COUNT=sampled`.
   * Undefined leaves sampling to NodeSDK (spans it drops are not counted).
   */
  sampler?: Sampler;
  /** Whether the SLOs count every span (true) or only sampled ones. @default true */
  countsAll?: boolean;
  /** `OTEL_SERVICE_NAME`; undefined leaves it to the resource detectors. */
  serviceName: string | undefined;
  /**
   * Alert notifications from `BURNRATE_ALERTMANAGER_URL`, `BURNRATE_WEBHOOK_URL`
   * and the other `BURNRATE_*` notification variables (`notificationSettingsFromEnv`
   * of `@burnrate/notify`). @default {} (none)
   */
  notifications: NotificationSettings;
  /**
   * The status page and `/api/slos` on a port of their own, from
   * `BURNRATE_STATUS_PORT`, `BURNRATE_STATUS_HOST` (default 127.0.0.1) and
   * `BURNRATE_TOKEN` / `BURNRATE_TOKEN_FILE`. @default undefined (not served)
   */
  statusPage?: StatusPageSettings;
}

/** Handle on what {@link startBurnrate} started. */
export interface BurnrateHandle {
  readonly sdk: NodeSDK;
  readonly processor: SloSpanProcessor;
  /** One line: the SLOs, where the metrics go, the instrumentations, what is counted. */
  readonly summary: string;
  /**
   * The status page server once it listens; undefined when not asked for
   * (`BURNRATE_STATUS_PORT` unset) or when it could not listen (said on stderr).
   */
  readonly statusPage: Promise<RunningStatusServer | undefined>;
  /** Flushes and shuts the SDK down, at most `timeoutMs` (default 5000). Runs once. */
  shutdown(timeoutMs?: number): Promise<void>;
}

const METRICS_EXPORTERS = ['prometheus', 'otlp', 'console', 'none'];
const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 60_000;
const DEFAULT_METRIC_EXPORT_TIMEOUT_MS = 30_000;
const TRACES_EXPORTERS = ['otlp', 'console', 'none'];
const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'];

function list(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [
    ...new Set(
      value
        .split(',')
        .map(s => s.trim())
        .filter(s => s.length > 0)
    ),
  ];
}

function text(value: string | undefined): string | undefined {
  const t = value?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/**
 * Reads the `register` entry's settings from environment variables. Throws an
 * `Error` naming the variable and the value when one is not understood.
 */
export function readRegisterConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd()
): RegisterConfig {
  const problems: string[] = [];
  const metricsExporters = list(env.OTEL_METRICS_EXPORTER);
  if (metricsExporters.length === 0) metricsExporters.push('prometheus');
  for (const e of metricsExporters) {
    if (!METRICS_EXPORTERS.includes(e))
      problems.push(
        `OTEL_METRICS_EXPORTER: unsupported exporter "${e}"; expected ${METRICS_EXPORTERS.join(', ')}`
      );
  }
  const tracesExporters = list(env.OTEL_TRACES_EXPORTER).filter(e => e !== 'none');
  for (const e of tracesExporters) {
    if (!TRACES_EXPORTERS.includes(e))
      problems.push(
        `OTEL_TRACES_EXPORTER: unsupported exporter "${e}"; expected ${TRACES_EXPORTERS.join(', ')}`
      );
  }
  const portText = text(env.OTEL_EXPORTER_PROMETHEUS_PORT);
  let prometheusPort = 9464;
  if (portText !== undefined) {
    const n = Number(portText);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      problems.push(`OTEL_EXPORTER_PROMETHEUS_PORT: must be a port 1-65535, got "${portText}"`);
    else prometheusPort = n;
  }
  const metricExportIntervalMs = positiveMs(
    env,
    'OTEL_METRIC_EXPORT_INTERVAL',
    DEFAULT_METRIC_EXPORT_INTERVAL_MS,
    problems
  );
  const metricExportTimeoutMs = positiveMs(
    env,
    'OTEL_METRIC_EXPORT_TIMEOUT',
    DEFAULT_METRIC_EXPORT_TIMEOUT_MS,
    problems
  );
  const baseProtocol = text(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  const otlpTracesProtocol =
    text(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? baseProtocol ?? 'http/protobuf';
  const otlpMetricsProtocol =
    text(env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL) ?? baseProtocol ?? 'http/protobuf';
  if (tracesExporters.includes('otlp') && !OTLP_PROTOCOLS.includes(otlpTracesProtocol))
    problems.push(
      `OTLP traces protocol: expected ${OTLP_PROTOCOLS.join(', ')}, got "${otlpTracesProtocol}"`
    );
  if (metricsExporters.includes('otlp') && !OTLP_PROTOCOLS.includes(otlpMetricsProtocol))
    problems.push(
      `OTLP metrics protocol: expected ${OTLP_PROTOCOLS.join(', ')}, got "${otlpMetricsProtocol}"`
    );
  const { sampler, countsAll } = samplerFromEnv(env, problems);
  const notifications = notificationSettingsFromEnv(env, (name, message) =>
    problems.push(`${name}: ${message}`)
  );
  const statusPage = statusPageFromEnv(env, problems);
  if (problems.length > 0)
    throw new Error(`invalid burnrate environment:\n  ${problems.join('\n  ')}`);
  return {
    specPath: resolve(cwd, text(env.BURNRATE_CONFIG) ?? 'burnrate.yaml'),
    metricsExporters: metricsExporters.includes('none') ? [] : metricsExporters,
    prometheusHost: text(env.OTEL_EXPORTER_PROMETHEUS_HOST) ?? '127.0.0.1',
    prometheusPort,
    tracesExporters,
    otlpTracesProtocol,
    otlpMetricsProtocol,
    metricExportIntervalMs,
    // An export must end before the next one starts (as NodeSDK does with these variables).
    metricExportTimeoutMs: Math.min(metricExportTimeoutMs, metricExportIntervalMs),
    serviceName: text(env.OTEL_SERVICE_NAME),
    sampler,
    countsAll,
    notifications,
    ...(statusPage !== undefined ? { statusPage } : {}),
  };
}

/** A duration in milliseconds from `env[name]`: a positive number, else `fallback` when unset. */
function positiveMs(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  problems: string[]
): number {
  const value = text(env[name]);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    problems.push(`${name}: must be a positive number of milliseconds, got "${value}"`);
    return fallback;
  }
  return n;
}

/** Requires a package that `@opentelemetry/sdk-node` depends on (the OTLP exporters). */
const sdkRequire = createRequire(require.resolve('@opentelemetry/sdk-node'));

const OTLP_TRACE_PACKAGES: Record<string, string> = {
  'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto',
  'http/json': '@opentelemetry/exporter-trace-otlp-http',
  grpc: '@opentelemetry/exporter-trace-otlp-grpc',
};

const OTLP_METRIC_PACKAGES: Record<string, string> = {
  'http/protobuf': '@opentelemetry/exporter-metrics-otlp-proto',
  'http/json': '@opentelemetry/exporter-metrics-otlp-http',
  grpc: '@opentelemetry/exporter-metrics-otlp-grpc',
};

function metricReaders(config: RegisterConfig): MetricReader[] {
  return config.metricsExporters.map(name => {
    if (name === 'prometheus') {
      // started by startBurnrate, which says in one line when the port is taken
      return new PrometheusExporter({
        host: config.prometheusHost,
        port: config.prometheusPort,
        preventServerStart: true,
      });
    }
    const exporter: PushMetricExporter =
      name === 'console'
        ? new ConsoleMetricExporter()
        : new (sdkRequire(OTLP_METRIC_PACKAGES[config.otlpMetricsProtocol]).OTLPMetricExporter)();
    return new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: config.metricExportIntervalMs,
      exportTimeoutMillis: config.metricExportTimeoutMs,
    });
  });
}

function traceProcessors(config: RegisterConfig): SpanProcessor[] {
  return config.tracesExporters.map(name => {
    if (name === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter());
    const exporter: SpanExporter = new (sdkRequire(
      OTLP_TRACE_PACKAGES[config.otlpTracesProtocol]
    ).OTLPTraceExporter)();
    return new BatchSpanProcessor(exporter);
  });
}

/**
 * The instrumentations of {@link registerInstrumentations}, resolved from the
 * application (`process.argv[1]`); requests to burnrate's own ports (the
 * Prometheus endpoint, the status page: `ownPorts`) are not traced: they are
 * not the app's traffic and must not count in its SLOs.
 */
function instrumentations(
  cwd: string,
  ownPorts: ReadonlySet<number>
): { instrumentations: unknown[]; names: string[] } {
  const http: HttpInstrumentationConfig = {
    ignoreIncomingRequestHook: req => ownPorts.has(req.socket?.localPort ?? -1),
  };
  return registerInstrumentations(http, appRequire(process.argv[1], cwd));
}

/** Starts the Prometheus endpoints; a port in use is one line on stderr naming the variable, and the app runs on. */
function startPrometheus(config: RegisterConfig, readers: MetricReader[]): void {
  for (const r of readers) {
    if (!(r instanceof PrometheusExporter)) continue;
    r.startServer().catch((e: NodeJS.ErrnoException) => {
      const where = `${config.prometheusHost}:${config.prometheusPort}`;
      const why = e?.code === 'EADDRINUSE' ? 'the port is in use' : (e?.message ?? String(e));
      process.stderr.write(
        `burnrate: cannot serve Prometheus metrics on ${where}: ${why}; set OTEL_EXPORTER_PROMETHEUS_PORT to a free port (or OTEL_METRICS_EXPORTER=otlp or none); the app runs on without /metrics\n`
      );
    });
  }
}

/**
 * Starts the status page server of `config.statusPage`; a port in use is one
 * line on stderr naming the variable, and the app runs on. Its port joins
 * `ownPorts` once bound.
 */
async function startStatusPage(
  config: RegisterConfig,
  processor: SloSpanProcessor,
  ownPorts: Set<number>
): Promise<RunningStatusServer | undefined> {
  const s = config.statusPage;
  if (s === undefined) return undefined;
  try {
    const server = await startStatusServer({
      engine: processor.engine,
      host: s.host,
      port: s.port,
      ...(s.token !== undefined ? { token: s.token } : {}),
    });
    ownPorts.add(server.port);
    if (server.exposed)
      process.stderr.write(
        `burnrate: the status page listens on ${s.host}, not only on loopback, and no bearer token is set (BURNRATE_TOKEN or BURNRATE_TOKEN_FILE): anyone who reaches it reads /api/slos\n`
      );
    return server;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err?.code === 'EADDRINUSE' ? 'the port is in use' : (err?.message ?? String(e));
    process.stderr.write(
      `burnrate: cannot serve the status page on ${s.host}:${s.port}: ${why}; set BURNRATE_STATUS_PORT to a free port; the app runs on without it\n`
    );
    return undefined;
  }
}

/**
 * Exports the metrics once more, then shuts the SDK down. NodeSDK shuts the
 * tracer provider (and with it the processor, which removes its metric
 * callback) down alongside the meter provider, so the final export of a push
 * reader (`otlp`, `console`) would carry no SLO metrics: the counts since the
 * last interval would be lost on every restart.
 */
async function flushThenShutdown(sdk: NodeSDK, readers: MetricReader[]): Promise<void> {
  await Promise.all(readers.map(r => r.forceFlush().catch(() => undefined)));
  await sdk.shutdown();
}

/**
 * Starts the OpenTelemetry SDK the way `@burnrate/register` does: the
 * {@link SloSpanProcessor} on the spec file, the HTTP (or the app's
 * auto-) instrumentation, metric readers and trace exporters per
 * {@link RegisterConfig}. Throws `SpecError` before starting anything when the
 * spec does not validate.
 */
export function startBurnrate(config: RegisterConfig, cwd: string = process.cwd()): BurnrateHandle {
  const n = config.notifications ?? {};
  const processor = new SloSpanProcessor({
    spec: config.specPath,
    notifications:
      (n.alertmanagers ?? []).length > 0 || (n.webhooks ?? []).length > 0
        ? {
            alertmanagers: n.alertmanagers,
            webhooks: n.webhooks,
            evaluationIntervalMs: n.alertEvaluationIntervalMs,
            resendIntervalMs: n.alertResendIntervalMs,
          }
        : undefined,
  });
  const readers = metricReaders(config);
  const ownPorts = new Set<number>();
  if (config.metricsExporters.includes('prometheus')) ownPorts.add(config.prometheusPort);
  if (config.statusPage !== undefined && config.statusPage.port !== 0)
    ownPorts.add(config.statusPage.port);
  const loaded = instrumentations(cwd, ownPorts);
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    spanProcessors: [processor, ...traceProcessors(config)],
    metricReaders: readers,
    instrumentations: loaded.instrumentations as never,
    ...(config.sampler !== undefined ? { sampler: config.sampler } : {}),
  });
  sdk.start();
  startPrometheus(config, readers);
  const statusPage = startStatusPage(config, processor, ownPorts);
  const slos = processor.engine.spec.slos.map(s => s.name);
  const summary = [
    `${slos.length} SLO${slos.length === 1 ? '' : 's'} (${slos.join(', ')}) from ${config.specPath}`,
    config.metricsExporters.length === 0
      ? 'no metrics exporter'
      : `metrics: ${config.metricsExporters
          .map(m =>
            m === 'prometheus'
              ? `http://${config.prometheusHost}:${config.prometheusPort}/metrics`
              : m
          )
          .join(', ')}`,
    ...(config.statusPage !== undefined
      ? [
          `status page: ${
            config.statusPage.port === 0
              ? `${config.statusPage.host}, any free port`
              : `http://${config.statusPage.host.includes(':') ? `[${config.statusPage.host}]` : config.statusPage.host}:${config.statusPage.port}/`
          }${config.statusPage.token !== undefined ? ' (bearer token set)' : ''}`,
        ]
      : []),
    `instrumentations: ${loaded.names.join(', ') || 'none'}`,
    config.countsAll === false
      ? 'counting sampled spans only'
      : 'counting every span before sampling',
  ].join('; ');
  let done: Promise<void> | undefined;
  return {
    sdk,
    processor,
    summary,
    statusPage,
    shutdown(timeoutMs = 5_000): Promise<void> {
      done ??= new Promise<void>(resolvePromise => {
        const timer = setTimeout(resolvePromise, timeoutMs);
        timer.unref();
        statusPage
          .then(s => s?.close())
          .then(() => flushThenShutdown(sdk, readers))
          .then(
            () => {
              clearTimeout(timer);
              resolvePromise();
            },
            () => {
              clearTimeout(timer);
              resolvePromise();
            }
          );
      });
      return done;
    },
  };
}
