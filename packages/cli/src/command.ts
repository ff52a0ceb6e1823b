import { parseArgs } from 'node:util';
import { suggest } from '@burnrate/core';
import { UsageError, type CliIo } from './io';

/** One flag of a command. */
export interface FlagDefinition {
  readonly type: 'string' | 'boolean';
  /** One-letter alias (`-o`). */
  readonly short?: string;
  /** Whether the flag may repeat (`--slo a --slo b`). */
  readonly multiple?: boolean;
  /** Placeholder of the value in help (`FILE`, `30d`). */
  readonly value?: string;
  /** One line of help. */
  readonly help: string;
}

/** Flags and positionals as a command receives them. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** A `burnrate` command: its interface (for parsing and help) and what it runs. */
export interface CommandDefinition {
  readonly name: string;
  /** One line, shown in `burnrate help`. */
  readonly summary: string;
  /** What follows `burnrate NAME` in the usage line. */
  readonly synopsis: string;
  /** Positional argument names (`FILE`); more than this many is a usage error. */
  readonly positionals?: readonly string[];
  readonly flags: Readonly<Record<string, FlagDefinition>>;
  /** Further help: what it does, exit codes, an example. */
  readonly details: string;
  run(args: ParsedArgs, io: CliIo): number | Promise<number>;
}

/** The flags every command takes. */
export const COMMON_FLAGS: Readonly<Record<string, FlagDefinition>> = {
  help: { type: 'boolean', short: 'h', help: 'this help' },
  debug: { type: 'boolean', help: 'print the stack of an error (for bug reports)' },
};

/**
 * Parses a command's arguments. Unknown flags are usage errors with the closest
 * known flag (`--objectve` → did you mean `--objective`?); `--help` wins over
 * every other problem and returns `'help'`.
 */
export function parseCommandArgs(
  command: CommandDefinition,
  args: readonly string[]
): ParsedArgs | 'help' {
  const options = { ...command.flags, ...COMMON_FLAGS };
  const config = Object.fromEntries(
    Object.entries(options).map(([name, f]) => [
      name,
      {
        type: f.type,
        ...(f.short !== undefined ? { short: f.short } : {}),
        ...(f.multiple === true ? { multiple: true } : {}),
      },
    ])
  );
  const loose = parseArgs({
    args: [...args],
    options: config,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (loose.values.help === true) return 'help';
  const longNames = Object.keys(options).map(n => `--${n}`);
  const shortNames = new Set(
    Object.values(options)
      .map(f => f.short)
      .filter(s => s !== undefined)
  );
  for (const t of loose.tokens ?? []) {
    if (t.kind !== 'option') continue;
    if (t.name in options || shortNames.has(t.name)) continue;
    const raw = t.rawName.startsWith('--') ? `--${t.name}` : t.rawName;
    const hint = suggest(raw, longNames);
    throw new UsageError(
      `${command.name}: unknown flag ${raw}${hint ? ` (did you mean ${hint}?)` : ''}; see burnrate ${command.name} --help`
    );
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: config, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(
      `${command.name}: ${(e as Error).message.split('\n')[0]}; see burnrate ${command.name} --help`
    );
  }
  const max = command.positionals?.length ?? 0;
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals[max];
    const hint = extra.startsWith('-') ? '' : suggestFlagFor(extra, longNames);
    throw new UsageError(
      `${command.name}: unexpected argument ${JSON.stringify(extra)}${hint}; see burnrate ${command.name} --help`
    );
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** `status json` → ` (did you mean --json?)`. */
function suggestFlagFor(word: string, longNames: readonly string[]): string {
  const hint = suggest(`--${word}`, longNames);
  return hint ? ` (did you mean ${hint}?)` : '';
}

/** The help text of one command. */
export function commandHelp(command: CommandDefinition): string {
  const rows = Object.entries({ ...command.flags, ...COMMON_FLAGS }).map(([name, f]) => [
    `${f.short ? `-${f.short}, ` : '    '}--${name}${f.value ? ` ${f.value}` : ''}`,
    f.help,
  ]);
  const width = Math.max(...rows.map(r => r[0].length));
  return [
    `Usage: burnrate ${command.name}${command.synopsis ? ` ${command.synopsis}` : ''}`,
    '',
    command.summary,
    '',
    'Options:',
    ...rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`),
    '',
    command.details.trimEnd(),
    '',
  ].join('\n');
}
