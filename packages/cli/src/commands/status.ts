import {
  DEFAULT_POLICY,
  humanizeDuration,
  parseDuration,
  policyDecision,
  STATUS_ORDER,
  type SloStatus,
} from '@burnrate/core';
import type { SloReport, SlosResponse } from '@burnrate/status';
import { activeCorrectionLines } from './describe-corrections';
import { apiGet, failure } from '../api-client';
import { CliError, percent, table, toJson, type CliIo } from '../io';
import { readInput } from '../spec-file';
import { offenderText } from './explain';
import { actionText } from './gate';

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
  const corrected = activeCorrectionLines(doc);
  if (corrected.length > 0) io.out(`\n${corrected.join('\n')}\n`);
  // the policy's actions and contacts for each SLO's status
  const policy = doc.policy ?? DEFAULT_POLICY;
  const todo = doc.slos
    .filter(s => (STATUS_ORDER as readonly string[]).includes(s.status))
    .map(s => ({ name: entryName(s), ...policyDecision(policy, s.status as SloStatus) }))
    .filter(d => d.action !== undefined || d.contacts.length > 0);
  if (todo.length > 0) {
    io.out('\n');
    for (const d of todo) io.out(`${d.name} (${d.status}): ${actionText(d)}\n`);
  }
  return 0;
}
