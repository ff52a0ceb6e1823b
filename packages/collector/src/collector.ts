import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
} from 'node:net';
import {
  DEFAULT_MAX_ATTRIBUTION_KEYS,
  historyReadingIntervalMs,
  loadSpec,
  SloEngine,
  type SloSpec,
} from '@burnrate/core';
import { METRIC_SLO_BAD_EVENTS, METRIC_SLO_ELIGIBLE_EVENTS, SloMetrics } from '@burnrate/metrics';
import { SloNotifier } from '@burnrate/notify';
import { isLoopbackHost } from '@burnrate/status';
import { Server as GrpcServer, ServerCredentials } from '@grpc/grpc-js';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricReader,
} from '@opentelemetry/sdk-metrics';
import { CollectorMetrics } from './collector-metrics';
import { httpRefusal, isRefused, limitConnections } from './transport/connection-limit';
import { grpcReadGate } from './transport/grpc-read-gate';
import { GrpcReceiver, TRACE_SERVICE_DEFINITION } from './transport/grpc-receiver';
import { HttpReceiver } from './transport/http-receiver';
import { InFlightBudget } from './transport/in-flight-budget';
import { JsonTraceDecoder } from './otlp/json-trace-decoder';
import { stderrLogger } from './logger';
import { ProtoTraceDecoder } from './otlp/proto-trace-decoder';
import type { ReceiverContext } from './transport/receiver-context';
import { StateStore } from './state/state-store';
import type { CollectorLogger, CollectorOptions, RunningCollector } from './types';

/** Default OTLP/HTTP port. */
export const DEFAULT_HTTP_PORT = 4318;
/** Default OTLP/gRPC port. */
export const DEFAULT_GRPC_PORT = 4317;
/** Default Prometheus port. */
export const DEFAULT_METRICS_PORT = 9464;
/** Default bind address: loopback only. */
export const DEFAULT_HOST = '127.0.0.1';
/** Default interval between state snapshots. */
export const DEFAULT_SNAPSHOT_INTERVAL_MS = 10_000;
/** Default largest request body after decompression (64 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Default largest OTLP/gRPC message, compressed or inflated (the gRPC and OpenTelemetry Collector default): 4 MiB. */
export const DEFAULT_MAX_GRPC_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Default most connections each listener (OTLP/HTTP, OTLP/gRPC) holds open at once. */
export const DEFAULT_MAX_CONNECTIONS = 512;
/** Default time a request may go without progress (headers, 16 KiB of body, or its end). */
export const DEFAULT_IDLE_TIMEOUT_MS = 5_000;
/** Concurrent gRPC streams per connection. */
const GRPC_MAX_CONCURRENT_STREAMS = 8;
/** A gRPC connection without a call for this long is closed. */
const GRPC_MAX_CONNECTION_IDLE_MS = 30_000;
/** How often stalled requests are looked for. */
const SWEEP_INTERVAL_MS = 250;
/** How often quiet journey traces are looked for (decisions are late by at most this). */
const JOURNEY_SWEEP_INTERVAL_MS = 250;
/** Prometheus scrape path. */
export const METRICS_PATH = '/metrics';
/** `service.name` of the collector's own metrics resource. */
export const COLLECTOR_SERVICE_NAME = 'burnrate-collector';

