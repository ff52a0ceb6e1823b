import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import {
  explainSlo,
  type CorrectionInterval,
  type Explanation,
  type SloEngine,
  type SloSnapshot,
} from '@burnrate/core';
import { bearerTokenMatches } from './auth';
import { historyResponse } from './history-api';
import { slosResponse, toJson } from './slos-api';

/** Every SLO's numbers as JSON. */
export const SLOS_PATH = '/api/slos';
/** Prefix of `/api/slos/NAME/history`. */
export const SLO_PATH_PREFIX = '/api/slos/';
/** Suffix of one SLO's history path. */
export const HISTORY_SUFFIX = '/history';
/** Suffix of one SLO's explanation path. */
export const EXPLAIN_SUFFIX = '/explain';

/** Options of {@link StatusPage}. */
export interface StatusPageOptions {
  /** The engine whose SLOs are shown. */
  engine: SloEngine;
  /** Bearer token the JSON API requires (the page asks for it). @default none */
  token?: string;
}

interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

const STATIC_DIR = resolve(__dirname, '../../static');

/**
 * Headers of every page answer: nothing may load from another host
 * (`default-src 'self'`), inline styles allowed for the chart library.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const file = (path: string, type: string, at: string) =>
    assets.set(path, { type, body: readFileSync(at) });
  file('/', 'text/html; charset=utf-8', resolve(STATIC_DIR, 'index.html'));
  file('/assets/status.js', 'text/javascript; charset=utf-8', resolve(STATIC_DIR, 'status.js'));
  file('/assets/status.css', 'text/css; charset=utf-8', resolve(STATIC_DIR, 'status.css'));
  // uPlot is served from its npm package, resolved at run time: nothing from a CDN
  file(
    '/assets/uPlot.iife.min.js',
    'text/javascript; charset=utf-8',
    require.resolve('uplot/dist/uPlot.iife.min.js')
  );
  file(
    '/assets/uPlot.min.css',
    'text/css; charset=utf-8',
    require.resolve('uplot/dist/uPlot.min.css')
  );
  return assets;
}

let cachedAssets: Map<string, Asset> | undefined;

/** Every SLO's explanation from its snapshot at `nowMs`. */
function explanations(
  engine: SloEngine,
  snapshots: readonly SloSnapshot[],
  nowMs: number
): Explanation[] {
  return engine.states.map((s, i) =>
    explainSlo(snapshots[i], s.readAttribution(nowMs), s.elevatedSinceMs())
  );
}

/**
 * The group a history or explain request asks for: its query parameters, each
 * a `groupBy` attribute of the SLO (`?http.route=%2Fapi%2Forders`). Undefined
 * without parameters; a message when a parameter is not one of the SLO's
 * `groupBy` attributes (or the SLO is not grouped), or is given twice.
 */
export function selectGroup(
  groupBy: readonly string[] | undefined,
  url: string | undefined
): Record<string, string> | undefined | string {
  const at = url?.indexOf('?') ?? -1;
  if (url === undefined || at < 0) return undefined;
  const params = new URLSearchParams(url.slice(at + 1));
  const out: Record<string, string> = {};
  let any = false;
  for (const [k, v] of params) {
    if (groupBy === undefined || !groupBy.includes(k))
      return groupBy === undefined
        ? `not grouped: no query parameter applies (got ${JSON.stringify(k.slice(0, 100))})`
        : `${JSON.stringify(k.slice(0, 100))} is not a groupBy attribute; the SLO groups by ${groupBy.join(', ')}`;
    if (Object.prototype.hasOwnProperty.call(out, k)) return `${JSON.stringify(k)} is given twice`;
    out[k] = v;
    any = true;
  }
  return any ? out : undefined;
}

/**
 * The status page and its JSON API: `GET /` (the page), `/assets/*` (its script,
 * style and uPlot, all served from here), `GET /api/slos` and
 * `GET /api/slos/NAME/history`. With a token, the JSON API answers 401 without
 * `Authorization: Bearer <token>` (the page asks for it and keeps it for the
 * tab's session); the page's files carry no data and need none.
 */
export class StatusPage {
  private readonly _engine: SloEngine;
  private readonly _token: string | undefined;
  private readonly _assets: Map<string, Asset>;

  constructor(options: StatusPageOptions) {
    this._engine = options.engine;
    this._token = options.token;
    this._assets = cachedAssets ??= loadAssets();
  }

