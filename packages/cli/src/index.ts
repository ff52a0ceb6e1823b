export { main, usage, version } from './main';
export type { CliIo } from './io';
export { CliError, UsageError, EXIT_OK, EXIT_NO, EXIT_USAGE, toJson, clean } from './io';
export type { CommandDefinition, FlagDefinition, ParsedArgs } from './command';
export { COMMANDS } from './commands';
export { resolveToken, tokenFromFile } from './api-client';
export type { TokenSource } from './api-client';
export { budgetCommand, TABLE_OBJECTIVES, TABLE_WINDOWS_MS } from './commands/budget';
export { validateCommand, describeSlo } from './commands/validate';
export { replayCommand } from './commands/replay';
export { rulesCommand, dashboardCommand } from './commands/rules';
export { collectorCommand, checkStateFile } from './commands/collector';
export { exportCommand, EXPORT_FORMATS } from './commands/export';
export {
  statusCommand,
  gateCommand,
  readSlos,
  burnRates,
  DEFAULT_STATUS_URL,
} from './commands/status';
