import type { CompiledSlo } from './classify';

/**
 * What the dispatch knows of one (route, method): the candidate SLOs, and a
 * slot for the count cells' plan of that route (`cells/count-cells.ts`),
 * computed on first use: undefined until then, null when the cells cannot
 * take the route's spans.
 */
export interface RouteEntry {
  readonly candidates: Uint16Array;
  readonly method: string | undefined;
  readonly route: string | undefined;
  plan: unknown;
}

/** Route/method pairs remembered before the memo starts over (bounds memory under unbounded routes). */
export const DISPATCH_MEMO_LIMIT = 10_000;

/**
 * Finds the SLOs whose route selector a span passes, once per distinct
 * (route, method) pair: the answer is memoized, so a span costs one or two map
 * lookups however many SLOs there are, and only the candidates are classified.
 * SLOs without a route selector are candidates for every span; journey SLOs
 * (one event per trace) never are.
 */
export class SloDispatch {
  private readonly _slos: readonly CompiledSlo[];
  private readonly _always: RouteEntry;
  /**
   * Whether any SLO selects by route or depends on it otherwise (else every
   * span shares the entry {@link _always}).
   */
  private readonly _anyRoutes: boolean;
  private readonly _memo = new Map<string, Map<string, RouteEntry>>();
  private _memoSize = 0;
  /** The last answer: consecutive spans of one route skip the maps. */
  private _lastRoute: string | undefined = undefined;
  private _lastMethod: string | undefined = undefined;
  private _lastEntry: RouteEntry;

  constructor(slos: readonly CompiledSlo[]) {
    this._slos = slos;
    const always: number[] = [];
    slos.forEach((s, i) => {
      if (!s.selectsRoutes && !s.isJourney) always.push(i);
    });
    this._always = {
      candidates: Uint16Array.from(always),
      method: undefined,
      route: undefined,
      plan: undefined,
    };
    this._anyRoutes = slos.some(s => s.selectsRoutes || s.routeDependent);
    this._lastEntry = this._always;
  }

  /** Indices of the SLOs whose route selector holds for `method` and `route`, in spec order. */
  candidates(method: string | undefined, route: string | undefined): Uint16Array {
    return this.entry(method, route).candidates;
  }

  /**
   * The {@link RouteEntry} of `method` and `route`. Spans without a route, and
   * every span when no SLO selects by route, share one entry.
   */
  entry(method: string | undefined, route: string | undefined): RouteEntry {
    if (route === undefined || !this._anyRoutes) return this._always;
    if (route === this._lastRoute && method === this._lastMethod) return this._lastEntry;
    return this._lookup(method, route);
  }

  /** {@link entry} past the last answer (kept apart so that V8 inlines the check above). */
  private _lookup(method: string | undefined, route: string): RouteEntry {
    const m = method ?? '';
    let byMethod = this._memo.get(route);
    if (byMethod !== undefined) {
      const hit = byMethod.get(m);
      if (hit !== undefined) return this._remember(route, method, hit);
    }
    const out: number[] = [];
    for (let i = 0; i < this._slos.length; i++)
      if (!this._slos[i].isJourney && this._slos[i].matchesRoute(method, route)) out.push(i);
    const list: RouteEntry = { candidates: Uint16Array.from(out), method, route, plan: undefined };
    if (this._memoSize >= DISPATCH_MEMO_LIMIT) {
      this._memo.clear();
      this._memoSize = 0;
      byMethod = undefined;
    }
    if (byMethod === undefined) {
      byMethod = new Map();
      this._memo.set(route, byMethod);
    }
    byMethod.set(m, list);
    this._memoSize++;
    return this._remember(route, method, list);
  }

  private _remember(route: string, method: string | undefined, entry: RouteEntry): RouteEntry {
    this._lastRoute = route;
    this._lastMethod = method;
    this._lastEntry = entry;
    return entry;
  }
}
