export { readRegisterConfig, startBurnrate } from './start';
export type { RegisterConfig, BurnrateHandle } from './start';
export { statusPageFromEnv } from './status-from-env';
export type { StatusPageSettings } from './status-from-env';
export { VERSION } from './version';
