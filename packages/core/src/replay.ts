import { burnRate, errorBudgetFraction, remainingRatio, sliRatio } from './math/budget';
import { formatDuration, MINUTE_MS } from './duration';
import { reachesThreshold } from './math/threshold';
import { deriveTiers } from './math/tiers';
import type { CorrectionSchedule } from './corrections/correction-schedule';
import type { AlertTier, Severity } from './types';

/** One minute of aggregated events. */
export interface ReplayRow {
  /** Start of the minute, ms since the epoch. */
  readonly timeMs: number;
  readonly total: number;
  readonly bad: number;
}

/** An interval in which a severity fires: the first and last firing minutes. */
export interface AlertInterval {
  readonly severity: Severity;
  readonly start: string;
  readonly end: string;
}

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Objective in percent (99.9). */
  readonly objective: number;
  /** SLO window in milliseconds (rounded to whole minutes, at least one). */
  readonly windowMs: number;
  /**
   * The alert tiers to evaluate (an SLO's `alerting.tiers`, custom or default;
   * `[]`: none). @default the tiers derived from `windowMs`
   */
  readonly tiers?: readonly AlertTier[];
  /**
   * `alerting.minEvents`: a tier fires only when its long window holds at least
   * this many eligible events. @default 0
   */
  readonly minEvents?: number;
  /**
   * Corrections: a row whose minute starts inside one is left out (its events
   * are not eligible), as the engine leaves out events received inside one.
   */
  readonly corrections?: CorrectionSchedule;
  /** Called every `progressEvery` minutes with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

/** One alert tier as replayed: its windows in whole minutes, and what they were before rounding. */
export interface ReplayTier {
  readonly severity: Severity;
  /** Long window, whole minutes (`2m`). */
  readonly long: string;
  /** Short window, whole minutes, at least one. */
  readonly short: string;
  readonly burnRate: number;
  /** The tier's own windows when rounding changed them (`2m8s571ms`, `10s714ms`); absent otherwise. */
  readonly exact?: { readonly long: string; readonly short: string };
  /** The tier's hold (`for:`), whole minutes, when it has one. */
  readonly for?: string;
}

/** What corrections left out of a replay. */
export interface ReplayCorrected {
  /** Rows (minutes with a row) left out. */
  readonly rows: number;
  /** Events of those rows. */
  readonly total: number;
  readonly bad: number;
  /** The correction intervals that overlap the file's minutes, by start. */
  readonly intervals: ReadonlyArray<{
    readonly name: string;
    readonly start: string;
    readonly end: string;
  }>;
}

/** The span of time that `budget`, `remainingRatio` and `exhaustedAt` describe. */
export interface ReplayBudgetPeriod {
  /** First minute of the period. */
  readonly start: string;
  /** Last minute of the period (the last row's minute). */
  readonly end: string;
  /** Length of the period in minutes: the SLO window, or the whole file when it is shorter. */
  readonly minutes: number;
  /** True when the file is no longer than the SLO window, so the period is all of it. */
  readonly wholeFile: boolean;
  /** Eligible and bad events in the period. */
  readonly total: number;
  readonly bad: number;
}

/** What {@link replay} reports. */
export interface ReplayResult {
  readonly objective: number;
  /** The SLO window, whole minutes. */
  readonly window: string;
  readonly rows: number;
  /** First and last row (minute starts) of the file. */
  readonly start: string | null;
  readonly end: string | null;
  /** Events of the whole file. */
  readonly total: number;
  readonly bad: number;
  /** good / total of the whole file. */
  readonly sli: number;
  /** The last SLO window of the file (all of it when shorter): what the budget figures cover. */
  readonly budgetPeriod: ReplayBudgetPeriod | null;
  /** Allowed bad events: (1 − O/100) × eligible events of {@link budgetPeriod}. */
  readonly budget: number;
  /** 1 − bad / budget over {@link budgetPeriod}. */
  readonly remainingRatio: number;
  /** First minute of {@link budgetPeriod} at which its cumulative bad events reach the budget; null if never. */
  readonly exhaustedAt: string | null;
  readonly alerts: AlertInterval[];
  /** The tiers evaluated, with their derived thresholds and minute windows. */
  readonly tiers: readonly ReplayTier[];
  /** `alerting.minEvents` applied to every tier's long window (0: none). */
  readonly minEvents: number;
  /** What corrections left out; absent without corrections. */
  readonly corrected?: ReplayCorrected;
}

/** The longest span of minutes {@link replay} accepts between the first and the last row (10 years). */
export const MAX_REPLAY_MINUTES = 10 * 366 * 1440;

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses replay CSV: header `timestamp,total,bad`, one row per minute starting
 * at its timestamp (ISO 8601 with a zone, or unix seconds; seconds within the
 * minute are ignored). Throws an error that names the line on the first bad row,
 * or the minute that has two rows. Rows come back sorted by time.
 */
