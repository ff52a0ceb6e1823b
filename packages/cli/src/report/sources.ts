import {
  classifyStatus,
  coarseStepMs,
  formatDuration,
  HISTORY_STATUSES,
  parseReplayCsv,
  periodSeriesFromHistory,
  SloEngine,
  timeToExhaustionMs,
  type PeriodSeries,
  type ReportPeriod,
  type SloDefinition,
  type SloSpec,
} from '@burnrate/core';
import type { HistoryColumns, HistoryResponse, SlosResponse } from '@burnrate/status';
import {
  LABEL_SLO_NAME,
  LABEL_SLO_OUTCOME,
  LABEL_SLO_WINDOW,
  METRIC_SLO_EVENTS_TOTAL,
  RECORD_BUDGET_REMAINING,
  RECORD_BURN_RATE,
} from '@burnrate/rules';
import { apiGet, failure } from '../api-client';
import { CliError } from '../io';
import { entryName } from '../commands/status';

/** Called after each query: done of total. */
export type Progress = (done: number, total: number) => void;

async function getJson(url: string, token: string | undefined): Promise<unknown> {
  const res = await apiGet(url, token, 60_000);
  if (!res.ok) throw failure(url, res, token);
  try {
    return await res.json();
  } catch (e) {
    throw new CliError(`${url}: not JSON (${(e as Error).message})`);
  }
}

function fromColumns(h: HistoryResponse, c: HistoryColumns): PeriodSeries {
  return periodSeriesFromHistory(h.name, h.objective, h.windowSeconds * 1000, {
    stepMs: c.stepSeconds * 1000,
    timeMs: c.time.map(t => t * 1000),
    good: c.good,
    bad: c.bad,
    remaining: c.remaining,
    burnRates: c.burnRates,
    page: c.page.map(v => v === 1),
    ticket: c.ticket.map(v => v === 1),
    status: c.status,
  });
}

/**
 * Every SLO's coarse history from a running collector: `GET /api/slos`, then
 * `GET /api/slos/NAME/history` for each. `base` is the collector's address
 * (`http://127.0.0.1:4318`, a trailing `/api/slos` is accepted).
 */
export async function collectorSeries(
  base: string,
  token: string | undefined,
  progress?: Progress
): Promise<{ series: PeriodSeries[]; nowMs: number }> {
  const root = base.replace(/\/+$/, '').replace(/\/api\/slos$/, '');
  const doc = (await getJson(`${root}/api/slos`, token)) as SlosResponse;
  if (!doc || !Array.isArray(doc.slos))
    throw new CliError(
      `${root}/api/slos: expected {"slos": [...]} as a burnrate collector returns`
    );
  const series: PeriodSeries[] = [];
  for (const [i, s] of doc.slos.entries()) {
    // a group of a grouped SLO: its values as query parameters, its name with them
    const query =
      s.group === undefined ? '' : `?${new URLSearchParams(Object.entries(s.group)).toString()}`;
    const h = (await getJson(
      `${root}/api/slos/${encodeURIComponent(s.name)}/history${query}`,
      token
    )) as HistoryResponse;
    if (!h || !h.coarse || !Array.isArray(h.coarse.time))
      throw new CliError(`${root}/api/slos/${s.name}/history: not a burnrate history`);
    series.push(fromColumns({ ...h, name: entryName(s) }, h.coarse));
    progress?.(i + 1, doc.slos.length);
  }
  return { series, nowMs: Date.parse(doc.time) };
}

/**
 * One SLO of a spec replayed from per-minute CSV rows (`timestamp,total,bad`):
 * each row is recorded at its minute and read at once, through the same engine
 * and history as a collector, so that the report equals a collector's that
 * received the same events at the same times.
 */
export function replaySeries(
  csv: string,
  spec: SloSpec,
  sloName: string | undefined,
  progress?: Progress
): { series: PeriodSeries[]; endMs: number } {
  const index = sloName === undefined ? 0 : spec.slos.findIndex(s => s.name === sloName);
  if (index < 0 || spec.slos.length === 0)
    throw new CliError(
      sloName === undefined
        ? 'the spec has no SLO'
        : `the spec has no SLO named ${JSON.stringify(sloName)}`
    );
  const rows = parseReplayCsv(csv);
  // the SLO with its corrections: rows received inside one are left out, as the engine does
  // one series of counts: a grouped SLO is replayed as a whole (no group in a CSV row)
  const { groupBy: _groupBy, maxGroups: _maxGroups, ...whole } = spec.slos[index];
  const one: SloSpec = { slos: [whole], corrections: spec.corrections, policy: spec.policy };
  const engine = new SloEngine({ spec: one, maxFutureSkewMs: 0 });
  const state = engine.states[0];
  for (const [i, r] of rows.entries()) {
    engine.recordCounts(0, r.timeMs, r.total - r.bad, r.bad, r.timeMs);
    state.snapshot(r.timeMs);
    if (progress !== undefined && (i + 1) % 5000 === 0) progress(i + 1, rows.length);
  }
  const def = spec.slos[index];
  const h = state.history.read().coarse;
  return {
    series: [periodSeriesFromHistory(def.name, def.target, def.window.durationMs, h)],
    endMs: rows.length > 0 ? rows[rows.length - 1].timeMs + 60_000 : Date.now(),
  };
}

