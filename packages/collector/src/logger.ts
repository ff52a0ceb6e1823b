import type { CollectorLogger } from './types';

/** The default logger: one line per message on stderr, with time and level. */
export const stderrLogger: CollectorLogger = {
  info: m => process.stderr.write(`${new Date().toISOString()} info  burnrate collector: ${m}\n`),
  warn: m => process.stderr.write(`${new Date().toISOString()} warn  burnrate collector: ${m}\n`),
  error: m => process.stderr.write(`${new Date().toISOString()} error burnrate collector: ${m}\n`),
};

/** A logger that drops everything. */
export const silentLogger: CollectorLogger = { info: () => {}, warn: () => {}, error: () => {} };
