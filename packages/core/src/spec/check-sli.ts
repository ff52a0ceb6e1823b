import type {
  AttributeMatcher,
  GoodPredicates,
  LatencyPredicate,
  SpanSelector,
  StatusPredicate,
} from '../types';
import { Checker, join, show } from './checker';

const KINDS = ['server', 'client', 'internal', 'producer', 'consumer', 'any'] as const;

const MATCHER_KEYS = ['equals', 'notEquals', 'oneOf', 'exists', 'gt', 'gte', 'lt', 'lte', 'regex'];

/**
 * Sets `out[key]` as an own property whatever the key: `out['__proto__'] = v`
 * would set the prototype instead and lose the predicate.
 */
function setOwn(out: Record<string, AttributeMatcher>, key: string, value: AttributeMatcher): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

export function checkAttributes(
  c: Checker,
  value: unknown,
  path: string
): Record<string, AttributeMatcher> {
  const out: Record<string, AttributeMatcher> = {};
  if (value === undefined) return out;
  const raw = c.object(value, path);
  if (!raw) return out;
  for (const [key, spec] of Object.entries(raw)) {
    const p = `${path}["${key}"]`;
    if (typeof spec === 'string' || typeof spec === 'number' || typeof spec === 'boolean') {
      setOwn(out, key, { op: 'equals', value: spec });
      continue;
    }
    const m = c.object(spec, p);
    if (!m) continue;
    c.keys(m, p, MATCHER_KEYS);
    const ops = Object.keys(m).filter(k => MATCHER_KEYS.includes(k));
    const compare = ops.filter(k => ['gt', 'gte', 'lt', 'lte'].includes(k));
    if (ops.length === 0) {
      c.fail(p, `needs one test of ${MATCHER_KEYS.join(', ')}`);
    } else if (compare.length > 0 && compare.length === ops.length) {
      const bounds: Record<string, number> = {};
      for (const k of compare) {
        if (typeof m[k] !== 'number' || !Number.isFinite(m[k]))
          c.fail(`${p}.${k}`, `must be a number, got ${show(m[k])}`);
        else bounds[k] = m[k] as number;
      }
      setOwn(out, key, { op: 'compare', ...bounds });
    } else if (ops.length > 1) {
      c.fail(p, `give one test (or numeric bounds gt/gte/lt/lte), got ${ops.join(', ')}`);
    } else {
      const op = ops[0];
      const v = m[op];
      const scalar = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      if (op === 'equals' || op === 'notEquals') {
        if (!scalar) c.fail(`${p}.${op}`, `must be a string, number or boolean, got ${show(v)}`);
        else setOwn(out, key, { op, value: v });
      } else if (op === 'oneOf') {
        if (
          !Array.isArray(v) ||
          v.length === 0 ||
          !v.every(x => ['string', 'number', 'boolean'].includes(typeof x))
        ) {
          c.fail(
            `${p}.oneOf`,
            `must be a non-empty list of strings, numbers or booleans, got ${show(v)}`
          );
        } else setOwn(out, key, { op: 'oneOf', values: v });
      } else if (op === 'exists') {
        if (typeof v !== 'boolean') c.fail(`${p}.exists`, `must be true or false, got ${show(v)}`);
        else setOwn(out, key, { op: 'exists', exists: v });
      } else if (op === 'regex') {
        if (typeof v !== 'string') c.fail(`${p}.regex`, `must be a string, got ${show(v)}`);
        else {
          try {
            new RegExp(v);
            setOwn(out, key, { op: 'regex', pattern: v });
          } catch (e) {
            c.fail(
              `${p}.regex`,
              `is not a valid regular expression (${(e as Error).message}), got ${show(v)}`
            );
          }
        }
      }
    }
  }
  return out;
}

