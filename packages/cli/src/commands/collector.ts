import { accessSync, closeSync, constants, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseBytes, parseDuration } from '@burnrate/core';
import { parseHeaders, type WebhookFormat } from '@burnrate/notify';
import {
  collectorOptionsFrom,
  startCollector,
  stderrLogger,
  type CollectorFlags,
} from '@burnrate/collector';
import { resolveToken } from '../api-client';
import { CliError, EXIT_OK, UsageError, type CliIo } from '../io';
import { loadSpecFile } from '../spec-file';

/** Raw flags of `burnrate collector`. */
export interface CollectorCommandOptions {
  config?: string;
  host?: string;
  httpPort?: string;
  grpcPort?: string;
  metricsPort?: string;
  stateFile?: string;
  snapshotInterval?: string;
  maxBodySize?: string;
  token?: string;
  tokenFile?: string;
  alertmanagerUrls?: string[];
  alertmanagerHeaders?: string[];
  alertmanagerToken?: string;
  webhookUrls?: string[];
  webhookFormat?: string;
  webhookHeaders?: string[];
  webhookToken?: string;
  alertEvaluationInterval?: string;
}

/** How often the collector checks that the process that started it is still there. */
export const PARENT_CHECK_MS = 1000;

function port(flag: string, value: string | undefined): number | false | undefined {
  if (value === undefined) return undefined;
  if (value === 'off' || value === 'none') return false;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--${flag} must be a port 0-65535 or "off", got ${JSON.stringify(value)}`);
  return n;
}

/**
 * Refuses a state file the collector could never write: its folder must exist
 * and take a new file (probed), and the file itself, when present, must be a
 * readable and writable file.
 */
export function checkStateFile(file: string): void {
  const dir = dirname(file);
  const fix = 'create it, or choose another --state-file / collector.stateFile';
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new CliError(`state file ${file}: folder ${dir} does not exist (${fix})`);
  }
  if (!st.isDirectory()) throw new CliError(`state file ${file}: ${dir} is not a folder (${fix})`);
  // a probe file rather than access(): also right for root and read-only mounts
  const probe = join(dir, `.burnrate-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch {
    throw new CliError(`state file ${file}: folder ${dir} is not writable (${fix})`);
  }
  try {
    const f = statSync(file);
    if (!f.isFile()) throw new CliError(`state file ${file}: is not a file (${fix})`);
    accessSync(file, constants.W_OK | constants.R_OK);
  } catch (e) {
    if (e instanceof CliError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new CliError(`state file ${file}: cannot be read and written (${fix})`);
  }
}

const PORT_FLAGS: Record<string, string> = {
  'OTLP/HTTP': '--http-port (collector.httpPort)',
  'OTLP/gRPC': '--grpc-port (collector.grpcPort)',
  'Prometheus metrics': '--metrics-port (collector.metricsPort)',
};

/** A listen failure as one line that names the flag to change. */
function listenError(e: Error): CliError {
  const m = /^cannot listen for (.+?) on (\S+): (.*)$/.exec(e.message);
  if (!m) return new CliError(e.message.split('\n')[0]);
  const why = /EADDRINUSE/.test(m[3])
    ? 'the port is in use'
    : /EACCES/.test(m[3])
      ? 'permission denied'
      : /EADDRNOTAVAIL/.test(m[3])
        ? 'no such address on this machine'
        : m[3];
  const flag = PORT_FLAGS[m[1]];
  return new CliError(
    `cannot listen for ${m[1]} on ${m[2]}: ${why}${flag ? `; set another port with ${flag}, or off` : ''}`
  );
}

/**
 * `burnrate collector --config burnrate.yaml [...]`: runs the OTLP receiver until
 * SIGTERM or SIGINT (or until the process that started it exits, as `npx` and
 * `npm exec` do on SIGTERM without passing it on), then snapshots state and
 * exits 0. A bad spec prints every error and exits 1 before anything listens; a
 * state folder that does not exist or is not writable, or a port in use, is a
 * one-line error and exit 1.
 */
export async function collectorCommand(
  options: CollectorCommandOptions,
  io: CliIo
): Promise<number> {
  const file = options.config ?? 'burnrate.yaml';
  const flags: CollectorFlags = {
    host: options.host,
    httpPort: port('http-port', options.httpPort),
    grpcPort: port('grpc-port', options.grpcPort),
    metricsPort: port('metrics-port', options.metricsPort),
    stateFile: options.stateFile,
    token: resolveToken({ token: options.token, tokenFile: options.tokenFile }),
  };
  if (options.snapshotInterval !== undefined) {
    const ms = parseDuration(options.snapshotInterval);
    if (ms === undefined)
      throw new UsageError(
        `--snapshot-interval must be a duration such as 10s, got ${JSON.stringify(options.snapshotInterval)}`
      );
    flags.snapshotIntervalMs = ms;
  }
  if (options.maxBodySize !== undefined) {
    const bytes = parseBytes(options.maxBodySize);
    if (bytes === undefined)
      throw new UsageError(
        `--max-body-size must be a size such as 64MiB, got ${JSON.stringify(options.maxBodySize)}`
      );
    flags.maxBodyBytes = bytes;
  }
  Object.assign(flags, notificationFlags(options));
  const spec = loadSpecFile(file, io);
  if (typeof spec === 'number') return spec;
  const collectorOptions = collectorOptionsFrom(spec, flags, dirname(file));
  if (collectorOptions.stateFile !== undefined) checkStateFile(collectorOptions.stateFile);
  let collector;
  try {
    collector = await startCollector({ ...collectorOptions, logger: stderrLogger });
  } catch (e) {
    throw listenError(e as Error);
  }
  await new Promise<void>(resolve => {
    const parent = process.ppid;
    const stop = (why: string) => {
      io.err(`burnrate collector: ${why}, saving state and stopping\n`);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      clearInterval(watch);
      resolve();
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    // npx/npm exec forward SIGTERM to the shell they start, which exits without
    // passing it on: the collector would be left running, re-parented.
    const watch = setInterval(() => {
      if (process.ppid !== parent) stop(`the process that started it (${parent}) exited`);
    }, PARENT_CHECK_MS);
  });
  await collector.close();
  return EXIT_OK;
}

/** `--NAME 'Name: value'` flags (or `name=value,…`) as one header object. */
function headerFlags(
  flag: string,
  values: string[] | undefined
): Record<string, string> | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const v of values) {
    const h = parseHeaders(v);
    if (h === undefined)
      throw new UsageError(
        `--${flag} must be 'Name: value' or name=value, got ${JSON.stringify(v)}`
      );
    Object.assign(out, h);
  }
  return out;
}

