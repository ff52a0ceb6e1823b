import { humanizeDuration, parseReplayCsv, replay, SCALE_BELOW_MS } from '@burnrate/core';
import { CliError, percent, table, toJson, UsageError, type CliIo } from '../io';
import { readInput } from '../spec-file';
import { parseObjective, parseWindow } from './budget';

/** Options of `burnrate replay`. */
export interface ReplayCommandOptions {
  objective: string | undefined;
  window: string | undefined;
  input: string | undefined;
  json: boolean;
}

const PROGRESS_MIN_ROWS = 5000;

/**
 * `burnrate replay --objective O --window W --input FILE.csv [--json]`: replays
 * per-minute events exactly (prefix sums, alert windows in whole minutes) and
 * reports the budget of the file's last window, its exhaustion, and the alerts.
 */
export function replayCommand(options: ReplayCommandOptions, io: CliIo): number {
  const objective = parseObjective(options.objective);
  const windowMs = parseWindow(options.window);
  if (!options.input)
    throw new UsageError('replay needs --input FILE.csv (header timestamp,total,bad)');
  const text = readInput(options.input, 'CSV file');
  let rows;
  try {
    rows = parseReplayCsv(text);
  } catch (e) {
    throw new CliError(`${options.input}: ${(e as Error).message}`);
  }
  const showProgress = io.errIsTty && rows.length >= PROGRESS_MIN_ROWS;
  let result;
  try {
    result = replay(rows, {
      objective,
      windowMs,
      progressEvery: 2000,
      onProgress: showProgress
        ? (done, total) => {
            const width = 30;
            const filled = Math.round((done / total) * width);
            io.err(
              `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} minutes`
            );
          }
        : undefined,
    });
  } catch (e) {
    throw new CliError(`${options.input}: ${(e as Error).message}`);
  }
  if (showProgress) io.err('\r\x1b[K');
  if (options.json) {
    io.out(toJson(result));
    return 0;
  }
  const period = result.budgetPeriod;
  const span =
    period === null
      ? 'no rows'
      : period.wholeFile
        ? `the whole file, ${period.start} .. ${period.end}, ${humanizeDuration(period.minutes * 60_000)} of the ${result.window} window`
        : `the last ${result.window} of the file, ${period.start} .. ${period.end}`;
  const lines = [
    `Replay of ${result.rows} minutes (${result.start ?? '-'} .. ${result.end ?? '-'}) at ${objective} % over ${result.window}`,
    `  events:     ${result.total} total, ${result.bad} bad, SLI ${percent(result.sli, 6)} (whole file)`,
    `  budget:     over ${span}`,
    `              ${Number(result.budget.toPrecision(10))} bad events allowed, ${period?.bad ?? 0} bad, remaining ${percent(result.remainingRatio)}`,
    `  exhausted:  ${result.exhaustedAt ?? 'never'}`,
    `  tiers:      ${result.tiers.map(t => `${t.severity} ${Number(t.burnRate.toFixed(3))}x ${t.long}/${t.short}`).join(', ')}`,
  ];
  const rounded = result.tiers.filter(t => t.exact !== undefined);
  if (rounded.length === 0 && windowMs < SCALE_BELOW_MS) {
    lines.push(
      `              alert windows scaled by ${result.window}/28d and rounded to whole minutes (at least 1m); thresholds as at 28d`
    );
  } else if (rounded.length > 0) {
    lines.push(
      `              alert windows rounded to whole minutes (rows are per minute): ${rounded
        .map(t => `${t.exact!.long}/${t.exact!.short} -> ${t.long}/${t.short}`)
        .join(', ')}`
    );
  }
  if (result.alerts.length === 0) lines.push('  alerts:     none');
  else {
    lines.push('  alerts:');
    const rowsOut = result.alerts.map(a => [
      a.severity,
      a.start,
      a.end,
      humanizeDuration(Date.parse(a.end) - Date.parse(a.start) + 60_000),
    ]);
    lines.push(
      table([['severity', 'start', 'end', 'for'], ...rowsOut])
        .split('\n')
        .map(l => `    ${l}`)
        .join('\n')
    );
  }
  io.out(`${lines.join('\n')}\n`);
  return 0;
}
