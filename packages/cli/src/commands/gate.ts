import {
  DEFAULT_POLICY,
  explainStatus,
  parseDuration,
  policyChangeTypes,
  policyDecision,
  STATUS_ORDER,
  strictestDecision,
  suggest,
  type ErrorBudgetPolicy,
  type ReleaseDecision,
  type SloSpec,
  type SloStatus,
} from '@burnrate/core';
import type { SloReport } from '@burnrate/status';
import { CliError, percent, table, toJson, UsageError, type CliIo } from '../io';
import { loadSpecFile } from '../spec-file';
import { readPrometheus } from '../prometheus-source';
import { entryName, readSlos, type SourceOptions } from './status';

/** Options of `burnrate gate`. */
export interface GateOptions extends SourceOptions {
  slos: string[];
  allow: string | undefined;
  minRemaining: string | undefined;
  /** Approve SLOs whose status is `no-data` (otherwise the policy decides). @default false */
  allowNoData?: boolean;
  /** `--prometheus URL`: read the recorded rules of a Prometheus server instead of `/api/slos`. */
  prometheus?: string;
  /** `--change-type`: the kind of change, for the policy's exceptions. */
  changeType?: string;
  /** `--spec FILE`: the policy (and, for `--prometheus`, the SLOs' windows and composites). */
  spec?: string;
  json: boolean;
}

/** What the gate reads of one SLO or composite, from whichever source. */
export interface GateReading {
  name: string;
  /** A grouped SLO's group (`/api/slos` `group`). */
  group?: Record<string, string>;
  status: string;
  remaining: number;
  /** Burn rate over 1 h (or the SLO's exhaustion window); NaN when unknown. */
  burnRate1h: number;
  /** Seconds; null when not burning. */
  timeToExhaustionSeconds: number | null;
  firing: { page: boolean; ticket: boolean };
  /** SLO window in milliseconds; NaN when unknown. */
  windowMs: number;
  /** Composites: the component whose status is the composite's, when known. */
  statusFrom?: string;
  composite: boolean;
}

const DECISIONS: readonly ReleaseDecision[] = ['approve', 'review', 'defer', 'block'];
const CHANGE_TYPE_RE = /^[a-z0-9][a-z0-9-]*$/;

/** An `/api/slos` entry as the gate reads it. */
export function readingFromReport(s: SloReport): GateReading {
  const burn1h = s.burnRates['1h'];
  return {
    name: s.name,
    ...(s.group !== undefined ? { group: s.group } : {}),
    status: s.status,
    remaining: s.remaining,
    burnRate1h: burn1h ?? NaN,
    timeToExhaustionSeconds: s.timeToExhaustionSeconds,
    firing: s.firing,
    windowMs: parseDuration(s.window) ?? NaN,
    ...(s.composite ? { statusFrom: s.composite.statusFrom } : {}),
    composite: s.composite !== undefined,
  };
}

/**
 * `burnrate gate`: whether a change may go out, by the error budget policy.
 * Each SLO's status (from a collector's `/api/slos`, a saved copy, or the
 * recorded rules of a Prometheus server) gives the decision its policy rule
 * allows; an exception for `--change-type` replaces it; `--allow-no-data`
 * approves no-data; `--min-remaining` defers below a budget share. The strictest
 * decision wins; exit 0 when it is at most `--allow` (default review), 1 otherwise.
 */
