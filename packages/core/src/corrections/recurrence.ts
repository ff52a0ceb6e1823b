import { RRuleTemporal } from 'rrule-temporal';
import type { Recurrence, Weekday } from '../types';

const KNOWN_PARTS = ['FREQ', 'BYDAY', 'BYMONTHDAY', 'BYHOUR', 'BYMINUTE'];
const BYDAY_RE = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;
const DAY_MS = 86_400_000;

/**
 * Parses the RFC 5545 `RRULE` subset of a recurring correction:
 * `FREQ=DAILY|WEEKLY|MONTHLY`, `BYDAY` (weekdays; with MONTHLY an ordinal such
 * as `1SA` or `-1SU`), `BYMONTHDAY` (MONTHLY), `BYHOUR` (required: the local
 * hours at which occurrences start) and `BYMINUTE` (default 0). An `RRULE:`
 * prefix is allowed. Returns the rule, or a one-line reason it is not usable.
 *
 * `INTERVAL`, `COUNT`, `UNTIL` and `DTSTART` are refused: they count from a
 * first occurrence, which a maintenance window that repeats forever does not have.
 */
export function parseRecurrence(text: string): Recurrence | string {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (body === '') return 'is empty; expected FREQ=DAILY|WEEKLY|MONTHLY;BYHOUR=…';
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return `${JSON.stringify(part)} is not KEY=VALUE`;
    const key = part.slice(0, eq).trim().toUpperCase();
    const value = part
      .slice(eq + 1)
      .trim()
      .toUpperCase();
    if (!KNOWN_PARTS.includes(key))
      return `${key} is not supported; a correction's rule takes ${KNOWN_PARTS.join(', ')}`;
    if (parts.has(key)) return `${key} is given twice`;
    parts.set(key, value);
  }
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY')
    return `FREQ must be DAILY, WEEKLY or MONTHLY, got ${freq === undefined ? 'nothing' : JSON.stringify(freq)}`;
  const byDay: Array<{ weekday: Weekday; ordinal?: number }> = [];
  for (const item of list(parts.get('BYDAY'))) {
    const m = BYDAY_RE.exec(item);
    if (!m)
      return `BYDAY: ${JSON.stringify(item)} is not a weekday (MO..SU, with MONTHLY 1SA, -1SU)`;
    if (m[1] !== undefined) {
      const ordinal = Number(m[1]);
      if (freq !== 'MONTHLY') return `BYDAY: ${item}: an ordinal needs FREQ=MONTHLY`;
      if (ordinal === 0 || ordinal > 5 || ordinal < -5)
        return `BYDAY: ${item}: the ordinal must be 1..5 or -5..-1`;
      byDay.push({ weekday: m[2] as Weekday, ordinal });
    } else byDay.push({ weekday: m[2] as Weekday });
  }
  const byMonthDay = numbers(parts.get('BYMONTHDAY'), 'BYMONTHDAY', -31, 31);
  if (typeof byMonthDay === 'string') return byMonthDay;
  if (byMonthDay.includes(0)) return 'BYMONTHDAY: 0 is not a day of the month';
  const byHour = numbers(parts.get('BYHOUR'), 'BYHOUR', 0, 23);
  if (typeof byHour === 'string') return byHour;
  const byMinute = numbers(parts.get('BYMINUTE') ?? '0', 'BYMINUTE', 0, 59);
  if (typeof byMinute === 'string') return byMinute;
  if (byHour.length === 0)
    return 'BYHOUR is required: the local hour(s) at which each occurrence starts';
  if (freq === 'WEEKLY' && byDay.length === 0) return 'FREQ=WEEKLY needs BYDAY (MO..SU)';
  if (freq === 'MONTHLY' && byDay.length === 0 && byMonthDay.length === 0)
    return 'FREQ=MONTHLY needs BYDAY (1SA, -1SU, …) or BYMONTHDAY';
  if (freq !== 'MONTHLY' && byMonthDay.length > 0) return 'BYMONTHDAY needs FREQ=MONTHLY';
  return { freq, byDay, byMonthDay, byHour, byMinute };
}

/** The rule as RFC 5545 text, parts in a fixed order: `FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0`. */
export function formatRecurrence(r: Recurrence): string {
  const parts = [`FREQ=${r.freq}`];
  if (r.byDay.length > 0)
    parts.push(`BYDAY=${r.byDay.map(d => `${d.ordinal ?? ''}${d.weekday}`).join(',')}`);
  if (r.byMonthDay.length > 0) parts.push(`BYMONTHDAY=${r.byMonthDay.join(',')}`);
  parts.push(`BYHOUR=${r.byHour.join(',')}`);
  parts.push(`BYMINUTE=${r.byMinute.join(',')}`);
  return parts.join(';');
}

/**
 * Start instants (ms since the epoch) of the occurrences of `rule` in
 * `timeZone` that start in `[fromMs, toMs)`, ascending. Local times are read
 * in the zone with its daylight-saving changes (the `rrule-temporal` library,
 * on the Temporal API): an occurrence at a local time that a change skips
 * (02:30 on the spring-forward day in Europe/Berlin) does not exist and is left
 * out, as RFC 5545 says; one at a time that happens twice (the autumn change)
 * starts at the first.
 */
export function occurrenceStarts(
  rule: Recurrence,
  timeZone: string,
  fromMs: number,
  toMs: number
): number[] {
  if (!(toMs > fromMs)) return [];
  // The rule has no DTSTART of its own (no INTERVAL or COUNT): any start before
  // the range gives the same occurrences. Local midnight on the 1st of the month
  // a day before the range keeps MONTHLY rules aligned and iterations few.
  const local = localDate(fromMs - DAY_MS, timeZone);
  const dtstart = `${local.year}${pad(local.month)}01T000000`;
  const r = new RRuleTemporal({
    rruleString: `DTSTART;TZID=${timeZone}:${dtstart}\nRRULE:${formatRecurrence(rule)}`,
  });
  const out: number[] = [];
  for (const z of r.between(new Date(fromMs), new Date(toMs), true)) {
    const t = z.epochMilliseconds;
    if (t >= fromMs && t < toMs) out.push(t);
  }
  return out;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Year and month of `timeMs` in `timeZone`. */
function localDate(timeMs: number, timeZone: string): { year: number; month: number } {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric' });
    formatters.set(timeZone, f);
  }
  let year = 1970;
  let month = 1;
  for (const p of f.formatToParts(new Date(timeMs))) {
    if (p.type === 'year') year = Number(p.value);
    else if (p.type === 'month') month = Number(p.value);
  }
  return { year, month };
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function list(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map(v => v.trim())
    .filter(v => v !== '');
}

function numbers(
  value: string | undefined,
  key: string,
  min: number,
  max: number
): number[] | string {
  const out: number[] = [];
  for (const item of list(value)) {
    if (!/^[+-]?\d{1,2}$/.test(item) || Number(item) < min || Number(item) > max)
      return `${key}: ${JSON.stringify(item)} is not a whole number ${min}..${max}`;
    if (!out.includes(Number(item))) out.push(Number(item));
  }
  return out.sort((a, b) => a - b);
}
