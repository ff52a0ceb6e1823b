import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { DAY_MS, formatDuration, HOUR_MS, MINUTE_MS, parseDuration } from '../duration';
import { parseLocalDateTime } from '../windows/calendar';
import { fromOpenSlo, isOpenSloDocument, spreadDocuments } from './openslo';
import { SpecError, suggest, type SpecIssue } from './spec-error';
import {
  budgetConsumedAt,
  burnRateThreshold,
  DEFAULT_NO_DATA_AFTER_MS,
  defaultMinEvents,
  deriveTiers,
} from '../math/tiers';
import type {
  AlertTier,
  AttributeMatcher,
  Budgeting,
  CollectorSettings,
  GoodPredicates,
  LatencyPredicate,
  SloDefinition,
  SloSpec,
  SloWindow,
  SpanSelector,
  StatusPredicate,
} from '../types';

const NAME_RE = /^[a-z0-9][a-z0-9-]*$/;
const MIN_WINDOW_MS = HOUR_MS;
const MAX_WINDOW_MS = 400 * DAY_MS;
const CALENDAR_MS = { week: 7 * DAY_MS, month: 30 * DAY_MS, quarter: 90 * DAY_MS } as const;
const KINDS = ['server', 'client', 'internal', 'producer', 'consumer', 'any'] as const;

type Raw = Record<string, unknown>;

/** Collects issues while walking a raw document. */
class Checker {
  readonly issues: SpecIssue[] = [];

  fail(path: string, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  /** Reports keys of `obj` that are not in `known`, with a suggestion when close. */
  keys(obj: Raw, path: string, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const hint = suggest(key, known);
      this.fail(
        join(path, key),
        `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${known.join(', ')}`
      );
    }
  }

  object(value: unknown, path: string): Raw | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Raw;
    return this.fail(path, `must be a mapping, got ${show(value)}`);
  }

  string(value: unknown, path: string): string | undefined {
    if (typeof value === 'string' && value.length > 0) return value;
    return this.fail(path, `must be a non-empty string, got ${show(value)}`);
  }

  stringList(value: unknown, path: string): string[] {
    if (typeof value === 'string') return this.string(value, path) !== undefined ? [value] : [];
    if (!Array.isArray(value)) {
      this.fail(path, `must be a list of strings, got ${show(value)}`);
      return [];
    }
    const out: string[] = [];
    value.forEach((v, i) => {
      const s = this.string(v, `${path}[${i}]`);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  duration(value: unknown, path: string): number | undefined {
    if (typeof value === 'number' && value > 0 && Number.isFinite(value)) return value;
    if (typeof value === 'string') {
      const ms = parseDuration(value);
      if (ms !== undefined) return ms;
    }
    return this.fail(
      path,
      `must be a duration such as 300ms, 30s, 5m, 1h, 28d or 4w, got ${show(value)}`
    );
  }
}

function join(path: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(value);
  }
}

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

const MATCHER_KEYS = ['equals', 'notEquals', 'oneOf', 'exists', 'gt', 'gte', 'lt', 'lte', 'regex'];

function checkAttributes(
  c: Checker,
  value: unknown,
  path: string
): Record<string, AttributeMatcher> {
  const out: Record<string, AttributeMatcher> = {};
  if (value === undefined) return out;
  const raw = c.object(value, path);
  if (!raw) return out;
  for (const [key, spec] of Object.entries(raw)) {
    const p = `${path}["${key}"]`;
    if (typeof spec === 'string' || typeof spec === 'number' || typeof spec === 'boolean') {
      out[key] = { op: 'equals', value: spec };
      continue;
    }
    const m = c.object(spec, p);
    if (!m) continue;
    c.keys(m, p, MATCHER_KEYS);
    const ops = Object.keys(m).filter(k => MATCHER_KEYS.includes(k));
    const compare = ops.filter(k => ['gt', 'gte', 'lt', 'lte'].includes(k));
    if (ops.length === 0) {
      c.fail(p, `needs one test of ${MATCHER_KEYS.join(', ')}`);
    } else if (compare.length > 0 && compare.length === ops.length) {
      const bounds: Record<string, number> = {};
      for (const k of compare) {
        if (typeof m[k] !== 'number' || !Number.isFinite(m[k]))
          c.fail(`${p}.${k}`, `must be a number, got ${show(m[k])}`);
        else bounds[k] = m[k] as number;
      }
      out[key] = { op: 'compare', ...bounds };
    } else if (ops.length > 1) {
      c.fail(p, `give one test (or numeric bounds gt/gte/lt/lte), got ${ops.join(', ')}`);
    } else {
      const op = ops[0];
      const v = m[op];
      const scalar = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      if (op === 'equals' || op === 'notEquals') {
        if (!scalar) c.fail(`${p}.${op}`, `must be a string, number or boolean, got ${show(v)}`);
        else out[key] = { op, value: v };
      } else if (op === 'oneOf') {
        if (
          !Array.isArray(v) ||
          v.length === 0 ||
          !v.every(x => ['string', 'number', 'boolean'].includes(typeof x))
        ) {
          c.fail(
            `${p}.oneOf`,
            `must be a non-empty list of strings, numbers or booleans, got ${show(v)}`
          );
        } else out[key] = { op: 'oneOf', values: v };
      } else if (op === 'exists') {
        if (typeof v !== 'boolean') c.fail(`${p}.exists`, `must be true or false, got ${show(v)}`);
        else out[key] = { op: 'exists', exists: v };
      } else if (op === 'regex') {
        if (typeof v !== 'string') c.fail(`${p}.regex`, `must be a string, got ${show(v)}`);
        else {
          try {
            new RegExp(v);
            out[key] = { op: 'regex', pattern: v };
          } catch (e) {
            c.fail(
              `${p}.regex`,
              `is not a valid regular expression (${(e as Error).message}), got ${show(v)}`
            );
          }
        }
      }
    }
  }
  return out;
}

function checkSelector(c: Checker, value: unknown, path: string): SpanSelector | undefined {
  const raw = value === undefined ? {} : c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['kind', 'routes', 'rpc', 'attributes', 'exclude']);
  let kind: SpanSelector['kind'] = 'server';
  if (raw.kind !== undefined) {
    if (typeof raw.kind === 'string' && (KINDS as readonly string[]).includes(raw.kind))
      kind = raw.kind as SpanSelector['kind'];
    else c.fail(join(path, 'kind'), `must be one of ${KINDS.join(', ')}, got ${show(raw.kind)}`);
  }
  const routes = raw.routes === undefined ? [] : c.stringList(raw.routes, join(path, 'routes'));
  const rpc = raw.rpc === undefined ? [] : c.stringList(raw.rpc, join(path, 'rpc'));
  const attributes = checkAttributes(c, raw.attributes, join(path, 'attributes'));
  const exclude: SpanSelector['exclude'][number][] = [];
  if (raw.exclude !== undefined) {
    const list = Array.isArray(raw.exclude) ? raw.exclude : [raw.exclude];
    list.forEach((e, i) => {
      const p = Array.isArray(raw.exclude)
        ? `${join(path, 'exclude')}[${i}]`
        : join(path, 'exclude');
      const r = c.object(e, p);
      if (!r) return;
      c.keys(r, p, ['routes', 'attributes']);
      const rule = {
        routes: r.routes === undefined ? [] : c.stringList(r.routes, join(p, 'routes')),
        attributes: checkAttributes(c, r.attributes, join(p, 'attributes')),
      };
      if (rule.routes.length === 0 && Object.keys(rule.attributes).length === 0)
        c.fail(p, 'needs routes or attributes');
      exclude.push(rule);
    });
  }
  return { kind, routes, rpc, attributes, exclude };
}