function portOption(
  value: number | null | false | undefined,
  fallback: number,
  name: string
): number | undefined {
  if (value === null || value === false) return undefined;
  const port = value ?? fallback;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`${name}: must be a port number 0-65535, got ${port}`);
  return port;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function listen(server: NetServer, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) =>
      reject(new Error(`cannot listen for ${what} on ${hostPort(host, port)}: ${e.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise(resolve => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  });
}

/**
 * Starts the burnrate collector: OTLP/HTTP and OTLP/gRPC trace receivers that
 * feed one {@link SloEngine}, the SLO instruments (`SloMetrics` of
 * `@burnrate/metrics`) and the collector's own metrics on Prometheus `/metrics`
 * and/or OTLP push, `/api/slos`, health endpoints, and the state file.
 *
 * Throws (after closing whatever it opened) when the spec is invalid
 * (`SpecError`), an option is out of range, a TLS file cannot be read, or a
 * port cannot be bound.
 */
export async function startCollector(options: CollectorOptions): Promise<RunningCollector> {
  const logger = options.logger ?? stderrLogger;
  const spec: SloSpec = typeof options.spec === 'string' ? loadSpec(options.spec) : options.spec;
  const host = options.host ?? DEFAULT_HOST;
  const metricsHost = options.metricsHost ?? host;
  const httpPort = portOption(options.httpPort, DEFAULT_HTTP_PORT, 'httpPort');
  const grpcPort = portOption(options.grpcPort, DEFAULT_GRPC_PORT, 'grpcPort');
  const metricsPort = portOption(options.metricsPort, DEFAULT_METRICS_PORT, 'metricsPort');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxInFlightBytes = options.maxInFlightBytes ?? 2 * maxBodyBytes;
  const snapshotIntervalMs = options.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS;
  const maxSeries = options.maxSeries ?? DEFAULT_MAX_ATTRIBUTION_KEYS;
  const maxGrpcMessageBytes =
    options.maxGrpcMessageBytes ??
    Math.min(maxBodyBytes, DEFAULT_MAX_GRPC_MESSAGE_BYTES, Math.floor(maxInFlightBytes / 2));
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  if (!Number.isInteger(maxConnections) || maxConnections < 1)
    throw new RangeError(`maxConnections: must be a positive integer, got ${maxConnections}`);
  if (!(idleTimeoutMs >= 100))
    throw new RangeError(`idleTimeoutMs: must be at least 100, got ${idleTimeoutMs}`);
  if (!(maxGrpcMessageBytes > 0))
    throw new RangeError(`maxGrpcMessageBytes: must be positive, got ${maxGrpcMessageBytes}`);
  if (!(maxBodyBytes > 0))
    throw new RangeError(`maxBodyBytes: must be positive, got ${maxBodyBytes}`);
  if (!(maxInFlightBytes > 0))
    throw new RangeError(`maxInFlightBytes: must be positive, got ${maxInFlightBytes}`);
  if (grpcPort !== undefined && 2 * maxGrpcMessageBytes > maxInFlightBytes)
    throw new RangeError(
      `maxInFlightBytes: must hold two gRPC messages (2 × maxGrpcMessageBytes = ${2 * maxGrpcMessageBytes}), got ${maxInFlightBytes}`
    );
  if (!Number.isInteger(maxSeries) || maxSeries < 1)
    throw new RangeError(`maxSeries: must be a positive integer, got ${maxSeries}`);
  if (!(snapshotIntervalMs > 0))
    throw new RangeError(`snapshotIntervalMs: must be positive, got ${snapshotIntervalMs}`);
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (options.tls !== undefined) {
    try {
      tls = { cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) };
    } catch (e) {
      throw new Error(`tls: cannot read the certificate or key: ${(e as Error).message}`);
    }
  }

  const engine = new SloEngine({
    spec,
    clock: options.clock,
    maxFutureSkewMs: options.maxFutureSkewMs,
    maxAttributionKeys: maxSeries,
    maxTracesInFlight: options.maxTracesInFlight,
    maxTraceBufferBytes: options.maxTraceBufferBytes,
    maxTraceAgeMs: options.maxTraceAgeMs,
  });
  const budget = new InFlightBudget({ limitBytes: maxInFlightBytes });
  const metrics = new CollectorMetrics(() => budget.usedBytes);
  const store = options.stateFile !== undefined ? new StateStore(options.stateFile) : undefined;
  if (store !== undefined) {
    const cleaned = await store.cleanTemporaries();
    if (cleaned > 0)
      logger.warn(`removed ${cleaned} temporary state files left by an interrupted write`);
    const outcome = await store.restore(engine);
    if (outcome.status === 'restored') {
      logger.info(
        `restored the state of ${outcome.restored.length} SLOs from ${store.path} (saved ${new Date(outcome.savedAtMs).toISOString()})` +
          (outcome.skipped.length > 0
            ? `; windows changed, started empty: ${outcome.skipped.join(', ')}`
            : '')
      );
    } else if (outcome.status === 'corrupt') {
      metrics.restoreFailures++;
      logger.error(
        `the state file ${store.path} cannot be restored (${outcome.reason}); ` +
          (outcome.movedTo !== undefined ? `moved it to ${outcome.movedTo} and ` : '') +
          'starting with empty windows'
      );
    } else logger.info(`no state file at ${store.path} yet; starting with empty windows`);
  }

  const readers: MetricReader[] = [...(options.metricReaders ?? [])];
  const prometheus =
    metricsPort !== undefined ? new PrometheusExporter({ preventServerStart: true }) : undefined;
  if (prometheus !== undefined) readers.push(prometheus);
  const otlpEndpoint =
    options.otlpMetricsEndpoint ?? process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  if (otlpEndpoint !== undefined && otlpEndpoint !== '') {
    const envInterval = Number(process.env.OTEL_METRIC_EXPORT_INTERVAL);
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: otlpEndpoint }),
        exportIntervalMillis:
          options.otlpMetricsIntervalMs ?? (envInterval > 0 ? envInterval : 60_000),
      })
    );
  }
  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': COLLECTOR_SERVICE_NAME }),
    readers,
    // The engine caps each SLO's attribution keys at maxSeries plus one overflow
    // series; the SDK's own limit (2000 by default) must not fold those together again.
    views: [METRIC_SLO_BAD_EVENTS, METRIC_SLO_ELIGIBLE_EVENTS].map(instrumentName => ({
      instrumentName,
      aggregationCardinalityLimit: (maxSeries + 1) * spec.slos.length + 1,
    })),
  });
  const sloMetrics = new SloMetrics({ engine, meterProvider });
  metrics.register(meterProvider);
  let notifier: SloNotifier | undefined;
  try {
    notifier = notifierFor(options, engine, meterProvider, logger);
  } catch (e) {
    sloMetrics.shutdown();
    metrics.shutdown();
    await meterProvider.shutdown().catch(() => undefined);
    throw e;
  }

  let ready = false;
  const ctx: ReceiverContext = {
    engine,
    proto: new ProtoTraceDecoder(engine),
    json: new JsonTraceDecoder(engine),
    budget,
    metrics,
    maxBodyBytes,
    idleTimeoutMs,
    token: options.token,
    logger,
    isReady: () => ready,
    snapshotError: () => store?.lastError ?? '',
  };

  let httpServer: Server | undefined;
  let metricsServer: Server | undefined;
  let grpcServer: GrpcServer | undefined;
  let grpcListener: NetServer | undefined;
  const sweeper = setInterval(() => budget.sweep(idleTimeoutMs), SWEEP_INTERVAL_MS);
  sweeper.unref();
  let boundHttp: number | undefined;
  let boundGrpc: number | undefined;
  let boundMetrics: number | undefined;
  const shutdownServers = async () => {
    await Promise.all([
      httpServer?.listening ? closeServer(httpServer) : undefined,
      grpcListener?.listening
        ? new Promise<void>(resolve => grpcListener!.close(() => resolve()))
        : undefined,
      grpcServer !== undefined
        ? new Promise<void>(resolve => {
            const g = grpcServer!;
            const timer = setTimeout(() => g.forceShutdown(), 2_000);
            g.tryShutdown(() => {
              clearTimeout(timer);
              resolve();
            });
          })
        : undefined,
    ]);
  };
  const shutdownMetrics = async () => {
    await notifier?.shutdown();
    sloMetrics.shutdown();
    metrics.shutdown();
    await meterProvider
      .shutdown()
      .catch(e => logger.warn(`metrics shutdown: ${(e as Error).message}`));
    if (metricsServer?.listening) await closeServer(metricsServer);
  };

  try {
    if (httpPort !== undefined) {
      const receiver = new HttpReceiver(ctx);
      const handle = (req: IncomingMessage, res: ServerResponse) => {
        if (!isRefused(req.socket)) receiver.handle(req, res);
      };
      const serverOptions = {
        // headers must arrive within the idle timeout (checked every second); bodies are
        // timed by the budget's sweep (no progress for idleTimeoutMs); a whole request may
        // take at most two minutes
        headersTimeout: idleTimeoutMs,
        requestTimeout: Math.max(120_000, idleTimeoutMs),
        keepAliveTimeout: idleTimeoutMs,
        connectionsCheckingInterval: Math.min(1_000, idleTimeoutMs),
      };
      httpServer =
        tls !== undefined
          ? createHttpsServer({ ...serverOptions, cert: tls.cert, key: tls.key }, handle)
          : createHttpServer(serverOptions, handle);
      limitConnections(httpServer, {
        max: maxConnections,
        refusal: tls === undefined ? httpRefusal(maxConnections) : undefined,
        onRefused: () => metrics.connectionsRefused.http++,
      });
      boundHttp = await listen(httpServer, host, httpPort, 'OTLP/HTTP');
    }
    if (grpcPort !== undefined) {
      grpcServer = new GrpcServer({
        // grpc-js buffers a message whole, then inflates it, before the handler runs: it
        // reads one only once the read gate has reserved room for it, and never more than
        // maxGrpcMessageBytes, compressed or inflated
        'grpc.max_receive_message_length': maxGrpcMessageBytes,
        'grpc.max_concurrent_streams': GRPC_MAX_CONCURRENT_STREAMS,
        'grpc.max_connection_idle_ms': GRPC_MAX_CONNECTION_IDLE_MS,
        interceptors: [
          grpcReadGate({
            budget,
            maxMessageBytes: maxGrpcMessageBytes,
            onAnswer: code => metrics.countRequest('grpc', code),
          }),
        ],
      });
      grpcServer.addService(TRACE_SERVICE_DEFINITION, new GrpcReceiver(ctx).implementation);
      const creds =
        tls !== undefined
          ? ServerCredentials.createSsl(
              null,
              [{ cert_chain: tls.cert, private_key: tls.key }],
              false
            )
          : ServerCredentials.createInsecure();
      // our own listener, so that connections are capped before grpc-js sees them
      const injector = grpcServer.createConnectionInjector(creds);
      grpcListener = createNetServer(socket => {
        if (!isRefused(socket)) injector.injectConnection(socket);
      });
      limitConnections(grpcListener, {
        max: maxConnections,
        onRefused: () => metrics.connectionsRefused.grpc++,
      });
      boundGrpc = await listen(grpcListener, host, grpcPort, 'OTLP/gRPC');
    }
    if (prometheus !== undefined && metricsPort !== undefined) {
      metricsServer = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
        const path = (req.url ?? '/').split('?')[0];
        if (path === METRICS_PATH && (req.method === 'GET' || req.method === 'HEAD'))
          return prometheus.getMetricsRequestHandler(req, res);
        res.statusCode = path === METRICS_PATH ? 405 : 404;
        res.end(path === METRICS_PATH ? 'use GET\n' : `not found: ${path}\n`);
      });
      boundMetrics = await listen(metricsServer, metricsHost, metricsPort, 'Prometheus metrics');
    }
  } catch (e) {
    clearInterval(sweeper);
    await shutdownServers().catch(() => undefined);
    await shutdownMetrics().catch(() => undefined);
    throw e;
  }

  for (const [what, h] of [
    ['OTLP and API', host],
    ['metrics', metricsHost],
  ] as const) {
    if (!isLoopbackHost(h))
      logger.warn(
        `the ${what} servers listen on ${h}, not only on loopback: make sure only trusted senders reach it${options.token === undefined && what !== 'metrics' ? ' (no bearer token is set)' : ''}`
      );
  }

  let snapshotting: Promise<void> = Promise.resolve();
  const snapshotState = async (): Promise<void> => {
    if (store === undefined) return;
    snapshotting = store.save(engine).then(
      () => {
        metrics.snapshotsOk++;
      },
      e => {
        metrics.snapshotsFailed++;
        logger.error(`cannot write the state file ${store.path}: ${(e as Error).message}`);
      }
    );
    return snapshotting;
  };
  const timer =
    store !== undefined ? setInterval(() => void snapshotState(), snapshotIntervalMs) : undefined;
  timer?.unref();
  // the history takes a reading at every snapshot: one per finest history step at least
  const historyTimer = setInterval(
    () => engine.snapshot(),
    historyReadingIntervalMs(spec.slos.map(s => s.window.durationMs))
  );
  historyTimer.unref();
  // journeys: quiet traces are decided by the engine's clock, spans coming or not
  const journeyTimer =
    engine.journeys !== undefined
      ? setInterval(() => engine.journeys?.sweep(), JOURNEY_SWEEP_INTERVAL_MS)
      : undefined;
  journeyTimer?.unref();

  notifier?.start();
  ready = true;
  logger.info(
    `listening: ${[
      boundHttp !== undefined
        ? `OTLP/HTTP ${tls ? 'https' : 'http'}://${hostPort(host, boundHttp)}/v1/traces`
        : undefined,
      boundGrpc !== undefined ? `OTLP/gRPC ${hostPort(host, boundGrpc)}` : undefined,
      boundMetrics !== undefined
        ? `metrics http://${hostPort(metricsHost, boundMetrics)}${METRICS_PATH}`
        : undefined,
    ]
      .filter(Boolean)
      .join(', ')}; ${spec.slos.length} SLOs` +
      (notifier !== undefined
        ? `; alerts evaluated every ${notifier.evaluationIntervalMs} ms for ${notifier.deliveries.length} receivers`
        : '')
  );

  let closing: Promise<void> | undefined;
  return {
    engine,
    meterProvider,
    host,
    httpPort: boundHttp,
    grpcPort: boundGrpc,
    metricsPort: boundMetrics,
    notifier,
    snapshotState,
    close: () => {
      closing ??= (async () => {
        ready = false;
        if (timer !== undefined) clearInterval(timer);
        clearInterval(historyTimer);
        if (journeyTimer !== undefined) clearInterval(journeyTimer);
        clearInterval(sweeper);
        await shutdownServers();
        // the traces in flight are decided now (decided_early), not lost
        engine.journeys?.flush();
        await snapshotting;
        await snapshotState();
        await shutdownMetrics();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}

/** The alert notifier of the collector's options, or undefined when there is no receiver. */
function notifierFor(
  options: CollectorOptions,
  engine: SloEngine,
  meterProvider: MeterProvider,
  logger: CollectorLogger
): SloNotifier | undefined {
  if ((options.alertmanagers ?? []).length === 0 && (options.webhooks ?? []).length === 0)
    return undefined;
  return new SloNotifier({
    engine,
    alertmanagers: options.alertmanagers,
    webhooks: options.webhooks,
    evaluationIntervalMs: options.alertEvaluationIntervalMs,
    resendIntervalMs: options.alertResendIntervalMs,
    details: options.alertDetails,
    meterProvider,
    logger: { warn: m => logger.warn(`notifications: ${m}`) },
  });
}
