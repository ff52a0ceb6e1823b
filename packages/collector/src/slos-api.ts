import { formatDuration, type SloSnapshot } from '@burnrate/core';

/** One SLO as `GET /api/slos` returns it. */
export interface SloReport {
  name: string;
  service: string | null;
  /** Objective as a ratio (`slo.objective`). */
  objective: number;
  /** SLO window (`28d`). */
  window: string;
  eligible: number;
  good: number;
  bad: number;
  /** `slo.sli`. */
  sli: number;
  /** Allowed bad events in the window. */
  budget: number;
  /** `slo.error_budget.remaining`. */
  remaining: number;
  /** `slo.burn_rate` by `slo.window`. */
  burnRates: Record<string, number>;
  /** Seconds until the budget is spent at the 1 h burn rate; `null` when not burning (infinite). */
  timeToExhaustionSeconds: number | null;
  /** `slo.alert.firing` by `slo.severity`. */
  firing: { page: boolean; ticket: boolean };
  status: string;
  /** `slo.events` by `slo.outcome`. */
  events: { good: number; bad: number };
}

/** The body of `GET /api/slos`. */
export interface SlosResponse {
  /** When the numbers were read (ISO 8601). */
  time: string;
  slos: SloReport[];
}

/**
 * Renders engine snapshots as the `/api/slos` JSON: the same numbers as the
 * gauges; infinite time to exhaustion (and any other non-finite number) is `null`.
 */
export function slosResponse(snapshots: readonly SloSnapshot[], nowMs: number): SlosResponse {
  return {
    time: new Date(nowMs).toISOString(),
    slos: snapshots.map(s => {
      const burnRates: Record<string, number> = {};
      for (const w of s.windows) burnRates[w.window] = w.burnRate;
      return {
        name: s.name,
        service: s.definition.service ?? null,
        objective: s.target,
        window: formatDuration(s.windowMs),
        eligible: s.eligible,
        good: s.good,
        bad: s.bad,
        sli: s.sli,
        budget: s.budget,
        remaining: s.remaining,
        burnRates,
        timeToExhaustionSeconds: Number.isFinite(s.timeToExhaustionMs)
          ? s.timeToExhaustionMs / 1000
          : null,
        firing: { page: s.firing.page, ticket: s.firing.ticket },
        status: s.status,
        events: { good: s.totals.good, bad: s.totals.bad },
      };
    }),
  };
}

/** JSON text with every non-finite number written as `null`. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    typeof v === 'number' && !Number.isFinite(v) ? null : v
  );
}
