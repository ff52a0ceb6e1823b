import { DAY_MS, HOUR_MS, MINUTE_MS } from './duration';
import type { AlertTier, Severity } from './types';

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

/** SLO windows shorter than this scale their alert windows with W (as Pyrra does). */
export const SCALE_BELOW_MS = 7 * DAY_MS;

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

/**
 * Derives the multiwindow tiers for an SLO window. For W ≥ 7 d the alert windows
 * are the templates' own (1 h/5 m, 6 h/30 m, 1 d/2 h, 3 d/6 h); below 7 d they
 * scale by W / 28 d, so a 1-day SLO pages on 2 % of its budget just as a 28-day one.
 */
export function deriveTiers(
  sloWindowMs: number,
  templates: readonly TierTemplate[] = DEFAULT_TIER_TEMPLATES
): AlertTier[] {
  const scale = sloWindowMs < SCALE_BELOW_MS ? sloWindowMs / REFERENCE_WINDOW_MS : 1;
  return templates.map(t => {
    const longWindowMs = t.longWindowMs * scale;
    const shortWindowMs = t.shortWindowMs * scale;
    return {
      severity: t.severity,
      longWindowMs,
      shortWindowMs,
      budgetConsumed: t.budgetConsumed,
      burnRate: burnRateThreshold(t.budgetConsumed, sloWindowMs, longWindowMs),
    };
  });
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
