import type { AttributionReading, AttributionRow, Exemplar } from './attribution-ledger';
import { burnRate } from '../math/budget';
import { formatDuration, humanizeDuration, HOUR_MS } from '../duration';
import type { SloSnapshot } from '../engine/slo-state';

/** Share of the bad events a version must hold for the deploy correlation. */
export const DEPLOY_SHARE = 0.8;
/** How long before the burn began a version may have been first seen for the deploy correlation. */
export const DEPLOY_LEAD_MS = HOUR_MS;
/** Offenders listed in an explanation. */
export const EXPLAIN_TOP = 5;
/** Example trace ids listed in an explanation. */
export const EXPLAIN_TRACES = 5;

/** One (route, status code, failure reason, version) burning the budget. */
export interface Offender {
  /** `METHOD /route`, RPC `service/method`; null for the overflow row (keys past the cap). */
  route: string | null;
  /** HTTP status, else the gRPC code; null when the span had neither (or overflow). */
  code: number | null;
  /** `status`, `latency`, `attribute:<key>`; null for overflow. */
  reason: string | null;
  /** `service.version`; null when absent (or overflow). */
  version: string | null;
  /** Bad events over the explanation's window. */
  bad: number;
  /** Share of the SLO's bad events over that window (0–1). */
  share: number;
  /** Burn rate of the route (all its codes, reasons and versions) over that window. */
  routeBurnRate: number | null;
  /** True for the overflow row. */
  overflow: boolean;
  /** When this key was first counted (ISO 8601). */
  firstSeen: string | null;
  /** Latest bad trace ids of this key, newest first. */
  traceIds: string[];
}

/** Bad and eligible events of one `service.version`. */
export interface VersionShare {
  version: string | null;
  eligible: number;
  bad: number;
  share: number;
  burnRate: number;
  firstSeen: string | null;
}

/** The deploy correlation: the version holding the burn, first seen shortly before it began. */
export interface DeployCorrelation {
  version: string;
  share: number;
  /** When the version was first seen (ISO 8601). */
  firstSeen: string;
  /** When the burn began (ISO 8601). */
  burnSince: string;
  /** Milliseconds from first seen to the burn's start (negative: seen after). */
  leadMs: number;
}

/** What `burnrate explain` and `GET /api/slos/NAME/explain` return. */
export interface Explanation {
  slo: string;
  /** The group's values by `groupBy` key (a group of a grouped SLO only). */
  group?: Record<string, string>;
  /** When the numbers were read (ISO 8601). */
  time: string;
  status: string;
  objective: number;
  remaining: number;
  /** Burn rate per alert window. */
  burnRates: Record<string, number>;
  /** Firing alert tiers, as `severity long/short >= threshold`. */
  firing: string[];
  /** Since when the burn is above 1 (ISO 8601), null when it is not. */
  elevatedSince: string | null;
  timeToExhaustionSeconds: number | null;
  /** The window the offenders' counts are over (`1h`, …). */
  window: string;
  /** Bad and eligible events over that window. */
  bad: number;
  eligible: number;
  /** Offenders, largest first. */
  top: Offender[];
  /** Bad events by version, largest first. */
  versions: VersionShare[];
  deploy: DeployCorrelation | null;
  /** Latest bad trace ids of the SLO, newest first. */
  traceIds: string[];
  /** Latest bad events of the SLO (trace and span ids), newest first. */
  exemplars: Exemplar[];
  /** Distinct attribution keys and their cap. */
  keys: number;
  maxKeys: number;
  /** The plain-English summary. */
  text: string;
}

/**
 * The window an explanation counts over: the long window of the fastest
 * firing tier; else `1h` when it holds bad events; else the shortest window
 * with bad events; else the SLO window (the ledger's last).
 */
function focusWindow(s: SloSnapshot, a: AttributionReading): number {
  const badIn = (i: number) =>
    a.rows.reduce((n, r) => (r.outcome === 'bad' ? n + r.counts[i] : n), 0);
  for (const t of s.tiers) {
    if (!t.firing) continue;
    const i = a.windowsMs.indexOf(t.tier.longWindowMs);
    if (i >= 0) return i;
  }
  const hour = a.windowsMs.indexOf(HOUR_MS);
  if (hour >= 0 && badIn(hour) > 0) return hour;
  for (let i = 0; i < a.windowsMs.length; i++) if (badIn(i) > 0) return i;
  return a.windowsMs.length - 1;
}

/** ISO 8601 to the millisecond (rounded: span times carry fractions of a millisecond). */
const iso = (ms: number): string | null =>
  Number.isFinite(ms) && ms > 0 ? new Date(Math.round(ms)).toISOString() : null;

