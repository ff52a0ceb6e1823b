import { isAbsolute, resolve } from 'node:path';
import { SpecError, type CollectorSettings, type SloSpec, type SpecIssue } from '@burnrate/core';
import { readNotificationSettings } from '@burnrate/notify';
import type { CollectorOptions } from './types';

/** Command-line flags of `burnrate collector`; each one set wins over the spec's `collector:` section. */
export type CollectorFlags = Pick<
  CollectorOptions,
  | 'host'
  | 'httpPort'
  | 'grpcPort'
  | 'metricsPort'
  | 'metricsHost'
  | 'stateFile'
  | 'snapshotIntervalMs'
  | 'maxBodyBytes'
  | 'maxInFlightBytes'
  | 'maxGrpcMessageBytes'
  | 'maxConnections'
  | 'idleTimeoutMs'
  | 'maxSeries'
  | 'token'
  | 'tls'
  | 'alertmanagers'
  | 'webhooks'
  | 'alertEvaluationIntervalMs'
  | 'alertResendIntervalMs'
>;

/**
 * Options of {@link startCollector} from a spec's `collector:` section and
 * flags (flags win, key by key). Relative paths in the spec (`stateFile`,
 * `tls.cert`, `tls.key`) are resolved against `specDir`, the directory of the
 * spec file; relative paths in flags stay relative to the working directory.
 * Notification receivers (`alertmanagers`, `webhooks`) of flags replace the
 * spec's lists; a bad receiver in the spec throws a `SpecError` naming its path
 * (`collector.webhooks[1].format`).
 */
export function collectorOptionsFrom(
  spec: SloSpec,
  flags: CollectorFlags = {},
  specDir?: string
): CollectorOptions {
  const s: CollectorSettings = spec.collector ?? {};
  const fromSpec = (p: string | undefined) =>
    p === undefined || specDir === undefined || isAbsolute(p) ? p : resolve(specDir, p);
  const pick = <K extends keyof CollectorFlags>(k: K, v: CollectorFlags[K]): CollectorFlags[K] =>
    flags[k] !== undefined ? flags[k] : v;
  const tls =
    flags.tls ??
    (s.tls !== undefined ? { cert: fromSpec(s.tls.cert)!, key: fromSpec(s.tls.key)! } : undefined);
  const problems: SpecIssue[] = [];
  const notify = readNotificationSettings(
    { alertmanagers: s.alertmanagers, webhooks: s.webhooks },
    'collector',
    (path, message) => problems.push({ path, message })
  );
  if (problems.length > 0) throw new SpecError(problems);
  const options: CollectorOptions = {
    spec,
    host: pick('host', s.host),
    httpPort: pick('httpPort', s.httpPort),
    grpcPort: pick('grpcPort', s.grpcPort),
    metricsPort: pick('metricsPort', s.metricsPort),
    metricsHost: pick('metricsHost', s.metricsHost),
    stateFile: pick('stateFile', fromSpec(s.stateFile)),
    snapshotIntervalMs: pick('snapshotIntervalMs', s.snapshotIntervalMs),
    maxBodyBytes: pick('maxBodyBytes', s.maxBodyBytes),
    maxInFlightBytes: pick('maxInFlightBytes', s.maxInFlightBytes),
    maxGrpcMessageBytes: pick('maxGrpcMessageBytes', s.maxGrpcMessageBytes),
    maxConnections: pick('maxConnections', s.maxConnections),
    idleTimeoutMs: pick('idleTimeoutMs', s.idleTimeoutMs),
    maxSeries: pick('maxSeries', s.maxSeries),
    maxTracesInFlight: s.maxTracesInFlight,
    maxTraceBufferBytes: s.maxTraceBufferBytes,
    maxTraceAgeMs: s.maxTraceAgeMs,
    token: pick('token', s.token),
    tls,
    alertmanagers: pick('alertmanagers', notify.alertmanagers),
    webhooks: pick('webhooks', notify.webhooks),
    alertEvaluationIntervalMs: pick('alertEvaluationIntervalMs', s.alertEvaluationIntervalMs),
    alertResendIntervalMs: pick('alertResendIntervalMs', s.alertResendIntervalMs),
  };
  for (const k of Object.keys(options) as Array<keyof CollectorOptions>)
    if (options[k] === undefined) delete options[k];
  return options;
}
