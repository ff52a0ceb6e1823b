import { DAY_MS, HOUR_MS, MINUTE_MS } from '../duration';
import { errorBudgetFraction } from './budget';
import type { AlertTier, Budgeting, Severity, SloDefinition } from '../types';

/**
 * One row of the SRE Workbook's multiwindow, multi-burn-rate policy, written for
 * a 28-day reference window. Thresholds are never copied: they are derived by
 * {@link deriveTiers} from the SLO window:
 *
 *   burn rate threshold = budget consumed × W / long window
 *
 * (2 % of a 30 d budget in 1 h is 0.02 × 720 h / 1 h = 14.4; of 28 d, 13.44).
 */
export interface TierTemplate {
  readonly severity: Severity;
  /** Share of the budget spent over the long window when the alert fires. */
  readonly budgetConsumed: number;
  readonly longWindowMs: number;
  readonly shortWindowMs: number;
}

/** The default tiers (SRE Workbook, chapter 5, table 5-8). */
export const DEFAULT_TIER_TEMPLATES: readonly TierTemplate[] = [
  { severity: 'page', budgetConsumed: 0.02, longWindowMs: HOUR_MS, shortWindowMs: 5 * MINUTE_MS },
  {
    severity: 'page',
    budgetConsumed: 0.05,
    longWindowMs: 6 * HOUR_MS,
    shortWindowMs: 30 * MINUTE_MS,
  },
  { severity: 'ticket', budgetConsumed: 0.1, longWindowMs: DAY_MS, shortWindowMs: 2 * HOUR_MS },
  { severity: 'ticket', budgetConsumed: 0.1, longWindowMs: 3 * DAY_MS, shortWindowMs: 6 * HOUR_MS },
];

/** The reference window the templates' alert windows are written for. */
export const REFERENCE_WINDOW_MS = 28 * DAY_MS;

/** SLO windows shorter than this scale their alert windows with W (as Pyrra does): 28 d. */
export const SCALE_BELOW_MS = REFERENCE_WINDOW_MS;

/** Burn-rate threshold from the share of budget spent over a long window: `share × W / long`. */
export function burnRateThreshold(
  budgetConsumed: number,
  sloWindowMs: number,
  longWindowMs: number
): number {
  return (budgetConsumed * sloWindowMs) / longWindowMs;
}

/** Share of the budget consumed over `longWindowMs` at a given burn rate: `rate × long / W`. */
export function budgetConsumedAt(burn: number, sloWindowMs: number, longWindowMs: number): number {
  return (burn * longWindowMs) / sloWindowMs;
}

/** An alert window rounded to whole minutes, never shorter than one minute (Pyrra's `.Round(time.Minute)`). */
export function roundAlertWindow(ms: number): number {
  return Math.max(MINUTE_MS, Math.round(ms / MINUTE_MS) * MINUTE_MS);
}

/**
 * Derives the multiwindow tiers for an SLO window.
 *
 * - W ≥ 28 d: the templates' own windows (1 h/5 m, 6 h/30 m, 1 d/2 h, 3 d/6 h) and
 *   threshold = budget share × W / long (28 d: 13.44 / 5.6 / 2.8 / 0.933; 30 d:
 *   14.4 / 6 / 3 / 1, the SRE Workbook's table).
 * - W < 28 d: every window scales by W / 28 d, rounded to whole minutes (at least
 *   one), and the thresholds keep their 28-day values (Pyrra's rule): a 7-day SLO
 *   pages at 13.44 over 15 m / 1 m, never on a sub-1 threshold. The budget share of
 *   each tier is then `threshold × long / W`, which rounding moves a little off 2 %.
 */
