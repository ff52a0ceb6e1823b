import type { SloStatus } from '../math/status';
import { DEFAULT_POLICY, restrictiveness, type ErrorBudgetPolicy } from '../policy/policy';
import type { Severity } from '../types';

/** One component of a composite SLO: an SLO (or another composite) and its weight. */
export interface CompositeComponent {
  /** Name of an SLO or of another composite of the spec. */
  readonly slo: string;
  /** Positive weight. @default 1 */
  readonly weight: number;
}

/** A validated composite SLO (`composites[]`). */
export interface CompositeDefinition {
  readonly name: string;
  readonly description?: string;
  readonly components: readonly CompositeComponent[];
}

/**
 * What a composite reads of each component: the numbers of an SLO's snapshot
 * (`SloSnapshot` has every field) or of another composite.
 */
export interface BudgetReading {
  readonly name: string;
  readonly target: number;
  readonly windowMs: number;
  readonly eligible: number;
  readonly good: number;
  readonly bad: number;
  readonly sli: number;
  readonly budget: number;
  readonly remaining: number;
  readonly windows: ReadonlyArray<{
    readonly window: string;
    readonly windowMs: number;
    readonly burnRate: number;
  }>;
  readonly burnRate1h: number;
  readonly timeToExhaustionMs: number;
  readonly firing: Readonly<Record<Severity, boolean>>;
  readonly status: SloStatus;
  readonly totals: { readonly good: number; readonly bad: number };
  /** An SLO's definition (its window type); composites carry {@link CompositeSnapshot.rolling}. */
  readonly definition?: { readonly window: { readonly type: string } };
  readonly rolling?: boolean;
}

/** A component's share of a composite, as read. */
export interface ComponentReading {
  readonly slo: string;
  readonly weight: number;
  readonly remaining: number;
  readonly status: SloStatus;
}

/** Every number of one composite SLO at one instant (see {@link compositeReading}). */
export interface CompositeSnapshot extends BudgetReading {
  readonly composite: CompositeDefinition;
  readonly timeMs: number;
  /** Weighted share of the components' budgets spent: Σ wᵢ (1 − remainingᵢ) / Σ wᵢ. */
  readonly consumed: number;
  /** True when every component's window is rolling. */
  readonly rolling: boolean;
  /** The component whose status is the composite's (the most restrictive). */
  readonly statusFrom: string;
  readonly components: readonly ComponentReading[];
}

/**
 * A composite's numbers from its components' (docs/composites.md):
 *
 * - consumed = Σ wᵢ (1 − remainingᵢ) / Σ wᵢ, remaining = 1 − consumed;
 * - burn rate over a window = Σ wᵢ burnᵢ / Σ wᵢ, for the windows every component records;
 * - time to exhaustion = remaining / Σ (wᵢ / Σ w) (burn(1h)ᵢ / Wᵢ): the rate at which
 *   the composite's consumed share grows; with one window W for all components this is
 *   remaining × W / burn(1h), the SLOs' own formula, and as for them it is infinite on
 *   rolling windows while the composite's burn(1h) ≤ 1, and 0 once spent;
 * - status = the components' most restrictive under the policy ({@link restrictiveness});
 * - objective and SLI: weighted means (for display), events and budgets: sums; an alert
 *   severity fires when it fires on any component.
 */
