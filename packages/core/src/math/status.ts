import { humanizeDuration } from '../duration';
import {
  DEFAULT_STATUS_THRESHOLDS,
  exhaustionBound,
  type StatusThresholds,
} from '../policy/policy';

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
 * Status classes, first match wins (the default thresholds; a `policy:` moves them,
 * see {@link StatusThresholds}):
 * - exhausted: remaining ≤ 0;
 * - no-data: no eligible event for `alerting.noDataAfter` (dead instrumentation
 *   must not read as a perfect SLO);
 * - critical: a page alert fires, or the budget runs out within 1/28 of the window (1 d of 28 d);
 * - warning: a ticket alert fires, remaining < 25 %, or exhaustion within 1/4 of the window;
 * - attention: remaining < 50 %, or burning faster than budgeted (burn > 1);
 * - healthy otherwise.
 */
export function classifyStatus(
  s: StatusInputs,
  thresholds: StatusThresholds = DEFAULT_STATUS_THRESHOLDS
): SloStatus {
  return explainStatus(s, thresholds).status;
}

/** A status and the condition that gave it. */
export interface StatusExplanation {
  readonly status: SloStatus;
  /** The condition in words: `remaining 12.5 % < 25 %`, `a page alert fires`. */
  readonly because: string;
  /** The threshold's spec key: `policy.statuses.warning.remainingBelow` (empty for healthy). */
  readonly threshold: string;
}

/** {@link classifyStatus} with the condition that matched, for `gate` and `status`. */
export function explainStatus(
  s: StatusInputs,
  t: StatusThresholds = DEFAULT_STATUS_THRESHOLDS
): StatusExplanation {
  const pct = (v: number) => `${Number((v * 100).toPrecision(4))} %`;
  const key = (status: string, k: string) => `policy.statuses.${status}.${k}`;
  const is = (status: SloStatus, because: string, threshold: string): StatusExplanation => ({
    status,
    because,
    threshold,
  });
  if (s.remaining <= t.exhaustedRemainingAtMost)
    return is(
      'exhausted',
      `budget left ${pct(s.remaining)} <= ${pct(t.exhaustedRemainingAtMost)}`,
      key('exhausted', 'remainingAtMost')
    );
  if (s.noData === true)
    return is('no-data', 'no eligible events for alerting.noDataAfter', 'alerting.noDataAfter');
  if (t.criticalOnPage && s.pageFiring)
    return is('critical', 'a page alert fires', key('critical', 'onPage'));
  const critical = exhaustionBound('critical', t, s.windowMs);
  if (s.timeToExhaustionMs < critical)
    return is(
      'critical',
      `budget exhausted in ${humanizeDuration(s.timeToExhaustionMs)} < ${humanizeDuration(critical)}`,
      key('critical', 'exhaustsWithin')
    );
  if (t.warningOnTicket && s.ticketFiring)
    return is('warning', 'a ticket alert fires', key('warning', 'onTicket'));
  if (s.remaining < t.warningRemainingBelow)
    return is(
      'warning',
      `budget left ${pct(s.remaining)} < ${pct(t.warningRemainingBelow)}`,
      key('warning', 'remainingBelow')
    );
  const warning = exhaustionBound('warning', t, s.windowMs);
  if (s.timeToExhaustionMs < warning)
    return is(
      'warning',
      `budget exhausted in ${humanizeDuration(s.timeToExhaustionMs)} < ${humanizeDuration(warning)}`,
      key('warning', 'exhaustsWithin')
    );
  if (s.remaining < t.attentionRemainingBelow)
    return is(
      'attention',
      `budget left ${pct(s.remaining)} < ${pct(t.attentionRemainingBelow)}`,
      key('attention', 'remainingBelow')
    );
  if (s.burnRate > t.attentionBurnRateAbove)
    return is(
      'attention',
      `burn rate ${Number(s.burnRate.toPrecision(4))} > ${t.attentionBurnRateAbove}`,
      key('attention', 'burnRateAbove')
    );
  return is('healthy', 'no threshold reached', '');
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
