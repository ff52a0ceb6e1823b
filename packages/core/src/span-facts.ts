import { grpcCodeOf } from './grpc-codes';
import {
  ATTR_HTTP_METHOD,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_HTTP_STATUS_CODE,
  ATTR_HTTP_TARGET,
  ATTR_RPC_GRPC_STATUS_CODE,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
  ATTR_RPC_STATUS_CODE,
  ATTR_URL_PATH,
} from './semconv';
import type { SpanView } from './types';

/**
 * What every SLO asks of a span, read once per span (not once per SLO) into a
 * reused object: HTTP method and route, HTTP and RPC status codes. Reading
 * allocates nothing: strings and numbers are taken as they are on the span.
 */
export class SpanFacts {
  view: SpanView | undefined = undefined;
  method: string | undefined = undefined;
  route: string | undefined = undefined;
  /** HTTP status code, -1 when absent. */
  httpStatus = -1;
  rpcService: string | undefined = undefined;
  rpcMethod: string | undefined = undefined;
  /** RPC (gRPC) status code, -1 when absent. */
  rpcCode = -1;

  /** Reads the facts of `view`. */
  read(view: SpanView): void {
    this.view = view;
    this.method =
      stringOf(view.attribute(ATTR_HTTP_REQUEST_METHOD)) ??
      stringOf(view.attribute(ATTR_HTTP_METHOD));
    this.route =
      stringOf(view.attribute(ATTR_HTTP_ROUTE)) ??
      stringOf(view.attribute(ATTR_URL_PATH)) ??
      stringOf(view.attribute(ATTR_HTTP_TARGET));
    let status = intOf(view.attribute(ATTR_HTTP_RESPONSE_STATUS_CODE));
    if (status < 0) status = intOf(view.attribute(ATTR_HTTP_STATUS_CODE));
    this.httpStatus = status;
    this.rpcService = stringOf(view.attribute(ATTR_RPC_SERVICE));
    this.rpcMethod = stringOf(view.attribute(ATTR_RPC_METHOD));
    let code = grpcCodeOf(view.attribute(ATTR_RPC_GRPC_STATUS_CODE));
    if (code < 0) code = grpcCodeOf(view.attribute(ATTR_RPC_STATUS_CODE));
    this.rpcCode = code;
  }
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** An integer from a number, bigint or digit string; -1 otherwise. */
function intOf(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : -1;
  if (typeof v === 'bigint') return v >= 0n && v < 100000n ? Number(v) : -1;
  if (typeof v === 'string' && v.length > 0 && v.length <= 5) {
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 ? n : -1;
  }
  return -1;
}
