import {
  CorrectionSchedule,
  type CorrectionDefinition,
  type Recurrence,
  type RecurringCorrection,
  type SloDefinition,
  type Weekday,
} from '@burnrate/core';
import { formatNumber, matchers } from './promql';
import {
  ALERT_NO_DATA,
  LABEL_SLO_NAME,
  LABEL_TIME_ZONE,
  RECORD_CORRECTION_ACTIVE,
  RECORD_CORRECTION_LOCAL_TIME,
} from './semconv';
import type { AlertingRule, RecordingRule } from './types';

const DAY_S = 86_400;
/**
 * The daylight-saving changes a recurring correction's rule writes out: from
 * 2025 to the end of 2035. Past the end, the last offset holds (regenerate the rules).
 */
export const OFFSET_TABLE_FROM_MS = Date.UTC(2025, 0, 1);
export const OFFSET_TABLE_TO_MS = Date.UTC(2036, 0, 1);
/** PromQL's `day_of_week` numbers Sunday 0. */
const WEEKDAY_NUMBER: Record<Weekday, number> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };

/**
 * A PromQL expression (one label-less sample) that is 1 while any of
 * `corrections` is active and 0 otherwise, a function of `time()` alone: it
 * needs no series, so it is right at any instant a query asks about (a
 * dashboard's past range too).
 *
 * - one-time: `(time() >= bool start) * (time() < bool end)`;
 * - recurring: the local time `u = time() + offset` (the zone's UTC offset, its
 *   daylight-saving changes written out by {@link utcOffsetExpr}), shifted by the
 *   occurrence's start time of day `c`; it is inside an occurrence when
 *   `(u − c) mod 1 d` (plus whole days back, for occurrences longer than a day)
 *   is under the duration and the day (`day_of_week`, `day_of_month`,
 *   `days_in_month` of `u − c`) is one the rule selects.
 */
export function correctionActiveExpr(
  corrections: readonly CorrectionDefinition[],
  localTime: (c: RecurringCorrection) => string = c => localTimeExpr(c.timeZone)
): string {
  const terms = corrections.map(c =>
    c.type === 'once'
      ? `(time() >= bool ${formatNumber(c.startMs / 1000)}) * (time() < bool ${formatNumber(c.endMs / 1000)})`
      : recurringExpr(c.recurrence, c.durationMs / 1000, localTime(c))
  );
  return `vector((${terms.join(')\n + (')}) > bool 0)`;
}

/** The local time of `timeZone` as seconds since the epoch read as UTC: `time() + offset`. */
export function localTimeExpr(timeZone: string): string {
  const offset = utcOffsetExpr(timeZone);
  return offset === '0' ? 'time()' : `(time() + ${offset})`;
}

function recurringExpr(rule: Recurrence, durationS: number, local: string): string {
  const clauses: string[] = [];
  const daysBack = Math.ceil(durationS / DAY_S);
  for (const h of rule.byHour) {
    for (const m of rule.byMinute) {
      const c = h * 3600 + m * 60;
      for (let k = 0; k < daysBack; k++) {
        // v: local seconds since the start of the occurrence day k days back
        const shift = c + k * DAY_S;
        const v = `(${local} - ${shift})`;
        const within = `(${v} % ${DAY_S} < bool ${formatNumber(durationS - k * DAY_S)})`;
        const day = dayExpr(rule, v);
        clauses.push(day === undefined ? within : `${within} * ${day}`);
      }
    }
  }
  return clauses.join('\n + ');
}

/** 1 when the local day of `v` (seconds, as if UTC) is one the rule selects; undefined: every day. */
function dayExpr(rule: Recurrence, v: string): string | undefined {
  const fn = (name: string) => `scalar(${name}(vector(${v})))`;
  const alternatives: string[] = [];
  for (const d of rule.byDay) {
    const weekday = `(${fn('day_of_week')} == bool ${WEEKDAY_NUMBER[d.weekday]})`;
    if (d.ordinal === undefined) alternatives.push(weekday);
    else if (d.ordinal > 0) {
      // the n-th such weekday: day of month in 7(n-1)+1 .. 7n
      const dom = fn('day_of_month');
      alternatives.push(
        `${weekday} * (${dom} > bool ${7 * (d.ordinal - 1)}) * (${dom} <= bool ${7 * d.ordinal})`
      );
    } else {
      // the n-th last: days after it in the month in 7(n-1) .. 7n-1
      const after = `(${fn('days_in_month')} - ${fn('day_of_month')})`;
      const n = -d.ordinal;
      alternatives.push(
        `${weekday} * (${after} >= bool ${7 * (n - 1)}) * (${after} < bool ${7 * n})`
      );
    }
  }
  for (const md of rule.byMonthDay) {
    alternatives.push(
      md > 0
        ? `(${fn('day_of_month')} == bool ${md})`
        : `(${fn('days_in_month')} - ${fn('day_of_month')} == bool ${-md - 1})`
    );
  }
  if (alternatives.length === 0) return undefined;
  if (alternatives.length === 1) return alternatives[0];
  return `((${alternatives.join(' + ')}) > bool 0)`;
}

