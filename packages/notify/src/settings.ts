import { parseDuration } from '@burnrate/core';
import type { AlertmanagerTarget, ReceiverTarget, WebhookFormat, WebhookTarget } from './types';

/** Notification settings as a spec's `collector:` section, flags or environment give them. */
export interface NotificationSettings {
  alertmanagers?: AlertmanagerTarget[];
  webhooks?: WebhookTarget[];
  alertEvaluationIntervalMs?: number;
  alertResendIntervalMs?: number;
}

/** Keys of the `collector:` section read by {@link readNotificationSettings}. */
export const NOTIFICATION_SETTING_KEYS: readonly string[] = [
  'alertmanagers',
  'webhooks',
  'alertEvaluationInterval',
  'alertResendInterval',
];

/** Reports one problem at `path`. */
export type SettingsProblem = (path: string, message: string) => void;

const RECEIVER_KEYS = [
  'url',
  'headers',
  'token',
  'timeout',
  'retries',
  'queueSize',
  'backoff',
  'maxBackoff',
];
const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['json', 'slack'];

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks an `http(s)://` URL; reports and returns undefined when it is not one. */
function url(v: unknown, path: string, fail: SettingsProblem): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') {
    fail(path, `must be an http:// or https:// URL, got ${show(v)}`);
    return undefined;
  }
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') return v;
  } catch {
    // reported below
  }
  fail(path, `must be an http:// or https:// URL, got ${show(v)}`);
  return undefined;
}

function receiver(
  v: unknown,
  path: string,
  fail: SettingsProblem,
  extraKeys: readonly string[]
): (ReceiverTarget & { format?: WebhookFormat }) | undefined {
  if (typeof v === 'string') {
    const u = url(v, path, fail);
    return u === undefined ? undefined : { url: u };
  }
  if (!isObject(v)) {
    fail(path, `must be a URL or an object with url, got ${show(v)}`);
    return undefined;
  }
  const known = [...RECEIVER_KEYS, ...extraKeys];
  for (const k of Object.keys(v))
    if (!known.includes(k))
      fail(`${path}.${k}`, `unknown key; expected one of ${known.join(', ')}`);
  const u = url(v.url, `${path}.url`, fail);
  const out: {
    url: string;
    headers?: Record<string, string>;
    token?: string;
    timeoutMs?: number;
    retries?: number;
    queueSize?: number;
    backoffMs?: number;
    maxBackoffMs?: number;
    format?: WebhookFormat;
  } = { url: u ?? '' };
  if (v.headers !== undefined) {
    if (!isObject(v.headers) || Object.values(v.headers).some(h => typeof h !== 'string'))
      fail(`${path}.headers`, `must map header names to strings, got ${show(v.headers)}`);
    else out.headers = v.headers as Record<string, string>;
  }
  if (v.token !== undefined) {
    if (typeof v.token !== 'string' || v.token === '')
      fail(`${path}.token`, `must be a non-empty string, got ${show(v.token)}`);
    else out.token = v.token;
  }
  const duration = (key: 'timeout' | 'backoff' | 'maxBackoff', target: keyof typeof out) => {
    if (v[key] === undefined) return;
    const ms = typeof v[key] === 'string' ? parseDuration(v[key]) : undefined;
    if (ms === undefined)
      fail(`${path}.${key}`, `must be a duration such as 5s, got ${show(v[key])}`);
    else (out as Record<string, unknown>)[target] = ms;
  };
  duration('timeout', 'timeoutMs');
  duration('backoff', 'backoffMs');
  duration('maxBackoff', 'maxBackoffMs');
  for (const [key, min] of [
    ['retries', 0],
    ['queueSize', 1],
  ] as const) {
    const n = v[key];
    if (n === undefined) continue;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
      fail(`${path}.${key}`, `must be an integer ≥ ${min}, got ${show(n)}`);
    else out[key] = n;
  }
  if (v.format !== undefined) {
    if (!WEBHOOK_FORMATS.includes(v.format as WebhookFormat))
      fail(`${path}.format`, `must be json or slack, got ${show(v.format)}`);
    else out.format = v.format as WebhookFormat;
  }
  return u === undefined ? undefined : out;
}

function receivers(
  v: unknown,
  path: string,
  fail: SettingsProblem,
  extraKeys: readonly string[]
): WebhookTarget[] | undefined {
  if (v === undefined) return undefined;
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list)) {
    fail(path, `must be a list of URLs or receiver objects, got ${show(v)}`);
    return undefined;
  }
  const out: WebhookTarget[] = [];
  list.forEach((item, i) => {
    const r = receiver(item, `${path}[${i}]`, fail, extraKeys);
    if (r !== undefined) out.push(r);
  });
  return out;
}

/**
 * Reads the notification keys of a spec's `collector:` section
 * ({@link NOTIFICATION_SETTING_KEYS}) from plain data, reporting every problem
 * through `fail` with its path (`collector.webhooks[1].format`) and value.
 *
 * ```yaml
 * collector:
 *   alertmanagers: [http://alertmanager-0:9093, http://alertmanager-1:9093]
 *   webhooks:
 *     - { url: https://hooks.slack.com/services/T0/B0/X, format: slack }
 *   alertEvaluationInterval: 10s
 * ```
 */