  /** Whether `path` is one of the page's ({@link handle} answers it). */
  owns(path: string): boolean {
    return (
      path === SLOS_PATH ||
      path.startsWith(SLO_PATH_PREFIX) ||
      this._assets.has(path) ||
      path === '/index.html'
    );
  }

  /** Answers a request for one of the page's paths; returns false (answering nothing) for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (!this.owns(path)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      this._send(req, res, 405, 'text/plain', `method ${req.method} not allowed; use GET, HEAD\n`);
      return true;
    }
    const asset = this._assets.get(path === '/index.html' ? '/' : path);
    if (asset !== undefined) {
      this._send(req, res, 200, asset.type, asset.body);
      return true;
    }
    if (this._token !== undefined && !bearerTokenMatches(req.headers.authorization, this._token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      this._send(req, res, 401, 'application/json', '{"error":"a valid bearer token is required"}');
      return true;
    }
    const engine = this._engine;
    if (path === SLOS_PATH) {
      const now = engine.clock.now();
      const snapshots = engine.snapshot(now);
      this._send(
        req,
        res,
        200,
        'application/json',
        toJson(
          slosResponse(snapshots, now, explanations(engine, snapshots, now), {
            composites: engine.compositeSnapshots(snapshots),
            policy: engine.spec.policy,
            corrections: correctionsOf(engine, now),
          })
        )
      );
      return true;
    }
    const suffix = path.endsWith(HISTORY_SUFFIX)
      ? HISTORY_SUFFIX
      : path.endsWith(EXPLAIN_SUFFIX)
        ? EXPLAIN_SUFFIX
        : '';
    let name = '';
    if (suffix !== '') {
      try {
        name = decodeURIComponent(path.slice(SLO_PATH_PREFIX.length, -suffix.length));
      } catch {
        name = '';
      }
    }
    const what = suffix === EXPLAIN_SUFFIX ? 'explanation' : 'history';
    const def = engine.spec.slos.find(d => d.name === name);
    const selected = def === undefined ? undefined : selectGroup(def.groupBy, req.url);
    if (typeof selected === 'string') {
      this._send(req, res, 400, 'application/json', toJson({ error: `${name}: ${selected}` }));
      return true;
    }
    if (
      def !== undefined &&
      def.groupBy !== undefined &&
      selected === undefined &&
      suffix !== EXPLAIN_SUFFIX
    ) {
      this._send(
        req,
        res,
        400,
        'application/json',
        toJson({
          error: `${name} is grouped by ${def.groupBy.join(', ')}: give the group as query parameters (?${def.groupBy[0]}=VALUE)`,
        })
      );
      return true;
    }
    const state = engine
      .sloStates(name)
      .find(
        s =>
          selected === undefined || Object.keys(selected).every(k => s.group?.[k] === selected[k])
      );
    if (state === undefined) {
      this._send(
        req,
        res,
        404,
        'application/json',
        toJson({ error: `no SLO ${what} at ${path.slice(0, 200)}` })
      );
      return true;
    }
    if (suffix === EXPLAIN_SUFFIX) {
      this._send(
        req,
        res,
        200,
        'application/json',
        toJson(engine.explain(name, undefined, selected))
      );
      return true;
    }
    const now = engine.clock.now();
    // a reading now, so that the history ends with the numbers /api/slos shows
    state.snapshot(now);
    this._send(req, res, 200, 'application/json', toJson(historyResponse(state, now)));
    return true;
  }

  private _send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    type: string,
    body: string | Buffer
  ): void {
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-cache');
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!req.complete) {
      res.setHeader('Connection', 'close');
      req.resume();
    }
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

/**
 * Per engine state, the correction intervals overlapping its window (undefined
 * for an SLO no correction applies to); worked out once per SLO, not per group.
 */
function correctionsOf(
  engine: SloEngine,
  nowMs: number
): Array<readonly CorrectionInterval[] | undefined> {
  if (engine.spec.corrections === undefined) return [];
  const bySlo = new Map<string, readonly CorrectionInterval[] | undefined>();
  return engine.states.map(s => {
    if (!bySlo.has(s.slo.name))
      bySlo.set(s.slo.name, s.hasCorrections ? s.correctionIntervals(nowMs) : undefined);
    return bySlo.get(s.slo.name);
  });
}
