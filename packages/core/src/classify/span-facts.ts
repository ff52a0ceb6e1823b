import type { KeyRegistry, KeyToken } from '../attribution/attribution-ledger';
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
} from '../semconv';
import type { SpanView } from '../types';

const METHOD = 1;
const ROUTE = 2;
const HTTP_STATUS = 4;
const RPC_NAME = 8;
const RPC_CODE = 16;
const SERVICE = 32;
const KIND = 64;
const STATUS = 128;
const DURATION = 256;
const VERSION = 512;
const KEY_TOKEN = 1024;

/**
 * What SLOs ask of a span (HTTP method and route, HTTP and RPC status codes),
 * read lazily and at most once per span, however many SLOs ask: a span that no
 * SLO selects by route never has its route looked up. The object is reused
 * from span to span; reading allocates nothing.
 */
export class SpanFacts {
  /** The span being classified. */
  view: SpanView = EMPTY_VIEW;
  private _read = 0;
  private _method: string | undefined = undefined;
  private _route: string | undefined = undefined;
  private _httpStatus = -1;
  private _rpcService: string | undefined = undefined;
  private _rpcMethod: string | undefined = undefined;
  private _rpcCode = -1;
  private _serviceName: string | undefined = undefined;
  private _serviceVersion: string | undefined = undefined;
  private _keyToken: KeyToken | undefined = undefined;
  private _kind = -1;
  private _statusCode = 0;
  /** Slot of {@link readDuration}. */
  readonly duration = new Float64Array(1);

  /** Points the facts at a new span. */
  reset(view: SpanView): void {
    this.view = view;
    this._read = 0;
  }

  /** Drops the reference to the last span. */
  clear(): void {
    this.view = EMPTY_VIEW;
    this._read = 0;
  }

  /** Resource `service.name` (views may compute it: read once per span, not once per SLO). */
  serviceName(): string | undefined {
    if ((this._read & SERVICE) === 0) {
      this._read |= SERVICE;
      this._serviceName = this.view.serviceName;
    }
    return this._serviceName;
  }

  /** Resource `service.version`, read once per span. */
  serviceVersion(): string | undefined {
    if ((this._read & VERSION) === 0) {
      this._read |= VERSION;
      const v = this.view.serviceVersion;
      this._serviceVersion = typeof v === 'string' && v.length > 0 ? v : undefined;
    }
    return this._serviceVersion;
  }

  /**
   * The span's attribution key (route or RPC service, method, version) as a
   * token of `registry`, looked up once per span (every ledger of the engine
   * shares the registry); undefined past the registry's bound.
   */
  keyToken(registry: KeyRegistry): KeyToken | undefined {
    if ((this._read & KEY_TOKEN) === 0) {
      this._read |= KEY_TOKEN;
      let a = this.route();
      let b: string | undefined;
      let rpc = false;
      if (a !== undefined) b = this.method();
      else {
        a = this.rpcService();
        if (a !== undefined) {
          rpc = true;
          b = this.rpcMethod();
        } else b = this.method();
      }
      this._keyToken = registry.token(rpc, a ?? '', b ?? '', this.serviceVersion() ?? '');
    }
    return this._keyToken;
  }

  /** Span kind (API numbering). */
  kind(): number {
    if ((this._read & KIND) === 0) {
      this._read |= KIND;
      this._kind = this.view.kind;
    }
    return this._kind;
  }

  /** Span status code (0 unset, 1 ok, 2 error). */
  statusCode(): number {
    if ((this._read & STATUS) === 0) {
      this._read |= STATUS;
      this._statusCode = this.view.statusCode;
    }
    return this._statusCode;
  }

  /**
   * Span duration in milliseconds, read once per span into {@link duration}[0]
   * (a double returned from a call V8 does not inline is boxed: an allocation).
   */
  readDuration(): void {
    if ((this._read & DURATION) === 0) {
      this._read |= DURATION;
      this.duration[0] = this.view.durationMs;
    }
  }

  /** HTTP request method (`http.request.method`, else `http.method`). */
  method(): string | undefined {
    if ((this._read & METHOD) === 0) {
      this._read |= METHOD;
      const v = this.view;
      this._method =
        stringOf(v.attribute(ATTR_HTTP_REQUEST_METHOD)) ?? stringOf(v.attribute(ATTR_HTTP_METHOD));
    }
    return this._method;
  }

  /** Route: `http.route`, else `url.path`, else `http.target`. */
  route(): string | undefined {
    if ((this._read & ROUTE) === 0) {
      this._read |= ROUTE;
      const v = this.view;
      this._route =
        stringOf(v.attribute(ATTR_HTTP_ROUTE)) ??
        stringOf(v.attribute(ATTR_URL_PATH)) ??
        stringOf(v.attribute(ATTR_HTTP_TARGET));
    }
    return this._route;
  }

  /** HTTP status code (`http.response.status_code`, else `http.status_code`); -1 when absent. */
  httpStatus(): number {
    if ((this._read & HTTP_STATUS) === 0) {
      this._read |= HTTP_STATUS;
      const v = this.view;
      let status = intOf(v.attribute(ATTR_HTTP_RESPONSE_STATUS_CODE));
      if (status < 0) status = intOf(v.attribute(ATTR_HTTP_STATUS_CODE));
      this._httpStatus = status;
    }
    return this._httpStatus;
  }

  /** `rpc.service`. */
  rpcService(): string | undefined {
    this._readRpcName();
    return this._rpcService;
  }

  /** `rpc.method`. */
  rpcMethod(): string | undefined {
    this._readRpcName();
    return this._rpcMethod;
  }

  /** gRPC status code (`rpc.grpc.status_code`, else `rpc.status_code`); -1 when absent. */
  rpcCode(): number {
    if ((this._read & RPC_CODE) === 0) {
      this._read |= RPC_CODE;
      const v = this.view;
      let code = grpcCodeOf(v.attribute(ATTR_RPC_GRPC_STATUS_CODE));
      if (code < 0) code = grpcCodeOf(v.attribute(ATTR_RPC_STATUS_CODE));
      this._rpcCode = code;
    }
    return this._rpcCode;
  }

  private _readRpcName(): void {
    if ((this._read & RPC_NAME) === 0) {
      this._read |= RPC_NAME;
      this._rpcService = stringOf(this.view.attribute(ATTR_RPC_SERVICE));
      this._rpcMethod = stringOf(this.view.attribute(ATTR_RPC_METHOD));
    }
  }
}

const EMPTY_VIEW: SpanView = {
  kind: -1,
  name: '',
  endTimeMs: NaN,
  durationMs: NaN,
  statusCode: 0,
  serviceName: undefined,
  attribute: () => undefined,
};

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