interface PromMatrix {
  status: string;
  error?: string;
  data?: {
    resultType: string;
    result: Array<{ metric: Record<string, string>; values: [number, string][] }>;
  };
}

/**
 * Every SLO of a spec from a Prometheus server that evaluates the generated
 * rules: `query_range` over the period at the SLO's coarse history step on the
 * recorded burn rates (`slo:burn_rate:rate`) and remaining budget, and on
 * `increase(slo_events_total[step])` for the events per step. Alerts are the
 * tiers evaluated on the recorded burn rates, as the generated alert rules do.
 */
export async function prometheusSeries(
  base: string,
  spec: SloSpec,
  period: ReportPeriod,
  progress?: Progress
): Promise<PeriodSeries[]> {
  const root = base.replace(/\/+$/, '');
  const out: PeriodSeries[] = [];
  const total = spec.slos.length * 3;
  let done = 0;
  for (const def of spec.slos) {
    const stepMs = coarseStepMs(def.window.durationMs);
    // points at the end of each step, labelled by its start (as the history's are)
    const first = Math.ceil(period.startMs / stepMs) * stepMs;
    const range = async (query: string) => {
      const url =
        `${root}/api/v1/query_range?query=${encodeURIComponent(query)}` +
        `&start=${(first + stepMs) / 1000}&end=${period.endMs / 1000}&step=${stepMs / 1000}`;
      const doc = (await getJson(url, undefined)) as PromMatrix;
      if (doc.status !== 'success' || !doc.data)
        throw new CliError(`${root}: query ${query} failed: ${doc.error ?? doc.status}`);
      progress?.(++done, total);
      return doc.data.result;
    };
    const sel = `${LABEL_SLO_NAME}="${def.name}"`;
    const step = formatDuration(stepMs);
    const burns = await range(`${RECORD_BURN_RATE}{${sel}}`);
    const remaining = await range(`${RECORD_BUDGET_REMAINING}{${sel}}`);
    const events = await range(
      `sum by (${LABEL_SLO_OUTCOME}) (increase(${METRIC_SLO_EVENTS_TOTAL}{${sel}}[${step}]))`
    );
    const times = new Set<number>();
    for (const r of [...burns, ...remaining, ...events])
      for (const [t] of r.values) times.add(Math.round(t * 1000) - stepMs);
    const timeMs = [...times].sort((a, b) => a - b);
    const at = new Map(timeMs.map((t, i) => [t, i]));
    const column = (r: { values: [number, string][] } | undefined) => {
      const c = timeMs.map(() => 0);
      for (const [t, v] of r?.values ?? []) c[at.get(Math.round(t * 1000) - stepMs)!] = Number(v);
      return c;
    };
    const burnRates: Record<string, number[]> = {};
    for (const r of burns) burnRates[r.metric[LABEL_SLO_WINDOW]] = column(r);
    const good = column(events.find(r => r.metric[LABEL_SLO_OUTCOME] === 'good'));
    const bad = column(events.find(r => r.metric[LABEL_SLO_OUTCOME] === 'bad'));
    const rem = remaining.length > 0 ? column(remaining[0]) : timeMs.map(() => 1);
    const { page, ticket, status } = alertsFromBurn(def, timeMs.length, burnRates, rem, spec);
    out.push({
      name: def.name,
      target: def.target,
      windowMs: def.window.durationMs,
      stepMs,
      timeMs,
      good,
      bad,
      remaining: rem,
      burnRates,
      page,
      ticket,
      status,
    });
  }
  return out;
}

/** The tiers and status evaluated on recorded burn rates, as the engine does on its own. */
function alertsFromBurn(
  def: SloDefinition,
  n: number,
  burnRates: Record<string, number[]>,
  remaining: number[],
  spec: SloSpec
): { page: boolean[]; ticket: boolean[]; status: string[] } {
  const page: boolean[] = [];
  const ticket: boolean[] = [];
  const status: string[] = [];
  const at = (w: number, i: number) => burnRates[formatDuration(w)]?.[i] ?? 0;
  for (let i = 0; i < n; i++) {
    const firing = { page: false, ticket: false };
    for (const t of def.alerting.tiers) {
      const threshold = t.burnRate * (1 - 1e-9);
      if (at(t.longWindowMs, i) >= threshold && at(t.shortWindowMs, i) >= threshold)
        firing[t.severity] = true;
    }
    page.push(firing.page);
    ticket.push(firing.ticket);
    const burn1h = burnRates['1h']?.[i] ?? 0;
    const tte = timeToExhaustionMs(remaining[i], def.window.durationMs, burn1h);
    const s = classifyStatus(
      {
        remaining: remaining[i],
        burnRate: burn1h,
        timeToExhaustionMs: tte,
        pageFiring: firing.page,
        ticketFiring: firing.ticket,
        windowMs: def.window.durationMs,
      },
      spec.policy?.thresholds
    );
    status.push(HISTORY_STATUSES.includes(s) ? s : 'unknown');
  }
  return { page, ticket, status };
}