function checkStatus(c: Checker, value: unknown, path: string): StatusPredicate | undefined {
  const defaults: StatusPredicate = { clientErrors: 'good', spanError: 'bad', badCodes: [] };
  if (value === 'ok' || value === true) return defaults;
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['clientErrors', 'spanError', 'badCodes']);
  let clientErrors = defaults.clientErrors;
  let spanError = defaults.spanError;
  const badCodes: number[] = [];
  if (raw.clientErrors !== undefined) {
    if (raw.clientErrors === 'good' || raw.clientErrors === 'bad') clientErrors = raw.clientErrors;
    else c.fail(join(path, 'clientErrors'), `must be good or bad, got ${show(raw.clientErrors)}`);
  }
  if (raw.spanError !== undefined) {
    if (raw.spanError === 'bad' || raw.spanError === 'ignore') spanError = raw.spanError;
    else c.fail(join(path, 'spanError'), `must be bad or ignore, got ${show(raw.spanError)}`);
  }
  if (raw.badCodes !== undefined) {
    if (!Array.isArray(raw.badCodes))
      c.fail(
        join(path, 'badCodes'),
        `must be a list of HTTP status codes, got ${show(raw.badCodes)}`
      );
    else
      raw.badCodes.forEach((code, i) => {
        if (typeof code === 'number' && Number.isInteger(code) && code >= 100 && code <= 599)
          badCodes.push(code);
        else
          c.fail(
            `${join(path, 'badCodes')}[${i}]`,
            `must be an HTTP status code 100-599, got ${show(code)}`
          );
      });
  }
  return { clientErrors, spanError, badCodes };
}

