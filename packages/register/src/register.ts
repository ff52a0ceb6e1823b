/**
 * `node --import @burnrate/register app.js` (or `--require`): starts the
 * OpenTelemetry SDK with burnrate's span processor before the app runs, with no
 * change to the app. Configured by environment variables (see
 * {@link readRegisterConfig}): `BURNRATE_CONFIG`, `OTEL_METRICS_EXPORTER`,
 * `OTEL_EXPORTER_PROMETHEUS_HOST`/`_PORT`, `OTEL_METRIC_EXPORT_INTERVAL`/`_TIMEOUT`,
 * `OTEL_TRACES_EXPORTER`, the OTLP protocol variables, `OTEL_SERVICE_NAME`; the
 * OTLP exporters read their own `OTEL_EXPORTER_OTLP_*` endpoints. A spec that does not validate stops the app here, with
 * every problem on stderr and exit code 1. On SIGTERM and SIGINT the SDK is
 * flushed and shut down; when nothing else listens for the signal the process
 * then ends by it.
 */
import { createRequire, register as registerLoaderHooks } from 'node:module';
import { pathToFileURL } from 'node:url';
import { readRegisterConfig, startBurnrate, type BurnrateHandle } from './start';

const LOADED = Symbol.for('@burnrate/register');

function fail(message: string): never {
  process.stderr.write(`burnrate: ${message}\n`);
  process.exit(1);
}

/**
 * Lets the instrumentations patch ES modules too (`import { createServer } from
 * 'node:http'`): registers OpenTelemetry's import-in-the-middle loader hook.
 * Only under `--import`: CommonJS apps are patched through `require`, and
 * with `--require` the hook would get in the way of that.
 */
function registerEsmHook(): void {
  try {
    const instrumentationRequire = createRequire(
      require.resolve('@opentelemetry/instrumentation-http')
    );
    const hook = instrumentationRequire.resolve('@opentelemetry/instrumentation/hook.mjs');
    registerLoaderHooks(pathToFileURL(hook).href, pathToFileURL(__filename).href);
  } catch (e) {
    process.stderr.write(
      `burnrate: ES module instrumentation unavailable (${(e as Error).message})\n`
    );
  }
}

function register(): void {
  const g = globalThis as { [LOADED]?: boolean };
  if (g[LOADED]) return;
  g[LOADED] = true;
  let handle: BurnrateHandle;
  try {
    handle = startBurnrate(readRegisterConfig());
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  // one line at startup, so that a wrong spec path, port or service shows at once
  const level = (process.env.OTEL_LOG_LEVEL ?? '').trim().toLowerCase();
  if (level !== 'none' && level !== 'error') process.stderr.write(`burnrate: ${handle.summary}\n`);
  // Loaded by `--import` (no CommonJS parent): the app may be an ES module.
  if (module.parent === undefined || module.parent === null) registerEsmHook();
  const onSignal = (signal: NodeJS.Signals): void => {
    void handle.shutdown().then(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, onSignal);
}

register();
