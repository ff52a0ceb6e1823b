import { loadSpec, validateSpec, type SloSpec } from '@burnrate/core';

/** A spec as accepted by the processor: a path to `burnrate.yaml`, a raw document, or a validated spec. */
export type SpecInput = string | SloSpec | Record<string, unknown>;

/**
 * Resolves a {@link SpecInput} to a validated spec. A string is a file path
 * ({@link loadSpec}); an object that already has the validated shape is used
 * as it is; any other object goes through {@link validateSpec}. Throws
 * `SpecError` naming every problem (path and value).
 */
export function resolveSpec(input: SpecInput): SloSpec {
  if (typeof input === 'string') return loadSpec(input);
  if (isValidatedSpec(input)) return input;
  return validateSpec(input, 'spec');
}

/** Whether `value` looks like the output of {@link validateSpec} (windows and tiers already compiled). */
function isValidatedSpec(value: unknown): value is SloSpec {
  if (value === null || typeof value !== 'object') return false;
  const slos = (value as { slos?: unknown }).slos;
  if (!Array.isArray(slos) || slos.length === 0) return false;
  return slos.every(slo => {
    if (slo === null || typeof slo !== 'object') return false;
    const s = slo as Record<string, any>;
    return (
      typeof s.target === 'number' &&
      typeof s.window === 'object' &&
      s.window !== null &&
      typeof s.window.durationMs === 'number' &&
      typeof s.budgeting === 'object' &&
      s.budgeting !== null &&
      typeof s.alerting === 'object' &&
      s.alerting !== null &&
      Array.isArray(s.alerting.tiers) &&
      typeof s.sli?.spans?.kind === 'string'
    );
  });
}
