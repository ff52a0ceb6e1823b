/**
 * The budget and burn-rate definitions of docs/spec.md ("The numbers"), as small named functions.
 * Every other part of burnrate (processor, collector, rules, replay) calls these.
 */

/**
 * Allowed bad-event fraction: `1 − O`.
 * Computed from the percent form to keep 99.9 → 0.001 exact in decimal terms.
 */
export function errorBudgetFraction(target: number): number {
  return Number((1 - target).toPrecision(12));
}

/** Budget in events: `(1 − O) × eligible`. */
export function budgetEvents(target: number, eligible: number): number {
  return errorBudgetFraction(target) * eligible;
}

/** Time-based budget: `(1 − O) × W` (99.9 % over 30 d = 43.2 min). */
export function timeBudgetMs(target: number, windowMs: number): number {
  return errorBudgetFraction(target) * windowMs;
}

/**
 * Remaining budget ratio: `1 − consumed / budget`. One when nothing is eligible,
 * negative when overspent, never NaN; `-Infinity` when the budget is zero (a
 * 100 % objective cannot be validated, but the math stays total).
 */
export function remainingRatio(target: number, eligible: number, bad: number): number {
  if (eligible <= 0 || bad <= 0) return 1;
  const budget = budgetEvents(target, eligible);
  if (budget <= 0) return -Infinity;
  return 1 - bad / budget;
}

/** Burn rate over a window: `(bad_w / eligible_w) / (1 − O)`; zero without events. */
export function burnRate(target: number, eligible: number, bad: number): number {
  if (eligible <= 0 || bad <= 0) return 0;
  const fraction = errorBudgetFraction(target);
  if (fraction <= 0) return Infinity;
  return bad / eligible / fraction;
}

/**
 * Time to exhaustion in milliseconds: `remaining × W / burn(1h)`. Zero once the
 * budget is spent. Infinite when nothing burns, and on a rolling window (`rolling`)
 * when burn(1h) ≤ 1: such a window forgets old bad events as fast as new ones
 * come, so the budget never runs out at that rate.
 */
export function timeToExhaustionMs(
  remaining: number,
  windowMs: number,
  burn: number,
  rolling = false
): number {
  if (remaining <= 0) return 0;
  if (!(burn > 0)) return Infinity;
  if (rolling && burn <= 1) return Infinity;
  return (remaining * windowMs) / burn;
}

/** The SLI: good / eligible, one without events. */
export function sliRatio(eligible: number, good: number): number {
  return eligible > 0 ? good / eligible : 1;
}
