export { main } from './main';
export type { CliIo } from './io';
export { budgetCommand, TABLE_OBJECTIVES, TABLE_WINDOWS_MS } from './commands/budget';
export { validateCommand, describeSlo } from './commands/validate';
export { replayCommand } from './commands/replay';
export { rulesCommand, dashboardCommand } from './commands/rules';
export { collectorCommand } from './commands/collector';
export { statusCommand, gateCommand, readSlos, DEFAULT_STATUS_URL } from './commands/status';
