import { writeFileSync } from 'node:fs';
import { loadSpec, SpecError, type SloSpec } from '@burnrate/core';
import { generateDashboard, generateRules } from '@burnrate/rules';
import { UsageError, type CliIo } from '../io';

/** Loads a spec for a generator command: spec errors go to stderr and give exit 1. */
function specOrErrors(file: string | undefined, command: string, io: CliIo): SloSpec | number {
  if (!file)
    throw new UsageError(`${command} needs a spec file: burnrate ${command} burnrate.yaml`);
  try {
    return loadSpec(file);
  } catch (e) {
    if (e instanceof SpecError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function emit(text: string, out: string | undefined, io: CliIo, what: string): void {
  if (out === undefined || out === '-') io.out(text.endsWith('\n') ? text : `${text}\n`);
  else {
    writeFileSync(out, text.endsWith('\n') ? text : `${text}\n`);
    io.err(`wrote ${what} to ${out}\n`);
  }
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
