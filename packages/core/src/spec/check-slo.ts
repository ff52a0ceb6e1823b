import { DAY_MS, formatDuration, HOUR_MS, MINUTE_MS } from '../duration';
import { parseLocalDateTime } from '../windows/calendar';
import {
  budgetConsumedAt,
  burnRateThreshold,
  DEFAULT_NO_DATA_AFTER_MS,
  defaultMinEvents,
  deriveTiers,
} from '../math/tiers';
import type {
  AlertTier,
  Budgeting,
  GoodPredicates,
  SloDefinition,
  SloWindow,
  SpanSelector,
  TraceSli,
} from '../types';
import { Checker, join, show, type Raw } from './checker';
import { checkGood, checkSelector } from './check-sli';
import { checkGrouping } from './check-groups';
import { checkJourneySli } from './check-journey';

const NAME_RE = /^[a-z0-9][a-z0-9-]*$/;
const MIN_WINDOW_MS = HOUR_MS;
const MAX_WINDOW_MS = 400 * DAY_MS;
const CALENDAR_MS = { week: 7 * DAY_MS, month: 30 * DAY_MS, quarter: 90 * DAY_MS } as const;

const SLO_KEYS = [
  'name',
  'description',
  'service',
  'objective',
  'target',
  'window',
  'calendar',
  'timeZone',
  'startTime',
  'budgeting',
  'sli',
  'alerting',
  'labels',
  'groupBy',
  'maxGroups',
];

function checkObjective(c: Checker, raw: Raw, path: string): number | undefined {
  const hasObjective = raw.objective !== undefined;
  const hasTarget = raw.target !== undefined;
  if (hasObjective && hasTarget)
    return c.fail(
      join(path, 'objective'),
      'give either objective (percent) or target (ratio), not both'
    );
  if (hasObjective) {
    const o = raw.objective;
    if (typeof o !== 'number' || !Number.isFinite(o) || o <= 0 || o >= 100) {
      return c.fail(join(path, 'objective'), `must be between 0 and 100 exclusive, got ${show(o)}`);
    }
    return Number((o / 100).toPrecision(15));
  }
  if (hasTarget) {
    const t = raw.target;
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || t >= 1) {
      return c.fail(join(path, 'target'), `must be between 0 and 1 exclusive, got ${show(t)}`);
    }
    return t;
  }
  return c.fail(join(path, 'objective'), 'is required (percent, say 99.9; or target: 0.999)');
}

function checkWindow(c: Checker, raw: Raw, path: string): SloWindow | undefined {
  if (raw.calendar !== undefined) {
    if (raw.window !== undefined)
      return c.fail(join(path, 'window'), 'give either window (rolling) or calendar, not both');
    const unit = raw.calendar;
    if (unit !== 'week' && unit !== 'month' && unit !== 'quarter') {
      return c.fail(join(path, 'calendar'), `must be week, month or quarter, got ${show(unit)}`);
    }
    let timeZone = 'UTC';
    if (raw.timeZone !== undefined) {
      const tz = c.string(raw.timeZone, join(path, 'timeZone'));
      if (tz === undefined) return undefined;
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
      } catch {
        return c.fail(join(path, 'timeZone'), `unknown time zone ${show(tz)}`);
      }
      timeZone = tz;
    }
    let startTime: string | undefined;
    if (raw.startTime !== undefined) {
      const st = raw.startTime;
      const fields = typeof st === 'string' ? parseLocalDateTime(st) : undefined;
      if (!fields)
        return c.fail(
          join(path, 'startTime'),
          `must be a local date and time such as "2026-01-05 09:00:00", got ${show(st)}`
        );
      const two = (n: number) => String(n).padStart(2, '0');
      startTime = `${fields.y}-${two(fields.mo)}-${two(fields.d)}T${two(fields.h)}:${two(fields.mi)}:${two(fields.s)}`;
    }
    return {
      type: 'calendar',
      unit,
      timeZone,
      durationMs: CALENDAR_MS[unit],
      ...(startTime !== undefined ? { startTime } : {}),
    };
  }
  if (raw.timeZone !== undefined)
    c.fail(join(path, 'timeZone'), 'only applies to calendar windows');
  if (raw.startTime !== undefined)
    c.fail(join(path, 'startTime'), 'only applies to calendar windows');
  if (raw.window === undefined)
    return c.fail(
      join(path, 'window'),
      'is required (a rolling duration such as 28d, or calendar: month)'
    );
  const ms = c.duration(raw.window, join(path, 'window'));
  if (ms === undefined) return undefined;
  if (ms < MIN_WINDOW_MS || ms > MAX_WINDOW_MS) {
    return c.fail(join(path, 'window'), `must be between 1h and 400d, got ${show(raw.window)}`);
  }
  return { type: 'rolling', durationMs: ms };
}

