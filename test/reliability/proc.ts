/**
 * Child collectors started through the CLI, and what Linux says about a
 * process: its resident memory and the TCP sockets it listens on.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, type Child } from '../helpers/child';

/** The CLI entry point. */
export const CLI = join(__dirname, '..', '..', '..', 'packages', 'cli', 'bin', 'burnrate.js');

/** Resident set size of a process in KiB (`VmRSS` of /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/** A listening TCP socket: local address (dotted IPv4 or IPv6 hex) and port. */
export interface ListeningSocket {
  address: string;
  port: number;
}

function ipv4(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
}

function ipv6(hex: string): string {
  // four little-endian 32-bit words
  const words: string[] = [];
  for (let i = 0; i < 32; i += 8) {
    const w = hex.slice(i, i + 8);
    words.push(w.slice(6, 8) + w.slice(4, 6) + w.slice(2, 4) + w.slice(0, 2));
  }
  const groups = words
    .join('')
    .match(/.{4}/g)!
    .map(g => g.replace(/^0+(?=.)/, ''));
  return groups.join(':').toLowerCase();
}

/** Every TCP socket in LISTEN state that `pid` holds, from /proc/<pid>/fd and /proc/<pid>/net/tcp{,6}. */
export function listeningSockets(pid: number): ListeningSocket[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // the fd closed meanwhile
    }
  }
  const out: ListeningSocket[] = [];
  for (const [file, v6] of [
    ['tcp', false],
    ['tcp6', true],
  ] as const) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9])) continue;
      const [addr, port] = f[1].split(':');
      out.push({ address: v6 ? ipv6(addr) : ipv4(addr), port: parseInt(port, 16) });
    }
  }
  return out;
}

/** Whether an address is a loopback address. */
export function isLoopback(address: string): boolean {
  return (
    address.startsWith('127.') ||
    address === '0:0:0:0:0:0:0:1' ||
    address === '::1' ||
    address === '0:0:0:0:0:ffff:7f00:1'
  );
}

/** A collector child process and the ports it printed. */
export interface CollectorChild {
  child: Child;
  pid: number;
  httpPort: number;
  grpcPort: number | undefined;
  metricsPort: number | undefined;
}

const LISTENING_RE = /listening: (.*)$/m;

/**
 * Starts `burnrate collector --config <spec> <args…>` and waits for its
 * "listening:" line (at most `timeoutMs`); ports are parsed from that line.
 */
export async function startCollectorChild(
  spec: string,
  args: string[],
  options: { timeoutMs?: number; nodeOptions?: string[] } = {}
): Promise<CollectorChild> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const child = startNode(
    [...(options.nodeOptions ?? []), CLI, 'collector', '--config', spec, ...args],
    {
      env: { ...process.env, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: '' },
    }
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = LISTENING_RE.exec(child.stderr());
    if (m !== null) {
      const http = /OTLP\/HTTP https?:\/\/[^ ]+:(\d+)\//.exec(m[1]);
      const grpc = /OTLP\/gRPC [^ ]+:(\d+)/.exec(m[1]);
      const metrics = /metrics http:\/\/[^ ]+:(\d+)\//.exec(m[1]);
      if (http === null) throw new Error(`no OTLP/HTTP port in: ${m[0]}`);
      return {
        child,
        pid: child.process.pid!,
        httpPort: Number(http[1]),
        grpcPort: grpc ? Number(grpc[1]) : undefined,
        metricsPort: metrics ? Number(metrics[1]) : undefined,
      };
    }
    if (child.process.exitCode !== null || child.process.signalCode !== null)
      throw new Error(`the collector ended before listening:\n${child.stderr()}`);
    if (Date.now() > deadline) {
      await child.stop(1_000);
      throw new Error(`the collector did not listen within ${timeoutMs} ms:\n${child.stderr()}`);
    }
    await new Promise(r => setTimeout(r, 25));
  }
}
