import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SloSpec } from '@burnrate/core';
import { generateDashboard, generateRules } from '@burnrate/rules';
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

/** `burnrate rules FILE [--format prometheus|prometheus-operator] [-o OUT]`. */
export function rulesCommand(
  file: string | undefined,
  options: { format?: string; out?: string },
  io: CliIo
): number {
  const format = options.format ?? 'prometheus';
  if (format !== 'prometheus' && format !== 'prometheus-operator') {
    throw new UsageError(
      `--format must be prometheus or prometheus-operator, got ${JSON.stringify(format)}`
    );
  }
  const spec = specOrErrors(file, 'rules', io);
  if (typeof spec === 'number') return spec;
  emit(generateRules(spec, { format }), options.out, io, `${format} rules`);
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
