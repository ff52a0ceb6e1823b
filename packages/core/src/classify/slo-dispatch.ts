import type { CompiledSlo } from './classify';

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
  private readonly _always: Uint16Array;
  private readonly _memo = new Map<string, Map<string, Uint16Array>>();
  private _memoSize = 0;
  /** The last answer: consecutive spans of one route skip the maps. */
  private _lastRoute: string | undefined = undefined;
  private _lastMethod: string | undefined = undefined;
  private _lastList: Uint16Array = new Uint16Array(0);

  constructor(slos: readonly CompiledSlo[]) {
    this._slos = slos;
    const always: number[] = [];
    slos.forEach((s, i) => {
      if (!s.selectsRoutes && !s.isJourney) always.push(i);
    });
    this._always = Uint16Array.from(always);
  }

  /** Indices of the SLOs whose route selector holds for `method` and `route`, in spec order. */
  candidates(method: string | undefined, route: string | undefined): Uint16Array {
    if (route === undefined) return this._always;
    if (route === this._lastRoute && method === this._lastMethod) return this._lastList;
    return this._lookup(method, route);
  }

  /** {@link candidates} past the last answer (kept apart so that V8 inlines the check above). */
  private _lookup(method: string | undefined, route: string): Uint16Array {
    const m = method ?? '';
    let byMethod = this._memo.get(route);
    if (byMethod !== undefined) {
      const hit = byMethod.get(m);
      if (hit !== undefined) return this._remember(route, method, hit);
    }
    const out: number[] = [];
    for (let i = 0; i < this._slos.length; i++)
      if (!this._slos[i].isJourney && this._slos[i].matchesRoute(method, route)) out.push(i);
    const list = Uint16Array.from(out);
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

  private _remember(route: string, method: string | undefined, list: Uint16Array): Uint16Array {
    this._lastRoute = route;
    this._lastMethod = method;
    this._lastList = list;
    return list;
  }
}
