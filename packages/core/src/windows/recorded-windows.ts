import { HOUR_MS } from '../duration';
import { alertWindows } from '../math/tiers';
import type { SloDefinition } from '../types';

/**
 * The windows one SLO records burn rates for, shortest first: every tier's long and
 * short window, plus 1 h when it fits in the SLO window — the same set, for the same
 * reason: `SloState` keeps these rings and the generated rules record these windows
 * (1 h is the time-to-exhaustion rate). Their `formatDuration` texts are the
 * `slo.window` values of the `slo.burn_rate` gauges.
 */
export function recordedWindows(slo: SloDefinition): number[] {
  const lengths = alertWindows(slo.alerting.tiers);
  if (!lengths.includes(HOUR_MS) && HOUR_MS <= slo.window.durationMs) lengths.push(HOUR_MS);
  return lengths.sort((a, b) => a - b);
}

/** The window whose burn rate sets the time to exhaustion: 1 h, or the longest recorded one. */
export function exhaustionWindow(slo: SloDefinition): number {
  const lengths = recordedWindows(slo);
  return lengths.includes(HOUR_MS) ? HOUR_MS : lengths[lengths.length - 1];
}
