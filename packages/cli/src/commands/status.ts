import {
  humanizeDuration,
  parseDuration,
  releaseDecision,
  strictestDecision,
  suggest,
  type ReleaseDecision,
  type SloStatus,
} from '@burnrate/core';
import type { SloReport, SlosResponse } from '@burnrate/status';
import { apiGet, failure } from '../api-client';
import { CliError, percent, table, toJson, UsageError, type CliIo } from '../io';
import { readInput } from '../spec-file';
import { offenderText } from './explain';

/** Where the current numbers come from: a running collector's `/api/slos`, or a saved copy of it. */
export interface SourceOptions {
  url?: string;
  input?: string;
  /** Bearer token sent to the URL (`--token-file` or `BURNRATE_TOKEN`). @default none */
  token?: string;
}

/** Default `/api/slos` of a collector on this machine. */
export const DEFAULT_STATUS_URL = 'http://127.0.0.1:4318/api/slos';

/** Reads the `/api/slos` document from a URL or a file. */
export async function readSlos(source: SourceOptions): Promise<SlosResponse> {
  let text: string;
  let where: string;
  if (source.input !== undefined) {
    where = source.input;
    text = readInput(source.input);
  } else {
    where = source.url ?? DEFAULT_STATUS_URL;
    const res = await apiGet(where, source.token);
    if (!res.ok) throw failure(where, res, source.token);
    text = await res.text();
  }
  let doc: SlosResponse;
  try {
    doc = JSON.parse(text) as SlosResponse;
  } catch (e) {
    throw new CliError(`${where}: not JSON (${(e as Error).message})`);
  }
  if (!doc || !Array.isArray(doc.slos))
    throw new CliError(`${where}: expected {"slos": [...]} as /api/slos returns`);
  return doc;
}

/**
 * An entry's name as `status` and `gate` print it: the SLO's name, and for a
 * group of a grouped SLO its values (`api{http.route=/a}`; an absent value `""`).
 */
export function entryName(s: Pick<SloReport, 'name' | 'group'>): string {
  if (s.group === undefined) return s.name;
  return `${s.name}{${Object.entries(s.group)
    .map(([k, v]) => `${k}=${v === '' ? '""' : v}`)
    .join(',')}}`;
}

function tte(s: SloReport): string {
  return s.timeToExhaustionSeconds === null
    ? '∞'
    : humanizeDuration(s.timeToExhaustionSeconds * 1000);
}

/** Every alert window of the SLO's own, shortest first: `5m 0.00  1h 1.20 …`. */
export function burnRates(s: SloReport): string {
  const entries = Object.entries(s.burnRates).sort(
    ([a], [b]) => (parseDuration(a) ?? 0) - (parseDuration(b) ?? 0)
  );
  return entries.length === 0 ? '-' : entries.map(([w, v]) => `${w} ${v.toFixed(2)}`).join('  ');
}

/** `burnrate status [--url URL | --input FILE] [--json]`: every SLO's numbers as a table. */
export async function statusCommand(
  options: SourceOptions & { json: boolean },
  io: CliIo
): Promise<number> {
  const doc = await readSlos(options);
  if (options.json) {
    io.out(toJson(doc));
    return 0;
  }
  const rows = [
    [
      'SLO',
      'objective',
      'window',
      'SLI',
      'budget left',
      'burn rates',
      'exhausts in',
      'alerts',
      'status',
      'top offender',
    ],
    ...doc.slos.map(s => [
      entryName(s),
      percent(s.objective),
      s.window,
      percent(s.sli, 5),
      percent(s.remaining, 3),
      burnRates(s),
      tte(s),
      [s.firing.page ? 'PAGE' : '', s.firing.ticket ? 'ticket' : ''].filter(Boolean).join(' ') ||
        '-',
      s.status,
      offenderText(s.offenders?.[0]),
    ]),
  ];
  io.out(`${table(rows)}\n`);
  return 0;
}

/** Options of `burnrate gate`. */
export interface GateOptions extends SourceOptions {
  slos: string[];
  allow: string | undefined;
  minRemaining: string | undefined;
  /** Approve SLOs whose status is `no-data` (otherwise they defer). @default false */
  allowNoData?: boolean;
  json: boolean;
}

const DECISIONS: readonly ReleaseDecision[] = ['approve', 'review', 'defer', 'block'];

/**
 * `burnrate gate`: whether a deploy may go out. Each SLO's status gives a
 * decision (healthy → approve, attention → review, warning and no-data → defer,
 * critical and exhausted → block; no-data approves with `--allow-no-data`);
 * `--min-remaining` defers below that budget share. The
 * strictest decision wins; exit 0 when it is at most `--allow` (default review),
 * 1 otherwise.
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
  const doc = await readSlos(options);
  const wanted = options.slos.length > 0 ? options.slos : doc.slos.map(s => s.name);
  const missing = wanted.filter(n => !doc.slos.some(s => s.name === n));
  if (missing.length > 0)
    throw new CliError(
      `no SLO named ${missing
        .map(m => {
          const hint = suggest(
            m,
            doc.slos.map(s => s.name)
          );
          return `${JSON.stringify(m)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`;
        })
        .join(', ')}`
    );
  const verdicts = doc.slos
    .filter(s => wanted.includes(s.name))
    .map(s => {
      let decision = releaseDecision(s.status as SloStatus);
      const reasons = [`status ${s.status}`];
      if (s.status === 'no-data') {
        if (options.allowNoData === true) {
          decision = 'approve';
          reasons.push('allowed by --allow-no-data');
        } else reasons.push('no eligible events: nothing to judge by (--allow-no-data)');
      }
      if (s.remaining < minRemaining) {
        decision = strictestDecision([decision, 'defer']);
        reasons.push(`budget left ${percent(s.remaining, 3)} < ${percent(minRemaining, 3)}`);
      }
      return {
        slo: s.name,
        ...(s.group !== undefined ? { group: s.group } : {}),
        decision,
        remaining: s.remaining,
        reasons,
      };
    });
  const decision = strictestDecision(verdicts.map(v => v.decision));
  const pass = DECISIONS.indexOf(decision) <= DECISIONS.indexOf(allow);
  if (options.json) io.out(toJson({ decision, pass, allow, slos: verdicts }));
  else {
    io.out(
      `${table([['SLO', 'decision', 'why'], ...verdicts.map(v => [entryName({ name: v.slo, group: v.group }), v.decision, v.reasons.join('; ')])])}\n`
    );
    io.out(`\ndecision: ${decision} (${pass ? 'pass' : 'fail'}: allowed up to ${allow})\n`);
  }
  return pass ? 0 : 1;
}
