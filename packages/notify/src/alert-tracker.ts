import type { SloSnapshot } from '@burnrate/core';

/** A tier that started firing or resolved at one evaluation. */
export interface TierTransition {
  readonly sloIndex: number;
  readonly tierIndex: number;
  readonly state: 'firing' | 'resolved';
  readonly startsAtMs: number;
  /** Evaluation time of the resolution; undefined when it starts firing. */
  readonly endsAtMs: number | undefined;
}

/** What the tracker remembers of one tier's alert. */
export interface TrackedAlert {
  readonly sloIndex: number;
  readonly tierIndex: number;
  firing: boolean;
  /** First evaluation it fired at (of the current or last incident); NaN before any. */
  startsAtMs: number;
  /** Evaluation it resolved at; NaN while firing or before any incident. */
  endsAtMs: number;
}

/**
 * The state of every SLO × tier alert between evaluations: a state change is
 * reported once (a tier starts firing, a tier resolves), never at every
 * evaluation it keeps its state. Pure: no timer, no I/O.
 */
export class AlertTracker {
  private readonly _alerts: TrackedAlert[][];

  /** @param tierCounts number of alert tiers of each SLO, in engine order */
  constructor(tierCounts: readonly number[]) {
    this._alerts = tierCounts.map((n, sloIndex) => trackedTiers(sloIndex, n));
  }

  /**
   * Compares every tier of `snapshots` (engine order) with the last evaluation.
   * Snapshots past the known ones (the groups of a grouped SLO, which appear as
   * spans arrive) start tracked, not firing.
   */
  update(snapshots: readonly SloSnapshot[]): TierTransition[] {
    const out: TierTransition[] = [];
    for (let i = this._alerts.length; i < snapshots.length; i++)
      this._alerts.push(trackedTiers(i, snapshots[i].tiers.length));
    for (let i = 0; i < snapshots.length; i++) {
      const s = snapshots[i];
      const alerts = this._alerts[i];
      for (let j = 0; j < alerts.length; j++) {
        const a = alerts[j];
        const on = s.tiers[j]?.firing === true;
        if (on === a.firing) continue;
        a.firing = on;
        if (on) {
          a.startsAtMs = s.timeMs;
          a.endsAtMs = NaN;
        } else a.endsAtMs = s.timeMs;
        out.push({
          sloIndex: i,
          tierIndex: j,
          state: on ? 'firing' : 'resolved',
          startsAtMs: a.startsAtMs,
          endsAtMs: on ? undefined : a.endsAtMs,
        });
      }
    }
    return out;
  }

  /** The tracked alert of an SLO's tier. */
  get(sloIndex: number, tierIndex: number): Readonly<TrackedAlert> {
    return this._alerts[sloIndex][tierIndex];
  }

  /** Alerts firing now, and those resolved at or after `resolvedSinceMs`. */
  active(resolvedSinceMs: number): Array<Readonly<TrackedAlert>> {
    const out: TrackedAlert[] = [];
    for (const alerts of this._alerts)
      for (const a of alerts) if (a.firing || a.endsAtMs >= resolvedSinceMs) out.push(a);
    return out;
  }

  /** Whether any tier of an SLO fires. */
  anyFiring(sloIndex: number): boolean {
    return this._alerts[sloIndex]?.some(a => a.firing) ?? false;
  }
}

/** The tracked alerts of one SLO's `n` tiers, none firing yet. */
function trackedTiers(sloIndex: number, n: number): TrackedAlert[] {
  return Array.from({ length: n }, (_, tierIndex) => ({
    sloIndex,
    tierIndex,
    firing: false,
    startsAtMs: NaN,
    endsAtMs: NaN,
  }));
}
