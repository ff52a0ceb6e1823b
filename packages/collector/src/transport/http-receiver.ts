import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerTokenMatches, SLOS_PATH, StatusPage } from '@burnrate/status';
import { readBody } from './body-reader';
import { JsonBoundsChecker } from '../otlp/json-limits';
import {
  encodeExportResponseJson,
  encodeExportResponseProto,
  encodeStatusJson,
  encodeStatusProto,
  RpcCode,
} from './otlp-response';
import type { ReceiverContext } from './receiver-context';

export { SLOS_PATH };

/** OTLP/HTTP traces path. */
export const TRACES_PATH = '/v1/traces';
/** Liveness. */
export const HEALTH_PATH = '/healthz';
/** Readiness (state restored, not shutting down). */
export const READY_PATH = '/readyz';
/** Seconds a client is asked to wait after a 429. */
export const RETRY_AFTER_SECONDS = 1;

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/**
 * The HTTP side of the collector: OTLP/HTTP `POST /v1/traces` (protobuf and
 * JSON, gzip or not), the status page and its API ({@link StatusPage}: `/`,
 * `/api/slos`, `/api/slos/NAME/history`), `/healthz` and `/readyz`. Answers
 * follow the OTLP/HTTP specification: the response type follows the request,
 * failures carry a `google.rpc.Status`, partial success reports rejected spans.
 */
export class HttpReceiver {
  private readonly _ctx: ReceiverContext;
  private readonly _page: StatusPage;

  constructor(ctx: ReceiverContext) {
    this._ctx = ctx;
    this._page = new StatusPage({ engine: ctx.engine, token: ctx.token });
  }

  /** The `request` listener of the server. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    switch (path) {
      case TRACES_PATH:
        if (req.method !== 'POST') return this._notAllowed(req, res, 'POST');
        this._ingest(req, res).catch(e => {
          this._ctx.logger.error(`unexpected error while ingesting: ${(e as Error).stack ?? e}`);
          if (!res.headersSent)
            this._status(req, res, false, 500, RpcCode.INTERNAL, 'internal error');
        });
        return;
      case HEALTH_PATH:
        return this._text(req, res, 200, 'text/plain', 'ok\n');
      case READY_PATH: {
        if (!this._ctx.isReady()) return this._text(req, res, 503, 'text/plain', 'not ready\n');
        const failing = this._ctx.snapshotError();
        return failing !== ''
          ? this._text(
              req,
              res,
              503,
              'text/plain',
              `not ready: the last state snapshot failed: ${failing}\n`
            )
          : this._text(req, res, 200, 'text/plain', 'ready\n');
      }
      default:
        if (this._page.handle(req, res, path)) return;
        return this._text(req, res, 404, 'text/plain', `not found: ${path}\n`);
    }
  };

  private async _ingest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ctx = this._ctx;
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const json = contentType === JSON_TYPE;
    if (ctx.token !== undefined && !bearerTokenMatches(req.headers.authorization, ctx.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return this._status(
        req,
        res,
        json,
        401,
        RpcCode.UNAUTHENTICATED,
        'a valid bearer token is required'
      );
    }
    if (contentType !== PROTOBUF && !json) {
      return this._status(
        req,
        res,
        true,
        415,
        RpcCode.INVALID_ARGUMENT,
        `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}; use ${PROTOBUF} or ${JSON_TYPE}`
      );
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== '') {
      return this._status(
        req,
        res,
        json,
        415,
        RpcCode.INVALID_ARGUMENT,
        `unsupported Content-Encoding ${JSON.stringify(encoding)}; use gzip or none`
      );
    }
    const gzip = encoding === 'gzip';
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > ctx.maxBodyBytes) {
      return this._status(
        req,
        res,
        json,
        413,
        RpcCode.RESOURCE_EXHAUSTED,
        `the request body is larger than ${ctx.maxBodyBytes} bytes`
      );
    }
    const checker = json ? new JsonBoundsChecker() : undefined;
    const body = await readBody(req, {
      limitBytes: ctx.maxBodyBytes,
      gzip,
      budget: ctx.budget,
      check: checker !== undefined ? chunk => checker.write(chunk) : undefined,
    });
    if (!body.ok) {
      if (body.status === 0) {
        // the client went away: nobody to answer, and not a malformed request
        ctx.metrics.countRequest('http', 'aborted');
        return;
      }
      if (body.status === 429) return this._busy(req, res, json);
      const code =
        body.status === 413
          ? RpcCode.RESOURCE_EXHAUSTED
          : body.status === 408
            ? RpcCode.DEADLINE_EXCEEDED
            : RpcCode.INVALID_ARGUMENT;
      return this._status(req, res, json, body.status, code, body.message);
    }
    let result;
    try {
      result = json ? ctx.json.ingest(body.body, true) : ctx.proto.ingest(body.body);
    } finally {
      ctx.budget.close(body.holder);
    }
    if (result.error !== '')
      return this._status(req, res, json, 400, RpcCode.INVALID_ARGUMENT, result.error);
    ctx.metrics.countIngest(result);
    const message =
      result.rejected > 0
        ? `${result.rejected} of ${result.spans} spans rejected; first: ${result.rejectMessage}`
        : '';
    ctx.metrics.countRequest('http', '200');
    res.statusCode = 200;
    res.setHeader('Content-Type', json ? JSON_TYPE : PROTOBUF);
    res.end(
      json
        ? encodeExportResponseJson(result.rejected, message)
        : encodeExportResponseProto(result.rejected, message)
    );
  }

  private _busy(req: IncomingMessage, res: ServerResponse, json: boolean): void {
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    this._status(
      req,
      res,
      json,
      429,
      RpcCode.UNAVAILABLE,
      `too many bytes in flight (limit ${this._ctx.budget.limitBytes}); retry later`
    );
  }

  private _notAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
    res.setHeader('Allow', allow);
    if (req.url?.startsWith(TRACES_PATH)) this._ctx.metrics.countRequest('http', '405');
    this._text(req, res, 405, 'text/plain', `method ${req.method} not allowed; use ${allow}\n`);
  }

  /** Answers an export request with a `google.rpc.Status` body. */
  private _status(
    req: IncomingMessage,
    res: ServerResponse,
    json: boolean,
    httpStatus: number,
    code: number,
    message: string
  ): void {
    this._ctx.metrics.countRequest('http', String(httpStatus));
    res.statusCode = httpStatus;
    res.setHeader('Content-Type', json ? JSON_TYPE : PROTOBUF);
    afterBody(
      req,
      res,
      () => res.end(json ? encodeStatusJson(code, message) : encodeStatusProto(code, message)),
      this._ctx.idleTimeoutMs,
      httpStatus !== 408 && httpStatus !== 429
    );
  }

