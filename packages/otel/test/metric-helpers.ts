import { createServer } from 'node:net';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** A metric reader that only collects on demand. */
export class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One data point: instrument name, unit, its attributes and value. */
export interface Point {
  name: string;
  unit: string;
  attributes: Record<string, unknown>;
  value: number;
}

/** Every data point of a collection, flattened. */
export function points(rm: ResourceMetrics): Point[] {
  const out: Point[] = [];
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      for (const dp of m.dataPoints) {
        out.push({
          name: m.descriptor.name,
          unit: m.descriptor.unit,
          attributes: dp.attributes as Record<string, unknown>,
          value: dp.value as number,
        });
      }
    }
  }
  return out;
}

/** The value of the one point of `name` whose attributes include `attrs`; throws when not exactly one. */
export function valueOf(all: Point[], name: string, attrs: Record<string, string>): number {
  const hits = all.filter(
    p => p.name === name && Object.entries(attrs).every(([k, v]) => p.attributes[k] === v)
  );
  if (hits.length !== 1) {
    throw new Error(`expected one point of ${name} ${JSON.stringify(attrs)}, got ${hits.length}`);
  }
  return hits[0].value;
}

/** Asserts |actual − expected| ≤ 1e-9 × max(1, |expected|). */
export function near(actual: number, expected: number, what: string): void {
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`${what}: expected ${expected}, got ${actual}`);
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts and ends `n` HTTP spans of `METHOD route` with a status code, ending at
 * `endMs` after `durationMs` (span status ERROR for 5xx, as the instrumentation does).
 */
export function spans(
  tracer: Tracer,
  n: number,
  method: string,
  route: string,
  endMs: number,
  durationMs: number,
  status: number,
  kind: SpanKind = SpanKind.SERVER
): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(`${method} ${route}`, {
      kind,
      startTime: endMs - durationMs,
      attributes: {
        'http.request.method': method,
        'http.route': route,
        'http.response.status_code': status,
      },
    });
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(endMs);
  }
}
