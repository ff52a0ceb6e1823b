import type { AlertNotice, WebhookFormat } from './types';

/** Version of the generic JSON webhook body. */
export const WEBHOOK_BODY_VERSION = 1;

/** An alert as Alertmanager's v2 API takes it (`POST /api/v2/alerts`, an array of these). */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

/**
 * The Alertmanager form of a notice. Firing: `endsAt` is `validUntilMs` (the
 * alert expires unless re-sent); resolved: the resolution time.
 */
export function alertmanagerAlert(
  notice: AlertNotice,
  validUntilMs: number,
  generatorUrl?: string
): AlertmanagerAlert {
  const alert: AlertmanagerAlert = {
    labels: { ...notice.labels },
    annotations: { ...notice.annotations },
    startsAt: new Date(notice.startsAtMs).toISOString(),
    endsAt: new Date(notice.endsAtMs ?? validUntilMs).toISOString(),
  };
  if (generatorUrl !== undefined) alert.generatorURL = generatorUrl;
  return alert;
}

/** The generic JSON webhook body (documented in docs/notifications.md). */
export interface JsonWebhookBody {
  version: number;
  source: 'burnrate';
  state: 'firing' | 'resolved';
  slo: string;
  service: string | null;
  severity: string;
  startsAt: string;
  endsAt: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  tier: { longWindow: string; shortWindow: string; burnRateThreshold: number };
  longBurnRate: number;
  shortBurnRate: number;
  burnRates: Record<string, number>;
  objective: number;
  remaining: number;
  timeToExhaustionSeconds: number | null;
  status: string;
  offenders: Array<{ route: string; statusCode: number; badEvents: number }>;
  summary: string | null;
  traceIds: string[];
}

/** The generic JSON body of a notice. */
export function jsonWebhookBody(n: AlertNotice): JsonWebhookBody {
  return {
    version: WEBHOOK_BODY_VERSION,
    source: 'burnrate',
    state: n.state,
    slo: n.slo,
    service: n.service ?? null,
    severity: n.severity,
    startsAt: new Date(n.startsAtMs).toISOString(),
    endsAt: n.endsAtMs === undefined ? null : new Date(n.endsAtMs).toISOString(),
    labels: { ...n.labels },
    annotations: { ...n.annotations },
    tier: { ...n.tier },
    longBurnRate: n.longBurnRate,
    shortBurnRate: n.shortBurnRate,
    burnRates: Object.fromEntries(n.burnRates.map(b => [b.window, b.burnRate])),
    objective: n.objective,
    remaining: n.remaining,
    timeToExhaustionSeconds: n.timeToExhaustionSeconds,
    status: n.status,
    offenders: n.offenders.map(o => ({ ...o })),
    summary: n.summary ?? null,
    traceIds: [...n.traceIds],
  };
}

function pct(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(4))}%`;
}

function rate(v: number): string {
  return `${v.toFixed(2)}x`;
}

/** `1h 2m`, `45s`: an incident's length for reading. */
export function incidentLength(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`, `${s % 60}s`].filter(Boolean);
  return parts.slice(0, 2).join(' ');
}

function offenderLine(o: { route: string; statusCode: number; badEvents: number }): string {
  const route = o.route === '' ? '(no route)' : o.route;
  const code = o.statusCode >= 0 ? ` ${o.statusCode}` : '';
  return `• \`${route}\`${code}: ${o.badEvents} bad`;
}

/** Room for the explanation in one Slack section (Slack takes 3000 characters). */
const SLACK_SECTION_TEXT_MAX = 2_900;

/** `text` cut to `max` characters, with an ellipsis when cut. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escapes `&`, `<` and `>` as Slack's mrkdwn wants. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack incoming-webhook body: `text` (notifications, fallback) and blocks. */
export interface SlackWebhookBody {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

/**
 * The Slack-compatible body of a notice: a `text` line naming the state,
 * severity, SLO and burn rate (what the notification shows), and blocks with
 * the budget, time to exhaustion, what burns it (the explanation when there is
 * one, else the top routes and codes), example traces and the runbook.
 */
export function slackWebhookBody(n: AlertNotice): SlackWebhookBody {
  const firing = n.state === 'firing';
  const head = firing
    ? `:rotating_light: FIRING ${n.severity}: SLO ${n.slo}`
    : `:white_check_mark: RESOLVED ${n.severity}: SLO ${n.slo}`;
  const text = firing
    ? `${head} burns its error budget ${rate(n.longBurnRate)} over ${n.tier.longWindow} (threshold ${rate(n.tier.burnRateThreshold)}); ${pct(n.remaining)} left`
    : `${head} no longer burns its error budget past ${rate(n.tier.burnRateThreshold)} over ${n.tier.longWindow}, after ${incidentLength((n.endsAtMs ?? n.startsAtMs) - n.startsAtMs)}; ${pct(n.remaining)} left`;
  const tte = n.timeToExhaustionSeconds;
  const fields = [
    `*Burn rate*\n${rate(n.longBurnRate)} (${n.tier.longWindow}), ${rate(n.shortBurnRate)} (${n.tier.shortWindow})`,
    `*Budget left*\n${pct(n.remaining)}`,
    `*Exhausted in*\n${tte === null ? 'never at this rate' : incidentLength(tte * 1000)}`,
    `*Status*\n${n.status}`,
  ];
  const blocks: Array<Record<string, unknown>> = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${esc(text)}*` } },
    { type: 'section', fields: fields.map(f => ({ type: 'mrkdwn', text: esc(f) })) },
  ];
  const why: string[] = [];
  if (n.summary !== undefined) why.push(esc(clip(n.summary, SLACK_SECTION_TEXT_MAX)));
  else if (n.offenders.length > 0) why.push(...n.offenders.map(o => esc(offenderLine(o))));
  if (why.length > 0)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${firing ? 'What burns it' : 'What burned it'}*\n${why.join('\n')}`,
      },
    });
  const context: string[] = [];
  if (n.traceIds.length > 0)
    context.push(`Traces: ${n.traceIds.map(t => `\`${esc(t)}\``).join(' ')}`);
  const runbook = n.annotations.runbook_url;
  if (runbook !== undefined) context.push(`<${runbook}|Runbook>`);
  context.push(
    `objective ${pct(n.objective)}${n.service !== undefined ? ` · service ${esc(n.service)}` : ''}`
  );
  blocks.push({ type: 'context', elements: context.map(t => ({ type: 'mrkdwn', text: t })) });
  return { text, blocks };
}

/** The body of a notice in a webhook's format. */
export function webhookBody(n: AlertNotice, format: WebhookFormat): string {
  return JSON.stringify(format === 'slack' ? slackWebhookBody(n) : jsonWebhookBody(n));
}
