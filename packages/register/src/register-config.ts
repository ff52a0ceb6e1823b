import { resolve } from 'node:path';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { notificationSettingsFromEnv, type NotificationSettings } from '@burnrate/notify';
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