export function parseReplayCsv(text: string): ReplayRow[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim().toLowerCase().replace(/\s+/g, '');
  if (header !== 'timestamp,total,bad') {
    throw new Error(
      `line 1: expected the header "timestamp,total,bad", got ${JSON.stringify(lines[0] ?? '')}`
    );
  }
  const rows: ReplayRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const parts = line.split(',');
    if (parts.length !== 3)
      throw new Error(
        `line ${i + 1}: expected 3 fields, got ${parts.length}: ${JSON.stringify(line)}`
      );
    const [ts, totalText, badText] = parts.map(p => p.trim());
    let timeMs: number;
    if (/^\d+(\.\d+)?$/.test(ts)) timeMs = Number(ts) * 1000;
    else if (ISO_RE.test(ts)) timeMs = Date.parse(ts);
    else
      throw new Error(
        `line ${i + 1}: timestamp must be ISO 8601 with a zone or unix seconds, got ${JSON.stringify(ts)}`
      );
    if (!Number.isFinite(timeMs))
      throw new Error(`line ${i + 1}: invalid timestamp ${JSON.stringify(ts)}`);
    const total = Number(totalText);
    const bad = Number(badText);
    if (!/^\d+$/.test(totalText) || !Number.isSafeInteger(total))
      throw new Error(
        `line ${i + 1}: total must be a whole number, got ${JSON.stringify(totalText)}`
      );
    if (!/^\d+$/.test(badText) || !Number.isSafeInteger(bad))
      throw new Error(`line ${i + 1}: bad must be a whole number, got ${JSON.stringify(badText)}`);
    if (bad > total) throw new Error(`line ${i + 1}: bad (${bad}) exceeds total (${total})`);
    rows.push({ timeMs, total, bad });
  }
  rows.sort((a, b) => a.timeMs - b.timeMs);
  for (let i = 1; i < rows.length; i++) {
    if (Math.floor(rows[i].timeMs / MINUTE_MS) === Math.floor(rows[i - 1].timeMs / MINUTE_MS))
      throw new Error(
        `two rows for the minute ${iso(Math.floor(rows[i].timeMs / MINUTE_MS) * MINUTE_MS)}`
      );
  }
  return rows;
}

/** A window in whole minutes: rounded to the nearest minute, never shorter than one. */
export function wholeMinutes(ms: number): number {
  return Math.max(1, Math.round(ms / MINUTE_MS));
}

/**
 * Replays per-minute rows exactly: per-minute prefix sums of eligible and bad
 * events give every window's sum in O(1), for every minute from the first row to
 * the last (minutes without a row count zero events; rows in the same minute add
 * up). Rows are per minute, so the alert windows are rounded to whole minutes,
 * never shorter than one (a 1-day SLO's scaled 2m8s571ms/10s714ms page tier is
 * replayed as 2m/1m), and the result says so in `tiers[i].exact`.
 *
 * At the end of each minute, each tier is evaluated once the replay covers its
 * long window; a severity fires when any of its tiers has both windows at the
 * threshold or above it ({@link reachesThreshold}, as the engine and the rules).
 *
 * `budget`, `remainingRatio` and `exhaustedAt` are for the last SLO window of the
 * file (`budgetPeriod`; all of it when the file is shorter), as a rolling window
 * read at the last row would report them.
 */
