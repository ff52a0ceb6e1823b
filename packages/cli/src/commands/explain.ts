import { suggest, type Explanation, type Offender } from '@burnrate/core';
import { apiGet, failure } from '../api-client';
import { CliError, toJson, UsageError, type CliIo } from '../io';
import { DEFAULT_STATUS_URL } from './status';

/** Options of `burnrate explain`. */
export interface ExplainOptions {
  name: string;
  /** A group of a grouped SLO: `KEY=VALUE` per `groupBy` attribute (`--group http.route=/a`). */
  group?: readonly string[];
  /** A collector: its base URL, its `/api/slos`, or the explain URL itself. */
  url?: string;
  /** Bearer token sent to the collector (`--token-file` or `BURNRATE_TOKEN`). @default none */
  token?: string;
  json: boolean;
}

/**
 * The explain URL of SLO `name` from what `--url` gives: the collector's base
 * (`http://127.0.0.1:4318`), its `/api/slos`, or the explain URL itself.
 */
export function explainUrl(
  url: string | undefined,
  name: string,
  group: readonly string[] = []
): string {
  const base = (url ?? DEFAULT_STATUS_URL).replace(/\/+$/, '');
  const query = groupQuery(group);
  if (base.endsWith('/explain')) return `${base}${query}`;
  const slos = base.endsWith('/api/slos') ? base : `${base}/api/slos`;
  return `${slos}/${encodeURIComponent(name)}/explain${query}`;
}

/**
 * `--group KEY=VALUE` flags as the explain endpoint's query (`?http.route=%2Fa`);
 * empty without any. A flag without `=` is a usage error.
 */
export function groupQuery(group: readonly string[]): string {
  if (group.length === 0) return '';
  const params = new URLSearchParams();
  for (const g of group) {
    const at = g.indexOf('=');
    if (at <= 0)
      throw new UsageError(
        `--group must be ATTRIBUTE=VALUE (http.route=/api/orders), got ${JSON.stringify(g)}`
      );
    params.append(g.slice(0, at), g.slice(at + 1));
  }
  return `?${params.toString()}`;
}

/** The offender as one short phrase: `503 POST /api/orders (status, 1.1.0) 75%`. */
export function offenderText(o: Offender | undefined): string {
  if (o === undefined) return '-';
  if (o.overflow) return `overflow ${Math.round(o.share * 100)}%`;
  const parts = [o.code !== null ? String(o.code) : '', o.route || '(no route)'].filter(Boolean);
  const why = [o.reason, o.version].filter(Boolean).join(', ');
  return `${parts.join(' ')}${why ? ` (${why})` : ''} ${Math.round(o.share * 100)}%`;
}

/**
 * `burnrate explain NAME [--url URL] [--json]`: what burns an SLO's budget, from
 * a collector's `GET /api/slos/NAME/explain` — the plain-English summary, or
 * with `--json` the whole explanation (`slo`, `top`, `traceIds`, …).
 */
export async function explainCommand(options: ExplainOptions, io: CliIo): Promise<number> {
  const url = explainUrl(options.url, options.name, options.group);
  const res = await apiGet(url, options.token);
  if (res.status === 404) {
    // name the SLOs there are, with the closest one
    const list = url.replace(/\/[^/]*\/explain(\?.*)?$/, '');
    let names: string[] = [];
    try {
      const doc = (await (await apiGet(list, options.token)).json()) as {
        slos?: Array<{ name: string }>;
      };
      names = (doc.slos ?? []).map(s => s.name);
    } catch {
      names = [];
    }
    const hint = suggest(options.name, names);
    throw new CliError(
      `no SLO named ${JSON.stringify(options.name)} at ${list}` +
        (hint ? ` (did you mean ${JSON.stringify(hint)}?)` : '')
    );
  }
  if (res.status === 400) {
    // a group the SLO does not have: the collector's one-line reason
    let reason = '';
    try {
      reason = String(((await res.json()) as { error?: unknown }).error ?? '');
    } catch {
      reason = '';
    }
    if (reason !== '') throw new CliError(reason);
  }
  if (!res.ok) throw failure(url, res, options.token);
  let e: Explanation;
  try {
    e = (await res.json()) as Explanation;
  } catch (err) {
    throw new CliError(`${url}: not JSON (${(err as Error).message})`);
  }
  if (!e || typeof e.slo !== 'string' || !Array.isArray(e.top))
    throw new CliError(`${url}: expected an explanation ({"slo": …, "top": [...]})`);
  if (options.json) io.out(toJson(e));
  else io.out(`${e.text}\n`);
  return 0;
}
