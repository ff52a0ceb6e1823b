import type { Server, Socket } from 'node:net';

/** Options of {@link limitConnections}. */
export interface ConnectionLimitOptions {
  /** Most connections open at once. */
  max: number;
  /**
   * Bytes written to a refused connection before it is closed (a plain-text
   * HTTP `503`); none (the connection is closed at once) for TLS and gRPC.
   */
  refusal?: Buffer;
  /** Called for each refused connection. */
  onRefused(): void;
}

/** Sockets refused by {@link limitConnections}: their requests are not handled. */
const refused = new WeakSet<Socket>();

/** Whether `socket` was refused by the connection cap. */
export function isRefused(socket: Socket): boolean {
  return refused.has(socket);
}

/**
 * Caps the connections `server` holds open: past `max`, a new connection is
 * answered with `refusal` (if any) and closed at once, before it can hold
 * memory or a file descriptor for long. Runs before the server's own
 * `connection` listeners.
 */
export function limitConnections(server: Server, options: ConnectionLimitOptions): void {
  let open = 0;
  server.prependListener('connection', (socket: Socket) => {
    if (open >= options.max) {
      refused.add(socket);
      options.onRefused();
      socket.on('error', () => undefined);
      if (options.refusal !== undefined) socket.end(options.refusal);
      else socket.destroy();
      // a client that does not read the refusal cannot keep the socket
      setTimeout(() => socket.destroy(), 1_000).unref();
      return;
    }
    open++;
    socket.once('close', () => open--);
  });
}

/** The plain-text HTTP answer to a connection past the cap. */
export function httpRefusal(max: number): Buffer {
  const body = `too many connections (limit ${max}); retry later\n`;
  return Buffer.from(
    'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n' +
      `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}
