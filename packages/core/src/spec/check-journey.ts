import { formatDuration, MINUTE_MS } from '../duration';
import type { JourneySpanSelector, SpanSelector, TraceSli } from '../types';
import { Checker, join, show } from './checker';
import { checkSelector } from './check-sli';

/** Default `sli.trace.decisionWait`: 10 s, as the OpenTelemetry Collector's tail sampling. */
export const DEFAULT_DECISION_WAIT_MS = 10_000;
/** Longest `sli.trace.decisionWait`: every trace in flight is held at least this long. */
export const MAX_DECISION_WAIT_MS = 10 * MINUTE_MS;

const SELECTOR_KEYS = ['kind', 'routes', 'rpc', 'attributes', 'exclude'];

/** The entry selector of a journey whose entry is the root span: spans of every kind. */
export const ROOT_ENTRY_SELECTOR: SpanSelector = Object.freeze({
  kind: 'any',
  routes: Object.freeze([]) as readonly string[],
  rpc: Object.freeze([]) as readonly string[],
  attributes: Object.freeze({}),
  exclude: Object.freeze([]) as SpanSelector['exclude'],
});

/**
 * Checks `sli.trace` of a journey SLO: `entry` (a span selector, default kind
 * server; absent: the root span), `mustSucceed` (span selectors with their own
 * `service`, default kind any) and `decisionWait` (default 10 s).
 */
export function checkTrace(c: Checker, value: unknown, path: string): TraceSli | undefined {
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['entry', 'mustSucceed', 'decisionWait']);
  let ok = true;
  let entry: SpanSelector | undefined;
  if (raw.entry !== undefined) {
    entry = checkSelector(c, raw.entry, join(path, 'entry'));
    if (entry === undefined) ok = false;
  }
  const mustSucceed: JourneySpanSelector[] = [];
  if (raw.mustSucceed !== undefined) {
    const p = join(path, 'mustSucceed');
    if (!Array.isArray(raw.mustSucceed)) {
      c.fail(p, `must be a list of span selectors, got ${show(raw.mustSucceed)}`);
      ok = false;
    } else {
      raw.mustSucceed.forEach((m, i) => {
        const selector = checkMustSucceed(c, m, `${p}[${i}]`);
        if (selector === undefined) ok = false;
        else mustSucceed.push(selector);
      });
    }
  }
  let decisionWaitMs = DEFAULT_DECISION_WAIT_MS;
  if (raw.decisionWait !== undefined) {
    const p = join(path, 'decisionWait');
    const ms = c.duration(raw.decisionWait, p);
    if (ms === undefined) ok = false;
    else if (ms > MAX_DECISION_WAIT_MS) {
      c.fail(
        p,
        `must be at most ${formatDuration(MAX_DECISION_WAIT_MS)} (every trace is held that long), got ${show(raw.decisionWait)}`
      );
      ok = false;
    } else decisionWaitMs = ms;
  }
  return ok ? { entry, mustSucceed, decisionWaitMs } : undefined;
}

/** One `mustSucceed` selector: a span selector with `service`, of any kind unless it says. */
function checkMustSucceed(
  c: Checker,
  value: unknown,
  path: string
): JourneySpanSelector | undefined {
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['service', ...SELECTOR_KEYS]);
  const rest: Record<string, unknown> = {};
  for (const k of SELECTOR_KEYS) if (raw[k] !== undefined) rest[k] = raw[k];
  let service: string | undefined;
  if (raw.service !== undefined) {
    service = c.string(raw.service, join(path, 'service'));
    if (service === undefined) return undefined;
  }
  if (Object.keys(raw).length === 0)
    return c.fail(path, 'needs service, kind, routes, rpc or attributes');
  const selector = checkSelector(c, rest, path);
  if (selector === undefined) return undefined;
  const kind = rest.kind === undefined ? 'any' : selector.kind;
  return service === undefined ? { ...selector, kind } : { ...selector, kind, service };
}

/**
 * `sli.trace` of an SLO (the caller saw it): a journey SLO has it instead of
 * `sli.spans`. Returns the entry selector (`sli.spans` of the definition) and
 * the trace SLI, or undefineds.
 */
export function checkJourneySli(
  c: Checker,
  sli: Record<string, unknown>,
  path: string
): [SpanSelector | undefined, TraceSli | undefined] {
  if (sli.spans !== undefined) {
    c.fail(
      join(path, 'spans'),
      'give either spans (one event per span) or trace (one event per trace: a journey), not both'
    );
    return [undefined, undefined];
  }
  const trace = checkTrace(c, sli.trace, join(path, 'trace'));
  if (trace === undefined) return [undefined, undefined];
  return [trace.entry ?? ROOT_ENTRY_SELECTOR, trace];
}
