/**
 * Relative tolerance of every burn-rate threshold comparison. Burn rates are
 * ratios of sums divided by `1 − O`, and binary floating point rounds them: 1.44 %
 * errors against a 99.9 % objective is `0.0144 / 0.001 = 14.399999999999999`,
 * which a plain `>= 14.4` refuses. A tier fires when
 *
 *   burn ≥ threshold × (1 − 1e-9)
 *
 * in the engine, in `replay` and in the generated PromQL alike (far below any
 * difference a real incident makes: 14.4 becomes 14.3999999856).
 */
export const THRESHOLD_RELATIVE_EPSILON = 1e-9;

/** True when `burnRate` reaches `threshold` within {@link THRESHOLD_RELATIVE_EPSILON}. */
export function reachesThreshold(burnRate: number, threshold: number): boolean {
  return burnRate >= threshold * (1 - THRESHOLD_RELATIVE_EPSILON);
}
