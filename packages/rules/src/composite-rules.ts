import {
  exhaustionWindow,
  recordedWindows,
  type CompositeDefinition,
  type SloDefinition,
  type SloSpec,
} from '@burnrate/core';
import { formatNumber, matchers, promDuration } from './promql';
import { budgetAlertRules, compositeStatusRules, specPolicy } from './policy-rules';
import {
  LABEL_SLO_NAME,
  LABEL_SLO_WINDOW,
  RECORD_BUDGET_REMAINING,
  RECORD_BURN_RATE,
  RECORD_OBJECTIVE,
  RECORD_SLI,
  RECORD_TIME_TO_EXHAUSTION,
} from './semconv';
import type { AlertingRule, RecordingRule } from './types';

/** A leaf SLO of a composite and its share: the product of the weight shares down to it. */
export interface LeafShare {
  readonly slo: SloDefinition;
  readonly share: number;
}

/**
 * The SLOs under a composite with their effective shares. Every composite
 * number is linear in its components' (consumed share, burn rates, SLI,
 * objective, spend rate), so a composite of composites is the same weighted
 * average of its leaf SLOs: the rules read only the SLOs' recorded series.
 */
export function leafShares(spec: SloSpec, composite: CompositeDefinition): LeafShare[] {
  const composites = new Map((spec.composites ?? []).map(c => [c.name, c]));
  const slos = new Map(spec.slos.map(s => [s.name, s]));
  const out = new Map<string, number>();
  const walk = (c: CompositeDefinition, share: number, depth: number) => {
    if (depth > composites.size) throw new Error(`composite ${c.name}: cycle`);
    let total = 0;
    for (const k of c.components) total += k.weight;
    for (const k of c.components) {
      const s = (share * k.weight) / total;
      const inner = composites.get(k.slo);
      if (inner !== undefined) walk(inner, s, depth + 1);
      else out.set(k.slo, (out.get(k.slo) ?? 0) + s);
    }
  };
  walk(composite, 1, 0);
  return [...out].map(([name, share]) => {
    const slo = slos.get(name);
    if (slo === undefined) throw new Error(`composite ${composite.name}: unknown SLO ${name}`);
    return { slo, share };
  });
}

/**
 * The rules of one composite (docs/composites.md), weighted sums over its leaf
 * SLOs' recorded series (each `sum(…)`, label-less, one series per SLO):
 *
 * - `slo:burn_rate:rate{slo_window}` = Σ sᵢ burnᵢ, for the windows every leaf records;
 * - `slo:error_budget_remaining:ratio` = 1 − Σ sᵢ (1 − remainingᵢ);
 * - `slo:sli:ratio` = Σ sᵢ sliᵢ and `slo:objective:ratio` = Σ sᵢ objectiveᵢ (display);
 * - `slo:time_to_exhaustion:seconds` = remaining / Σ sᵢ burn(1h)ᵢ / Wᵢ, +Inf when every
 *   leaf rolls and the composite's burn(1h) ≤ 1, 0 once spent;
 * - `slo:status:code` and `slo:status`: the leaves' most restrictive status;
 * - the policy's budget-level alerts.
 *
 * The leaves' series are recorded by their own groups, which Prometheus evaluates
 * independently: a composite reads them as of their last evaluation (at most one
 * interval old).
 */
export function compositeRules(
  spec: SloSpec,
  composite: CompositeDefinition
): Array<RecordingRule | AlertingRule> {
  const name = composite.name;
  const leaves = leafShares(spec, composite);
  const base = { [LABEL_SLO_NAME]: name };
  const one = (record: string, slo: string, window?: number) =>
    `sum(${record}${matchers(window === undefined ? { [LABEL_SLO_NAME]: slo } : { [LABEL_SLO_NAME]: slo, [LABEL_SLO_WINDOW]: promDuration(window) })})`;
  const weighted = (term: (l: LeafShare) => string) =>
    leaves.map(l => `${formatNumber(l.share)} * ${term(l)}`).join('\n+ ');
  const rules: Array<RecordingRule | AlertingRule> = [];
  const common = recordedWindows(leaves[0].slo).filter(w =>
    leaves.every(l => recordedWindows(l.slo).includes(w))
  );
  for (const w of common) {
    rules.push({
      record: RECORD_BURN_RATE,
      expr: weighted(l => one(RECORD_BURN_RATE, l.slo.name, w)),
      labels: { ...base, [LABEL_SLO_WINDOW]: promDuration(w) },
    });
  }
  rules.push({
    record: RECORD_BUDGET_REMAINING,
    expr: `1 - (\n${weighted(l => `(1 - ${one(RECORD_BUDGET_REMAINING, l.slo.name)})`)}\n)`,
    labels: { ...base },
  });
  rules.push({
    record: RECORD_SLI,
    expr: weighted(l => one(RECORD_SLI, l.slo.name)),
    labels: { ...base },
  });
  let objective = 0;
  for (const l of leaves) objective += l.share * l.slo.target;
  rules.push({
    record: RECORD_OBJECTIVE,
    expr: `vector(${formatNumber(objective)})`,
    labels: { ...base },
  });
  const burn1h = (l: LeafShare) => one(RECORD_BURN_RATE, l.slo.name, exhaustionWindow(l.slo));
  // share of the composite's budget spent per second
  const growth = leaves
    .map(l => `${formatNumber(l.share / (l.slo.window.durationMs / 1000))} * ${burn1h(l)}`)
    .join('\n  + ');
  const remaining = `${RECORD_BUDGET_REMAINING}${matchers(base)}`;
  const rolling = leaves.every(l => l.slo.window.type === 'rolling');
  rules.push({
    record: RECORD_TIME_TO_EXHAUSTION,
    expr: rolling
      ? `(${remaining} > 0)\n/ on () group_left () (\n  ${growth}\n)\nand on () (${weighted(burn1h)}) > 1\n` +
        `or (${remaining} > 0) * +Inf\nor ${remaining} * 0 + 0`
      : `(${remaining} > 0)\n/ on () group_left () (\n  ${growth}\n)\nor ${remaining} * 0 + 0`,
    labels: { ...base },
  });
  const policy = specPolicy(spec);
  rules.push(
    ...compositeStatusRules(
      name,
      leaves.map(l => l.slo.name),
      base,
      policy
    )
  );
  rules.push(...budgetAlertRules(name, {}, policy));
  return rules;
}