export function replay(rows: readonly ReplayRow[], options: ReplayOptions): ReplayResult {
  const target = Number((options.objective / 100).toPrecision(15));
  const fraction = errorBudgetFraction(target);
  const windowMinutes = wholeMinutes(options.windowMs);
  const tiers: ReplayTier[] = [];
  const evaluated: Array<{
    severity: Severity;
    long: number;
    short: number;
    burnRate: number;
    hold: number;
  }> = [];
  const minEvents = options.minEvents ?? 0;
  for (const t of options.tiers ?? deriveTiers(options.windowMs)) {
    const long = wholeMinutes(t.longWindowMs);
    const short = wholeMinutes(t.shortWindowMs);
    const tier: ReplayTier = {
      severity: t.severity,
      long: formatDuration(long * MINUTE_MS),
      short: formatDuration(short * MINUTE_MS),
      burnRate: t.burnRate,
    };
    const rounded = long * MINUTE_MS !== t.longWindowMs || short * MINUTE_MS !== t.shortWindowMs;
    // a hold (`for:`) in whole minutes, at least one when there is one
    const hold = t.holdMs ? Math.max(1, Math.round(t.holdMs / MINUTE_MS)) : 0;
    tiers.push({
      ...tier,
      ...(rounded
        ? {
            exact: {
              long: formatDuration(t.longWindowMs),
              short: formatDuration(t.shortWindowMs),
            },
          }
        : {}),
      ...(hold > 0 ? { for: formatDuration(hold * MINUTE_MS) } : {}),
    });
    evaluated.push({ severity: t.severity, long, short, burnRate: t.burnRate, hold });
  }

  // Minute m (0 = the first row's minute) holds the events of prefix index m + 1.
  const firstMinute = rows.length > 0 ? Math.floor(rows[0].timeMs / MINUTE_MS) : 0;
  const lastMinute = rows.length > 0 ? Math.floor(rows[rows.length - 1].timeMs / MINUTE_MS) : -1;
  const span = lastMinute - firstMinute + 1;
  if (span > MAX_REPLAY_MINUTES) {
    throw new Error(
      `the rows span ${span} minutes (${iso(rows[0].timeMs)} .. ${iso(rows[rows.length - 1].timeMs)}); replay takes at most ${MAX_REPLAY_MINUTES} (10 years)`
    );
  }
  const total = new Float64Array(span + 1);
  const bad = new Float64Array(span + 1);
  const corrections = options.corrections;
  let correctedRows = 0;
  let correctedTotal = 0;
  let correctedBad = 0;
  for (const r of rows) {
    const minute = Math.floor(r.timeMs / MINUTE_MS);
    const m = minute - firstMinute;
    if (m < 0 || m >= span) throw new Error('replay rows must be sorted by time');
    if (corrections !== undefined && corrections.activeAt(minute * MINUTE_MS)) {
      correctedRows++;
      correctedTotal += r.total;
      correctedBad += r.bad;
      continue;
    }
    total[m + 1] += r.total;
    bad[m + 1] += r.bad;
  }
  for (let m = 1; m <= span; m++) {
    total[m] += total[m - 1];
    bad[m] += bad[m - 1];
  }
  /** Burn rate over the `minutes` minutes ending with minute `m`. */
  const burn = (m: number, minutes: number) => {
    const from = Math.max(0, m + 1 - minutes);
    return burnRate(target, total[m + 1] - total[from], bad[m + 1] - bad[from]);
  };
  const minuteIso = (m: number) => iso((firstMinute + m) * MINUTE_MS);

  /** Per tier, the first minute of the current run of minutes at its threshold (-1: none). */
  const heldSince = evaluated.map(() => -1);
  const open: Partial<Record<Severity, number>> = {};
  const alerts: AlertInterval[] = [];
  const every = options.progressEvery ?? 1000;
  for (let m = 0; m < span; m++) {
    const firingNow: Record<Severity, boolean> = { page: false, ticket: false };
    evaluated.forEach((t, i) => {
      const on =
        m + 1 >= t.long &&
        reachesThreshold(burn(m, t.long), t.burnRate) &&
        reachesThreshold(burn(m, t.short), t.burnRate) &&
        (minEvents <= 0 || total[m + 1] - total[Math.max(0, m + 1 - t.long)] >= minEvents);
      if (!on) heldSince[i] = -1;
      else if (heldSince[i] < 0) heldSince[i] = m;
      // a hold fires once the condition has held for `hold` minutes (Prometheus `for:`)
      if (on && m - heldSince[i] >= t.hold) firingNow[t.severity] = true;
    });
    for (const severity of ['page', 'ticket'] as const) {
      const firing = firingNow[severity];
      const since = open[severity];
      if (firing && since === undefined) open[severity] = m;
      else if (!firing && since !== undefined) {
        alerts.push({ severity, start: minuteIso(since), end: minuteIso(m - 1) });
        open[severity] = undefined;
      }
    }
    if (options.onProgress && (m + 1) % every === 0) options.onProgress(m + 1, span);
  }
  for (const severity of ['page', 'ticket'] as const) {
    const since = open[severity];
    if (since !== undefined)
      alerts.push({ severity, start: minuteIso(since), end: minuteIso(span - 1) });
  }
  alerts.sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : a.severity < b.severity ? -1 : 1
  );

  // The budget of the last SLO window of the file (all of it when shorter).
  const from = Math.max(0, span - windowMinutes);
  const periodTotal = total[span] - total[from];
  const periodBad = bad[span] - bad[from];
  const budget = fraction * periodTotal;
  let exhaustedAt: string | null = null;
  for (let m = from; m < span; m++) {
    const spent = bad[m + 1] - bad[from];
    if (spent > 0 && spent >= budget) {
      exhaustedAt = minuteIso(m);
      break;
    }
  }
  return {
    objective: options.objective,
    window: formatDuration(windowMinutes * MINUTE_MS),
    rows: rows.length,
    start: rows.length > 0 ? iso(rows[0].timeMs) : null,
    end: rows.length > 0 ? iso(rows[rows.length - 1].timeMs) : null,
    total: total[span],
    bad: bad[span],
    sli: sliRatio(total[span], total[span] - bad[span]),
    budgetPeriod:
      span > 0
        ? {
            start: minuteIso(from),
            end: minuteIso(span - 1),
            minutes: span - from,
            wholeFile: from === 0,
            total: periodTotal,
            bad: periodBad,
          }
        : null,
    budget,
    remainingRatio: remainingRatio(target, periodTotal, periodBad),
    exhaustedAt,
    alerts,
    tiers,
    minEvents,
    ...(corrections !== undefined
      ? {
          corrected: {
            rows: correctedRows,
            total: correctedTotal,
            bad: correctedBad,
            intervals:
              span > 0
                ? corrections
                    .intervals(firstMinute * MINUTE_MS, (lastMinute + 1) * MINUTE_MS)
                    .map(i => ({ name: i.name, start: iso(i.startMs), end: iso(i.endMs) }))
                : [],
          },
        }
      : {}),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
