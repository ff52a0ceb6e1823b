export { main } from './main';
export type { CliIo } from './io';
export { budgetCommand, TABLE_OBJECTIVES, TABLE_WINDOWS_MS } from './commands/budget';
export { validateCommand, describeSlo } from './commands/validate';
export { replayCommand } from './commands/replay';
