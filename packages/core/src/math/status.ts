/** Health of an SLO, from its remaining budget, burn and alerts. */
export type SloStatus = 'healthy' | 'attention' | 'warning' | 'critical' | 'exhausted' | 'no-data';

/** Release decision of `burnrate gate`. */
export type ReleaseDecision = 'approve' | 'review' | 'defer' | 'block';

/** Inputs of {@link classifyStatus}. */
export interface StatusInputs {
  /** Remaining budget ratio (1 → 0 → negative). */
  readonly remaining: number;
  /** Burn rate over the last hour (or the page tier's long window). */
  readonly burnRate: number;
  /** Time to exhaustion in milliseconds (Infinity when not burning). */
  readonly timeToExhaustionMs: number;
  readonly pageFiring: boolean;
  readonly ticketFiring: boolean;
  /** SLO window, to judge time to exhaustion against. */
  readonly windowMs: number;
  /** No eligible event for `alerting.noDataAfter` (or since start). @default false */
  readonly noData?: boolean;
}

/**
 * Status classes, first match wins:
 * - exhausted: remaining ≤ 0;
 * - no-data: no eligible event for `alerting.noDataAfter` (dead instrumentation
 *   must not read as a perfect SLO);
 * - critical: a page alert fires, or the budget runs out within 1/28 of the window (1 d of 28 d);
 * - warning: a ticket alert fires, remaining < 25 %, or exhaustion within 1/4 of the window;
 * - attention: remaining < 50 %, or burning faster than budgeted (burn > 1);
 * - healthy otherwise.
 */
export function classifyStatus(s: StatusInputs): SloStatus {
  if (s.remaining <= 0) return 'exhausted';
  if (s.noData === true) return 'no-data';
  if (s.pageFiring || s.timeToExhaustionMs < s.windowMs / 28) return 'critical';
  if (s.ticketFiring || s.remaining < 0.25 || s.timeToExhaustionMs < s.windowMs / 4)
    return 'warning';
  if (s.remaining < 0.5 || s.burnRate > 1) return 'attention';
  return 'healthy';
}

/**
 * The release decision for a status: healthy approves, attention asks for
 * review, warning and no-data defer (nothing to judge a release by), critical
 * and exhausted block.
 */
export function releaseDecision(status: SloStatus): ReleaseDecision {
  switch (status) {
    case 'healthy':
      return 'approve';
    case 'attention':
      return 'review';
    case 'warning':
    case 'no-data':
      return 'defer';
    default:
      return 'block';
  }
}

/** Order of decisions from least to most restrictive. */
export const DECISION_ORDER: readonly ReleaseDecision[] = ['approve', 'review', 'defer', 'block'];

/** The most restrictive of several decisions. */
export function strictestDecision(decisions: readonly ReleaseDecision[]): ReleaseDecision {
  let worst = 0;
  for (const d of decisions) worst = Math.max(worst, DECISION_ORDER.indexOf(d));
  return DECISION_ORDER[worst];
}