function checkBudgeting(c: Checker, value: unknown, path: string): Budgeting | undefined {
  if (value === undefined || value === 'occurrences') return { method: 'occurrences' };
  if (value === 'timeslices')
    return { method: 'timeslices', sliceMs: MINUTE_MS, sliceTarget: 0.95 };
  if (value === 'ratio-timeslices') return { method: 'ratio-timeslices', sliceMs: MINUTE_MS };
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['method', 'slice', 'sliceTarget']);
  if (raw.method === 'occurrences') return { method: 'occurrences' };
  if (raw.method !== 'timeslices' && raw.method !== 'ratio-timeslices')
    return c.fail(
      join(path, 'method'),
      `must be occurrences, timeslices or ratio-timeslices, got ${show(raw.method)}`
    );
  const sliceMs = raw.slice === undefined ? MINUTE_MS : c.duration(raw.slice, join(path, 'slice'));
  if (raw.method === 'ratio-timeslices') {
    if (raw.sliceTarget !== undefined)
      c.fail(join(path, 'sliceTarget'), 'only applies to method timeslices');
    return sliceMs === undefined ? undefined : { method: 'ratio-timeslices', sliceMs };
  }
  let sliceTarget = 0.95;
  if (raw.sliceTarget !== undefined) {
    const t = raw.sliceTarget;
    if (typeof t !== 'number' || !(t > 0) || !(t <= 100)) {
      return c.fail(
        join(path, 'sliceTarget'),
        `must be a percent above 0 and at most 100, got ${show(t)}`
      );
    }
    sliceTarget = t / 100;
  }
  if (sliceMs === undefined) return undefined;
  return { method: 'timeslices', sliceMs, sliceTarget };
}

function checkAlerting(
  c: Checker,
  value: unknown,
  path: string,
  windowMs: number,
  target: number | undefined,
  budgeting: Budgeting | undefined
): SloDefinition['alerting'] | undefined {
  const resolved = (
    tiers: AlertTier[],
    defaultTiers: boolean,
    raw: Raw | undefined
  ): SloDefinition['alerting'] | undefined => {
    let minEvents: number | undefined;
    if (raw?.minEvents !== undefined) {
      const n = raw.minEvents;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
        return c.fail(join(path, 'minEvents'), `must be a whole number ≥ 0, got ${show(n)}`);
      minEvents = n;
    } else if (target !== undefined && budgeting !== undefined) {
      minEvents = defaultMinEvents(target, tiers, budgeting);
    }
    let noDataAfterMs = DEFAULT_NO_DATA_AFTER_MS;
    if (raw?.noDataAfter !== undefined) {
      const ms = c.duration(raw.noDataAfter, join(path, 'noDataAfter'));
      if (ms === undefined) return undefined;
      noDataAfterMs = ms;
    }
    const runbook =
      raw?.runbook === undefined ? undefined : c.string(raw.runbook, join(path, 'runbook'));
    return { tiers, defaultTiers, runbook, minEvents, noDataAfterMs };
  };
  if (value === undefined) return resolved(deriveTiers(windowMs), true, undefined);
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['runbook', 'tiers', 'minEvents', 'noDataAfter']);
  if (raw.tiers === undefined) return resolved(deriveTiers(windowMs), true, raw);
  if (!Array.isArray(raw.tiers)) {
    return c.fail(
      join(path, 'tiers'),
      `must be a list of tiers ([] turns alerting off), got ${show(raw.tiers)}`
    );
  }
  const tiers: AlertTier[] = [];
  raw.tiers.forEach((t, i) => {
    const p = `${join(path, 'tiers')}[${i}]`;
    const r = c.object(t, p);
    if (!r) return;
    c.keys(r, p, ['severity', 'long', 'short', 'budget', 'burnRate', 'for']);
    let holdMs = 0;
    if (r.for !== undefined) {
      if (r.for === 0 || r.for === '0' || r.for === '0m' || r.for === '0s') holdMs = 0;
      else holdMs = c.duration(r.for, join(p, 'for')) ?? 0;
    }
    const severity = r.severity;
    if (severity !== 'page' && severity !== 'ticket')
      c.fail(join(p, 'severity'), `must be page or ticket, got ${show(severity)}`);
    const long = c.duration(r.long, join(p, 'long'));
    const short = c.duration(r.short, join(p, 'short'));
    if (long !== undefined && short !== undefined && short >= long)
      c.fail(
        join(p, 'short'),
        `must be shorter than long (${formatDuration(long)}), got ${show(r.short)}`
      );
    if (long !== undefined && long > windowMs)
      c.fail(
        join(p, 'long'),
        `must not exceed the SLO window (${formatDuration(windowMs)}), got ${show(r.long)}`
      );
    const hasBudget = r.budget !== undefined;
    const hasRate = r.burnRate !== undefined;
    if (hasBudget === hasRate) {
      c.fail(
        p,
        'give exactly one of budget (percent of the budget spent over the long window) or burnRate'
      );
      return;
    }
    if (hasBudget && (typeof r.budget !== 'number' || !(r.budget > 0) || !(r.budget <= 100))) {
      c.fail(join(p, 'budget'), `must be a percent above 0 and at most 100, got ${show(r.budget)}`);
      return;
    }
    if (
      hasRate &&
      (typeof r.burnRate !== 'number' || !(r.burnRate > 0) || !Number.isFinite(r.burnRate))
    ) {
      c.fail(join(p, 'burnRate'), `must be a positive number, got ${show(r.burnRate)}`);
      return;
    }
    if (long === undefined || short === undefined || (severity !== 'page' && severity !== 'ticket'))
      return;
    const budgetConsumed = hasBudget
      ? (r.budget as number) / 100
      : budgetConsumedAt(r.burnRate as number, windowMs, long);
    const burnRate = hasRate
      ? (r.burnRate as number)
      : burnRateThreshold(budgetConsumed, windowMs, long);
    tiers.push({
      severity,
      longWindowMs: long,
      shortWindowMs: short,
      burnRate,
      budgetConsumed,
      ...(holdMs > 0 ? { holdMs } : {}),
    });
  });
  return resolved(tiers, false, raw);
}

