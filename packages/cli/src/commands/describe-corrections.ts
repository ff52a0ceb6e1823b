import { CorrectionSchedule, formatDuration, type CorrectionDefinition } from '@burnrate/core';

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * One line describing a correction: its interval, or its rule, zone and
 * duration with the next occurrence after `nowMs`; and the SLOs it applies to.
 */
export function describeCorrection(c: CorrectionDefinition, nowMs: number): string {
  const slos =
    c.slos === undefined
      ? 'every SLO'
      : `SLO${c.slos.length === 1 ? '' : 's'} ${c.slos.join(', ')}`;
  if (c.type === 'once')
    return `${c.name}: ${iso(c.startMs)} .. ${iso(c.endMs)} (${formatDuration(c.endMs - c.startMs)}), ${slos}`;
  const next = new CorrectionSchedule([c]).intervals(nowMs, nowMs + 400 * 86_400_000)[0];
  return `${c.name}: ${c.rrule} in ${c.timeZone} for ${formatDuration(c.durationMs)}, ${slos}${
    next === undefined ? '' : `; next ${iso(next.startMs)}`
  }`;
}

/** The `corrections (N):` block of `burnrate validate`, empty without corrections. */
export function describeCorrections(
  corrections: readonly CorrectionDefinition[] | undefined,
  nowMs: number
): string {
  if (corrections === undefined || corrections.length === 0) return '';
  return `corrections (${corrections.length}):\n${corrections
    .map(c => `  ${describeCorrection(c, nowMs)}\n`)
    .join('')}`;
}

/**
 * `burnrate status`'s lines for the corrections active at the document's time,
 * one per SLO and correction (groups of an SLO share them): `NAME: in correction
 * C until END (events not eligible)`.
 */
export function activeCorrectionLines(doc: {
  time: string;
  slos: ReadonlyArray<{
    name: string;
    corrections?: ReadonlyArray<{ name: string; start: string; end: string }>;
  }>;
}): string[] {
  const now = Date.parse(doc.time);
  const out: string[] = [];
  for (const s of doc.slos) {
    for (const c of s.corrections ?? []) {
      if (!(Date.parse(c.start) <= now && now < Date.parse(c.end))) continue;
      const line = `${s.name}: in correction ${c.name} until ${c.end} (events not eligible)`;
      if (!out.includes(line)) out.push(line);
    }
  }
  return out;
}
