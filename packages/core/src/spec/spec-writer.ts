import { formatDuration } from '../duration';
import type { AttributeMatcher, GoodPredicates, SpanSelector, StatusPredicate } from '../types';

type Raw = Record<string, unknown>;

function matcherRaw(m: AttributeMatcher): unknown {
  switch (m.op) {
    case 'equals':
      return m.value;
    case 'notEquals':
      return { notEquals: m.value };
    case 'oneOf':
      return { oneOf: [...m.values] };
    case 'exists':
      return { exists: m.exists };
    case 'regex':
      return { regex: m.pattern };
    case 'compare': {
      const out: Raw = {};
      for (const k of ['gt', 'gte', 'lt', 'lte'] as const) if (m[k] !== undefined) out[k] = m[k];
      return out;
    }
  }
}

function attributesRaw(attrs: Readonly<Record<string, AttributeMatcher>>): Raw | undefined {
  const keys = Object.keys(attrs);
  if (keys.length === 0) return undefined;
  return Object.fromEntries(keys.map(k => [k, matcherRaw(attrs[k])]));
}

/** A span selector as spec text would write it (defaults left out). */
export function selectorRaw(s: SpanSelector): Raw {
  const out: Raw = {};
  if (s.kind !== 'server') out.kind = s.kind;
  if (s.routes.length > 0) out.routes = [...s.routes];
  if (s.rpc.length > 0) out.rpc = [...s.rpc];
  const attributes = attributesRaw(s.attributes);
  if (attributes) out.attributes = attributes;
  if (s.exclude.length > 0)
    out.exclude = s.exclude.map(e => {
      const r: Raw = {};
      if (e.routes.length > 0) r.routes = [...e.routes];
      const a = attributesRaw(e.attributes);
      if (a) r.attributes = a;
      return r;
    });
  return out;
}

function statusRaw(s: StatusPredicate): unknown {
  if (s.clientErrors === 'good' && s.spanError === 'bad' && s.badCodes.length === 0) return 'ok';
  const out: Raw = {};
  if (s.clientErrors !== 'good') out.clientErrors = s.clientErrors;
  if (s.spanError !== 'bad') out.spanError = s.spanError;
  if (s.badCodes.length > 0) out.badCodes = [...s.badCodes];
  return out;
}

/** Good predicates as spec text would write them. */
export function goodRaw(g: GoodPredicates): Raw {
  const out: Raw = {};
  if (g.status) out.status = statusRaw(g.status);
  if (g.latency) {
    const l = g.latency;
    if (l.routes.length === 0) out.latency = formatDuration(l.defaultMs);
    else {
      const r: Raw = {};
      if (Number.isFinite(l.defaultMs)) r.default = formatDuration(l.defaultMs);
      r.routes = Object.fromEntries(l.routes.map(x => [x.route, formatDuration(x.thresholdMs)]));
      out.latency = r;
    }
  }
  const attributes = attributesRaw(g.attributes);
  if (attributes) out.attributes = attributes;
  return out;
}