/** The notification flags as collector options; URLs are checked by the collector. */
export function notificationFlags(options: CollectorCommandOptions): CollectorFlags {
  const flags: CollectorFlags = {};
  const format = options.webhookFormat;
  if (format !== undefined && format !== 'json' && format !== 'slack')
    throw new UsageError(`--webhook-format must be json or slack, got ${JSON.stringify(format)}`);
  const receivers = (
    urls: string[] | undefined,
    headers: Record<string, string> | undefined,
    token: string | undefined,
    extra: { format?: WebhookFormat } = {}
  ) =>
    urls === undefined || urls.length === 0
      ? undefined
      : urls.map(url => ({
          url,
          ...(headers !== undefined ? { headers } : {}),
          ...(token !== undefined ? { token } : {}),
          ...extra,
        }));
  const ams = receivers(
    options.alertmanagerUrls,
    headerFlags('alertmanager-header', options.alertmanagerHeaders),
    options.alertmanagerToken
  );
  if (ams !== undefined) flags.alertmanagers = ams;
  const hooks = receivers(
    options.webhookUrls,
    headerFlags('webhook-header', options.webhookHeaders),
    options.webhookToken,
    format !== undefined ? { format } : {}
  );
  if (hooks !== undefined) flags.webhooks = hooks;
  if (options.alertEvaluationInterval !== undefined) {
    const ms = parseDuration(options.alertEvaluationInterval);
    if (ms === undefined)
      throw new UsageError(
        `--alert-evaluation-interval must be a duration such as 10s, got ${JSON.stringify(options.alertEvaluationInterval)}`
      );
    flags.alertEvaluationIntervalMs = ms;
  }
  return flags;
}
