import type { SpanFacts } from '../classify/span-facts';
import type { SloState } from '../engine/slo-state';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_RPC_GRPC_STATUS_CODE,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
} from '../semconv';
import type { AttributeValue, SpanView } from '../types';

/**
 * What a journey keeps of one span of a trace in flight (its entry span, or the
 * first span that must succeed and failed): the fields the decision and the
 * attribution ledger read, and nothing else. A {@link SpanView} itself, so that
 * the ledger counts the journey under this span's route, code and version.
 */
export class KeptSpan implements SpanView {
  readonly name = '';
  kind = -1;
  endTimeMs = 0;
  durationMs = 0;
  statusCode = 0;
  serviceName: string | undefined = undefined;
  serviceVersion: string | undefined = undefined;
  traceId: string | undefined = undefined;
  spanId: string | undefined = undefined;
  /** Start time (ms since the epoch). */
  startMs = 0;
  route: string | undefined = undefined;
  method: string | undefined = undefined;
  rpcService: string | undefined = undefined;
  rpcMethod: string | undefined = undefined;
  /** HTTP status, -1 when none. */
  httpStatus = -1;
  /** gRPC code, -1 when none. */
  rpcCode = -1;
  /**
   * Index of the failure reason the span stands for (entry: the first `good`
   * predicate but latency it fails; failing span: `failed:<service>`); -1 when none.
   */
  reason = -1;
  /** Entry spans: the journey latency threshold of the entry's route (Infinity: none). */
  thresholdMs = Infinity;
  /** The span's adjusted count (entry spans: the journey's weight). */
  weight = 1;
  /** Entry spans: the state the journey counts in (its group's, for a grouped SLO). */
  state: SloState | undefined = undefined;

  /** Copies what the journey needs from the span in `facts`. */
  keep(facts: SpanFacts, traceId: string, startMs: number, reason: number, weight: number): void {
    const v = facts.view;
    this.kind = facts.kind();
    this.endTimeMs = v.endTimeMs;
    this.durationMs = v.durationMs;
    this.statusCode = facts.statusCode();
    this.serviceName = facts.serviceName();
    this.serviceVersion = facts.serviceVersion();
    this.traceId = traceId;
    const spanId = v.spanId;
    this.spanId = typeof spanId === 'string' ? spanId : undefined;
    this.startMs = startMs;
    this.route = facts.route();
    this.method = facts.method();
    this.rpcService = facts.rpcService();
    this.rpcMethod = facts.rpcMethod();
    this.httpStatus = facts.httpStatus();
    this.rpcCode = this.httpStatus >= 0 ? -1 : facts.rpcCode();
    this.reason = reason;
    this.weight = weight;
  }

  /** The status code the ledger counts: HTTP status, else the gRPC code, else -1. */
  get code(): number {
    return this.httpStatus >= 0 ? this.httpStatus : this.rpcCode;
  }

  /** The kept attributes, under the names the engine reads first. */
  attribute(key: string): AttributeValue | undefined {
    switch (key) {
      case ATTR_HTTP_ROUTE:
        return this.route;
      case ATTR_HTTP_REQUEST_METHOD:
        return this.method;
      case ATTR_RPC_SERVICE:
        return this.rpcService;
      case ATTR_RPC_METHOD:
        return this.rpcMethod;
      case ATTR_HTTP_RESPONSE_STATUS_CODE:
        return this.httpStatus >= 0 ? this.httpStatus : undefined;
      case ATTR_RPC_GRPC_STATUS_CODE:
        return this.rpcCode >= 0 ? this.rpcCode : undefined;
      default:
        return undefined;
    }
  }
}
