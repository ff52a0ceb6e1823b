import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, http } from './child';

/** Debian's Alertmanager binary. */
export const ALERTMANAGER_BIN = 'prometheus-alertmanager';
/** Debian's Prometheus binary. */
export const PROMETHEUS_BIN = 'prometheus';

/** A server process this test started, with its output; stopped by its own pid. */
export interface ServerProcess {
  readonly port: number;
  readonly process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Spawns `bin args`, waits until `GET /-/ready` answers 200 on `port`. */
async function startReady(
  bin: string,
  args: string[],
  dir: string,
  port: number
): Promise<ServerProcess> {
  let log = '';
  const proc = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.setEncoding('utf8').on('data', c => (log += c));
  proc.stderr?.setEncoding('utf8').on('data', c => (log += c));
  const exited = new Promise<void>(resolve => proc.once('exit', () => resolve()));
  const server: ServerProcess = {
    port,
    process: proc,
    log: () => log,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = (await http(port, 'GET', '/-/ready').catch(() => ({ status: 0 }))).status;
    if (status === 200) return server;
    if (Date.now() > deadline || proc.exitCode !== null) {
      await server.stop();
      throw new Error(`${bin} not ready on ${port}:\n${log.slice(-3000)}`);
    }
    await sleep(100);
  }
}

/**
 * Starts Debian's Alertmanager on loopback with `config` (YAML text) and a
 * storage directory under `dir`, clustering off (`--cluster.listen-address=`).
 */
export async function startAlertmanager(dir: string, config: string): Promise<ServerProcess> {
  const port = await freePort();
  const home = join(dir, `alertmanager-${port}`);
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'alertmanager.yml'), config);
  return startReady(
    ALERTMANAGER_BIN,
    [
      `--config.file=${join(home, 'alertmanager.yml')}`,
      `--storage.path=${join(home, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    home,
    port
  );
}

/** Starts Debian's Prometheus on loopback with `config` (YAML text, relative paths from `dir`). */
export async function startPrometheus(dir: string, config: string): Promise<ServerProcess> {
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), config);
  return startReady(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    dir,
    port
  );
}

/** One span of an OTLP/JSON export request. */
export interface JsonSpan {
  route: string;
  method?: string;
  status: number;
  durationMs?: number;
}

let spanCounter = 0;

/**
 * An OTLP/JSON `ExportTraceServiceRequest` of server spans of `service`, ending
 * now, written by hand from the OTLP JSON mapping (an independent encoder).
 */
export function otlpJson(service: string, spans: readonly JsonSpan[], version = '1.0.0'): string {
  const endNs = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: service } },
            { key: 'service.version', value: { stringValue: version } },
          ],
        },
        scopeSpans: [
          {
            scope: { name: 'burnrate-e2e' },
            spans: spans.map(s => {
              const n = ++spanCounter;
              const hex = n.toString(16).padStart(16, '0');
              return {
                traceId: `0af7651916cd43dd${hex}`,
                spanId: hex,
                name: `${s.method ?? 'GET'} ${s.route}`,
                kind: 2,
                startTimeUnixNano: String(endNs - BigInt((s.durationMs ?? 10) * 1_000_000)),
                endTimeUnixNano: String(endNs),
                attributes: [
                  { key: 'http.request.method', value: { stringValue: s.method ?? 'GET' } },
                  { key: 'http.route', value: { stringValue: s.route } },
                  { key: 'http.response.status_code', value: { intValue: String(s.status) } },
                ],
                status: { code: s.status >= 500 ? 2 : 0 },
              };
            }),
          },
        ],
      },
    ],
  });
}
