import { parseArgs } from 'node:util';
import { budgetCommand } from './commands/budget';
import { replayCommand } from './commands/replay';
import { validateCommand } from './commands/validate';
import { processIo, UsageError, type CliIo } from './io';

const USAGE = `Usage: burnrate <command> [options]

Commands:
  budget   --objective 99.9 --window 30d [--json]     error budget of an objective, and the reference table
  validate FILE                                        check a spec; one line per SLO, or every error
  replay   --objective O --window W --input F.csv [--json]
                                                       replay per-minute events (timestamp,total,bad)
  help                                                 this text
`;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'budget': {
        const { values } = parseArgs({
          args: rest,
          options: {
            objective: { type: 'string', short: 'o' },
            window: { type: 'string', short: 'w' },
            json: { type: 'boolean' },
          },
        });
        return budgetCommand(
          { objective: values.objective, window: values.window, json: values.json === true },
          io
        );
      }
      case 'validate': {
        const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
        return validateCommand(positionals[0], io);
      }
      case 'replay': {
        const { values } = parseArgs({
          args: rest,
          options: {
            objective: { type: 'string', short: 'o' },
            window: { type: 'string', short: 'w' },
            input: { type: 'string', short: 'i' },
            json: { type: 'boolean' },
          },
        });
        return replayCommand(
          {
            objective: values.objective,
            window: values.window,
            input: values.input,
            json: values.json === true,
          },
          io
        );
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`burnrate: ${(e as Error).message}\n`);
      if (e instanceof UsageError === false) io.err(`\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}