function checkLatency(c: Checker, value: unknown, path: string): LatencyPredicate | undefined {
  if (typeof value === 'string' || typeof value === 'number') {
    const ms = c.duration(value, path);
    return ms === undefined ? undefined : { defaultMs: ms, routes: [] };
  }
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['default', 'routes']);
  const defaultMs =
    raw.default === undefined ? Infinity : c.duration(raw.default, join(path, 'default'));
  const routes: { route: string; thresholdMs: number }[] = [];
  if (raw.routes !== undefined) {
    const r = c.object(raw.routes, join(path, 'routes'));
    if (r) {
      for (const [route, d] of Object.entries(r)) {
        const ms = c.duration(d, `${join(path, 'routes')}["${route}"]`);
        if (ms !== undefined) routes.push({ route, thresholdMs: ms });
      }
    }
  }
  if (raw.default === undefined && routes.length === 0)
    return c.fail(path, 'needs default or routes');
  return defaultMs === undefined ? undefined : { defaultMs, routes };
}

function checkGood(c: Checker, value: unknown, path: string): GoodPredicates | undefined {
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['status', 'latency', 'attributes']);
  const status =
    raw.status === undefined ? undefined : checkStatus(c, raw.status, join(path, 'status'));
  const latency =
    raw.latency === undefined ? undefined : checkLatency(c, raw.latency, join(path, 'latency'));
  const attributes = checkAttributes(c, raw.attributes, join(path, 'attributes'));
  if (
    raw.status === undefined &&
    raw.latency === undefined &&
    Object.keys(attributes).length === 0 &&
    raw.attributes === undefined
  ) {
    return c.fail(path, 'needs at least one of status, latency, attributes');
  }
  return { status, latency, attributes };
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

function checkSlo(c: Checker, value: unknown, path: string): SloDefinition | undefined {
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
  const sli = c.object(raw.sli, join(path, 'sli'));
  if (sli) {
    c.keys(sli, join(path, 'sli'), ['spans', 'good']);
    spans = checkSelector(c, sli.spans, join(path, 'sli.spans'));
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
  if (!name || target === undefined || !window || !budgeting || !spans || !good || !alerting)
    return undefined;
  return {
    name,
    description,
    service,
    target,
    window,
    budgeting,
    sli: { spans, good },
    alerting,
    labels,
  };
}

const COLLECTOR_KEYS: Record<
  keyof CollectorSettings,
  'port' | 'string' | 'duration' | 'bytes' | 'tls' | 'count' | 'receivers'
> = {
  host: 'string',
  httpPort: 'port',
  grpcPort: 'port',
  metricsPort: 'port',
  metricsHost: 'string',
  stateFile: 'string',
  snapshotIntervalMs: 'duration',
  maxBodyBytes: 'bytes',
  maxInFlightBytes: 'bytes',
  maxGrpcMessageBytes: 'bytes',
  maxConnections: 'count',
  idleTimeoutMs: 'duration',
  token: 'string',
  tls: 'tls',
  maxSeries: 'count',
  alertmanagers: 'receivers',
  webhooks: 'receivers',
  alertEvaluationIntervalMs: 'duration',
  alertResendIntervalMs: 'duration',
};

const BYTES_RE = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)?$/;
const BYTE_UNITS: Record<string, number> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
};

/** Parses `64MiB`, `512 KiB` or a plain number of bytes. */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = BYTES_RE.exec(value.trim());
  if (!m) return undefined;
  const n = Math.round(Number(m[1]) * BYTE_UNITS[m[2] ?? 'B']);
  return n > 0 ? n : undefined;
}

function checkCollector(c: Checker, value: unknown, path: string): CollectorSettings | undefined {
  const raw = c.object(value, path);
  if (!raw) return undefined;
  const aliases: Record<string, keyof CollectorSettings> = {
    snapshotInterval: 'snapshotIntervalMs',
    maxBodySize: 'maxBodyBytes',
    maxInFlight: 'maxInFlightBytes',
    maxGrpcMessageSize: 'maxGrpcMessageBytes',
    idleTimeout: 'idleTimeoutMs',
    alertEvaluationInterval: 'alertEvaluationIntervalMs',
    alertResendInterval: 'alertResendIntervalMs',
  };
  const known = [
    ...Object.keys(COLLECTOR_KEYS).filter(
      k => !Object.values(aliases).includes(k as keyof CollectorSettings)
    ),
    ...Object.keys(aliases),
  ];
  c.keys(raw, path, known);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    const target = aliases[key] ?? (key as keyof CollectorSettings);
    const kind = COLLECTOR_KEYS[target];
    if (!kind || !known.includes(key)) continue;
    const p = join(path, key);
    if (kind === 'port') {
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535) out[target] = v;
      else c.fail(p, `must be a port number 0-65535, got ${show(v)}`);
    } else if (kind === 'count') {
      if (typeof v === 'number' && Number.isInteger(v) && v > 0) out[target] = v;
      else c.fail(p, `must be a positive integer, got ${show(v)}`);
    } else if (kind === 'string') {
      const s = c.string(v, p);
      if (s !== undefined) out[target] = s;
    } else if (kind === 'duration') {
      const ms = c.duration(v, p);
      if (ms !== undefined) out[target] = ms;
    } else if (kind === 'bytes') {
      const n = parseBytes(v);
      if (n === undefined)
        c.fail(p, `must be a size such as 64MiB or a number of bytes, got ${show(v)}`);
      else out[target] = n;
    } else if (kind === 'receivers') {
      // notification receivers: the collector checks them (it knows the transports)
      if (typeof v === 'string' || Array.isArray(v)) out[target] = v;
      else c.fail(p, `must be a list of URLs or receiver objects, got ${show(v)}`);
    } else if (kind === 'tls') {
      const t = c.object(v, p);
      if (t) {
        c.keys(t, p, ['cert', 'key']);
        const cert = c.string(t.cert, join(p, 'cert'));
        const k = c.string(t.key, join(p, 'key'));
        if (cert && k) out.tls = { cert, key: k };
      }
    }
  }
  return out as CollectorSettings;
}

