/** An HTTP receiver on loopback for the notification tests (webhooks, Alertmanager receivers). */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request a {@link TestReceiver} got. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly atMs: number;
}

/** How a {@link TestReceiver} answers: a status code, or `hang` (never answers). */
export type ReceiverMode = number | 'hang';

/** An HTTP server on 127.0.0.1 that records every request and answers as told. */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  mode: ReceiverMode = 200;
  private readonly _server: Server;
  private readonly _sockets = new Set<Socket>();
  private readonly _hung: ServerResponse[] = [];
  private _waiters: Array<() => void> = [];

  constructor() {
    this._server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', c => (body += c));
      req.on('end', () => {
        this.requests.push({
          path: req.url ?? '',
          headers: req.headers,
          body,
          atMs: Date.now(),
        });
        for (const w of this._waiters.splice(0)) w();
        if (this.mode === 'hang') this._hung.push(res);
        else {
          res.statusCode = this.mode;
          res.end('{}');
        }
      });
    });
    this._server.on('connection', s => {
      this._sockets.add(s);
      s.on('close', () => this._sockets.delete(s));
    });
  }

  /** Listens on an ephemeral loopback port; resolves with the base URL. */
  async start(port = 0): Promise<string> {
    await new Promise<void>(resolve => this._server.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get port(): number {
    return (this._server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Bodies received, parsed as JSON. */
  json<T = unknown>(): T[] {
    return this.requests.map(r => JSON.parse(r.body) as T);
  }

  /** Resolves once `n` requests arrived, rejects after `timeoutMs`. */
  async waitFor(n: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < n) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `expected ${n} requests within ${timeoutMs} ms, got ${this.requests.length}`
        );
      await new Promise<void>(resolve => {
        const t = setTimeout(resolve, left);
        this._waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Closes the server and every connection (hung ones too). */
  async stop(): Promise<void> {
    for (const s of this._sockets) s.destroy();
    await new Promise<void>(resolve => this._server.close(() => resolve()));
  }
}

/** A loopback port with nothing listening (bound, then closed). */
export async function closedPort(): Promise<number> {
  const r = new TestReceiver();
  await r.start();
  const port = r.port;
  await r.stop();
  return port;
}
