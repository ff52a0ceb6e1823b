/** Default cap on breakdown series, as the OpenTelemetry SDK's cardinality limit. */
export const DEFAULT_MAX_SERIES = 2000;

/** Route value used when a bad span has no route. */
export const NO_ROUTE = '';

/** One series of the breakdown: bad events of one SLO on one route with one status code. */
export interface BadEventSeries {
  readonly sloIndex: number;
  /** The span's route (`http.route`, else `url.path`, else `http.target`), `''` when absent. */
  readonly route: string;
  /** HTTP status code, else the gRPC code, -1 when neither. */
  readonly statusCode: number;
  count: number;
}

/**
 * Lifetime counts of bad events by SLO, route and status code: what is burning
 * the budget. Only bad events reach it, so the common path never pays for it.
 * Distinct series are capped (routes and services can be unbounded): past the
 * cap, new series are counted in one overflow count per SLO instead, so memory
 * stays flat and nothing is lost from the totals.
 */
export class BadEventBreakdown {
  readonly maxSeries: number;
  /** Series in insertion order. */
  private readonly _series: BadEventSeries[] = [];
  /** Per SLO: status code → route → series (nested maps, so that a count builds no key string). */
  private readonly _index: Array<Map<number, Map<string, BadEventSeries>>>;
  private readonly _overflow: number[];

  constructor(sloCount: number, maxSeries: number = DEFAULT_MAX_SERIES) {
    this.maxSeries = maxSeries;
    this._overflow = new Array<number>(sloCount).fill(0);
    this._index = Array.from({ length: sloCount }, () => new Map());
  }

  /** Counts one bad event; allocates only for a new series. */
  add(sloIndex: number, route: string | undefined, statusCode: number): void {
    const r = route ?? NO_ROUTE;
    const bySlo = this._index[sloIndex];
    if (bySlo === undefined) return;
    let byRoute = bySlo.get(statusCode);
    const s = byRoute?.get(r);
    if (s !== undefined) s.count++;
    else if (this._series.length < this.maxSeries) {
      const series: BadEventSeries = { sloIndex, route: r, statusCode, count: 1 };
      if (byRoute === undefined) {
        byRoute = new Map();
        bySlo.set(statusCode, byRoute);
      }
      byRoute.set(r, series);
      this._series.push(series);
    } else this._overflow[sloIndex]++;
  }

  /** Every series, in insertion order. */
  series(): IterableIterator<BadEventSeries> {
    return this._series.values();
  }

  /** Number of distinct series kept. */
  get size(): number {
    return this._series.length;
  }

  /** Bad events of an SLO that fell past the cap. */
  overflow(sloIndex: number): number {
    return this._overflow[sloIndex];
  }

  /** The `n` series of an SLO with the most bad events. */
  top(sloIndex: number, n: number): BadEventSeries[] {
    const out: BadEventSeries[] = [];
    for (const s of this._series) if (s.sloIndex === sloIndex) out.push(s);
    out.sort((a, b) => b.count - a.count);
    return out.slice(0, n);
  }
}