export function readNotificationSettings(
  raw: Readonly<Record<string, unknown>>,
  path: string,
  fail: SettingsProblem
): NotificationSettings {
  const out: NotificationSettings = {};
  const at = (k: string) => (path === '' ? k : `${path}.${k}`);
  const ams = receivers(raw.alertmanagers, at('alertmanagers'), fail, []);
  if (ams !== undefined) out.alertmanagers = ams;
  const hooks = receivers(raw.webhooks, at('webhooks'), fail, ['format']);
  if (hooks !== undefined) out.webhooks = hooks;
  for (const [key, target] of [
    ['alertEvaluationInterval', 'alertEvaluationIntervalMs'],
    ['alertResendInterval', 'alertResendIntervalMs'],
  ] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    const ms = typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined) fail(at(key), `must be a duration such as 10s, got ${show(v)}`);
    else out[target] = ms;
  }
  return out;
}

/**
 * Parses `name=value,name2=value2` (the `OTEL_EXPORTER_OTLP_HEADERS` form;
 * values may be percent-encoded) or `Name: value` (one header, the curl form).
 * Returns undefined when the text is neither.
 */
export function parseHeaders(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const colon = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*:\s*(.*?)\s*$/.exec(text);
  if (colon !== null && !text.includes('=')) {
    out[colon[1]] = colon[2];
    return out;
  }
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep it as written
    }
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return undefined;
    out[name] = value;
  }
  return out;
}

/** A comma- or space-separated list. */
function list(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,]+/).filter(s => s.length > 0);
}

/**
 * Notification settings of the `register` entry from `BURNRATE_*` variables:
 * `BURNRATE_ALERTMANAGER_URL` and `BURNRATE_WEBHOOK_URL` (comma-separated
 * lists), `BURNRATE_WEBHOOK_FORMAT` (`json` or `slack`),
 * `BURNRATE_ALERTMANAGER_TOKEN`/`BURNRATE_WEBHOOK_TOKEN` (bearer tokens),
 * `BURNRATE_ALERTMANAGER_HEADERS`/`BURNRATE_WEBHOOK_HEADERS`
 * (`name=value,…`), `BURNRATE_ALERT_EVALUATION_INTERVAL` and
 * `BURNRATE_ALERT_RESEND_INTERVAL` (durations). Problems are reported through
 * `fail` with the variable's name.
 */
export function notificationSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  fail: SettingsProblem
): NotificationSettings {
  const out: NotificationSettings = {};
  const common = (prefix: 'ALERTMANAGER' | 'WEBHOOK') => {
    const extra: { token?: string; headers?: Record<string, string> } = {};
    const token = env[`BURNRATE_${prefix}_TOKEN`]?.trim();
    if (token) extra.token = token;
    const headerText = env[`BURNRATE_${prefix}_HEADERS`];
    if (headerText !== undefined && headerText.trim() !== '') {
      const headers = parseHeaders(headerText);
      if (headers === undefined)
        fail(`BURNRATE_${prefix}_HEADERS`, `must be name=value,… got ${show(headerText)}`);
      else extra.headers = headers;
    }
    return extra;
  };
  const amUrls = list(env.BURNRATE_ALERTMANAGER_URL);
  if (amUrls.length > 0) {
    const extra = common('ALERTMANAGER');
    out.alertmanagers = amUrls
      .filter(u => url(u, 'BURNRATE_ALERTMANAGER_URL', fail) !== undefined)
      .map(u => ({ url: u, ...extra }));
  }
  const hookUrls = list(env.BURNRATE_WEBHOOK_URL);
  if (hookUrls.length > 0) {
    const extra: { format?: WebhookFormat; token?: string; headers?: Record<string, string> } =
      common('WEBHOOK');
    const format = env.BURNRATE_WEBHOOK_FORMAT?.trim();
    if (format !== undefined && format !== '') {
      if (!WEBHOOK_FORMATS.includes(format as WebhookFormat))
        fail('BURNRATE_WEBHOOK_FORMAT', `must be json or slack, got ${show(format)}`);
      else extra.format = format as WebhookFormat;
    }
    out.webhooks = hookUrls
      .filter(u => url(u, 'BURNRATE_WEBHOOK_URL', fail) !== undefined)
      .map(u => ({ url: u, ...extra }));
  }
  for (const [name, target] of [
    ['BURNRATE_ALERT_EVALUATION_INTERVAL', 'alertEvaluationIntervalMs'],
    ['BURNRATE_ALERT_RESEND_INTERVAL', 'alertResendIntervalMs'],
  ] as const) {
    const v = env[name]?.trim();
    if (v === undefined || v === '') continue;
    const ms = parseDuration(v);
    if (ms === undefined) fail(name, `must be a duration such as 10s, got ${show(v)}`);
    else out[target] = ms;
  }
  return out;
}
