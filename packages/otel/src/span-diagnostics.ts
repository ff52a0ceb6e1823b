import { diag, type MeterProvider, type ObservableCounter } from '@opentelemetry/api';
import type { SloEngine, SpanView } from '@burnrate/core';

/** Name of the counter of server spans that no SLO counted. */
export const METRIC_SPANS_UNMATCHED = 'burnrate.spans.unmatched';
/** Most service names remembered from unmatched spans (the rest are counted, not named). */
export const MAX_SEEN_SERVICES = 16;
/** A diagnostic is repeated at most this often. */
export const DIAGNOSTIC_REPEAT_MS = 3_600_000;

const PARAM_RE = /[:{]/;

/**
 * Watches the spans no SLO counted, to say why an SLO sees nothing while
 * traffic arrives: a `service` that matches no span's `service.name`, or
 * route patterns with parameters while the server spans carry no `http.route`
 * (the HTTP instrumentation alone sets none). Findings go to OpenTelemetry's
 * `diag` (warn), each at most once per {@link DIAGNOSTIC_REPEAT_MS}; the count
 * of unmatched server spans is the `burnrate.spans.unmatched` counter.
 * Recording is a few field updates on the unmatched path only.
 */
export class SpanDiagnostics {
  /** Server spans that no SLO counted. */
  unmatched = 0;
  /** Of those, spans with no `http.route` and no `rpc.method`. */
  withoutRoute = 0;
  private readonly _engine: SloEngine;
  private readonly _services = new Map<string, number>();
  private _otherServices = 0;
  private readonly _said = new Map<string, number>();
  private _counter: ObservableCounter | undefined;
  private readonly _observe = (r: { observe(v: number): void }) => r.observe(this.unmatched);

  constructor(engine: SloEngine) {
    this._engine = engine;
  }

  /** Notes a server span that no SLO counted. */
  recordUnmatched(view: SpanView): void {
    this.unmatched++;
    if (view.attribute('http.route') === undefined && view.attribute('rpc.method') === undefined)
      this.withoutRoute++;
    const service = view.serviceName ?? '(no service.name)';
    const n = this._services.get(service);
    if (n !== undefined) this._services.set(service, n + 1);
    else if (this._services.size < MAX_SEEN_SERVICES) this._services.set(service, 1);
    else this._otherServices++;
  }

  /**
   * The findings at `nowMs`, as messages; each is also sent to `diag.warn`
   * unless it was said within {@link DIAGNOSTIC_REPEAT_MS}.
   */
  check(nowMs: number): string[] {
    const found: string[] = [];
    if (this.unmatched === 0) return found;
    const seen = [...this._services.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([s, n]) => `${JSON.stringify(s)} (${n})`);
    if (this._otherServices > 0) seen.push(`${this._otherServices} more`);
    for (const slo of this._engine.spec.slos) {
      // a grouped SLO has no state before its first group: every group counts
      const states = this._engine.sloStates(slo.name);
      if (states.some(st => st.totalGood + st.totalBad > 0)) continue;
      if (slo.service !== undefined && !this._services.has(slo.service)) {
        found.push(
          `SLO ${slo.name}: no span of service ${JSON.stringify(slo.service)} yet, while ${this.unmatched} server spans of other services matched no SLO: ${seen.join(', ')}; set OTEL_SERVICE_NAME (or the resource's service.name) or the SLO's service`
        );
        continue;
      }
      const params = slo.sli.spans.routes.filter(r => PARAM_RE.test(r));
      if (params.length > 0 && this.withoutRoute > 0) {
        found.push(
          `SLO ${slo.name}: selects routes with parameters (${params.join(', ')}) but ${this.withoutRoute} server spans carried no http.route: the HTTP instrumentation alone does not set it; add your framework's instrumentation (register loads Express, Fastify, Koa, NestJS and gRPC ones)`
        );
      }
    }
    for (const message of found) {
      const last = this._said.get(message);
      if (last !== undefined && nowMs - last < DIAGNOSTIC_REPEAT_MS) continue;
      this._said.set(message, nowMs);
      diag.warn(`burnrate: ${message}`);
    }
    return found;
  }

  /** Publishes {@link METRIC_SPANS_UNMATCHED} on `provider` (once per provider). */
  observe(provider: MeterProvider): void {
    this.unobserve();
    const counter = provider
      .getMeter('@burnrate/otel')
      .createObservableCounter(METRIC_SPANS_UNMATCHED, {
        unit: '{span}',
        description:
          'Server spans that no SLO counted (no SLO selects their service, kind or route)',
      });
    counter.addCallback(this._observe);
    this._counter = counter;
  }

  /** Removes the counter's callback. */
  unobserve(): void {
    this._counter?.removeCallback(this._observe);
    this._counter = undefined;
  }
}
