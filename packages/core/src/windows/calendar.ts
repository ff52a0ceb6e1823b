import { HOUR_MS } from '../duration';

/** Calendar period units. */
export type CalendarUnit = 'week' | 'month' | 'quarter';

const partsCache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
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
    partsCache.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of `timeMs` in `timeZone`. */
function wallClock(
  timeMs: number,
  timeZone: string
): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(timeMs))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { y: out.year, mo: out.month, d: out.day, h: out.hour, mi: out.minute, s: out.second };
}

/** UTC offset of `timeZone` at `timeMs`, in milliseconds (east positive). */
function offsetMs(timeMs: number, timeZone: string): number {
  const w = wallClock(timeMs, timeZone);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return asUtc - Math.floor(timeMs / 1000) * 1000;
}

/**
 * The first instant of the local day y-mo-d in `timeZone`: local midnight, or,
 * where a DST change skips midnight (clocks jump from 00:00 to 01:00, as in
 * America/Asuncion or America/Havana), the instant of that change.
 */
function localMidnight(y: number, mo: number, d: number, timeZone: string): number {
  const guess = Date.UTC(y, mo - 1, d);
  let t = guess - offsetMs(guess, timeZone);
  t = guess - offsetMs(t, timeZone);
  const w = wallClock(t, timeZone);
  if (w.y === y && w.mo === mo && w.d === d && w.h === 0 && w.mi === 0 && w.s === 0) return t;
  // midnight does not exist: the earliest instant whose local date is y-mo-d
  const day = y * 10_000 + mo * 100 + d;
  const dateOf = (x: number) => {
    const v = wallClock(x, timeZone);
    return v.y * 10_000 + v.mo * 100 + v.d;
  };
  let before = t - 6 * HOUR_MS;
  let inside = t + 6 * HOUR_MS;
  if (dateOf(before) >= day || dateOf(inside) < day) return t;
  while (inside - before > 1) {
    const mid = Math.floor((before + inside) / 2);
    if (dateOf(mid) >= day) inside = mid;
    else before = mid;
  }
  return inside;
}

/** The instant at which local y-mo-d h:mi:s falls in `timeZone` (days and months may overflow). */
function localInstant(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  timeZone: string
): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  let t = guess - offsetMs(guess, timeZone);
  t = guess - offsetMs(t, timeZone);
  return t;
}

const START_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Parses a local date and time without zone (`2022-01-01 12:00:00`, OpenSLO's
 * `calendar.startTime`) into its fields, or undefined when it is not one.
 */
export function parseLocalDateTime(
  text: string
): { y: number; mo: number; d: number; h: number; mi: number; s: number } | undefined {
  const m = START_TIME_RE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(v => Number(v ?? 0));
  const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  )
    return undefined;
  return { y, mo, d, h, mi, s };
}

const DAY = 86_400_000;

/** Periods counted from a local start time: every 7 days, or every 1 or 3 months on its day. */
function anchoredPeriod(
  timeMs: number,
  unit: CalendarUnit,
  timeZone: string,
  startTime: string
): { startMs: number; endMs: number } {
  const a = parseLocalDateTime(startTime);
  if (!a) throw new Error(`bad calendar start time ${JSON.stringify(startTime)}`);
  const w = wallClock(timeMs, timeZone);
  const at = (y: number, mo: number, d: number) => localInstant(y, mo, d, a.h, a.mi, a.s, timeZone);
  if (unit === 'week') {
    // local wall-clock positions in days, so that DST shifts do not move the boundary
    const x = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) / DAY;
    const x0 = Date.UTC(a.y, a.mo - 1, a.d, a.h, a.mi, a.s) / DAY;
    const k = Math.floor((x - x0) / 7);
    return { startMs: at(a.y, a.mo, a.d + 7 * k), endMs: at(a.y, a.mo, a.d + 7 * (k + 1)) };
  }
  const step = unit === 'month' ? 1 : 3;
  const monthStart = (index: number) => {
    const y = Math.floor(index / 12);
    const mo = (index % 12) + 1;
    const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    return at(y, mo, Math.min(a.d, days));
  };
  const a0 = a.y * 12 + a.mo - 1;
  let k = Math.floor((w.y * 12 + w.mo - 1 - a0) / step);
  if (monthStart(a0 + k * step) > timeMs) k--;
  return { startMs: monthStart(a0 + k * step), endMs: monthStart(a0 + (k + 1) * step) };
}

/**
 * The calendar period `[start, end)` containing `timeMs`: ISO weeks start on
 * Monday, months on the 1st, quarters in January, April, July and October, each
 * at local midnight in `timeZone`. With `startTime` (local, `2022-01-01T12:00:00`)
 * the periods count from it instead: weeks start on its weekday and time, months
 * and quarters on its day of the month (the last day in shorter months) and time.
 */
export function calendarPeriod(
  timeMs: number,
  unit: CalendarUnit,
  timeZone: string,
  startTime?: string
): { startMs: number; endMs: number } {
  if (startTime !== undefined) return anchoredPeriod(timeMs, unit, timeZone, startTime);
  const w = wallClock(timeMs, timeZone);
  if (unit === 'week') {
    const dow = (new Date(Date.UTC(w.y, w.mo - 1, w.d)).getUTCDay() + 6) % 7;
    const start = new Date(Date.UTC(w.y, w.mo - 1, w.d - dow));
    const end = new Date(Date.UTC(w.y, w.mo - 1, w.d - dow + 7));
    return {
      startMs: localMidnight(
        start.getUTCFullYear(),
        start.getUTCMonth() + 1,
        start.getUTCDate(),
        timeZone
      ),
      endMs: localMidnight(end.getUTCFullYear(), end.getUTCMonth() + 1, end.getUTCDate(), timeZone),
    };
  }
  const months = unit === 'month' ? 1 : 3;
  const firstMonth = unit === 'month' ? w.mo : Math.floor((w.mo - 1) / 3) * 3 + 1;
  const endDate = new Date(Date.UTC(w.y, firstMonth - 1 + months, 1));
  return {
    startMs: localMidnight(w.y, firstMonth, 1, timeZone),
    endMs: localMidnight(endDate.getUTCFullYear(), endDate.getUTCMonth() + 1, 1, timeZone),
  };
}