  private _text(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    type: string,
    body: string
  ): void {
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    afterBody(
      req,
      res,
      () => res.end(req.method === 'HEAD' ? undefined : body),
      this._ctx.idleTimeoutMs
    );
  }
}

/** How long a refused client may take to send the rest of its body. */
const DRAIN_DEADLINE_MS = 10_000;
/** Most bytes of a refused body read and discarded (so that the client can read the answer) before the socket is destroyed. */
const MAX_DISCARD_BYTES = 64 * 1024 * 1024;

/**
 * Calls `answer` once the request's body is over. When it was not (fully)
 * read, the rest is read and discarded first and the answer carries
 * `Connection: close`: a client that writes its whole body before reading
 * gets the answer, not a reset (Node closes the socket as soon as a `close`
 * answer is written). A client that pauses for `lingerMs` (the idle timeout), or sends
 * more than {@link MAX_DISCARD_BYTES}, or takes more than
 * {@link DRAIN_DEADLINE_MS}, has its socket destroyed unanswered. Stalled
 * and evicted requests (408, 429: `drain` false) are answered at once. A
 * request without a body (a GET) keeps its connection alive.
 */
function afterBody(
  req: IncomingMessage,
  res: ServerResponse,
  answer: () => void,
  lingerMs: number,
  drain = true
): void {
  if (req.complete || !hasBody(req)) return answer();
  res.setHeader('Connection', 'close');
  if (!drain) {
    // a stalled or evicted request: answer now, Node closes the socket after it
    req.resume();
    return answer();
  }
  const socket = req.socket;
  const deadline = setTimeout(() => socket.destroy(), DRAIN_DEADLINE_MS);
  deadline.unref();
  let discarded = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
  };
  arm();
  req.on('data', (c: Buffer) => {
    discarded += c.length;
    if (discarded > MAX_DISCARD_BYTES) {
      clearTimeout(timer);
      socket.destroy();
    } else arm();
  });
  req.once('end', () => {
    clearTimeout(timer);
    clearTimeout(deadline);
    answer();
  });
  socket.once('close', () => {
    clearTimeout(timer);
    clearTimeout(deadline);
  });
  req.resume();
}

/** Whether a request announces a body (chunked, or a non-zero Content-Length). */
function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const n = req.headers['content-length'];
  return n !== undefined && n !== '0';
}
