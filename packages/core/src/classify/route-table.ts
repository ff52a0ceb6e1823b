import type { RoutePattern } from '../types';

const METHOD_RE = /^([A-Za-z]+)\s+(\S.*)$/;

/** A route pattern split into its optional method and its route part. */
export interface ParsedRoute {
  readonly method: string | undefined;
  readonly route: string;
}

/** Splits `POST /api/orders` into `{ method: 'POST', route: '/api/orders' }`; a lone route has no method. */
export function parseRoutePattern(pattern: RoutePattern): ParsedRoute {
  const m = METHOD_RE.exec(pattern.trim());
  if (m && !m[1].includes('/')) return { method: m[1].toUpperCase(), route: m[2].trim() };
  return { method: undefined, route: pattern.trim() };
}

/** Compiles a `*` glob into an anchored regular expression (`*` matches any run of characters). */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

interface GlobEntry<T> {
  readonly method: string | undefined;
  readonly re: RegExp;
  readonly value: T;
}

/**
 * Maps route patterns to values. Exact patterns are hash lookups (per method,
 * then method-less); globs are tried in spec order after them. Lookups allocate
 * nothing.
 */
export class RouteTable<T> {
  private readonly _byMethod = new Map<string, Map<string, T>>();
  private readonly _anyMethod = new Map<string, T>();
  private readonly _globs: GlobEntry<T>[] = [];
  private _size = 0;
  /** The last lookup: spans of one route in a row skip the maps. */
  private _lastMethod: string | undefined = undefined;
  private _lastRoute: string | undefined = undefined;
  private _lastValue: T | undefined = undefined;

  /** Adds a pattern; the first value given for the same pattern wins. */
  add(pattern: RoutePattern, value: T): void {
    const { method, route } = parseRoutePattern(pattern);
    this._size++;
    this._lastRoute = undefined;
    if (route.includes('*') || method === '*') {
      this._globs.push({
        method: method === '*' ? undefined : method,
        re: globToRegExp(route),
        value,
      });
      return;
    }
    let table = this._anyMethod;
    if (method !== undefined) {
      table = this._byMethod.get(method) ?? new Map<string, T>();
      this._byMethod.set(method, table);
    }
    if (!table.has(route)) table.set(route, value);
  }

  /** Number of patterns added. */
  get size(): number {
    return this._size;
  }

  /** The value of the first pattern matching `method` and `route`, or undefined. */
  lookup(method: string | undefined, route: string | undefined): T | undefined {
    if (route === undefined) return undefined;
    if (route === this._lastRoute && method === this._lastMethod) return this._lastValue;
    const v = this._find(method, route);
    this._lastMethod = method;
    this._lastRoute = route;
    this._lastValue = v;
    return v;
  }

  private _find(method: string | undefined, route: string): T | undefined {
    if (method !== undefined) {
      const table = this._byMethod.get(method);
      if (table !== undefined) {
        const v = table.get(route);
        if (v !== undefined) return v;
      }
    }
    const any = this._anyMethod.get(route);
    if (any !== undefined) return any;
    const globs = this._globs;
    for (let i = 0; i < globs.length; i++) {
      const g = globs[i];
      if (g.method !== undefined && g.method !== method) continue;
      if (g.re.test(route)) return g.value;
    }
    return undefined;
  }
}