/** Orders offenders: more bad events first, then by route, code, reason, version (deterministic). */
function compareOffenders(a: Offender, b: Offender): number {
  if (a.bad !== b.bad) return b.bad - a.bad;
  if (a.overflow !== b.overflow) return a.overflow ? 1 : -1;
  const k = (o: Offender) => [o.route ?? '', o.code ?? -2, o.reason ?? '', o.version ?? ''];
  const ka = k(a);
  const kb = k(b);
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] < kb[i]) return -1;
    if (ka[i] > kb[i]) return 1;
  }
  return 0;
}

/**
 * Explains an SLO from one snapshot and its attribution ledger read at the
 * same instant: status, burn per window, since when it burns, the top
 * offenders with their share of bad events, the version correlation, time to
 * exhaustion and example traces; with a plain-English summary. Deterministic:
 * the same numbers give the same words.
 *
 * @param elevatedSinceMs `SloState.elevatedSinceMs()` (NaN when not burning)
 */
export function explainSlo(
  s: SloSnapshot,
  a: AttributionReading,
  elevatedSinceMs: number
): Explanation {
  const w = focusWindow(s, a);
  const target = s.target;
  let bad = 0;
  let eligible = 0;
  const routeEligible = new Map<string, number>();
  const routeBad = new Map<string, number>();
  const byVersion = new Map<string, { eligible: number; bad: number; first: number }>();
  for (const r of a.rows) {
    const n = r.counts[w];
    eligible += n;
    const rk = routeKey(r);
    routeEligible.set(rk, (routeEligible.get(rk) ?? 0) + n);
    const vk = r.overflow ? '\u0000' : r.version;
    const v = byVersion.get(vk) ?? { eligible: 0, bad: 0, first: Infinity };
    v.eligible += n;
    if (!r.overflow) v.first = Math.min(v.first, r.firstSeenMs);
    if (r.outcome === 'bad') {
      bad += n;
      routeBad.set(rk, (routeBad.get(rk) ?? 0) + n);
      v.bad += n;
    }
    byVersion.set(vk, v);
  }
  const top: Offender[] = [];
  for (const r of a.rows) {
    if (r.outcome !== 'bad' || r.counts[w] === 0) continue;
    const rk = routeKey(r);
    top.push({
      route: r.overflow ? null : r.route,
      code: r.overflow || r.code < 0 ? null : r.code,
      reason: r.overflow ? null : r.reason,
      version: r.overflow || r.version === '' ? null : r.version,
      bad: r.counts[w],
      share: bad > 0 ? r.counts[w] / bad : 0,
      routeBurnRate: r.overflow
        ? null
        : burnRate(target, routeEligible.get(rk) ?? 0, routeBad.get(rk) ?? 0),
      overflow: r.overflow,
      firstSeen: r.overflow ? null : iso(r.firstSeenMs),
      traceIds: unique(r.exemplars.map(e => e.traceId)),
    });
  }
  top.sort(compareOffenders);
  const versions: VersionShare[] = [...byVersion.entries()]
    .filter(([, v]) => v.eligible > 0)
    .map(([k, v]) => ({
      version: k === '' || k === '\u0000' ? null : k,
      eligible: v.eligible,
      bad: v.bad,
      share: bad > 0 ? v.bad / bad : 0,
      burnRate: burnRate(target, v.eligible, v.bad),
      firstSeen: iso(v.first),
    }))
    .sort((x, y) => y.bad - x.bad || (x.version ?? '').localeCompare(y.version ?? '', 'en') || 0);
  const burning = Number.isFinite(elevatedSinceMs);
  let deploy: DeployCorrelation | null = null;
  const lead = versions[0];
  if (burning && lead !== undefined && lead.version !== null && lead.share >= DEPLOY_SHARE) {
    const first = byVersion.get(lead.version)?.first ?? Infinity;
    const leadMs = elevatedSinceMs - first;
    // first seen up to DEPLOY_LEAD_MS before the burn, or within the burn's first bucket
    if (Number.isFinite(first) && leadMs <= DEPLOY_LEAD_MS && leadMs >= -HOUR_MS / 60) {
      deploy = {
        version: lead.version,
        share: lead.share,
        firstSeen: iso(first)!,
        burnSince: iso(elevatedSinceMs)!,
        leadMs,
      };
    }
  }
  const burnRates: Record<string, number> = {};
  for (const r of s.windows) burnRates[r.window] = r.burnRate;
  const firing = s.tiers
    .filter(t => t.firing)
    .map(
      t =>
        `${t.tier.severity} ${formatDuration(t.tier.longWindowMs)}/${formatDuration(t.tier.shortWindowMs)} >= ${round(t.tier.burnRate)}`
    );
  const e: Explanation = {
    slo: s.name,
    ...(s.group !== undefined ? { group: { ...s.group } } : {}),
    time: new Date(s.timeMs).toISOString(),
    status: s.status,
    objective: s.target,
    remaining: s.remaining,
    burnRates,
    firing,
    elevatedSince: burning ? iso(elevatedSinceMs) : null,
    timeToExhaustionSeconds: Number.isFinite(s.timeToExhaustionMs)
      ? s.timeToExhaustionMs / 1000
      : null,
    window: a.windows[w] ?? formatDuration(s.windowMs),
    bad,
    eligible,
    top: top.slice(0, EXPLAIN_TOP),
    versions,
    deploy,
    traceIds: unique(a.exemplars.map(x => x.traceId)).slice(0, EXPLAIN_TRACES),
    exemplars: [...a.exemplars],
    keys: a.keys,
    maxKeys: a.maxKeys,
    text: '',
  };
  e.text = explanationText(e, s.timeMs);
  return e;
}

