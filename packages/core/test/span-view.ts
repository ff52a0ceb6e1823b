import type { AttributeValue, SpanView } from '../src';

/** A plain SpanView for tests. */
export interface TestSpan {
  kind?: number;
  name?: string;
  endTimeMs?: number;
  durationMs?: number;
  statusCode?: number;
  serviceName?: string;
  serviceVersion?: string;
  traceId?: string;
  spanId?: string;
  attributes?: Record<string, AttributeValue>;
}

/** Builds a SpanView (server, checkout, 10 ms, now) from a few fields. */
export function span(s: TestSpan = {}): SpanView {
  const attributes = s.attributes ?? {};
  return {
    kind: s.kind ?? 1,
    name: s.name ?? 'span',
    endTimeMs: s.endTimeMs ?? Date.now(),
    durationMs: s.durationMs ?? 10,
    statusCode: s.statusCode ?? 0,
    serviceName: 'serviceName' in s ? s.serviceName : 'checkout',
    serviceVersion: s.serviceVersion,
    traceId: s.traceId,
    spanId: s.spanId,
    attribute: (key: string) => attributes[key],
  };
}

/** An HTTP server span for `METHOD /route` with a status code. */
export function http(route: string, status: number, extra: TestSpan = {}): SpanView {
  const [method, path] = route.split(' ');
  return span({
    ...extra,
    attributes: {
      'http.request.method': method,
      'http.route': path,
      'http.response.status_code': status,
      ...(extra.attributes ?? {}),
    },
  });
}
