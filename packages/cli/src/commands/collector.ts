import { dirname } from 'node:path';
import { loadSpec, parseBytes, parseDuration, SpecError } from '@burnrate/core';
import {
  collectorOptionsFrom,
  startCollector,
  stderrLogger,
  type CollectorFlags,
} from '@burnrate/collector';
import { UsageError, type CliIo } from '../io';

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
}

function port(flag: string, value: string | undefined): number | false | undefined {
  if (value === undefined) return undefined;
  if (value === 'off' || value === 'none') return false;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--${flag} must be a port 0-65535 or "off", got ${JSON.stringify(value)}`);
  return n;
}

/**
 * `burnrate collector --config burnrate.yaml [...]`: runs the OTLP receiver until
 * SIGTERM or SIGINT, then snapshots state and exits 0. A bad spec prints every
 * error and exits 1 before anything listens.
 */
export async function collectorCommand(
  options: CollectorCommandOptions,
  io: CliIo
): Promise<number> {
  const file = options.config ?? 'burnrate.yaml';
  let spec;
  try {
    spec = loadSpec(file);
  } catch (e) {
    if (e instanceof SpecError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const flags: CollectorFlags = {
    host: options.host,
    httpPort: port('http-port', options.httpPort),
    grpcPort: port('grpc-port', options.grpcPort),
    metricsPort: port('metrics-port', options.metricsPort),
    stateFile: options.stateFile,
    token: options.token ?? process.env.BURNRATE_TOKEN,
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
  const collector = await startCollector({
    ...collectorOptionsFrom(spec, flags, dirname(file)),
    logger: stderrLogger,
  });
  await new Promise<void>(resolve => {
    const stop = (signal: string) => {
      io.err(`burnrate collector: ${signal}, saving state and stopping\n`);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve();
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  await collector.close();
  return 0;
}
