/**
 * What every benchmark feeds burnrate: a spec with `n` SLOs, and real SDK
 * spans of a checkout service (start, 6 attributes, end).
 */
import type { Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { parseSpec, type SloSpec } from '@burnrate/core';

/**
 * A spec with `n` SLOs of the service `checkout`, mixing status, latency and
 * attribute SLIs. Every SLO selects `POST /api/orders`; only the first selects
 * `GET /api/orders/:id` (the others select routes of their own).
 */
export function specWith(n: number, groupBy?: string): SloSpec {
  const slos = [];
  for (let i = 0; i < n; i++) {
    const good =
      i % 3 === 0
        ? '{ status: ok }'
        : i % 3 === 1
          ? '{ latency: { default: 300ms, routes: { "GET /api/search": 1200ms } } }'
          : '{ status: ok, attributes: { "app.payload.valid": true } }';
    const route = i === 0 ? 'GET /api/orders/:id' : `GET /api/r${i}/:id`;
    slos.push(
      `  - name: slo-${i}\n    service: checkout\n    objective: 99.9\n    window: 28d\n${groupBy !== undefined ? `    groupBy: ${groupBy}\n` : ''}    sli:\n      spans: { routes: ["${route}", "POST /api/orders"] }\n      good: ${good}`
    );
  }
  return parseSpec(`slos:\n${slos.join('\n')}\n`);
}

/** Which SLOs a benchmark span is eligible for. */
export type Selected = 'one' | 'all';

/** A tracer of a `checkout` service whose provider runs `processors`. */
export function checkoutTracer(processors: SpanProcessor[]): Tracer {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    spanProcessors: processors,
  });
  return provider.getTracer('bench');
}

/**
 * One server span's whole life: start, 6 attributes, end. `one`: a
 * `GET /api/orders/:id` that one SLO selects; `all`: a `POST /api/orders`
 * that every SLO selects. Every 50th span is a 503.
 */
export function serverSpan(tracer: Tracer, selected: Selected, i: number): void {
  const get = selected === 'one';
  const span = tracer.startSpan(get ? 'GET /api/orders/:id' : 'POST /api/orders', { kind: 1 });
  span.setAttribute('http.request.method', get ? 'GET' : 'POST');
  span.setAttribute('http.route', get ? '/api/orders/:id' : '/api/orders');
  span.setAttribute('http.response.status_code', i % 50 === 0 ? 503 : 200);
  span.setAttribute('url.path', get ? '/api/orders/42' : '/api/orders');
  span.setAttribute('server.address', 'localhost');
  span.setAttribute('app.payload.valid', true);
  span.end();
}

/** `n` finished real SDK spans (both kinds of {@link serverSpan}, some errors), ending now. */
export function finishedSpans(n: number): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const tracer = checkoutTracer([
    {
      onStart: () => {},
      onEnd: s => {
        spans.push(s);
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    },
  ]);
  for (let i = 0; i < n; i++) serverSpan(tracer, i % 2 === 0 ? 'one' : 'all', i);
  return spans;
}
