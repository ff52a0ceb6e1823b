import { formatDuration, type HistorySeries, type SloState } from '@burnrate/core';

/** One resolution of `GET /api/slos/NAME/history`, as columns (oldest point first). */
export interface HistoryColumns {
  /** Width of a point in seconds. */
  stepSeconds: number;
  /** Start of each point's step, Unix seconds. */
  time: number[];
  /** Remaining budget ratio at the step's last reading. */
  remaining: number[];
  /** SLI over the SLO window at the step's last reading. */
  sli: number[];
  /** Highest burn rate in the step, by `slo.window`. */
  burnRates: Record<string, number[]>;
  /** 1 when a page (ticket) tier fired at any reading of the step. */
  page: number[];
  ticket: number[];
  status: string[];
  /** Good (bad) events counted during the step. */
  good: number[];
  bad: number[];
}

/** An alert tier as the history answer describes it. */
export interface HistoryTier {
  severity: string;
  long: string;
  short: string;
  burnRate: number;
}

/** The body of `GET /api/slos/NAME/history`. */
export interface HistoryResponse {
  name: string;
  /** The group's values (a group of a grouped SLO only), as in `/api/slos`. */
  group?: Record<string, string>;
  /** When it was read (ISO 8601). */
  time: string;
  objective: number;
  window: string;
  windowSeconds: number;
  /** The alert windows with a burn-rate column. */
  windows: string[];
  tiers: HistoryTier[];
  /** One point per fine step over the last day (or the window). */
  fine: HistoryColumns;
  /** One point per coarse step over the whole SLO window. */
  coarse: HistoryColumns;
}

function columns(s: HistorySeries): HistoryColumns {
  return {
    stepSeconds: s.stepMs / 1000,
    time: s.timeMs.map(t => t / 1000),
    remaining: s.remaining,
    sli: s.sli,
    burnRates: s.burnRates,
    page: s.page.map(Number),
    ticket: s.ticket.map(Number),
    status: s.status,
    good: s.good,
    bad: s.bad,
  };
}

/** Renders an SLO's history as the `/api/slos/NAME/history` JSON. */
export function historyResponse(state: SloState, nowMs: number): HistoryResponse {
  const def = state.slo.definition;
  const { fine, coarse } = state.history.read();
  return {
    name: def.name,
    ...(state.group !== undefined ? { group: { ...state.group } } : {}),
    time: new Date(nowMs).toISOString(),
    objective: def.target,
    window: formatDuration(def.window.durationMs),
    windowSeconds: def.window.durationMs / 1000,
    windows: [...state.history.fine.windows],
    tiers: def.alerting.tiers.map(t => ({
      severity: t.severity,
      long: formatDuration(t.longWindowMs),
      short: formatDuration(t.shortWindowMs),
      burnRate: t.burnRate,
    })),
    fine: columns(fine),
    coarse: columns(coarse),
  };
}
