import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suggest, SpecError } from '@burnrate/core';
import { commandHelp, parseCommandArgs, type CommandDefinition } from './command';
import { COMMANDS } from './commands';
import { CliError, EXIT_NO, EXIT_OK, EXIT_USAGE, processIo, UsageError, type CliIo } from './io';

/** The version of this package (`burnrate --version`). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  return String(pkg.version);
}

/** The text of `burnrate help`. */
export function usage(commands: readonly CommandDefinition[] = COMMANDS): string {
  const width = Math.max(...commands.map(c => c.name.length));
  return [
    'Usage: burnrate <command> [options]',
    '',
    'Commands:',
    ...commands.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  this text; help COMMAND for one command`,
    '',
    'Every command takes --help, and --debug (stack traces of errors, for bug reports).',
    '  burnrate --version    the version',
    '',
    'Exit codes: 0 done (the answer is yes); 1 the answer is no, the spec is invalid,',
    'or the command could not do its job (the message says why); 2 the command line is wrong.',
    '',
  ].join('\n');
}

function findCommand(name: string): CommandDefinition {
  const command = COMMANDS.find(c => c.name === name);
  if (command) return command;
  const hint = suggest(name, [...COMMANDS.map(c => c.name), 'help']);
  throw new UsageError(
    `unknown command ${JSON.stringify(name)}${hint ? ` (did you mean ${hint}?)` : ''}; see burnrate help`
  );
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let first = 0;
  while (argv[first] === '--debug') first++; // `burnrate --debug status` as well as `status --debug`
  const [name, ...rest] = argv.slice(first);
  if (name === undefined) {
    io.err(usage());
    return EXIT_USAGE;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(`${version()}\n`);
    return EXIT_OK;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    if (rest[0] === undefined) io.out(usage());
    else io.out(commandHelp(findCommand(rest[0])));
    return EXIT_OK;
  }
  if (name.startsWith('-')) {
    const hint = suggest(name, ['--version', '--help']);
    throw new UsageError(
      `unknown option ${name}${hint ? ` (did you mean ${hint}?)` : ''}; the command comes first: burnrate <command> [options]`
    );
  }
  const command = findCommand(name);
  const args = parseCommandArgs(command, rest);
  if (args === 'help') {
    io.out(commandHelp(command));
    return EXIT_OK;
  }
  return await command.run(args, io);
}

/**
 * Runs the CLI with `argv` (without node and script); resolves to the exit code
 * (0 done, 1 no / invalid / failed, 2 usage). Errors are one line on stderr;
 * `--debug` adds the stack.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const end = argv.indexOf('--');
  const head = end === -1 ? argv : argv.slice(0, end);
  const debug = head.includes('--debug');
  try {
    return await run(argv, io);
  } catch (e) {
    const err = e as Error;
    if (debug && err?.stack) io.err(`${err.stack}\n`);
    if (e instanceof UsageError) {
      io.err(`burnrate: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof SpecError) {
      io.err(`${err.message}\n`);
      return EXIT_NO;
    }
    const message = String(err?.message ?? err).split('\n')[0];
    if (e instanceof CliError) io.err(`burnrate: ${message}\n`);
    else io.err(`burnrate: ${message}${debug ? '' : ' (run with --debug for details)'}\n`);
    return EXIT_NO;
  }
}
