import {
  CorrectionSchedule,
  humanizeDuration,
  parseReplayCsv,
  replay,
  resolveMinEvents,
  SCALE_BELOW_MS,
  type ReplayOptions,
  type SloDefinition,
  type SloSpec,
} from '@burnrate/core';
import { CliError, percent, table, toJson, UsageError, type CliIo } from '../io';
import { loadSpecFile, readInput } from '../spec-file';
import { parseObjective, parseWindow } from './budget';

/** Options of `burnrate replay`. */
export interface ReplayCommandOptions {
  objective: string | undefined;
  window: string | undefined;
  input: string | undefined;
  /** A spec: replay with one SLO's objective, window, tiers, minEvents and corrections. */
  spec?: string | undefined;
  /** Which SLO of `spec` (default: its only SLO). */
  slo?: string | undefined;
  json: boolean;
}

/** The SLO `name` of `spec` (its only SLO when no name is given). */
export function pickSlo(spec: SloSpec, name: string | undefined, file: string): SloDefinition {
  const names = spec.slos.map(s => s.name);
  if (name === undefined) {
    if (spec.slos.length === 1) return spec.slos[0];
    throw new UsageError(
      `${file} has ${spec.slos.length} SLOs; choose one with --slo NAME (${names.join(', ')})`
    );
  }
  const def = spec.slos.find(s => s.name === name);
  if (def === undefined)
    throw new CliError(
      `${file} has no SLO named ${JSON.stringify(name)}; it has ${names.join(', ')}`
    );
  return def;
}

/**
 * The replay settings of one SLO of a spec: its objective, window (nominal for
 * a calendar window), tiers, minEvents and corrections. A timeslices SLO is
 * refused: replay counts events.
 */
export function sloReplayOptions(
  spec: SloSpec,
  def: SloDefinition
): Pick<ReplayOptions, 'objective' | 'windowMs' | 'tiers' | 'minEvents' | 'corrections'> {
  if (def.budgeting.method !== 'occurrences')
    throw new CliError(
      `SLO ${def.name} counts its budget in time slices; replay counts events (burnrate report --input replays it through the engine)`
    );
  return {
    objective: Number((def.target * 100).toPrecision(15)),
    windowMs: def.window.durationMs,
    tiers: def.alerting.tiers,
    minEvents: resolveMinEvents(def),
    corrections: CorrectionSchedule.forSlo(spec.corrections, def.name),
  };
}

const PROGRESS_MIN_ROWS = 5000;

/**
 * `burnrate replay (--objective O --window W | --spec FILE [--slo NAME]) --input
 * FILE.csv [--json]`: replays per-minute events exactly (prefix sums, alert
 * windows in whole minutes) and reports the budget of the file's last window,
 * its exhaustion, and the alerts. With `--spec`, the SLO's own objective,
 * window, tiers, minEvents and corrections.
 */
export function replayCommand(options: ReplayCommandOptions, io: CliIo): number {
  let settings: Pick<
    ReplayOptions,
    'objective' | 'windowMs' | 'tiers' | 'minEvents' | 'corrections'
  >;
  let sloName: string | undefined;
  if (options.spec !== undefined) {
    if (options.objective !== undefined || options.window !== undefined)
      throw new UsageError(
        '--spec takes the objective and window from the SLO; give --spec or --objective and --window, not both'
      );
    const spec = loadSpecFile(options.spec, io);
    if (typeof spec === 'number') return spec;
    const def = pickSlo(spec, options.slo, options.spec);
    settings = sloReplayOptions(spec, def);
    sloName = def.name;
  } else {
    if (options.slo !== undefined) throw new UsageError('--slo needs --spec FILE');
    settings = {
      objective: parseObjective(options.objective),
      windowMs: parseWindow(options.window),
    };
  }
  const { objective, windowMs } = settings;
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
      ...settings,
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
    io.out(toJson(sloName === undefined ? result : { slo: sloName, ...result }));
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
    `Replay of ${result.rows} minutes (${result.start ?? '-'} .. ${result.end ?? '-'}) ${sloName === undefined ? '' : `of SLO ${sloName} `}at ${objective} % over ${result.window}`,
    `  events:     ${result.total} total, ${result.bad} bad, SLI ${percent(result.sli, 6)} (whole file)`,
    `  budget:     over ${span}`,
    `              ${Number(result.budget.toPrecision(10))} bad events allowed, ${period?.bad ?? 0} bad, remaining ${percent(result.remainingRatio)}`,
    `  exhausted:  ${result.exhaustedAt ?? 'never'}`,
    `  tiers:      ${result.tiers.length === 0 ? 'none (alerting off)' : result.tiers.map(t => `${t.severity} ${Number(t.burnRate.toFixed(3))}x ${t.long}/${t.short}${t.for ? ` for ${t.for}` : ''}`).join(', ')}${result.minEvents > 0 ? `; minEvents ${result.minEvents}` : ''}`,
  ];
  const corrected = result.corrected;
  if (corrected !== undefined) {
    const names = [...new Set(corrected.intervals.map(i => i.name))];
    lines.splice(
      2,
      0,
      `  corrected:  ${corrected.rows} minutes left out (${corrected.total} events, ${corrected.bad} bad)${
        corrected.intervals.length > 0
          ? ` by ${corrected.intervals.length} interval${corrected.intervals.length === 1 ? '' : 's'} of ${names.join(', ')}`
          : ''
      }`
    );
  }
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
