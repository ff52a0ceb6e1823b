import { formatDuration, type SloSpec } from '@burnrate/core';

/** Prometheus's default `scrape_interval` (1 m), assumed when none is given. */
export const DEFAULT_SCRAPE_INTERVAL_MS = 60_000;

/** How many scrape intervals a `rate()` window should span at least. */
export const MIN_SCRAPES_PER_WINDOW = 4;

/**
 * What the generated rules cannot see at a given scrape interval, one line per
 * problem, naming the SLO by its place in the spec. `rate()` needs two samples in
 * its window and is only steady with about four: a window under
 * {@link MIN_SCRAPES_PER_WINDOW} scrape intervals reads 0 or jumps, so the tier
 * that needs it cannot page (a 1-day SLO's scaled 1 m short windows at a 1 m scrape
 * interval, say). For timeslices budgets the slice is such a window too.
 */
export function scrapeIntervalWarnings(spec: SloSpec, scrapeIntervalMs: number): string[] {
  const floorMs = MIN_SCRAPES_PER_WINDOW * scrapeIntervalMs;
  const floor = `${MIN_SCRAPES_PER_WINDOW} × ${formatDuration(scrapeIntervalMs)} = ${formatDuration(floorMs)}`;
  const out: string[] = [];
  spec.slos.forEach((slo, i) => {
    const where = `slos[${i}] (${slo.name})`;
    const seen = new Set<number>();
    for (const tier of slo.alerting.tiers) {
      if (tier.shortWindowMs >= floorMs || seen.has(tier.shortWindowMs)) continue;
      seen.add(tier.shortWindowMs);
      const tiers = slo.alerting.tiers
        .filter(t => t.shortWindowMs === tier.shortWindowMs)
        .map(
          t => `${t.severity} ${formatDuration(t.longWindowMs)}/${formatDuration(t.shortWindowMs)}`
        );
      out.push(
        `${where}: short window ${formatDuration(tier.shortWindowMs)} (${tiers.join(', ')}) is under four scrape intervals (${floor}); ` +
          'rate() over it reads 0 or jumps and the tier may never fire: scrape more often or give the SLO longer alert windows'
      );
    }
    if (slo.budgeting.method === 'timeslices' && slo.budgeting.sliceMs < floorMs) {
      out.push(
        `${where}: slice ${formatDuration(slo.budgeting.sliceMs)} is under four scrape intervals (${floor}); ` +
          'the per-slice rule sees too few samples and counts slices without two samples as good: scrape more often or use longer slices'
      );
    }
  });
  return out;
}