/**
 * The UTC offset of `timeZone` in seconds as a PromQL scalar expression of
 * `time()`: the offset at the start of the table, plus each daylight-saving
 * change from {@link OFFSET_TABLE_FROM_MS} to {@link OFFSET_TABLE_TO_MS}
 * (`(time() >= bool T) * delta`); `0` for UTC.
 */
export function utcOffsetExpr(timeZone: string): string {
  const changes = offsetChanges(timeZone, OFFSET_TABLE_FROM_MS, OFFSET_TABLE_TO_MS);
  const first = offsetSeconds(OFFSET_TABLE_FROM_MS, timeZone);
  if (changes.length === 0) return formatNumber(first);
  const terms = [formatNumber(first)];
  let previous = first;
  for (const [atMs, offset] of changes) {
    const delta = offset - previous;
    terms.push(`(time() >= bool ${formatNumber(atMs / 1000)}) * ${formatNumber(delta)}`);
    previous = offset;
  }
  return `(${terms.join(' + ')})`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** UTC offset of `timeZone` at `timeMs`, in seconds. */
export function offsetSeconds(timeMs: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const o: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(timeMs))) if (p.type !== 'literal') o[p.type] = +p.value;
  const asUtc = Date.UTC(o.year, o.month - 1, o.day, o.hour, o.minute, o.second);
  return Math.round((asUtc - Math.floor(timeMs / 1000) * 1000) / 1000);
}

/** The instants (ms) in `[fromMs, toMs)` at which the zone's offset changes, with the new offset. */
export function offsetChanges(
  timeZone: string,
  fromMs: number,
  toMs: number
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const step = 7 * DAY_S * 1000;
  let before = fromMs;
  let offset = offsetSeconds(before, timeZone);
  for (let t = fromMs + step; t < toMs + step; t += step) {
    const at = Math.min(t, toMs);
    const next = offsetSeconds(at, timeZone);
    if (next !== offset) {
      // the change is in (before, at]: find it to the second
      let lo = before;
      let hi = at;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (offsetSeconds(mid, timeZone) === offset) lo = mid;
        else hi = mid;
      }
      out.push([hi, next]);
      offset = next;
    }
    before = at;
  }
  return out;
}

/**
 * The correction rules of an SLO that corrections apply to (none when no
 * correction does): `slo:correction_local_time:seconds` per time zone with
 * daylight-saving changes (`time()` + the zone's offset, read by the next rule),
 * then `slo:correction:active` (1 during a correction, else 0).
 */
export function correctionRules(
  slo: SloDefinition,
  corrections: readonly CorrectionDefinition[] | undefined
): RecordingRule[] {
  const schedule = CorrectionSchedule.forSlo(corrections, slo.name);
  if (schedule === undefined) return [];
  const base = { ...slo.labels, [LABEL_SLO_NAME]: slo.name };
  const rules: RecordingRule[] = [];
  const local = new Map<string, string>();
  for (const c of schedule.corrections) {
    if (c.type !== 'recurring' || local.has(c.timeZone)) continue;
    const expr = localTimeExpr(c.timeZone);
    if (expr === 'time()') {
      local.set(c.timeZone, expr);
      continue;
    }
    const labels = { ...base, [LABEL_TIME_ZONE]: c.timeZone };
    rules.push({ record: RECORD_CORRECTION_LOCAL_TIME, expr: `vector${expr}`, labels });
    local.set(
      c.timeZone,
      `scalar(${RECORD_CORRECTION_LOCAL_TIME}${matchers({ [LABEL_SLO_NAME]: slo.name, [LABEL_TIME_ZONE]: c.timeZone })})`
    );
  }
  rules.push({
    record: RECORD_CORRECTION_ACTIVE,
    expr: correctionActiveExpr(schedule.corrections, c => local.get(c.timeZone)!),
    labels: base,
  });
  return rules;
}

/**
 * An SLO's rules with its corrections: `slo:correction:active` first (so the
 * rules after it read this evaluation's value), and `SloNoData` held off while a
 * correction is active (the engine does not count then; `for:` starts again at
 * its end, as the engine's no-data clock does). The burn-rate rules need
 * nothing: the counters they read do not move during a correction.
 */
export function withCorrections<R extends RecordingRule | AlertingRule>(
  slo: SloDefinition,
  corrections: readonly CorrectionDefinition[] | undefined,
  rules: R[]
): Array<R | RecordingRule> {
  const active = correctionRules(slo, corrections);
  if (active.length === 0) return rules;
  const during = `${RECORD_CORRECTION_ACTIVE}${matchers({ [LABEL_SLO_NAME]: slo.name })} == 1`;
  const patched = rules.map(r =>
    'alert' in r && r.alert === ALERT_NO_DATA
      ? { ...r, expr: `(${r.expr})\nunless on ()\n(${during})` }
      : r
  );
  return [...active, ...patched];
}