export async function gateCommand(options: GateOptions, io: CliIo): Promise<number> {
  const allow = (options.allow ?? 'review') as ReleaseDecision;
  if (!DECISIONS.includes(allow))
    throw new UsageError(
      `--allow must be one of ${DECISIONS.join(', ')}, got ${JSON.stringify(options.allow)}`
    );
  let minRemaining = -Infinity;
  if (options.minRemaining !== undefined) {
    minRemaining = Number(options.minRemaining);
    if (!Number.isFinite(minRemaining) || minRemaining > 1) {
      throw new UsageError(
        `--min-remaining must be a budget share such as 0.25, got ${JSON.stringify(options.minRemaining)}`
      );
    }
  }
  const changeType = options.changeType;
  if (changeType !== undefined && !CHANGE_TYPE_RE.test(changeType))
    throw new UsageError(
      `--change-type must be a word such as security-fix or rollback ([a-z0-9-]), got ${JSON.stringify(changeType)}`
    );
  const sources = [options.url, options.input, options.prometheus].filter(s => s !== undefined);
  if (sources.length > 1) throw new UsageError('give one of --url, --input and --prometheus');
  let spec: SloSpec | undefined;
  if (options.spec !== undefined) {
    const loaded = loadSpecFile(options.spec, io);
    if (typeof loaded === 'number') return loaded;
    spec = loaded;
  }
  let readings: GateReading[];
  let policy: ErrorBudgetPolicy;
  let source: string;
  if (options.prometheus !== undefined) {
    source = options.prometheus;
    readings = await readPrometheus(options.prometheus, spec);
    policy = spec?.policy ?? DEFAULT_POLICY;
  } else {
    const doc = await readSlos(options);
    source = options.input ?? options.url ?? 'collector';
    readings = doc.slos.map(readingFromReport);
    policy = spec?.policy ?? checkedPolicy(doc.policy, source);
  }
  const names = [...new Set(readings.map(r => r.name))];
  const wanted = options.slos.length > 0 ? options.slos : names;
  const missing = wanted.filter(n => !names.includes(n));
  if (missing.length > 0)
    throw new CliError(
      `no SLO named ${missing
        .map(m => {
          const hint = suggest(m, names);
          return `${JSON.stringify(m)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`;
        })
        .join(', ')}`
    );
  const verdicts = readings
    .filter(r => wanted.includes(r.name))
    .map(r => verdict(r, policy, changeType, options.allowNoData === true, minRemaining));
  const decision = strictestDecision(verdicts.map(v => v.decision));
  const pass = DECISIONS.indexOf(decision) <= DECISIONS.indexOf(allow);
  const knownTypes = policyChangeTypes(policy);
  const note =
    changeType !== undefined && !knownTypes.includes(changeType)
      ? `the policy has no exception for change type ${changeType}${knownTypes.length > 0 ? ` (it has ${knownTypes.join(', ')})` : ''}`
      : undefined;
  if (options.json)
    io.out(
      toJson({
        decision,
        pass,
        allow,
        changeType: changeType ?? null,
        source,
        slos: verdicts,
        ...(note ? { note } : {}),
      })
    );
  else {
    const label = (v: Verdict) => entryName({ name: v.slo, group: v.group });
    io.out(
      `${table([
        ['SLO', 'decision', 'why'],
        ...verdicts.map(v => [label(v), v.decision, v.reasons.join('; ')]),
      ])}\n`
    );
    const todo = verdicts.filter(v => v.action !== undefined || v.contacts.length > 0);
    if (todo.length > 0) {
      io.out('\n');
      for (const v of todo) io.out(`${label(v)} (${v.status}): ${actionText(v)}\n`);
    }
    if (note) io.out(`\nnote: ${note}\n`);
    io.out(
      `\ndecision: ${decision} (${pass ? 'pass' : 'fail'}: allowed up to ${allow}${changeType ? `; change type ${changeType}` : ''})\n`
    );
  }
  return pass ? 0 : 1;
}

/** The policy's action and contacts in one line: `Freeze releases. Contacts: a, b.` */
export function actionText(v: { action?: string; contacts: readonly string[] }): string {
  const action = v.action === undefined ? '' : /[.!?]$/.test(v.action) ? v.action : `${v.action}.`;
  const contacts = v.contacts.length > 0 ? `Contacts: ${v.contacts.join(', ')}.` : '';
  return [action, contacts].filter(Boolean).join(' ');
}

/** One SLO's answer. */
interface Verdict {
  slo: string;
  group?: Record<string, string>;
  status: string;
  decision: ReleaseDecision;
  remaining: number;
  /** Why it has its status: the condition and the policy key of its threshold. */
  because: string;
  threshold: string;
  /** The policy rule that decided (`policy.statuses.warning.allows`, `policy.exceptions[0]`). */
  rule: string;
  ruleText: string;
  action?: string;
  contacts: readonly string[];
  reasons: string[];
}

function verdict(
  r: GateReading,
  policy: ErrorBudgetPolicy,
  changeType: string | undefined,
  allowNoData: boolean,
  minRemaining: number
): Verdict {
  if (!(STATUS_ORDER as readonly string[]).includes(r.status))
    throw new CliError(`SLO ${r.name}: unknown status ${JSON.stringify(r.status)}`);
  const status = r.status as SloStatus;
  const { because, threshold } = statusBecause(r, status, policy);
  const d = policyDecision(policy, status, changeType);
  let decision = d.decision;
  const reasons = [
    `status ${status}: ${because}${threshold ? ` (${threshold})` : ''}`,
    `${d.ruleText} (${d.rule})`,
  ];
  if (status === 'no-data' && allowNoData && decision !== 'approve') {
    decision = 'approve';
    reasons.push('approved by --allow-no-data');
  } else if (status === 'no-data' && !allowNoData && decision !== 'approve')
    reasons.push('nothing to judge by (--allow-no-data approves)');
  if (r.remaining < minRemaining) {
    decision = strictestDecision([decision, 'defer']);
    reasons.push(`budget left ${percent(r.remaining, 3)} < ${percent(minRemaining, 3)}`);
  }
  return {
    slo: r.name,
    ...(r.group ? { group: r.group } : {}),
    status,
    decision,
    remaining: r.remaining,
    because,
    threshold,
    rule: d.rule,
    ruleText: d.ruleText,
    ...(d.action !== undefined ? { action: d.action } : {}),
    contacts: d.contacts,
    reasons,
  };
}

/**
 * Why an SLO has its status: the policy condition its numbers meet (core's
 * `explainStatus`), or for a composite the component it takes its status from.
 */
function statusBecause(
  r: GateReading,
  status: SloStatus,
  policy: ErrorBudgetPolicy
): { because: string; threshold: string } {
  if (r.composite)
    return {
      because: r.statusFrom
        ? `most restrictive component ${r.statusFrom} is ${status}`
        : `a component is ${status}`,
      threshold: '',
    };
  const e = explainStatus(
    {
      remaining: r.remaining,
      burnRate: Number.isNaN(r.burnRate1h) ? 0 : r.burnRate1h,
      timeToExhaustionMs:
        r.timeToExhaustionSeconds === null ? Infinity : r.timeToExhaustionSeconds * 1000,
      pageFiring: r.firing.page,
      ticketFiring: r.firing.ticket,
      windowMs: Number.isNaN(r.windowMs) ? Infinity : r.windowMs,
      noData: status === 'no-data',
    },
    policy.thresholds
  );
  if (e.status === status) return { because: e.because, threshold: e.threshold };
  return { because: `status ${status}`, threshold: '' };
}

/** The policy an `/api/slos` document carries, checked for shape; the defaults without one. */
function checkedPolicy(value: unknown, where: string): ErrorBudgetPolicy {
  if (value === undefined || value === null) return DEFAULT_POLICY;
  const p = value as Partial<ErrorBudgetPolicy>;
  const ok =
    typeof p === 'object' &&
    typeof p.statuses === 'object' &&
    p.statuses !== null &&
    STATUS_ORDER.every(s => DECISIONS.includes(p.statuses![s]?.allows)) &&
    Array.isArray(p.exceptions) &&
    Array.isArray(p.contacts) &&
    typeof p.thresholds === 'object';
  if (!ok) throw new CliError(`${where}: policy is not a burnrate policy (give --spec FILE)`);
  return p as ErrorBudgetPolicy;
}
