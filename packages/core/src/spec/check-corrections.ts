import { parseRecurrence, formatRecurrence } from '../corrections/recurrence';
import { suggest } from './spec-error';
import type { CorrectionDefinition } from '../types';
import { Checker, join, show } from './checker';

const CORRECTION_KEYS = ['name', 'start', 'end', 'rrule', 'duration', 'timeZone', 'slos'];
const MAX_NAME_LENGTH = 100;
/** ISO 8601 date and time with a zone: `2026-12-01T02:00:00Z`, `2026-12-01T03:00+01:00`. */
const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Checks the top-level `corrections:` list against the SLO names of the spec:
 * each entry has a `name` and either `start` and `end` (ISO 8601 with a zone)
 * or `rrule` (the subset {@link parseRecurrence} reads), `duration` and an
 * optional `timeZone`; `slos` names SLOs of the spec (omitted: every SLO).
 */
export function checkCorrections(
  c: Checker,
  value: unknown,
  path: string,
  sloNames: readonly string[]
): CorrectionDefinition[] {
  if (!Array.isArray(value)) {
    c.fail(
      path,
      `must be a list of corrections (name, start and end, or rrule and duration), got ${show(value)}`
    );
    return [];
  }
  const out: CorrectionDefinition[] = [];
  const seen = new Map<string, number>();
  value.forEach((v, i) => {
    const p = `${path}[${i}]`;
    const raw = c.object(v, p);
    if (!raw) return;
    c.keys(raw, p, CORRECTION_KEYS);
    const name = checkName(c, raw.name, join(p, 'name'));
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined)
        c.fail(join(p, 'name'), `duplicates ${path}[${first}].name ${show(name)}`);
      else seen.set(name, i);
    }
    const slos =
      raw.slos === undefined ? undefined : checkSloNames(c, raw.slos, join(p, 'slos'), sloNames);
    const once = raw.start !== undefined || raw.end !== undefined;
    const recurring =
      raw.rrule !== undefined || raw.duration !== undefined || raw.timeZone !== undefined;
    if (once && recurring) {
      c.fail(
        p,
        'give either start and end (one interval) or rrule and duration (recurring), not both'
      );
      return;
    }
    if (!once && !recurring) {
      c.fail(p, 'needs start and end (one interval) or rrule and duration (recurring)');
      return;
    }
    const base = slos === undefined ? {} : { slos };
    if (once) {
      const startMs = instant(c, raw.start, join(p, 'start'));
      const endMs = instant(c, raw.end, join(p, 'end'));
      if (startMs === undefined || endMs === undefined) return;
      if (!(endMs > startMs)) {
        c.fail(join(p, 'end'), `must be after start (${show(raw.start)}), got ${show(raw.end)}`);
        return;
      }
      if (name !== undefined) out.push({ type: 'once', name, ...base, startMs, endMs });
      return;
    }
    let recurrence;
    if (typeof raw.rrule !== 'string') {
      c.fail(
        join(p, 'rrule'),
        `must be a recurrence rule such as "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2", got ${show(raw.rrule)}`
      );
    } else {
      recurrence = parseRecurrence(raw.rrule);
      if (typeof recurrence === 'string') {
        c.fail(join(p, 'rrule'), recurrence);
        recurrence = undefined;
      }
    }
    const durationMs =
      raw.duration === undefined
        ? c.fail(
            join(p, 'duration'),
            'is required with rrule (how long each occurrence lasts, say 2h)'
          )
        : c.duration(raw.duration, join(p, 'duration'));
    let timeZone = 'UTC';
    if (raw.timeZone !== undefined) {
      const tz = c.string(raw.timeZone, join(p, 'timeZone'));
      if (tz === undefined) return;
      try {
        timeZone = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
      } catch {
        c.fail(
          join(p, 'timeZone'),
          `must be an IANA time zone such as Europe/Berlin, got ${show(tz)}`
        );
        return;
      }
    }
    if (name === undefined || recurrence === undefined || durationMs === undefined) return;
    out.push({
      type: 'recurring',
      name,
      ...base,
      rrule: formatRecurrence(recurrence),
      recurrence,
      durationMs,
      timeZone,
    });
  });
  return out;
}

function checkName(c: Checker, value: unknown, path: string): string | undefined {
  const name = c.string(value, path);
  if (name === undefined) return undefined;
  if (name.length > MAX_NAME_LENGTH || [...name].some(ch => ch.charCodeAt(0) < 32))
    return c.fail(
      path,
      `must be at most ${MAX_NAME_LENGTH} printable characters, got ${show(name)}`
    );
  return name;
}

function checkSloNames(
  c: Checker,
  value: unknown,
  path: string,
  sloNames: readonly string[]
): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    c.fail(
      path,
      `must be a non-empty list of SLO names (omit it for every SLO), got ${show(value)}`
    );
    return undefined;
  }
  const out: string[] = [];
  value.forEach((v, i) => {
    const p = `${path}[${i}]`;
    const name = c.string(v, p);
    if (name === undefined) return;
    if (!sloNames.includes(name)) {
      const hint = suggest(name, sloNames);
      c.fail(
        p,
        `unknown SLO ${show(name)}${hint ? ` (did you mean "${hint}"?)` : ''}; the spec has ${sloNames.join(', ')}`
      );
      return;
    }
    if (!out.includes(name)) out.push(name);
  });
  return out;
}

/**
 * Milliseconds since the epoch of an ISO 8601 date and time with a zone (`Z` or
 * an offset, with or without a colon); undefined when it is not one, or names a
 * day or time that does not exist (2026-02-30, 24:00).
 */
export function parseInstant(text: string): number | undefined {
  const m = INSTANT_RE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const offset =
    zone.toUpperCase() === 'Z'
      ? 0
      : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  if (Number(zone.slice(-2)) > 59 || Math.abs(offset) > 18 * 60) return undefined;
  const local = Date.UTC(+y, +mo - 1, +d, +h, +mi, s === undefined ? 0 : +s);
  const back = new Date(local);
  if (
    back.getUTCFullYear() !== +y ||
    back.getUTCMonth() !== +mo - 1 ||
    back.getUTCDate() !== +d ||
    back.getUTCHours() !== +h ||
    back.getUTCMinutes() !== +mi ||
    (s !== undefined && back.getUTCSeconds() !== +s)
  )
    return undefined;
  const ms = local + (frac === undefined ? 0 : Math.round(Number(`0${frac}`) * 1000));
  return ms - offset * 60_000;
}

function instant(c: Checker, value: unknown, path: string): number | undefined {
  if (value instanceof Date && Number.isFinite(value.getTime())) return value.getTime();
  if (typeof value === 'string') {
    const ms = parseInstant(value);
    if (ms !== undefined) return ms;
  }
  return c.fail(
    path,
    `must be an ISO 8601 time with a zone, such as 2026-12-01T02:00:00Z or 2026-12-01T03:00:00+01:00, got ${show(value)}`
  );
}