export function deriveTiers(
  sloWindowMs: number,
  templates: readonly TierTemplate[] = DEFAULT_TIER_TEMPLATES
): AlertTier[] {
  if (sloWindowMs >= SCALE_BELOW_MS) {
    return templates.map(t => ({
      severity: t.severity,
      longWindowMs: t.longWindowMs,
      shortWindowMs: t.shortWindowMs,
      budgetConsumed: t.budgetConsumed,
      burnRate: burnRateThreshold(t.budgetConsumed, sloWindowMs, t.longWindowMs),
    }));
  }
  const scale = sloWindowMs / REFERENCE_WINDOW_MS;
  const tiers = templates.map(t => {
    const longWindowMs = roundAlertWindow(t.longWindowMs * scale);
    const shortWindowMs = roundAlertWindow(t.shortWindowMs * scale);
    const burnRate = burnRateThreshold(t.budgetConsumed, REFERENCE_WINDOW_MS, t.longWindowMs);
    return {
      severity: t.severity,
      longWindowMs,
      shortWindowMs,
      budgetConsumed: budgetConsumedAt(burnRate, sloWindowMs, longWindowMs),
      burnRate,
    };
  });
  // Below about 17 h, rounding to whole minutes gives several tiers the same
  // windows; of those, the one with the lowest threshold fires whenever the
  // others would, so they are dropped (one alert rule per severity and windows).
  return tiers.filter((t, i) =>
    tiers.every(
      (o, j) =>
        j === i ||
        o.severity !== t.severity ||
        o.longWindowMs !== t.longWindowMs ||
        o.shortWindowMs !== t.shortWindowMs ||
        o.burnRate > t.burnRate ||
        (o.burnRate === t.burnRate && j > i)
    )
  );
}

/**
 * The default `alerting.minEvents` of an SLO: the fewest eligible events in the
 * fastest tier's long window for which one bad event alone stays below that
 * tier's threshold T, `ceil(1 / ((1 − O) × T))` (99.9 % at 13.44: 75). The
 * fastest tier is the one with the shortest long window (the first of the
 * default set; of several with that window, the lowest threshold). Zero without
 * tiers, and for time-slice budgets (whose windows count slices, not events).
 */
export function defaultMinEvents(
  target: number,
  tiers: readonly AlertTier[],
  budgeting: Budgeting = { method: 'occurrences' }
): number {
  if (tiers.length === 0 || budgeting.method === 'timeslices') return 0;
  let fastest = tiers[0];
  for (const t of tiers) {
    if (
      t.longWindowMs < fastest.longWindowMs ||
      (t.longWindowMs === fastest.longWindowMs && t.burnRate < fastest.burnRate)
    )
      fastest = t;
  }
  const fraction = errorBudgetFraction(target);
  if (!(fraction > 0) || !(fastest.burnRate > 0)) return 0;
  // the product is rounded to 12 significant digits first, so that 1 / (0.001 × 12.5) is 80, not 81
  return Math.ceil(Number((1 / (fraction * fastest.burnRate)).toPrecision(12)));
}

/** Default `alerting.noDataAfter`: one hour. */
export const DEFAULT_NO_DATA_AFTER_MS = HOUR_MS;

/**
 * `alerting.minEvents` of an SLO: the value the spec gave, or
 * {@link defaultMinEvents}. The engine and the generated rules both call this.
 */
export function resolveMinEvents(slo: SloDefinition): number {
  const explicit = slo.alerting.minEvents;
  if (typeof explicit === 'number' && explicit >= 0) return explicit;
  return defaultMinEvents(slo.target, slo.alerting.tiers, slo.budgeting);
}

/**
 * `alerting.noDataAfter` of an SLO in milliseconds: the value the spec gave, or
 * {@link DEFAULT_NO_DATA_AFTER_MS}. The engine and the generated rules both call this.
 */
export function resolveNoDataAfterMs(slo: SloDefinition): number {
  const explicit = slo.alerting.noDataAfterMs;
  if (typeof explicit === 'number' && explicit > 0) return explicit;
  return DEFAULT_NO_DATA_AFTER_MS;
}

/** The distinct alert windows of a tier set, shortest first. */
export function alertWindows(tiers: readonly AlertTier[]): number[] {
  const set = new Set<number>();
  for (const t of tiers) {
    set.add(t.longWindowMs);
    set.add(t.shortWindowMs);
  }
  return [...set].sort((a, b) => a - b);
}