/**
 * Validates a parsed spec document (plain data, as YAML or JSON gives it) and
 * returns the typed spec. Throws a {@link SpecError} listing every problem.
 */
export function validateSpec(doc: unknown, source?: string): SloSpec {
  const c = new Checker();
  const raw = c.object(doc, '(root)');
  if (!raw) throw new SpecError(c.issues, source);
  c.keys(raw, '', ['slos', 'collector']);
  const slos: SloDefinition[] = [];
  if (!Array.isArray(raw.slos) || raw.slos.length === 0) {
    c.fail('slos', `must be a non-empty list of SLOs, got ${show(raw.slos)}`);
  } else {
    const seen = new Map<string, number>();
    raw.slos.forEach((s, i) => {
      const slo = checkSlo(c, s, `slos[${i}]`);
      const name = (s as Raw | null)?.name;
      if (typeof name === 'string') {
        const first = seen.get(name);
        if (first !== undefined)
          c.fail(`slos[${i}].name`, `duplicates slos[${first}].name ${show(name)}`);
        else seen.set(name, i);
      }
      if (slo) slos.push(slo);
    });
  }
  const collector =
    raw.collector === undefined ? undefined : checkCollector(c, raw.collector, 'collector');
  if (c.issues.length > 0) throw new SpecError(c.issues, source);
  return { slos, collector };
}

/**
 * Parses spec text: a burnrate document (`slos:`), or one or more OpenSLO v1
 * documents (`apiVersion: openslo/v1`, kinds SLO, SLI, AlertPolicy).
 */
export function parseSpec(text: string, source?: string): SloSpec {
  const docs = parseAllDocuments(text, { logLevel: 'error' });
  const issues: SpecIssue[] = [];
  const values: unknown[] = [];
  for (const d of docs) {
    for (const e of d.errors) {
      const pos = e.linePos?.[0];
      issues.push({
        path: pos ? `line ${pos.line}, column ${pos.col}` : '(yaml)',
        message: e.message.split('\n')[0],
      });
    }
    try {
      values.push(d.toJS({ maxAliasCount: 100 }));
    } catch (e) {
      // unresolved or excessive aliases (`*x` without `&x`, alias bombs)
      issues.push({ path: '(yaml)', message: (e as Error).message.split('\n')[0] });
    }
  }
  if (issues.length > 0) throw new SpecError(issues, source);
  const nonEmpty = spreadDocuments(values.filter(v => v !== null && v !== undefined));
  if (nonEmpty.length === 0)
    throw new SpecError([{ path: '(root)', message: 'the spec is empty' }], source);
  if (nonEmpty.some(isOpenSloDocument)) {
    const { doc, origins } = fromOpenSlo(nonEmpty, source);
    try {
      return validateSpec(doc, source);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      // name the OpenSLO document, not the burnrate SLO it became
      const issues = e.issues.map(i => {
        const m = /^slos\[(\d+)\](.*)$/.exec(i.path);
        const o = m ? origins[Number(m[1])] : undefined;
        return o ? { path: `${o.path} (${o.label})${m![2]}`, message: i.message } : i;
      });
      throw new SpecError(issues, source);
    }
  }
  if (nonEmpty.length > 1)
    throw new SpecError(
      [{ path: '(root)', message: `expected one document, got ${nonEmpty.length}` }],
      source
    );
  return validateSpec(nonEmpty[0], source);
}

/** Reads and validates a spec file. */
export function loadSpec(path: string): SloSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpecError(
      [
        {
          path: '(file)',
          message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        },
      ],
      path
    );
  }
  return parseSpec(text, path);
}
