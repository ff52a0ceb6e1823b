import type { ReleaseDecision, SloStatus } from '../math/status';

/** What one status class allows, and what to do and whom to tell. */
export interface StatusRule {
  /** The release decision for an SLO in this status. */
  readonly allows: ReleaseDecision;
  /** Free text shown by `status` and `gate` (what the team does now). */
  readonly action?: string;
  /** Who to contact (free text: a channel, an address, a rota). */
  readonly contacts: readonly string[];
}

/**
 * Thresholds of the status classes, checked in this order, first match wins:
 * exhausted, no-data, critical, warning, attention, healthy. An
 * `exhaustsWithinMs` left undefined scales with the SLO window (critical: 1/28
 * of it, warning: 1/4).
 */
export interface StatusThresholds {
  /** Exhausted when the remaining budget is at or below this share. @default 0 */
  readonly exhaustedRemainingAtMost: number;
  /** Critical while a page tier fires. @default true */
  readonly criticalOnPage: boolean;
  /** Critical when the budget runs out sooner than this. @default window / 28 */
  readonly criticalExhaustsWithinMs?: number;
  /** Warning while a ticket tier fires. @default true */
  readonly warningOnTicket: boolean;
  /** Warning below this remaining share. @default 0.25 */
  readonly warningRemainingBelow: number;
  /** Warning when the budget runs out sooner than this. @default window / 4 */
  readonly warningExhaustsWithinMs?: number;
  /** Attention below this remaining share. @default 0.5 */
  readonly attentionRemainingBelow: number;
  /** Attention when burning faster than this (over 1 h). @default 1 */
  readonly attentionBurnRateAbove: number;
}

/** An exception by change type: for these statuses, this change type gets another decision. */
export interface PolicyException {
  /** `--change-type` value it applies to (`security-fix`, `rollback`, …). */
  readonly changeType: string;
  /** The decision instead of the status's own. */
  readonly allows: ReleaseDecision;
  /** The statuses it applies to; every status when the spec lists none. */
  readonly statuses: readonly SloStatus[];
}

/** Budget-level alerts generated from the policy (`policy.alerts`); each off unless asked for. */
export interface PolicyAlerts {
  /** `SloErrorBudgetLow` while the remaining share is below this. */
  readonly budgetBelow?: number;
  /** `SloErrorBudgetExhausted` while the remaining share is at or below the exhausted threshold. */
  readonly exhausted: boolean;
  /** `SloErrorBudgetExhaustionSoon` while the time to exhaustion is shorter than this. */
  readonly exhaustsWithinMs?: number;
  /** Severity label of these alerts. @default 'ticket' */
  readonly severity: 'page' | 'ticket';
}

/** A validated error budget policy (`policy:`); see {@link DEFAULT_POLICY}. */
export interface ErrorBudgetPolicy {
  readonly thresholds: StatusThresholds;
  readonly statuses: Readonly<Record<SloStatus, StatusRule>>;
  readonly exceptions: readonly PolicyException[];
  /** Contacts for every status. */
  readonly contacts: readonly string[];
  readonly alerts: PolicyAlerts;
  /** True when the spec has no `policy:` section (the defaults apply). */
  readonly isDefault: boolean;
}

/** Status classes from the least to the most severe (the ties order of {@link restrictiveness}). */
export const STATUS_ORDER: readonly SloStatus[] = [
  'healthy',
  'attention',
  'no-data',
  'warning',
  'critical',
  'exhausted',
];

/** The default thresholds: burnrate's status classes before policies existed. */
export const DEFAULT_STATUS_THRESHOLDS: StatusThresholds = {
  exhaustedRemainingAtMost: 0,
  criticalOnPage: true,
  warningOnTicket: true,
  warningRemainingBelow: 0.25,
  attentionRemainingBelow: 0.5,
  attentionBurnRateAbove: 1,
};

/** Share of the SLO window under which a time to exhaustion is critical by default (1 d of 28 d). */
export const CRITICAL_EXHAUSTION_SHARE = 1 / 28;
/** Share of the SLO window under which a time to exhaustion is a warning by default (7 d of 28 d). */
export const WARNING_EXHAUSTION_SHARE = 1 / 4;

