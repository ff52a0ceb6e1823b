/**
 * A finished HTTP server span as burnrate's span views see it (the shape of
 * `SpanView` in `@burnrate/core`, declared here so that this package needs no
 * burnrate dependency): `GET route` of `service`, answered `status`.
 */
export interface RouteSpan {
  readonly kind: number;
  readonly name: string;
  readonly endTimeMs: number;
  readonly durationMs: number;
  readonly statusCode: number;
  readonly serviceName: string;
  attribute(key: string): never;
}

/** A `GET route` server span of `service` that answered `status` and ended at `endTimeMs`. */
export function routeSpan(
  route: string,
  status: number,
  endTimeMs: number,
  service = 'shop'
): RouteSpan {
  const attrs: Record<string, unknown> = {
    'http.request.method': 'GET',
    'http.route': route,
    'http.response.status_code': status,
  };
  return {
    kind: 1,
    name: `GET ${route}`,
    endTimeMs,
    durationMs: 5,
    statusCode: 0,
    serviceName: service,
    attribute: k => attrs[k] as never,
  };
}
