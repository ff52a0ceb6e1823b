import {
  DAY_MS,
  errorBudgetFraction,
  formatDuration,
  humanizeDuration,
  parseDuration,
  timeBudgetMs,
} from '@burnrate/core';
import { percent, table, toJson, UsageError, type CliIo } from '../io';

/** Objectives of the reference table. */
export const TABLE_OBJECTIVES: readonly number[] = [90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999];
/** Windows of the reference table. */
export const TABLE_WINDOWS_MS: readonly number[] = [7, 28, 30, 365].map(d => d * DAY_MS);

/** Options of `burnrate budget`. */
export interface BudgetOptions {
  objective: string | undefined;
  window: string | undefined;
  json: boolean;
}

/** Parses an objective in percent, strictly between 0 and 100. */
export function parseObjective(text: string | undefined): number {
  const o = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(o) || o <= 0 || o >= 100) {
    throw new UsageError(
      `--objective must be a percent between 0 and 100 exclusive, got ${JSON.stringify(text ?? '')}`
    );
  }
  return o;
}

/** Parses a window duration (`30d`). */
export function parseWindow(text: string | undefined): number {
  const ms = text === undefined ? undefined : parseDuration(text);
  if (ms === undefined)
    throw new UsageError(
      `--window must be a duration such as 28d, 30d or 4w, got ${JSON.stringify(text ?? '')}`
    );
  return ms;
}

/**
 * `burnrate budget --objective 99.9 --window 30d [--json]`: the allowed bad-event
 * fraction and the time-based budget, then the reference table.
 */
export function budgetCommand(options: BudgetOptions, io: CliIo): number {
  const objective = parseObjective(options.objective ?? '99.9');
  const windowMs = parseWindow(options.window ?? '30d');
  const target = objective / 100;
  const fraction = errorBudgetFraction(target);
  const budgetMs = timeBudgetMs(target, windowMs);
  const rows = TABLE_OBJECTIVES.map(o => ({
    objective: o,
    errorBudgetFraction: errorBudgetFraction(o / 100),
    budgets: Object.fromEntries(
      TABLE_WINDOWS_MS.map(w => [formatDuration(w), timeBudgetMs(o / 100, w)])
    ),
  }));
  if (options.json) {
    io.out(
      toJson({
        objective,
        window: formatDuration(windowMs),
        windowMs,
        errorBudgetFraction: fraction,
        timeBudgetMs: budgetMs,
        timeBudgetMinutes: budgetMs / 60_000,
        timeBudget: humanizeDuration(budgetMs),
        table: rows.map(r => ({ ...r, budgetsMs: r.budgets, budgets: undefined })),
      })
    );
    return 0;
  }
  const oneIn = fraction > 0 ? Math.round(1 / fraction) : Infinity;
  io.out(
    [
      `Objective ${objective} % over ${formatDuration(windowMs)}`,
      `  allowed bad events: ${percent(fraction)} of eligible events (1 in ${oneIn.toLocaleString('en-US')})`,
      `  time-based budget:  ${humanizeDuration(budgetMs)} (${Number((budgetMs / 1000).toPrecision(10))} s) of bad time per ${formatDuration(windowMs)}`,
      '',
      table(
        [
          ['objective', 'bad events', ...TABLE_WINDOWS_MS.map(formatDuration)],
          ...rows.map(r => [
            `${r.objective} %`,
            percent(r.errorBudgetFraction),
            ...TABLE_WINDOWS_MS.map(w => humanizeDuration(r.budgets[formatDuration(w)])),
          ]),
        ],
        [true, true, true, true, true, true]
      ),
      '',
    ].join('\n')
  );
  return 0;
}
