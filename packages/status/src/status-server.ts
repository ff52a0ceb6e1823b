import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { historyReadingIntervalMs, type SloEngine } from '@burnrate/core';
import { isLoopbackHost } from './loopback';
import { StatusPage } from './status-page';

/** Default bind address of {@link startStatusServer}: loopback only. */
export const DEFAULT_STATUS_HOST = '127.0.0.1';
/** Connections the status server keeps at most; more are refused by the kernel's backlog. */
export const STATUS_MAX_CONNECTIONS = 64;
/** Time a client has to send its request headers. */
const HEADERS_TIMEOUT_MS = 5_000;
/** Time a whole request may take. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Idle keep-alive connections are closed after this long. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** Options of {@link startStatusServer}. */
export interface StatusServerOptions {
  /** The engine whose SLOs are shown. */
  engine: SloEngine;
  /** TCP port; 0 takes any free port (read it from {@link RunningStatusServer.port}). */
  port: number;
  /** Bind address. @default '127.0.0.1' */
  host?: string;
  /** Bearer token `/api/slos*` requires. @default none */
  token?: string;
  /**
   * Take a history reading every finest history step of the SLOs (1 s to 1 min)
   * so that the page's charts have a point per step without a scrape. @default true
   */
  historyTimer?: boolean;
}

/** A started status server. */
export interface RunningStatusServer {
  /** The page's address, `http://HOST:PORT/`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Whether the bind address is not loopback and no token is set: say so to the user. */
  readonly exposed: boolean;
  /** Stops listening and closes every connection. Runs once. */
  close(): Promise<void>;
}

function validate(options: StatusServerOptions): { host: string; port: number } {
  const port = options.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`status server port: must be a port number 0-65535, got ${port}`);
  const host = options.host ?? DEFAULT_STATUS_HOST;
  if (typeof host !== 'string' || host.trim() === '')
    throw new RangeError(`status server host: must be an address, got ${JSON.stringify(host)}`);
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token === ''))
    throw new RangeError('status server token: must be a non-empty string when set');
  return { host: host.trim(), port };
}

function notFound(req: IncomingMessage, res: ServerResponse, path: string): void {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  if (!req.complete) {
    res.setHeader('Connection', 'close');
    req.resume();
  }
  res.end(req.method === 'HEAD' ? undefined : `not found: ${path.slice(0, 200)}\n`);
}

/**
 * Serves the {@link StatusPage} and its JSON API (`/`, `/assets/*`,
 * `/api/slos`, `/api/slos/NAME/history`, `/api/slos/NAME/explain`) on a port of
 * its own: what `@burnrate/register` starts on `BURNRATE_STATUS_PORT`. Nothing
 * else is served. Loopback by default; with a token the JSON API needs
 * `Authorization: Bearer <token>`. Rejects (`EADDRINUSE`, …) when it cannot listen.
 */
export async function startStatusServer(
  options: StatusServerOptions
): Promise<RunningStatusServer> {
  const { host, port } = validate(options);
  const page = new StatusPage({ engine: options.engine, token: options.token });
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    if (!page.handle(req, res, path)) notFound(req, res, path);
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxConnections = STATUS_MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // after listening, a failing socket must not crash the host app
  server.on('error', () => undefined);
  const timer =
    options.historyTimer === false
      ? undefined
      : setInterval(
          () => options.engine.snapshot(),
          historyReadingIntervalMs(options.engine.spec.slos.map(s => s.window.durationMs))
        );
  timer?.unref();
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${shown}:${bound}/`,
    host,
    port: bound,
    exposed: !isLoopbackHost(host) && options.token === undefined,
    close(): Promise<void> {
      closed ??= new Promise<void>(resolve => {
        if (timer !== undefined) clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
