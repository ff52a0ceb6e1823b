/** Milliseconds per duration unit accepted in specs and on the command line. */
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION_RE = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d|w))+$/;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/** One minute, hour and day in milliseconds. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * Parses a duration such as `30s`, `5m`, `1h30m`, `28d` or `4w` into milliseconds.
 * Returns `undefined` when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION_RE.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(PART_RE)) {
    total += Number(match[1]) * UNIT_MS[match[2]];
  }
  return total > 0 ? total : undefined;
}

/**
 * Formats milliseconds as the shortest exact duration text (`5m`, `28d`, `1h30m`,
 * `5357ms`); used for `slo.window` attribute values.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ] as const) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** Human text for a length of time: `43.2 min`, `25.9 s`, `3.6 h`, `1.2 d`. */
export function humanizeDuration(ms: number): string {
  if (!Number.isFinite(ms)) return ms > 0 ? 'never' : String(ms);
  const abs = Math.abs(ms);
  const fmt = (v: number, unit: string) => `${Number(v.toPrecision(3))} ${unit}`;
  if (abs < 1_000) return fmt(ms, 'ms');
  if (abs < 60_000) return fmt(ms / 1_000, 's');
  if (abs < 3_600_000) return fmt(ms / 60_000, 'min');
  if (abs < 86_400_000) return fmt(ms / 3_600_000, 'h');
  return fmt(ms / 86_400_000, 'd');
}