export function compositeReading(
  composite: CompositeDefinition,
  parts: readonly BudgetReading[],
  timeMs: number,
  policy: ErrorBudgetPolicy = DEFAULT_POLICY
): CompositeSnapshot {
  let total = 0;
  for (const c of composite.components) total += c.weight;
  let consumed = 0;
  let target = 0;
  let sli = 0;
  let burn1h = 0;
  let growth = 0;
  let windowMs = 0;
  let rolling = true;
  let eligible = 0;
  let good = 0;
  let bad = 0;
  let budget = 0;
  let totalGood = 0;
  let totalBad = 0;
  const firing: Record<Severity, boolean> = { page: false, ticket: false };
  let status: SloStatus = 'healthy';
  let statusFrom = parts[0]?.name ?? '';
  let worst = -1;
  const components: ComponentReading[] = [];
  composite.components.forEach((c, i) => {
    const p = parts[i];
    const share = c.weight / total;
    consumed += share * (1 - p.remaining);
    target += share * p.target;
    sli += share * p.sli;
    burn1h += share * p.burnRate1h;
    growth += (share * p.burnRate1h) / p.windowMs;
    windowMs = Math.max(windowMs, p.windowMs);
    if (!isRolling(p)) rolling = false;
    eligible += p.eligible;
    good += p.good;
    bad += p.bad;
    budget += p.budget;
    totalGood += p.totals.good;
    totalBad += p.totals.bad;
    if (p.firing.page) firing.page = true;
    if (p.firing.ticket) firing.ticket = true;
    const r = restrictiveness(policy, p.status);
    if (r > worst) {
      worst = r;
      status = p.status;
      statusFrom = p.name;
    }
    components.push({ slo: c.slo, weight: c.weight, remaining: p.remaining, status: p.status });
  });
  const remaining = 1 - consumed;
  return {
    name: composite.name,
    composite,
    timeMs,
    target,
    windowMs,
    eligible,
    good,
    bad,
    sli,
    budget,
    remaining,
    consumed,
    windows: commonWindows(composite, parts, total),
    burnRate1h: burn1h,
    timeToExhaustionMs: compositeExhaustionMs(remaining, growth, burn1h, rolling),
    firing,
    status,
    statusFrom,
    totals: { good: totalGood, bad: totalBad },
    rolling,
    components,
  };
}

/**
 * remaining / growth, growth = Σ (wᵢ / Σ w) burn(1h)ᵢ / Wᵢ (share of the composite's
 * budget spent per millisecond): remaining × W / burn(1h) when every W is the same.
 * 0 once spent; infinite without burn, and on rolling windows while burn(1h) ≤ 1.
 */
export function compositeExhaustionMs(
  remaining: number,
  growth: number,
  burn1h: number,
  rolling: boolean
): number {
  if (remaining <= 0) return 0;
  if (!(growth > 0)) return Infinity;
  if (rolling && burn1h <= 1) return Infinity;
  return remaining / growth;
}

function isRolling(p: BudgetReading): boolean {
  if (p.rolling !== undefined) return p.rolling;
  return p.definition?.window.type === 'rolling';
}

/** Burn rates of the windows every component records: Σ wᵢ burnᵢ / Σ wᵢ. */
function commonWindows(
  composite: CompositeDefinition,
  parts: readonly BudgetReading[],
  total: number
): Array<{ window: string; windowMs: number; burnRate: number }> {
  if (parts.length === 0) return [];
  return parts[0].windows
    .filter(w => parts.every(p => p.windows.some(x => x.windowMs === w.windowMs)))
    .map(w => {
      let burn = 0;
      composite.components.forEach((c, i) => {
        const x = parts[i].windows.find(y => y.windowMs === w.windowMs)!;
        burn += (c.weight / total) * x.burnRate;
      });
      return { window: w.window, windowMs: w.windowMs, burnRate: burn };
    });
}

/**
 * Every composite of a spec from its SLOs' snapshots, in spec order; a
 * composite of composites reads the inner one's numbers. The spec validation
 * guarantees that every component exists and that there is no cycle.
 */
export function compositeSnapshots(
  composites: readonly CompositeDefinition[],
  slos: readonly BudgetReading[],
  timeMs: number,
  policy: ErrorBudgetPolicy = DEFAULT_POLICY
): CompositeSnapshot[] {
  const byName = new Map<string, BudgetReading>();
  for (const s of slos) if (!byName.has(s.name)) byName.set(s.name, s);
  const defs = new Map(composites.map(c => [c.name, c]));
  const done = new Map<string, CompositeSnapshot>();
  const read = (c: CompositeDefinition, depth: number): CompositeSnapshot => {
    const ready = done.get(c.name);
    if (ready !== undefined) return ready;
    if (depth > composites.length) throw new Error(`composite ${c.name}: cycle`);
    const parts = c.components.map(k => {
      const inner = defs.get(k.slo);
      if (inner !== undefined) return read(inner, depth + 1);
      const s = byName.get(k.slo);
      if (s === undefined) throw new Error(`composite ${c.name}: unknown SLO ${k.slo}`);
      return s;
    });
    const out = compositeReading(c, parts, timeMs, policy);
    done.set(c.name, out);
    return out;
  };
  return composites.map(c => read(c, 0));
}