export function checkSelector(c: Checker, value: unknown, path: string): SpanSelector | undefined {
  const raw = value === undefined ? {} : c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['kind', 'routes', 'rpc', 'attributes', 'exclude']);
  let kind: SpanSelector['kind'] = 'server';
  if (raw.kind !== undefined) {
    if (typeof raw.kind === 'string' && (KINDS as readonly string[]).includes(raw.kind))
      kind = raw.kind as SpanSelector['kind'];
    else c.fail(join(path, 'kind'), `must be one of ${KINDS.join(', ')}, got ${show(raw.kind)}`);
  }
  const routes = raw.routes === undefined ? [] : c.stringList(raw.routes, join(path, 'routes'));
  const rpc = raw.rpc === undefined ? [] : c.stringList(raw.rpc, join(path, 'rpc'));
  const attributes = checkAttributes(c, raw.attributes, join(path, 'attributes'));
  const exclude: SpanSelector['exclude'][number][] = [];
  if (raw.exclude !== undefined) {
    const list = Array.isArray(raw.exclude) ? raw.exclude : [raw.exclude];
    list.forEach((e, i) => {
      const p = Array.isArray(raw.exclude)
        ? `${join(path, 'exclude')}[${i}]`
        : join(path, 'exclude');
      const r = c.object(e, p);
      if (!r) return;
      c.keys(r, p, ['routes', 'attributes']);
      const rule = {
        routes: r.routes === undefined ? [] : c.stringList(r.routes, join(p, 'routes')),
        attributes: checkAttributes(c, r.attributes, join(p, 'attributes')),
      };
      if (rule.routes.length === 0 && Object.keys(rule.attributes).length === 0)
        c.fail(p, 'needs routes or attributes');
      exclude.push(rule);
    });
  }
  return { kind, routes, rpc, attributes, exclude };
}

export function checkStatus(c: Checker, value: unknown, path: string): StatusPredicate | undefined {
  const defaults: StatusPredicate = { clientErrors: 'good', spanError: 'bad', badCodes: [] };
  if (value === 'ok' || value === true) return defaults;
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['clientErrors', 'spanError', 'badCodes']);
  let clientErrors = defaults.clientErrors;
  let spanError = defaults.spanError;
  const badCodes: number[] = [];
  if (raw.clientErrors !== undefined) {
    if (raw.clientErrors === 'good' || raw.clientErrors === 'bad') clientErrors = raw.clientErrors;
    else c.fail(join(path, 'clientErrors'), `must be good or bad, got ${show(raw.clientErrors)}`);
  }
  if (raw.spanError !== undefined) {
    if (raw.spanError === 'bad' || raw.spanError === 'ignore') spanError = raw.spanError;
    else c.fail(join(path, 'spanError'), `must be bad or ignore, got ${show(raw.spanError)}`);
  }
  if (raw.badCodes !== undefined) {
    if (!Array.isArray(raw.badCodes))
      c.fail(
        join(path, 'badCodes'),
        `must be a list of HTTP status codes, got ${show(raw.badCodes)}`
      );
    else
      raw.badCodes.forEach((code, i) => {
        if (typeof code === 'number' && Number.isInteger(code) && code >= 100 && code <= 599)
          badCodes.push(code);
        else
          c.fail(
            `${join(path, 'badCodes')}[${i}]`,
            `must be an HTTP status code 100-599, got ${show(code)}`
          );
      });
  }
  return { clientErrors, spanError, badCodes };
}

export function checkLatency(
  c: Checker,
  value: unknown,
  path: string
): LatencyPredicate | undefined {
  if (typeof value === 'string' || typeof value === 'number') {
    const ms = c.duration(value, path);
    return ms === undefined ? undefined : { defaultMs: ms, routes: [] };
  }
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['default', 'routes']);
  const defaultMs =
    raw.default === undefined ? Infinity : c.duration(raw.default, join(path, 'default'));
  const routes: { route: string; thresholdMs: number }[] = [];
  if (raw.routes !== undefined) {
    const r = c.object(raw.routes, join(path, 'routes'));
    if (r) {
      for (const [route, d] of Object.entries(r)) {
        const ms = c.duration(d, `${join(path, 'routes')}["${route}"]`);
        if (ms !== undefined) routes.push({ route, thresholdMs: ms });
      }
    }
  }
  if (raw.default === undefined && routes.length === 0)
    return c.fail(path, 'needs default or routes');
  return defaultMs === undefined ? undefined : { defaultMs, routes };
}

export function checkGood(c: Checker, value: unknown, path: string): GoodPredicates | undefined {
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['status', 'latency', 'attributes']);
  const status =
    raw.status === undefined ? undefined : checkStatus(c, raw.status, join(path, 'status'));
  const latency =
    raw.latency === undefined ? undefined : checkLatency(c, raw.latency, join(path, 'latency'));
  const attributes = checkAttributes(c, raw.attributes, join(path, 'attributes'));
  if (
    raw.status === undefined &&
    raw.latency === undefined &&
    Object.keys(attributes).length === 0 &&
    raw.attributes === undefined
  ) {
    return c.fail(path, 'needs at least one of status, latency, attributes');
  }
  return { status, latency, attributes };
}
