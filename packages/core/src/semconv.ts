/**
 * Span attribute keys from the OpenTelemetry semantic conventions that the
 * classifier reads. Old (pre-1.20) HTTP names are read as fallbacks.
 */

/** HTTP route template, `/api/orders/:id`. */
export const ATTR_HTTP_ROUTE = 'http.route';
/** HTTP request method (current conventions). */
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
/** HTTP request method (old conventions). */
export const ATTR_HTTP_METHOD = 'http.method';
/** HTTP response status code (current conventions). */
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
/** HTTP response status code (old conventions). */
export const ATTR_HTTP_STATUS_CODE = 'http.status_code';
/** URL path, used as the route when `http.route` is absent. */
export const ATTR_URL_PATH = 'url.path';
/** Request target (old conventions), used as the route when nothing better exists. */
export const ATTR_HTTP_TARGET = 'http.target';
/** RPC service, `shop.Checkout`. */
export const ATTR_RPC_SERVICE = 'rpc.service';
/** RPC method, `PlaceOrder`. */
export const ATTR_RPC_METHOD = 'rpc.method';
/** gRPC status code as an integer. */
export const ATTR_RPC_GRPC_STATUS_CODE = 'rpc.grpc.status_code';
/** RPC status code as a string (newer conventions: `"UNAVAILABLE"` or `"14"`). */
export const ATTR_RPC_STATUS_CODE = 'rpc.status_code';
/** Resource attribute naming the service. */
export const ATTR_SERVICE_NAME = 'service.name';
/** Resource attribute naming the service's version (attribution by version). */
export const ATTR_SERVICE_VERSION = 'service.version';
