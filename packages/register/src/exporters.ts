import { createRequire } from 'node:module';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
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
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { RegisterConfig } from './register-config';

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

/** The metric readers of `OTEL_METRICS_EXPORTER` (Prometheus not started yet: {@link startPrometheus}). */
export function metricReaders(config: RegisterConfig): MetricReader[] {
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

/** The span processors of `OTEL_TRACES_EXPORTER`. */
export function traceProcessors(config: RegisterConfig): SpanProcessor[] {
  return config.tracesExporters.map(name => {
    if (name === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter());
    const exporter: SpanExporter = new (sdkRequire(
      OTLP_TRACE_PACKAGES[config.otlpTracesProtocol]
    ).OTLPTraceExporter)();
    return new BatchSpanProcessor(exporter);
  });
}

/** Starts the Prometheus endpoints; a port in use is one line on stderr naming the variable, and the app runs on. */
export function startPrometheus(config: RegisterConfig, readers: MetricReader[]): void {
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
