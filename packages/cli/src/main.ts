import { parseArgs } from 'node:util';
import { budgetCommand } from './commands/budget';
import { collectorCommand } from './commands/collector';
import { dashboardCommand, rulesCommand } from './commands/rules';
import { gateCommand, statusCommand } from './commands/status';
import { replayCommand } from './commands/replay';
import { validateCommand } from './commands/validate';
import { processIo, UsageError, type CliIo } from './io';

const USAGE = `Usage: burnrate <command> [options]

Commands:
  budget   --objective 99.9 --window 30d [--json]     error budget of an objective, and the reference table
  validate FILE                                        check a spec; one line per SLO, or every error
  replay   --objective O --window W --input F.csv [--json]
                                                       replay per-minute events (timestamp,total,bad)
  rules    FILE [--format prometheus|prometheus-operator] [-o OUT]
                                                       Prometheus recording and alerting rules
  dashboard FILE [-o OUT]                              Grafana dashboard JSON
  collector --config FILE [--host H] [--http-port P] [--grpc-port P] [--metrics-port P]
            [--state-file F] [--snapshot-interval 10s] [--max-body-size 64MiB] [--token T]
                                                       OTLP trace receiver computing the same numbers
  status   [--url URL | --input FILE] [--json]         current numbers of a running collector
  gate     [--url URL | --input FILE] [--slo NAME]... [--allow review] [--min-remaining 0.25] [--json]
                                                       may a release go out? exit 0 yes, 1 no
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
      case 'rules': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' } },
        });
        return rulesCommand(positionals[0], { format: values.format, out: values.out }, io);
      }
      case 'dashboard': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { out: { type: 'string', short: 'o' } },
        });
        return dashboardCommand(positionals[0], { out: values.out }, io);
      }
      case 'collector': {
        const { values } = parseArgs({
          args: rest,
          options: {
            config: { type: 'string', short: 'c' },
            host: { type: 'string' },
            'http-port': { type: 'string' },
            'grpc-port': { type: 'string' },
            'metrics-port': { type: 'string' },
            'state-file': { type: 'string' },
            'snapshot-interval': { type: 'string' },
            'max-body-size': { type: 'string' },
            token: { type: 'string' },
          },
        });
        return await collectorCommand(
          {
            config: values.config,
            host: values.host,
            httpPort: values['http-port'],
            grpcPort: values['grpc-port'],
            metricsPort: values['metrics-port'],
            stateFile: values['state-file'],
            snapshotInterval: values['snapshot-interval'],
            maxBodySize: values['max-body-size'],
            token: values.token,
          },
          io
        );
      }
      case 'status': {
        const { values } = parseArgs({
          args: rest,
          options: {
            url: { type: 'string' },
            input: { type: 'string', short: 'i' },
            json: { type: 'boolean' },
          },
        });
        return await statusCommand(
          { url: values.url, input: values.input, json: values.json === true },
          io
        );
      }
      case 'gate': {
        const { values } = parseArgs({
          args: rest,
          options: {
            url: { type: 'string' },
            input: { type: 'string', short: 'i' },
            slo: { type: 'string', multiple: true },
            allow: { type: 'string' },
            'min-remaining': { type: 'string' },
            json: { type: 'boolean' },
          },
        });
        return await gateCommand(
          {
            url: values.url,
            input: values.input,
            slos: values.slo ?? [],
            allow: values.allow,
            minRemaining: values['min-remaining'],
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
