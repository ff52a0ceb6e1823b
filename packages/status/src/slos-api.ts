import {
  formatDuration,
  type CorrectionInterval,
  type CompositeSnapshot,
  type ErrorBudgetPolicy,
  type Explanation,
  type Offender,
  type SloSnapshot,
} from '@burnrate/core';

/** One SLO as `GET /api/slos` returns it. */
export interface SloReport {
  name: string;
  /**
   * A group of a grouped SLO (`groupBy`): its values by attribute key
   * (`{ "http.route": "/api/orders" }`); absent on ungrouped SLOs. A grouped
   * SLO has one entry per group, each with the SLO's `name`.
   */
  group?: Record<string, string>;
  /**
   * A journey SLO (`sli.trace`, docs/journeys.md): one event per trace, judged
   * whole; absent on per-span SLOs.
   */
  journey?: true;
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
  /**
   * SLOs that corrections apply to (docs/corrections.md): the correction
   * intervals that overlap the SLO window (`[now − W, now]`; a calendar window's
   * current period), by start, ISO 8601 UTC; an active one ends in the future.
   * Absent when no correction applies to the SLO.
   */
  corrections?: Array<{ name: string; start: string; end: string }>;
  /**
   * What burns the budget (`explain`'s offenders, largest first, over the
   * window in {@link attributionWindow}); empty without bad events.
   */
  offenders: Offender[];
  /** The window the offenders' counts are over. */
  attributionWindow: string;
  /** Since when the burn is above 1 (ISO 8601), null when it is not. */
  elevatedSince: string | null;
  /** The latest bad events of the SLO, newest first: traces to open. */
  exemplars: Array<{ traceId: string; spanId: string; time: string }>;
  /**
   * Composite SLOs only (docs/composites.md): the components with their weights,
   * remaining budgets and statuses, and the component whose status is the composite's.
   */
  composite?: {
    components: Array<{ slo: string; weight: number; remaining: number; status: string }>;
    statusFrom: string;
  };
}

/** The body of `GET /api/slos`. */
export interface SlosResponse {
  /** When the numbers were read (ISO 8601). */
  time: string;
  slos: SloReport[];
  /** The spec's error budget policy, when it has one (`gate` decides by it). */
  policy?: ErrorBudgetPolicy;
}

/** What {@link slosResponse} adds beyond the SLOs. */
export interface SlosResponseExtras {
  /** Composite SLOs, listed after the SLOs. */
  composites?: readonly CompositeSnapshot[];
  /** The spec's policy (absent: the defaults). */
  policy?: ErrorBudgetPolicy;
  /**
   * Per snapshot (same order), the correction intervals overlapping its window
   * (`SloState.correctionIntervals`), or undefined when none applies to the SLO.
   */
  corrections?: ReadonlyArray<readonly CorrectionInterval[] | undefined>;
}

/**
 * Renders engine snapshots as the `/api/slos` JSON: the same numbers as the
 * gauges; infinite time to exhaustion (and any other non-finite number) is `null`.
 */
export function slosResponse(
  snapshots: readonly SloSnapshot[],
  nowMs: number,
  explanations: readonly Explanation[] = [],
  extras: SlosResponseExtras = {}
): SlosResponse {
  const out: SlosResponse = {
    time: new Date(nowMs).toISOString(),
    slos: snapshots.map((s, i) => {
      const e = explanations[i];
      const corrections = extras.corrections?.[i];
      const burnRates: Record<string, number> = {};
      for (const w of s.windows) burnRates[w.window] = w.burnRate;
      return {
        name: s.name,
        ...(s.group !== undefined ? { group: { ...s.group } } : {}),
        ...(s.definition.sli.trace !== undefined ? { journey: true as const } : {}),
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
        ...(corrections !== undefined
          ? {
              corrections: corrections.map(c => ({
                name: c.name,
                start: new Date(c.startMs).toISOString(),
                end: new Date(c.endMs).toISOString(),
              })),
            }
          : {}),
        offenders: e?.top ?? [],
        attributionWindow: e?.window ?? formatDuration(s.windowMs),
        elevatedSince: e?.elevatedSince ?? null,
        exemplars: (e?.exemplars ?? []).map(x => ({
          traceId: x.traceId,
          spanId: x.spanId,
          time: new Date(Math.round(x.timeMs)).toISOString(),
        })),
      };
    }),
  };
  for (const c of extras.composites ?? []) out.slos.push(compositeReport(c));
  if (extras.policy !== undefined) out.policy = extras.policy;
  return out;
}

/** A composite as an `/api/slos` entry: the numbers of an SLO, plus `composite`. */
function compositeReport(c: CompositeSnapshot): SloReport {
  const burnRates: Record<string, number> = {};
  for (const w of c.windows) burnRates[w.window] = w.burnRate;
  return {
    name: c.name,
    service: null,
    objective: c.target,
    window: formatDuration(c.windowMs),
    eligible: c.eligible,
    good: c.good,
    bad: c.bad,
    sli: c.sli,
    budget: c.budget,
    remaining: c.remaining,
    burnRates,
    timeToExhaustionSeconds: Number.isFinite(c.timeToExhaustionMs)
      ? c.timeToExhaustionMs / 1000
      : null,
    firing: { page: c.firing.page, ticket: c.firing.ticket },
    status: c.status,
    events: { good: c.totals.good, bad: c.totals.bad },
    offenders: [],
    attributionWindow: formatDuration(c.windowMs),
    elevatedSince: null,
    exemplars: [],
    composite: {
      components: c.components.map(k => ({
        slo: k.slo,
        weight: k.weight,
        remaining: k.remaining,
        status: k.status,
      })),
      statusFrom: c.statusFrom,
    },
  };
}

/** JSON text with every non-finite number written as `null`. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    typeof v === 'number' && !Number.isFinite(v) ? null : v
  );
}
