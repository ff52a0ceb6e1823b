import type { MeterProvider } from '@opentelemetry/api';
import type { Clock, Severity, SloEngine, SloSnapshot } from '@burnrate/core';

/** Body of a webhook message: burnrate's generic JSON, or Slack's `text` plus blocks. */
export type WebhookFormat = 'json' | 'slack';

/** How to reach one receiver (an Alertmanager or a webhook). */
export interface ReceiverTarget {
  /** `http://` or `https://` URL. For an Alertmanager, its base URL (`http://am:9093`); `/api/v2/alerts` is appended. */
  readonly url: string;
  /** Extra request headers (`X-Scope-OrgID`, a custom authorization scheme). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Longest wait for one attempt, connection to response. @default 5000 */
  readonly timeoutMs?: number;
  /** Attempts after the first one before a message is dropped. @default 3 */
  readonly retries?: number;
  /** Messages waiting for this receiver; past it new messages are dropped (counted). @default 100 */
  readonly queueSize?: number;
  /** Wait before the first retry; doubled for each next one (±20 % jitter). @default 1000 */
  readonly backoffMs?: number;
  /** Longest wait between two retries. @default 30000 */
  readonly maxBackoffMs?: number;
}

/** One Alertmanager (give each member of an HA cluster: alerts go to every one). */
export type AlertmanagerTarget = ReceiverTarget;

/** One webhook. */
export interface WebhookTarget extends ReceiverTarget {
  /** @default `slack` for `hooks.slack.com` URLs, else `json` */
  readonly format?: WebhookFormat;
}

/**
 * What an explanation source (the attribution ledger behind `burnrate explain`)
 * knows about an SLO at the time of a message. Every field is optional.
 */
export interface AlertDetails {
  /** Plain-text summary of what burns the budget (route, code, version, since when). */
  readonly summary?: string;
  /** Example trace ids of recent bad events. */
  readonly traceIds?: readonly string[];
}

/**
 * Looks up {@link AlertDetails} for an SLO when a message is built (once per
 * state change, never on the span path). Errors and `undefined` leave the
 * message without details.
 */
export type AlertDetailsSource = (snapshot: SloSnapshot) => AlertDetails | undefined;

/** Where the notifier logs what it swallows. */
export interface NotifierLogger {
  warn(message: string): void;
}

/** Options of {@link SloNotifier}. */
export interface SloNotifierOptions {
  /** The engine whose SLOs are evaluated. */
  engine: SloEngine;
  /** Alertmanagers to send every alert to (an HA pair: both). @default [] */
  alertmanagers?: readonly AlertmanagerTarget[];
  /** Webhooks that get one message when a tier starts firing and one when it resolves. @default [] */
  webhooks?: readonly WebhookTarget[];
  /** How often the alerts are evaluated. @default 10000 */
  evaluationIntervalMs?: number;
  /**
   * How often Alertmanager is told again about a firing alert (Prometheus'
   * `--rules.alert.resend-delay`); its `endsAt` lies 4 × max(this, evaluation
   * interval) ahead, so a burnrate that stops lets the alert expire on its own.
   * @default 60000
   */
  resendIntervalMs?: number;
  /**
   * Explanation and example trace ids for webhook messages; `false` for none.
   * @default the engine's `explain` (the summary of `burnrate explain` and its latest bad trace ids)
   */
  details?: AlertDetailsSource | false;
  /** `generatorURL` of the alerts sent to Alertmanager. @default none */
  generatorUrl?: string;
  /** Where the self-metrics (`burnrate.notifications.*`) live. @default none */
  meterProvider?: MeterProvider;
  /** Source of "now". @default the engine's clock */
  clock?: Clock;
  /** Where failed deliveries and dropped messages are logged. @default `diag.warn` */
  logger?: NotifierLogger;
}

/** State of an alert in a message. */
export type AlertState = 'firing' | 'resolved';

/** Burn rate over one window. */
export interface BurnRateReading {
  readonly window: string;
  readonly burnRate: number;
}

/** Bad events on one route with one status code since the SLO last fired nothing. */
export interface Offender {
  readonly route: string;
  /** HTTP status code, else the gRPC code, -1 when neither. */
  readonly statusCode: number;
  readonly badEvents: number;
}

/** One tier's alert at a state change: what every message format is built from. */
export interface AlertNotice {
  readonly slo: string;
  readonly service: string | undefined;
  readonly severity: Severity;
  readonly state: AlertState;
  /** The alert's labels, exactly those of the generated Prometheus rule (with `alertname`). */
  readonly labels: Readonly<Record<string, string>>;
  /** `summary`, `description` and `runbook_url` as the generated rule has them, with numbers printed. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAtMs: number;
  /** When it resolved; undefined while firing. */
  readonly endsAtMs: number | undefined;
  /** The tier: long and short windows, burn-rate threshold. */
  readonly tier: {
    readonly longWindow: string;
    readonly shortWindow: string;
    readonly burnRateThreshold: number;
  };
  /** Burn rates over the tier's long and short windows. */
  readonly longBurnRate: number;
  readonly shortBurnRate: number;
  /** Burn rate over every window the SLO keeps. */
  readonly burnRates: readonly BurnRateReading[];
  readonly objective: number;
  readonly remaining: number;
  /** Seconds to exhaustion at the 1 h rate; `null` when not burning. */
  readonly timeToExhaustionSeconds: number | null;
  readonly status: string;
  /** Top routes and codes of the bad events since the SLO was last quiet. */
  readonly offenders: readonly Offender[];
  readonly summary: string | undefined;
  readonly traceIds: readonly string[];
}
