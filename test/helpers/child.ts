import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A child process with its output collected. */
export interface Child {
  readonly process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128 + signal number style name) when it ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when it has ended. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node args…` with its output captured. */
export function startNode(args: string[], options: SpawnOptions = {}): Child {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', c => (out += c));
  proc.stderr?.setEncoding('utf8').on('data', c => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    process: proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(graceMs = 5_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
}

/** A plain HTTP response. */
export interface HttpResult {
  status: number;
  body: string;
}

/** One HTTP request to 127.0.0.1. */
export function http(
  port: number,
  method: string,
  path: string,
  body?: string
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', c => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Polls `GET path` on the port until it answers (any status), at most `timeoutMs`. */
export async function waitForHttp(
  port: number,
  path: string,
  timeoutMs = 15_000,
  child?: Child
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child && (child.process.exitCode !== null || child.process.signalCode !== null)) {
      throw new Error(`process ended before ${port} answered:\n${child.stderr()}`);
    }
    try {
      await http(port, 'GET', path);
      return;
    } catch (e) {
      last = e;
      await new Promise(r => setTimeout(r, 50));
    }
  }
  throw new Error(`nothing answered on ${port}${path} within ${timeoutMs} ms: ${String(last)}`);
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return http(port, 'GET', '/').then(
    () => true,
    () => false
  );
}
