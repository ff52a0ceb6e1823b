import { errorBudgetFraction, remainingRatio, sliRatio } from './budget';
import { formatDuration, MINUTE_MS } from './duration';
import { SloEngine } from './engine';
import { deriveTiers } from './tiers';
import type { Severity, SloSpec } from './types';

/** One minute of aggregated events. */
export interface ReplayRow {
  /** Start of the minute, ms since the epoch. */
  readonly timeMs: number;
  readonly total: number;
  readonly bad: number;
}

/** An interval in which a severity fires: the first and last firing minutes. */
export interface AlertInterval {
  readonly severity: Severity;
  readonly start: string;
  readonly end: string;
}

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Objective in percent (99.9). */
  readonly objective: number;
  /** SLO window in milliseconds. */
  readonly windowMs: number;
  /** Called every `progressEvery` rows with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

/** What {@link replay} reports. */
export interface ReplayResult {
  readonly objective: number;
  readonly window: string;
  readonly rows: number;
  readonly start: string | null;
  readonly end: string | null;
  readonly total: number;
  readonly bad: number;
  readonly sli: number;
  /** Allowed bad events: (1 − O/100) × total of the whole replay. */
  readonly budget: number;
  /** 1 − bad / budget. */
  readonly remainingRatio: number;
  /** First minute at which cumulative bad events reach the budget; null if never. */
  readonly exhaustedAt: string | null;
  readonly alerts: AlertInterval[];
  /** The tiers evaluated, with their derived thresholds. */
  readonly tiers: ReadonlyArray<{
    severity: Severity;
    long: string;
    short: string;
    burnRate: number;
  }>;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses replay CSV: header `timestamp,total,bad`, one row per minute starting
 * at its timestamp (ISO 8601 with a zone, or unix seconds). Throws an error that
 * names the line on the first bad row. Rows come back sorted by time.
 */
export function parseReplayCsv(text: string): ReplayRow[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim().toLowerCase().replace(/\s+/g, '');
  if (header !== 'timestamp,total,bad') {
    throw new Error(
      `line 1: expected the header "timestamp,total,bad", got ${JSON.stringify(lines[0] ?? '')}`
    );
  }
  const rows: ReplayRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const parts = line.split(',');
    if (parts.length !== 3)
      throw new Error(
        `line ${i + 1}: expected 3 fields, got ${parts.length}: ${JSON.stringify(line)}`
      );
    const [ts, totalText, badText] = parts.map(p => p.trim());
    let timeMs: number;
    if (/^\d+(\.\d+)?$/.test(ts)) timeMs = Number(ts) * 1000;
    else if (ISO_RE.test(ts)) timeMs = Date.parse(ts);
    else
      throw new Error(
        `line ${i + 1}: timestamp must be ISO 8601 with a zone or unix seconds, got ${JSON.stringify(ts)}`
      );
    if (!Number.isFinite(timeMs))
      throw new Error(`line ${i + 1}: invalid timestamp ${JSON.stringify(ts)}`);
    const total = Number(totalText);
    const bad = Number(badText);
    if (!/^\d+$/.test(totalText) || !Number.isSafeInteger(total))
      throw new Error(
        `line ${i + 1}: total must be a whole number, got ${JSON.stringify(totalText)}`
      );
    if (!/^\d+$/.test(badText) || !Number.isSafeInteger(bad))
      throw new Error(`line ${i + 1}: bad must be a whole number, got ${JSON.stringify(badText)}`);
    if (bad > total) throw new Error(`line ${i + 1}: bad (${bad}) exceeds total (${total})`);
    rows.push({ timeMs, total, bad });
  }
  rows.sort((a, b) => a.timeMs - b.timeMs);
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].timeMs === rows[i - 1].timeMs)
      throw new Error(`two rows for the minute ${new Date(rows[i].timeMs).toISOString()}`);
  }
  return rows;
}

/**
 * Replays per-minute rows through the same engine a live processor uses (one
 * SLO, the default tiers derived for the window, minute-wide buckets so every
 * window sum is exact). After each row, at the end of its minute, each tier is
 * evaluated once the replay covers its long window; a severity fires when any
 * of its tiers has both windows at or above the threshold.
 */
export function replay(rows: readonly ReplayRow[], options: ReplayOptions): ReplayResult {
  const target = Number((options.objective / 100).toPrecision(15));
  const tiers = deriveTiers(options.windowMs);
  const spec: SloSpec = {
    slos: [
      {
        name: 'replay',
        target,
        window: { type: 'rolling', durationMs: options.windowMs },
        budgeting: { method: 'occurrences' },
        sli: {
          spans: { kind: 'any', routes: [], rpc: [], attributes: {}, exclude: [] },
          good: { attributes: {} },
        },
        alerting: { tiers, defaultTiers: true },
        labels: {},
      },
    ],
  };
  const engine = new SloEngine({ spec, resolutionMs: MINUTE_MS, maxFutureSkewMs: 0 });
  let total = 0;
  let bad = 0;
  for (const r of rows) {
    total += r.total;
    bad += r.bad;
  }
  const budget = errorBudgetFraction(target) * total;
  const firstMs = rows.length > 0 ? rows[0].timeMs : 0;
  const open: Partial<Record<Severity, { start: number; end: number }>> = {};
  const alerts: AlertInterval[] = [];
  const close = (sev: Severity) => {
    const o = open[sev];
    if (o) alerts.push({ severity: sev, start: iso(o.start), end: iso(o.end) });
    open[sev] = undefined;
  };
  let cumulativeBad = 0;
  let exhaustedAt: string | null = null;
  const every = options.progressEvery ?? 1000;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const now = r.timeMs + MINUTE_MS - 1;
    engine.recordCounts(0, r.timeMs, r.total - r.bad, r.bad, now);
    cumulativeBad += r.bad;
    if (exhaustedAt === null && r.bad > 0 && cumulativeBad >= budget) exhaustedAt = iso(r.timeMs);
    const covered = r.timeMs + MINUTE_MS - firstMs;
    const snap = engine.states[0].snapshot(now);
    const firing: Record<Severity, boolean> = { page: false, ticket: false };
    for (const t of snap.tiers) {
      if (t.firing && covered >= t.tier.longWindowMs) firing[t.tier.severity] = true;
    }
    for (const sev of ['page', 'ticket'] as const) {
      const o = open[sev];
      if (firing[sev]) {
        if (o && i > 0 && rows[i - 1].timeMs === o.end) o.end = r.timeMs;
        else {
          close(sev);
          open[sev] = { start: r.timeMs, end: r.timeMs };
        }
      } else if (o) close(sev);
    }
    if (options.onProgress && (i + 1) % every === 0) options.onProgress(i + 1, rows.length);
  }
  close('page');
  close('ticket');
  alerts.sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : a.severity < b.severity ? -1 : 1
  );
  return {
    objective: options.objective,
    window: formatDuration(options.windowMs),
    rows: rows.length,
    start: rows.length > 0 ? iso(rows[0].timeMs) : null,
    end: rows.length > 0 ? iso(rows[rows.length - 1].timeMs) : null,
    total,
    bad,
    sli: sliRatio(total, total - bad),
    budget,
    remainingRatio: remainingRatio(target, total, bad),
    exhaustedAt,
    alerts,
    tiers: tiers.map(t => ({
      severity: t.severity,
      long: formatDuration(t.longWindowMs),
      short: formatDuration(t.shortWindowMs),
      burnRate: t.burnRate,
    })),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
