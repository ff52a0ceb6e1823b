import type { ReleaseDecision, SloStatus } from '../math/status';
import {
  DEFAULT_POLICY,
  STATUS_ORDER,
  type ErrorBudgetPolicy,
  type PolicyAlerts,
  type PolicyException,
  type StatusRule,
  type StatusThresholds,
} from '../policy/policy';
import { Checker, join, show, type Raw } from './checker';

const DECISIONS: readonly ReleaseDecision[] = ['approve', 'review', 'defer', 'block'];
const CHANGE_TYPE_RE = /^[a-z0-9][a-z0-9-]*$/;

/** Threshold keys each status class takes, beyond `allows`, `action` and `contacts`. */
const THRESHOLD_KEYS: Record<SloStatus, readonly string[]> = {
  exhausted: ['remainingAtMost'],
  critical: ['onPage', 'exhaustsWithin'],
  warning: ['onTicket', 'remainingBelow', 'exhaustsWithin'],
  attention: ['remainingBelow', 'burnRateAbove'],
  healthy: [],
  'no-data': [],
};

/**
 * Checks the `policy:` section: per status class (`statuses.<class>`) its
 * thresholds, what it allows, an action and contacts; `exceptions` by change
 * type; `contacts`; budget-level `alerts`. What is not given keeps its default
 * ({@link DEFAULT_POLICY}).
 */
export function checkPolicy(c: Checker, value: unknown, path: string): ErrorBudgetPolicy {
  const raw = c.object(value, path);
  if (!raw) return DEFAULT_POLICY;
  c.keys(raw, path, ['statuses', 'exceptions', 'contacts', 'alerts']);
  const t: { -readonly [K in keyof StatusThresholds]: StatusThresholds[K] } = {
    ...DEFAULT_POLICY.thresholds,
  };
  const statuses: Record<SloStatus, StatusRule> = { ...DEFAULT_POLICY.statuses };
  if (raw.statuses !== undefined) {
    const sp = join(path, 'statuses');
    const rs = c.object(raw.statuses, sp);
    if (rs) {
      c.keys(rs, sp, STATUS_ORDER);
      for (const status of STATUS_ORDER) {
        if (rs[status] === undefined) continue;
        const p = join(sp, status);
        // `healthy: approve` is short for `healthy: { allows: approve }`
        const entry = typeof rs[status] === 'string' ? { allows: rs[status] } : rs[status];
        const r = c.object(entry, p);
        if (!r) continue;
        c.keys(r, p, ['allows', 'action', 'contacts', ...THRESHOLD_KEYS[status]]);
        const allows =
          r.allows === undefined
            ? statuses[status].allows
            : decision(c, r.allows, join(p, 'allows'));
        statuses[status] = {
          allows: allows ?? statuses[status].allows,
          ...(r.action !== undefined ? { action: c.string(r.action, join(p, 'action')) } : {}),
          contacts: r.contacts === undefined ? [] : c.stringList(r.contacts, join(p, 'contacts')),
        };
        readThresholds(c, status, r, p, t);
      }
    }
  }
  const exceptions: PolicyException[] = [];
  if (raw.exceptions !== undefined) {
    const ep = join(path, 'exceptions');
    if (!Array.isArray(raw.exceptions))
      c.fail(ep, `must be a list of { changeType, allows, statuses }, got ${show(raw.exceptions)}`);
    else
      raw.exceptions.forEach((e, i) => {
        const x = checkException(c, e, `${ep}[${i}]`);
        if (x) exceptions.push(x);
      });
  }
  const contacts =
    raw.contacts === undefined ? [] : c.stringList(raw.contacts, join(path, 'contacts'));
  const alerts =
    raw.alerts === undefined
      ? DEFAULT_POLICY.alerts
      : checkAlerts(c, raw.alerts, join(path, 'alerts'));
  return { thresholds: t, statuses, exceptions, contacts, alerts, isDefault: false };
}

function decision(c: Checker, value: unknown, path: string): ReleaseDecision | undefined {
  if (typeof value === 'string' && (DECISIONS as readonly string[]).includes(value))
    return value as ReleaseDecision;
  return c.fail(path, `must be one of ${DECISIONS.join(', ')}, got ${show(value)}`);
}

function share(c: Checker, value: unknown, path: string): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value <= 1) return value;
  return c.fail(path, `must be a budget share at most 1 (0.25 is 25 %), got ${show(value)}`);
}

