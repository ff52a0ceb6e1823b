import { NodeSDK } from '@opentelemetry/sdk-node';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { SloSpanProcessor } from '@burnrate/otel';
import { startStatusServer, type RunningStatusServer } from '@burnrate/status';
import { metricReaders, startPrometheus, traceProcessors } from './exporters';
import { appRequire, registerInstrumentations } from './instrumentations';
import type { RegisterConfig } from './register-config';

export { readRegisterConfig } from './register-config';
export type { RegisterConfig } from './register-config';

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
