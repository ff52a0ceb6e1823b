import type { CollectorSettings } from '../types';
import { Checker, join, show } from './checker';

const COLLECTOR_KEYS: Record<
  keyof CollectorSettings,
  'port' | 'string' | 'duration' | 'bytes' | 'tls' | 'count' | 'receivers'
> = {
  host: 'string',
  httpPort: 'port',
  grpcPort: 'port',
  metricsPort: 'port',
  metricsHost: 'string',
  stateFile: 'string',
  snapshotIntervalMs: 'duration',
  maxBodyBytes: 'bytes',
  maxInFlightBytes: 'bytes',
  maxGrpcMessageBytes: 'bytes',
  maxConnections: 'count',
  idleTimeoutMs: 'duration',
  token: 'string',
  tls: 'tls',
  maxSeries: 'count',
  alertmanagers: 'receivers',
  webhooks: 'receivers',
  alertEvaluationIntervalMs: 'duration',
  alertResendIntervalMs: 'duration',
  maxTracesInFlight: 'count',
  maxTraceBufferBytes: 'bytes',
  maxTraceAgeMs: 'duration',
};

const BYTES_RE = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)?$/;
const BYTE_UNITS: Record<string, number> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
};

/** Parses `64MiB`, `512 KiB` or a plain number of bytes. */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = BYTES_RE.exec(value.trim());
  if (!m) return undefined;
  const n = Math.round(Number(m[1]) * BYTE_UNITS[m[2] ?? 'B']);
  return n > 0 ? n : undefined;
}

/** Checks the `collector:` section. */
export function checkCollector(
  c: Checker,
  value: unknown,
  path: string
): CollectorSettings | undefined {
  const raw = c.object(value, path);
  if (!raw) return undefined;
  const aliases: Record<string, keyof CollectorSettings> = {
    snapshotInterval: 'snapshotIntervalMs',
    maxBodySize: 'maxBodyBytes',
    maxInFlight: 'maxInFlightBytes',
    maxGrpcMessageSize: 'maxGrpcMessageBytes',
    idleTimeout: 'idleTimeoutMs',
    alertEvaluationInterval: 'alertEvaluationIntervalMs',
    alertResendInterval: 'alertResendIntervalMs',
    maxTraceAge: 'maxTraceAgeMs',
  };
  const known = [
    ...Object.keys(COLLECTOR_KEYS).filter(
      k => !Object.values(aliases).includes(k as keyof CollectorSettings)
    ),
    ...Object.keys(aliases),
  ];
  c.keys(raw, path, known);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    const target = aliases[key] ?? (key as keyof CollectorSettings);
    const kind = COLLECTOR_KEYS[target];
    if (!kind || !known.includes(key)) continue;
    const p = join(path, key);
    if (kind === 'port') {
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535) out[target] = v;
      else c.fail(p, `must be a port number 0-65535, got ${show(v)}`);
    } else if (kind === 'count') {
      if (typeof v === 'number' && Number.isInteger(v) && v > 0) out[target] = v;
      else c.fail(p, `must be a positive integer, got ${show(v)}`);
    } else if (kind === 'string') {
      const s = c.string(v, p);
      if (s !== undefined) out[target] = s;
    } else if (kind === 'duration') {
      const ms = c.duration(v, p);
      if (ms !== undefined) out[target] = ms;
    } else if (kind === 'bytes') {
      const n = parseBytes(v);
      if (n === undefined)
        c.fail(p, `must be a size such as 64MiB or a number of bytes, got ${show(v)}`);
      else out[target] = n;
    } else if (kind === 'receivers') {
      // notification receivers: the collector checks them (it knows the transports)
      if (typeof v === 'string' || Array.isArray(v)) out[target] = v;
      else c.fail(p, `must be a list of URLs or receiver objects, got ${show(v)}`);
    } else if (kind === 'tls') {
      const t = c.object(v, p);
      if (t) {
        c.keys(t, p, ['cert', 'key']);
        const cert = c.string(t.cert, join(p, 'cert'));
        const k = c.string(t.key, join(p, 'key'));
        if (cert && k) out.tls = { cert, key: k };
      }
    }
  }
  return out as CollectorSettings;
}
