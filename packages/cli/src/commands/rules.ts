import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatDuration, parseDuration, type SloSpec } from '@burnrate/core';
import {
  DEFAULT_SCRAPE_INTERVAL_MS,
  generateDashboard,
  generateRules,
  scrapeIntervalWarnings,
} from '@burnrate/rules';
import { CliError, UsageError, type CliIo } from '../io';
import { loadSpecFile } from '../spec-file';

/** Loads a spec for a generator command: spec errors go to stderr and give exit 1. */
function specOrErrors(file: string | undefined, command: string, io: CliIo): SloSpec | number {
  if (!file)
    throw new UsageError(`${command} needs a spec file: burnrate ${command} burnrate.yaml`);
  return loadSpecFile(file, io);
}

/** Writes `text` to stdout (`-o -` or none) or to a file; a file that cannot be written is a one-line error. */
export function emit(text: string, out: string | undefined, io: CliIo, what: string): void {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (out === undefined || out === '-') {
    io.out(body);
    return;
  }
  try {
    writeFileSync(out, body);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `no such directory ${dirname(out)}`
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (code ?? (e as Error).message);
    throw new CliError(`cannot write ${out}: ${why}`);
  }
  io.err(`wrote ${what} to ${out}\n`);
}

/** Parses a duration flag (`--scrape-interval 15s`), or refuses it naming the flag. */
export function durationFlag(flag: string, text: string | undefined, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new UsageError(
      `--${flag} must be a duration such as 15s, 30s or 1m, got ${JSON.stringify(text)}`
    );
  return ms;
}

/** Writes {@link scrapeIntervalWarnings} to stderr, one `warning:` line each. */
export function warnScrapeInterval(spec: SloSpec, scrapeIntervalMs: number, io: CliIo): void {
  for (const w of scrapeIntervalWarnings(spec, scrapeIntervalMs)) io.err(`warning: ${w}\n`);
}

/** Options of `burnrate rules`. */
export interface RulesCommandOptions {
  format?: string;
  out?: string;
  /** Evaluation interval of the generated groups (`30s`); default Prometheus's global one. */
  interval?: string;
  /** Prometheus's scrape interval, for the short-window warnings; default 1m. */
  scrapeInterval?: string;
}

/**
 * `burnrate rules FILE [--format prometheus|prometheus-operator] [--interval DUR]
 * [--scrape-interval DUR] [-o OUT]`: the rules, and a warning on stderr for every
 * window under four scrape intervals.
 */
export function rulesCommand(
  file: string | undefined,
  options: RulesCommandOptions,
  io: CliIo
): number {
  const format = options.format ?? 'prometheus';
  if (format !== 'prometheus' && format !== 'prometheus-operator') {
    throw new UsageError(
      `--format must be prometheus or prometheus-operator, got ${JSON.stringify(format)}`
    );
  }
  const scrapeMs = durationFlag(
    'scrape-interval',
    options.scrapeInterval,
    DEFAULT_SCRAPE_INTERVAL_MS
  );
  const interval =
    options.interval === undefined
      ? undefined
      : formatDuration(durationFlag('interval', options.interval, 0));
  const spec = specOrErrors(file, 'rules', io);
  if (typeof spec === 'number') return spec;
  emit(generateRules(spec, { format, interval }), options.out, io, `${format} rules`);
  warnScrapeInterval(spec, scrapeMs, io);
  return 0;
}

/** `burnrate dashboard FILE [-o OUT]`. */
export function dashboardCommand(
  file: string | undefined,
  options: { out?: string },
  io: CliIo
): number {
  const spec = specOrErrors(file, 'dashboard', io);
  if (typeof spec === 'number') return spec;
  emit(JSON.stringify(generateDashboard(spec), null, 2), options.out, io, 'the Grafana dashboard');
  return 0;
}
