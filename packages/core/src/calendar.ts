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

/** The instant at which local midnight of y-mo-d falls in `timeZone`. */
function localMidnight(y: number, mo: number, d: number, timeZone: string): number {
  const guess = Date.UTC(y, mo - 1, d);
  let t = guess - offsetMs(guess, timeZone);
  t = guess - offsetMs(t, timeZone);
  return t;
}

/**
 * The calendar period `[start, end)` containing `timeMs`: ISO weeks start on
 * Monday, months on the 1st, quarters in January, April, July and October, each
 * at local midnight in `timeZone`.
 */
export function calendarPeriod(
  timeMs: number,
  unit: CalendarUnit,
  timeZone: string
): { startMs: number; endMs: number } {
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