function flag(c: Checker, value: unknown, path: string): boolean | undefined {
  if (typeof value === 'boolean') return value;
  return c.fail(path, `must be true or false, got ${show(value)}`);
}

/** Reads the threshold keys of one status class into `t`. */
function readThresholds(
  c: Checker,
  status: SloStatus,
  r: Raw,
  p: string,
  t: { -readonly [K in keyof StatusThresholds]: StatusThresholds[K] }
): void {
  const has = (k: string) => r[k] !== undefined;
  if (status === 'exhausted' && has('remainingAtMost')) {
    const v = share(c, r.remainingAtMost, join(p, 'remainingAtMost'));
    if (v !== undefined) t.exhaustedRemainingAtMost = v;
  }
  if (status === 'critical') {
    if (has('onPage')) t.criticalOnPage = flag(c, r.onPage, join(p, 'onPage')) ?? true;
    if (has('exhaustsWithin'))
      t.criticalExhaustsWithinMs = c.duration(r.exhaustsWithin, join(p, 'exhaustsWithin'));
  }
  if (status === 'warning') {
    if (has('onTicket')) t.warningOnTicket = flag(c, r.onTicket, join(p, 'onTicket')) ?? true;
    if (has('remainingBelow')) {
      const v = share(c, r.remainingBelow, join(p, 'remainingBelow'));
      if (v !== undefined) t.warningRemainingBelow = v;
    }
    if (has('exhaustsWithin'))
      t.warningExhaustsWithinMs = c.duration(r.exhaustsWithin, join(p, 'exhaustsWithin'));
  }
  if (status === 'attention') {
    if (has('remainingBelow')) {
      const v = share(c, r.remainingBelow, join(p, 'remainingBelow'));
      if (v !== undefined) t.attentionRemainingBelow = v;
    }
    if (has('burnRateAbove')) {
      const v = r.burnRateAbove;
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) t.attentionBurnRateAbove = v;
      else c.fail(join(p, 'burnRateAbove'), `must be a burn rate ≥ 0, got ${show(v)}`);
    }
  }
}

function checkException(c: Checker, value: unknown, path: string): PolicyException | undefined {
  const r = c.object(value, path);
  if (!r) return undefined;
  c.keys(r, path, ['changeType', 'allows', 'statuses']);
  const changeType = c.string(r.changeType, join(path, 'changeType'));
  if (changeType !== undefined && !CHANGE_TYPE_RE.test(changeType))
    c.fail(join(path, 'changeType'), `must match [a-z0-9][a-z0-9-]*, got ${show(changeType)}`);
  const allows = decision(c, r.allows, join(path, 'allows'));
  let statuses: SloStatus[] = [...STATUS_ORDER];
  if (r.statuses !== undefined) {
    const list = c.stringList(r.statuses, join(path, 'statuses'));
    statuses = [];
    list.forEach((s, i) => {
      if ((STATUS_ORDER as readonly string[]).includes(s)) statuses.push(s as SloStatus);
      else
        c.fail(
          `${join(path, 'statuses')}[${i}]`,
          `must be one of ${STATUS_ORDER.join(', ')}, got ${show(s)}`
        );
    });
  }
  if (changeType === undefined || allows === undefined) return undefined;
  return { changeType, allows, statuses };
}

function checkAlerts(c: Checker, value: unknown, path: string): PolicyAlerts {
  const r = c.object(value, path);
  if (!r) return DEFAULT_POLICY.alerts;
  c.keys(r, path, ['budgetBelow', 'exhausted', 'exhaustsWithin', 'severity']);
  let severity: 'page' | 'ticket' = 'ticket';
  if (r.severity !== undefined) {
    if (r.severity === 'page' || r.severity === 'ticket') severity = r.severity;
    else c.fail(join(path, 'severity'), `must be page or ticket, got ${show(r.severity)}`);
  }
  const budgetBelow =
    r.budgetBelow === undefined ? undefined : share(c, r.budgetBelow, join(path, 'budgetBelow'));
  const exhaustsWithinMs =
    r.exhaustsWithin === undefined
      ? undefined
      : c.duration(r.exhaustsWithin, join(path, 'exhaustsWithin'));
  const exhausted =
    r.exhausted === undefined ? false : (flag(c, r.exhausted, join(path, 'exhausted')) ?? false);
  return {
    severity,
    exhausted,
    ...(budgetBelow !== undefined ? { budgetBelow } : {}),
    ...(exhaustsWithinMs !== undefined ? { exhaustsWithinMs } : {}),
  };
}
