import type { SloSnapshot } from '@burnrate/core';
import { formatDuration, groupLabelName } from '@burnrate/core';
import { tierAlertLabels, tierAnnotations, type TopOffender } from '@burnrate/rules';
import type { AlertDetails, AlertNotice, AlertState, Offender } from './types';

/** Seconds to exhaustion as the JSON of `/api/slos` has it: `null` when not burning. */
export function exhaustionSeconds(ms: number): number | null {
  return Number.isFinite(ms) ? Math.max(0, ms / 1000) : null;
}

/**
 * One tier's alert at a state change, from the SLO's snapshot of that
 * evaluation: the labels and annotations of the generated Prometheus rule
 * (numbers printed), the burn rates, budget and time to exhaustion, and what
 * burns the budget.
 */
export function buildNotice(
  snapshot: SloSnapshot,
  tierIndex: number,
  state: AlertState,
  startsAtMs: number,
  endsAtMs: number | undefined,
  offenders: readonly Offender[],
  details: AlertDetails | undefined
): AlertNotice {
  const def = snapshot.definition;
  const reading = snapshot.tiers[tierIndex];
  const tier = reading.tier;
  const tte = exhaustionSeconds(snapshot.timeToExhaustionMs);
  return {
    slo: def.name,
    service: def.service,
    severity: tier.severity,
    state,
    labels: { ...tierAlertLabels(def, tier), ...groupLabels(snapshot.group) },
    annotations: tierAnnotations(def, tier, {
      longBurnRate: reading.longBurnRate,
      remaining: snapshot.remaining,
      timeToExhaustionSeconds: tte,
      topOffender: topOffender(offenders),
      ...(snapshot.group !== undefined ? { group: snapshot.group } : {}),
    }),
    startsAtMs,
    endsAtMs,
    tier: {
      longWindow: formatDuration(tier.longWindowMs),
      shortWindow: formatDuration(tier.shortWindowMs),
      burnRateThreshold: tier.burnRate,
    },
    longBurnRate: reading.longBurnRate,
    shortBurnRate: reading.shortBurnRate,
    burnRates: snapshot.windows.map(w => ({ window: w.window, burnRate: w.burnRate })),
    objective: snapshot.target,
    remaining: snapshot.remaining,
    timeToExhaustionSeconds: tte,
    status: snapshot.status,
    offenders,
    summary: details?.summary,
    traceIds: details?.traceIds ?? [],
  };
}

/**
 * A group's values as the labels the generated rules' alerts carry
 * (`http.route` → `http_route`); empty values are left out, as Prometheus
 * drops an empty label.
 */
export function groupLabels(
  group: Readonly<Record<string, string>> | undefined
): Record<string, string> {
  const out: Record<string, string> = {};
  if (group === undefined) return out;
  for (const [k, v] of Object.entries(group)) if (v !== '') out[groupLabelName(k)] = v;
  return out;
}

/**
 * The `top_offender` annotation of a message: the first offender, its share
 * among the offenders listed (the rule's template computes the same over its
 * long window in Prometheus); null without offenders.
 */
function topOffender(offenders: readonly Offender[]): TopOffender | null {
  const o = offenders[0];
  if (o === undefined) return null;
  const total = offenders.reduce((n, x) => n + x.badEvents, 0);
  return {
    method: '',
    route: o.route,
    code: o.statusCode >= 0 ? o.statusCode : null,
    reason: null,
    version: null,
    share: total > 0 ? o.badEvents / total : 0,
  };
}