function checkLabels(c: Checker, value: unknown, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined) return out;
  const raw = c.object(value, path);
  if (!raw) return out;
  for (const [k, v] of Object.entries(raw)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k))
      c.fail(`${path}["${k}"]`, 'label names must match [a-zA-Z_][a-zA-Z0-9_]*');
    else if (typeof v !== 'string') c.fail(`${path}.${k}`, `must be a string, got ${show(v)}`);
    else out[k] = v;
  }
  return out;
}

/** Checks one entry of `slos:`. */
export function checkSlo(c: Checker, value: unknown, path: string): SloDefinition | undefined {
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, SLO_KEYS);
  let name: string | undefined;
  if (typeof raw.name !== 'string' || !NAME_RE.test(raw.name)) {
    c.fail(join(path, 'name'), `must match [a-z0-9][a-z0-9-]*, got ${show(raw.name)}`);
  } else name = raw.name;
  const description =
    raw.description === undefined
      ? undefined
      : c.string(raw.description, join(path, 'description'));
  const service =
    raw.service === undefined ? undefined : c.string(raw.service, join(path, 'service'));
  const target = checkObjective(c, raw, path);
  const window = checkWindow(c, raw, path);
  const budgeting = checkBudgeting(c, raw.budgeting, join(path, 'budgeting'));
  let spans: SpanSelector | undefined;
  let good: GoodPredicates | undefined;
  let trace: TraceSli | undefined;
  const sli = c.object(raw.sli, join(path, 'sli'));
  if (sli) {
    c.keys(sli, join(path, 'sli'), ['spans', 'trace', 'good']);
    if (sli.trace === undefined) spans = checkSelector(c, sli.spans, join(path, 'sli.spans'));
    else [spans, trace] = checkJourneySli(c, sli, join(path, 'sli'));
    good = checkGood(c, sli.good, join(path, 'sli.good'));
  }
  if (
    (budgeting?.method === 'timeslices' || budgeting?.method === 'ratio-timeslices') &&
    window &&
    budgeting.sliceMs >= window.durationMs
  ) {
    c.fail(
      join(path, 'budgeting.slice'),
      `must be shorter than the window, got ${formatDuration(budgeting.sliceMs)}`
    );
  }
  const alerting = window
    ? checkAlerting(c, raw.alerting, join(path, 'alerting'), window.durationMs, target, budgeting)
    : undefined;
  const labels = checkLabels(c, raw.labels, join(path, 'labels'));
  const grouping = checkGrouping(c, raw, path, labels);
  if (!name || target === undefined || !window || !budgeting || !spans || !good || !alerting)
    return undefined;
  return {
    name,
    description,
    service,
    target,
    window,
    budgeting,
    sli: trace === undefined ? { spans, good } : { spans, good, trace },
    alerting,
    labels,
    ...grouping,
  };
}
