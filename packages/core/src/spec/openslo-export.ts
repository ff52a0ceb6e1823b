import { stringify } from 'yaml';
import { formatDuration } from '../duration';
import { DEFAULT_MAX_GROUPS } from './check-groups';
import {
  BURNRATE_SOURCE,
  GROUP_BY_ANNOTATION,
  MAX_GROUPS_ANNOTATION,
  RUNBOOK_ANNOTATION,
  SHORT_WINDOW_ANNOTATION,
} from './openslo';
import { goodRaw, selectorRaw } from './spec-writer';
import type { AlertTier, SloDefinition, SloSpec } from '../types';

type Raw = Record<string, unknown>;

const UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
];

/**
 * A length as an OpenSLO duration shorthand (`28d`, `1h`, `5m`): the largest
 * unit that divides it. Throws for lengths that are not whole minutes, which
 * OpenSLO cannot write.
 */
export function toShorthand(ms: number, what: string): string {
  for (const [unit, size] of UNITS) {
    if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  }
  throw new Error(
    `${what}: ${formatDuration(ms)} is not a whole number of minutes, which OpenSLO cannot write`
  );
}

function tierCondition(slo: SloDefinition, tier: AlertTier, i: number): Raw {
  const condition: Raw = {
    kind: 'burnrate',
    op: 'gte',
    threshold: tier.burnRate,
    lookbackWindow: toShorthand(tier.longWindowMs, `${slo.name} tier ${i}`),
  };
  condition.alertAfter = tier.holdMs
    ? toShorthand(tier.holdMs, `${slo.name} tier ${i} hold`)
    : '0m';
  return {
    kind: 'AlertCondition',
    metadata: {
      name: `${slo.name}-${tier.severity}-${i}`,
      annotations: { [SHORT_WINDOW_ANNOTATION]: formatDuration(tier.shortWindowMs) },
    },
    spec: { severity: tier.severity, condition },
  };
}

/** One burnrate SLO as an OpenSLO v1 `SLO` object with its SLI and alert policies inline. */
export function sloToOpenSlo(slo: SloDefinition): Raw {
  const metadata: Raw = { name: slo.name };
  if (slo.description !== undefined) metadata.displayName = slo.description;
  if (Object.keys(slo.labels).length > 0) metadata.labels = { ...slo.labels };
  if (slo.alerting.runbook !== undefined)
    metadata.annotations = { [RUNBOOK_ANNOTATION]: slo.alerting.runbook };
  if (slo.groupBy !== undefined)
    metadata.annotations = {
      ...(metadata.annotations as Raw | undefined),
      [GROUP_BY_ANNOTATION]: slo.groupBy.join(','),
      [MAX_GROUPS_ANNOTATION]: String(slo.maxGroups ?? DEFAULT_MAX_GROUPS),
    };
  const w = slo.window;
  const timeWindow: Raw =
    w.type === 'rolling'
      ? { duration: toShorthand(w.durationMs, `${slo.name} window`), isRolling: true }
      : {
          duration: { week: '1w', month: '1M', quarter: '1Q' }[w.unit],
          isRolling: false,
          calendar: {
            ...(w.startTime !== undefined ? { startTime: w.startTime.replace('T', ' ') } : {}),
            timeZone: w.timeZone,
          },
        };
  const objective: Raw = { target: slo.target };
  let budgetingMethod = 'Occurrences';
  if (slo.budgeting.method === 'timeslices') {
    budgetingMethod = 'Timeslices';
    objective.timeSliceTarget = Number(slo.budgeting.sliceTarget.toPrecision(12));
    objective.timeSliceWindow = toShorthand(slo.budgeting.sliceMs, `${slo.name} slice`);
  } else if (slo.budgeting.method === 'ratio-timeslices') {
    budgetingMethod = 'RatioTimeslices';
    objective.timeSliceWindow = toShorthand(slo.budgeting.sliceMs, `${slo.name} slice`);
  }
  if (slo.sli.trace !== undefined)
    throw new Error(`${slo.name}: a journey SLO (sli.trace) has no OpenSLO form`);
  const spec: Raw = {};
  if (slo.service !== undefined) spec.service = slo.service;
  spec.indicator = {
    metadata: { name: `${slo.name}-sli` },
    spec: {
      ratioMetric: {
        counter: true,
        good: { metricSource: { type: BURNRATE_SOURCE, spec: goodRaw(slo.sli.good) } },
        total: { metricSource: { type: BURNRATE_SOURCE, spec: selectorRaw(slo.sli.spans) } },
      },
    },
  };
  spec.timeWindow = [timeWindow];
  spec.budgetingMethod = budgetingMethod;
  spec.objectives = [objective];
  if (!slo.alerting.defaultTiers && slo.alerting.tiers.length > 0) {
    spec.alertPolicies = slo.alerting.tiers.map((tier, i) => ({
      kind: 'AlertPolicy',
      metadata: { name: `${slo.name}-${tier.severity}-${i}` },
      spec: {
        alertWhenBreaching: true,
        alertWhenResolved: true,
        conditions: [tierCondition(slo, tier, i)],
        notificationTargets: [],
      },
    }));
  }
  return { apiVersion: 'openslo/v1', kind: 'SLO', metadata, spec };
}

/**
 * A burnrate spec as OpenSLO v1 objects, one `SLO` per burnrate SLO (SLI and
 * alert policies inline; the default alert tiers are left out, as burnrate
 * derives them again). The `collector:` section has no OpenSLO form.
 */
export function toOpenSlo(spec: SloSpec): Raw[] {
  return spec.slos.map(sloToOpenSlo);
}

/** {@link toOpenSlo} as a YAML stream, one document per SLO. */
export function openSloYaml(spec: SloSpec): string {
  return toOpenSlo(spec)
    .map(doc => stringify(doc, { lineWidth: 0 }))
    .join('---\n');
}
