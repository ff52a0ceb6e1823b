export { readRegisterConfig, startBurnrate } from './start';
export type { RegisterConfig, BurnrateHandle } from './start';
export { VERSION } from './version';