function routeKey(r: AttributionRow): string {
  return r.overflow ? '\u0000' : `${r.rpc ? 'rpc' : 'http'} ${r.route}`;
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/** A number as text: at most 3 significant digits, no exponent for everyday sizes. */
function round(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return String(Math.round(n));
  return String(Number(n.toPrecision(3)));
}

function percent(share: number): string {
  return `${round(share * 100)}%`;
}

/** The offender as a phrase: `503 on POST /api/orders (status, version 2.4.1)`. */
function offenderPhrase(o: Offender): string {
  if (o.overflow) return 'keys past the attribution cap (overflow)';
  const what = o.code !== null ? `${o.code} on ` : '';
  const route = o.route === null || o.route === '' ? '(no route)' : o.route;
  const version = o.version !== null ? `, version ${o.version}` : '';
  return `${what}${route} (${o.reason ?? 'unknown'}${version})`;
}

/** A group as text: ` (http.route=/a, app.tier=gold)`; empty for an ungrouped SLO. */
export function groupText(group: Readonly<Record<string, string>> | undefined): string {
  if (group === undefined) return '';
  return ` (${Object.entries(group)
    .map(([k, v]) => `${k}=${v === '' ? '""' : v}`)
    .join(', ')})`;
}

/** The plain-English summary of an explanation (the same numbers give the same words). */
export function explanationText(e: Explanation, nowMs: number): string {
  const lines: string[] = [];
  const firing = e.firing.length > 0 ? `; firing: ${e.firing.join(', ')}` : '';
  lines.push(`${e.slo}${groupText(e.group)} is ${e.status}${firing}.`);
  lines.push(
    `Burn rate: ${Object.entries(e.burnRates)
      .map(([w, b]) => `${w} ${round(b)}`)
      .join(', ')}.`
  );
  if (e.elevatedSince !== null) {
    const since = Date.parse(e.elevatedSince);
    lines.push(
      `Burning faster than budgeted since ${e.elevatedSince} (${humanizeDuration(nowMs - since)} ago).`
    );
  } else lines.push('Not burning faster than budgeted now.');
  if (e.bad === 0) {
    lines.push(`No bad events over the last ${e.window} (${e.eligible} eligible).`);
  } else {
    lines.push(
      `Over the last ${e.window}: ${e.bad} bad of ${e.eligible} eligible events. Top offenders:`
    );
    e.top.forEach((o, i) => {
      const burn = o.routeBurnRate !== null ? `, route burn rate ${round(o.routeBurnRate)}` : '';
      const traces = o.traceIds.length > 0 ? `, trace ${o.traceIds[0]}` : '';
      lines.push(`  ${i + 1}. ${percent(o.share)} (${o.bad}) ${offenderPhrase(o)}${burn}${traces}`);
    });
  }
  if (e.deploy !== null) {
    const d = e.deploy;
    const lead =
      d.leadMs >= 0
        ? `${humanizeDuration(d.leadMs)} before`
        : `${humanizeDuration(-d.leadMs)} after`;
    lines.push(
      `Version ${d.version} holds ${percent(d.share)} of the bad events: first seen ${d.firstSeen}, ${lead} the burn began at ${d.burnSince}. Likely the deploy.`
    );
  } else if (e.bad > 0 && e.versions.length > 0 && e.versions[0].version !== null) {
    const v = e.versions[0];
    lines.push(
      `Version ${v.version} holds ${percent(v.share)} of the bad events; no version was first seen shortly before the burn.`
    );
  }
  const remaining = `${round(e.remaining * 100)}% of the error budget remains`;
  if (e.timeToExhaustionSeconds === null) lines.push(`${remaining}; not on course to run out.`);
  else if (e.timeToExhaustionSeconds === 0) lines.push(`${remaining}: the budget is exhausted.`);
  else
    lines.push(
      `${remaining}; at the 1h burn rate it runs out in ${humanizeDuration(e.timeToExhaustionSeconds * 1000)}.`
    );
  if (e.traceIds.length > 0) lines.push(`Traces to open: ${e.traceIds.join(', ')}.`);
  if (e.keys >= e.maxKeys)
    lines.push(`The attribution cap (${e.maxKeys} keys) is reached: new keys count as overflow.`);
  return lines.join('\n');
}