/**
 * The default policy: healthy approves, attention asks for review, warning and
 * no-data defer, critical and exhausted block; no exceptions, no actions, no
 * budget-level alerts.
 */
export const DEFAULT_POLICY: ErrorBudgetPolicy = {
  thresholds: DEFAULT_STATUS_THRESHOLDS,
  statuses: {
    healthy: { allows: 'approve', contacts: [] },
    attention: { allows: 'review', contacts: [] },
    warning: { allows: 'defer', contacts: [] },
    'no-data': { allows: 'defer', contacts: [] },
    critical: { allows: 'block', contacts: [] },
    exhausted: { allows: 'block', contacts: [] },
  },
  exceptions: [],
  contacts: [],
  alerts: { exhausted: false, severity: 'ticket' },
  isDefault: true,
};

/** The time to exhaustion under which a status applies, for an SLO window. */
export function exhaustionBound(
  status: 'critical' | 'warning',
  thresholds: StatusThresholds,
  windowMs: number
): number {
  if (status === 'critical')
    return thresholds.criticalExhaustsWithinMs ?? windowMs * CRITICAL_EXHAUSTION_SHARE;
  return thresholds.warningExhaustsWithinMs ?? windowMs * WARNING_EXHAUSTION_SHARE;
}

/** The answer of the policy for one SLO. */
export interface PolicyDecision {
  readonly status: SloStatus;
  readonly decision: ReleaseDecision;
  /** The rule that decided: `policy.statuses.warning.allows` or `policy.exceptions[0]`. */
  readonly rule: string;
  /** The rule in words: `warning allows defer`, `security-fix changes allow approve on critical`. */
  readonly ruleText: string;
  readonly action?: string;
  /** The status's contacts, then the policy's. */
  readonly contacts: readonly string[];
}

/**
 * What the policy allows for an SLO in `status`, for a change of `changeType`
 * (none: an ordinary change). The first exception of that change type that
 * covers the status replaces the status's own decision.
 */
export function policyDecision(
  policy: ErrorBudgetPolicy,
  status: SloStatus,
  changeType?: string
): PolicyDecision {
  const rule = policy.statuses[status] ?? DEFAULT_POLICY.statuses[status];
  const contacts = [...rule.contacts, ...policy.contacts.filter(c => !rule.contacts.includes(c))];
  const base = {
    status,
    action: rule.action,
    contacts,
  };
  if (changeType !== undefined) {
    const i = policy.exceptions.findIndex(
      e => e.changeType === changeType && e.statuses.includes(status)
    );
    if (i >= 0) {
      const e = policy.exceptions[i];
      return {
        ...base,
        decision: e.allows,
        rule: `policy.exceptions[${i}]`,
        ruleText: `${changeType} changes allow ${e.allows} on ${status}`,
      };
    }
  }
  return {
    ...base,
    decision: rule.allows,
    rule: policy.isDefault ? `default policy` : `policy.statuses.${status}.allows`,
    ruleText: `${status} allows ${rule.allows}`,
  };
}

/** Change types some exception of the policy names. */
export function policyChangeTypes(policy: ErrorBudgetPolicy): string[] {
  return [...new Set(policy.exceptions.map(e => e.changeType))];
}

/**
 * How restrictive a status is under a policy: its decision first (block over
 * defer over review over approve), then {@link STATUS_ORDER}. A composite's
 * status is its components' most restrictive one by this order.
 */
export function restrictiveness(policy: ErrorBudgetPolicy, status: SloStatus): number {
  const decisions: readonly ReleaseDecision[] = ['approve', 'review', 'defer', 'block'];
  const allows = (policy.statuses[status] ?? DEFAULT_POLICY.statuses[status]).allows;
  return decisions.indexOf(allows) * STATUS_ORDER.length + STATUS_ORDER.indexOf(status);
}

/** Statuses from the most to the least restrictive under a policy. */
export function statusesByRestrictiveness(policy: ErrorBudgetPolicy): SloStatus[] {
  return [...STATUS_ORDER].sort((a, b) => restrictiveness(policy, b) - restrictiveness(policy, a));
}
