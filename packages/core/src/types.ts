import type { CompositeDefinition } from './composite/composite';
import type { ErrorBudgetPolicy } from './policy/policy';

/**
 * Public types of the burnrate engine. Nothing here depends on OpenTelemetry:
 * the span processor and the collector adapt their own span types to
 * {@link SpanView}.
 */

/** An attribute value as found on a span (OTel API `AttributeValue`, or decoded OTLP). */
export type AttributeValue =
  | string
  | number
  | boolean
  | bigint
  | ReadonlyArray<string | number | boolean | null | undefined>
  | null;

/**
 * Span kinds, numbered as in the OpenTelemetry API (`SpanKind`). OTLP numbers
 * them one higher (`SPAN_KIND_INTERNAL = 1`); the collector converts.
 */
export const SpanKindValue = {
  INTERNAL: 0,
  SERVER: 1,
  CLIENT: 2,
  PRODUCER: 3,
  CONSUMER: 4,
} as const;

/** Span status codes, numbered as in both the OpenTelemetry API and OTLP. */
export const SpanStatusValue = {
  UNSET: 0,
  OK: 1,
  ERROR: 2,
} as const;

/**
 * The small, read-only view of a finished span that the engine classifies.
 * Implementations are reused between spans (one adapter object pointing at
 * the current span), so classification never copies attributes.
 */
export interface SpanView {
  /** Span kind, OTel API numbering ({@link SpanKindValue}). */
  readonly kind: number;
  /** Span name. */
  readonly name: string;
  /** End time, milliseconds since the Unix epoch (fractions allowed). */
  readonly endTimeMs: number;
  /** Duration in milliseconds. */
  readonly durationMs: number;
  /** Span status code ({@link SpanStatusValue}). */
  readonly statusCode: number;
  /** The resource's `service.name`, if any. */
  readonly serviceName: string | undefined;
  /**
   * The resource's `service.version`, if any (attribution by version). Read once
   * per eligible span: views should hand out a kept string, not build one.
   */
  readonly serviceVersion?: string | undefined;
  /** Trace id as 32 lowercase hex digits (exemplars); read only for bad events. */
  readonly traceId?: string | undefined;
  /** Span id as 16 lowercase hex digits (exemplars); read only for bad events. */
  readonly spanId?: string | undefined;
  /**
   * Whether the span has a parent (a non-empty parent span id); read by journey
   * SLOs only, whose entry span is by default the trace's root. Views that leave
   * it undefined make no span a root.
   */
  readonly hasParent?: boolean;
  /** Looks up a span attribute by key; `undefined` when absent. */
  attribute(key: string): AttributeValue | undefined;
}

/** A source of the current time in milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

/** Severity of an alert tier. */
export type Severity = 'page' | 'ticket';

/** A rolling or calendar-aligned SLO window. */
export type SloWindow =
  | { readonly type: 'rolling'; readonly durationMs: number }
  | {
      readonly type: 'calendar';
      readonly unit: 'week' | 'month' | 'quarter';
      readonly timeZone: string;
      /** Nominal length used to derive alert thresholds (7 d, 30 d, 90 d). */
      readonly durationMs: number;
      /**
       * Local date and time (`2022-01-01T12:00:00`, in `timeZone`) the periods count
       * from: weeks start on its weekday and time, months and quarters on its day of
       * the month and time. Absent: Monday 00:00, the 1st at 00:00.
       */
      readonly startTime?: string;
    };

/** How the budget is counted: by events, or by good/bad time slices (OpenSLO `Timeslices`). */
export type Budgeting =
  | { readonly method: 'occurrences' }
  | { readonly method: 'timeslices'; readonly sliceMs: number; readonly sliceTarget: number }
  /**
   * OpenSLO `RatioTimeslices`: every slice with events counts its bad share
   * (bad ÷ eligible of the slice) as bad time, whatever its traffic; slices
   * without events are good.
   */
  | { readonly method: 'ratio-timeslices'; readonly sliceMs: number };

/** Route pattern as written in the spec: `METHOD /route`, `/route`, with `*` globs. */
export type RoutePattern = string;

/** Test applied to one span attribute. */
export type AttributeMatcher =
  | { readonly op: 'equals'; readonly value: string | number | boolean }
  | { readonly op: 'notEquals'; readonly value: string | number | boolean }
  | { readonly op: 'oneOf'; readonly values: ReadonlyArray<string | number | boolean> }
  | { readonly op: 'exists'; readonly exists: boolean }
  | {
      readonly op: 'compare';
      readonly gt?: number;
      readonly gte?: number;
      readonly lt?: number;
      readonly lte?: number;
    }
  | { readonly op: 'regex'; readonly pattern: string };

/** Which spans are eligible (the SLI denominator). */
export interface SpanSelector {
  /** Span kind; default `server`. `any` matches every kind. */
  readonly kind: 'server' | 'client' | 'internal' | 'producer' | 'consumer' | 'any';
  /** Route patterns; empty means every route. */
  readonly routes: readonly RoutePattern[];
  /** RPC `service/method` patterns (`rpc.service`, `rpc.method`); `*` globs; empty means any. */
  readonly rpc: readonly string[];
  /** Attribute tests that must all hold. */
  readonly attributes: Readonly<Record<string, AttributeMatcher>>;
  /** Exclusions (probes, health checks): a span matching any of them is not eligible. */
  readonly exclude: ReadonlyArray<{
    readonly routes: readonly RoutePattern[];
    readonly attributes: Readonly<Record<string, AttributeMatcher>>;
  }>;
}

/** A span selector of a journey (`sli.trace.mustSucceed[i]`): a span selector plus the span's service. */
export interface JourneySpanSelector extends SpanSelector {
  /** The span's resource `service.name`; undefined matches every service. */
  readonly service?: string;
}

/**
 * `sli.trace` of a journey SLO: one event per trace instead of one per span
 * (docs/journeys.md).
 */
export interface TraceSli {
  /**
   * The entry span's selector (of the SLO's `service`): among the trace's spans
   * that match it, the one that started first is the entry. Undefined: the
   * trace's root span (a span without parent) is the entry.
   */
  readonly entry: SpanSelector | undefined;
  /** Spans that must not fail by the status rules (each selector names its own service). */
  readonly mustSucceed: readonly JourneySpanSelector[];
  /** How long a trace must stay without new spans, once its entry span is in, before it is decided. */
  readonly decisionWaitMs: number;
}

/** Status predicate of the `good` section. */
export interface StatusPredicate {
  /** Server 4xx responses: good by default. */
  readonly clientErrors: 'good' | 'bad';
  /** Span status ERROR: bad by default. */
  readonly spanError: 'bad' | 'ignore';
  /** Extra HTTP codes counted as bad (429, say). */
  readonly badCodes: readonly number[];
}

/** Latency predicate: a span is good when its duration is at most the threshold for its route. */
export interface LatencyPredicate {
  readonly defaultMs: number;
  readonly routes: ReadonlyArray<{ readonly route: RoutePattern; readonly thresholdMs: number }>;
}

/** Everything that must hold for an eligible span to be good. */
export interface GoodPredicates {
  readonly status?: StatusPredicate;
  readonly latency?: LatencyPredicate;
  readonly attributes: Readonly<Record<string, AttributeMatcher>>;
}

/** One multiwindow burn-rate alert tier. */
export interface AlertTier {
  readonly severity: Severity;
  readonly longWindowMs: number;
  readonly shortWindowMs: number;
  /** Burn-rate threshold both windows must reach. */
  readonly burnRate: number;
  /** Share of the budget (0–1) consumed over the long window at that burn rate. */
  readonly budgetConsumed: number;
  /**
   * How long both windows must stay at the threshold before the tier fires
   * (Prometheus `for:`, OpenSLO `alertAfter`); 0 or absent fires at once.
   */
  readonly holdMs?: number;
}

/** A validated SLO definition. */
export interface SloDefinition {
  readonly name: string;
  readonly description?: string;
  /** `service.name` of the resource; undefined matches every service. */
  readonly service?: string;
  /** Objective as a ratio (0.999). */
  readonly target: number;
  readonly window: SloWindow;
  readonly budgeting: Budgeting;
  /**
   * The SLI. A journey SLO has `trace` (one event per trace); its `spans` is
   * then the entry span's selector (a selector of every kind when the entry is
   * the root span), so that readers of `spans` still see what is eligible.
   */
  readonly sli: {
    readonly spans: SpanSelector;
    readonly good: GoodPredicates;
    readonly trace?: TraceSli;
  };
  readonly alerting: {
    readonly tiers: readonly AlertTier[];
    /** True when the tiers are the derived default set. */
    readonly defaultTiers: boolean;
    /**
     * `alerting.minEvents`: a tier fires only when its long window holds at least
     * this many eligible events. Filled by the spec validation (given or derived);
     * read it through `resolveMinEvents`.
     */
    readonly minEvents?: number;
    /**
     * `alerting.noDataAfter` in milliseconds: without eligible events for this long
     * the status is `no-data`. Filled by the spec validation (default 1 h); read it
     * through `resolveNoDataAfterMs`.
     */
    readonly noDataAfterMs?: number;
    readonly runbook?: string;
  };
  readonly labels: Readonly<Record<string, string>>;
  /**
   * `groupBy`: span attribute keys (`http.route`, `app.tier`); every distinct
   * tuple of their values gets a budget, burn rates and alert state of its own
   * (docs/groups.md). Absent: one budget for the whole SLO.
   */
  readonly groupBy?: readonly string[];
  /** `maxGroups` (with `groupBy`): distinct groups before the overflow group. @default 100 */
  readonly maxGroups?: number;
}

/** Settings of `burnrate collector` that may sit in the spec under `collector:`. */
export interface CollectorSettings {
  readonly host?: string;
  readonly httpPort?: number;
  readonly grpcPort?: number;
  readonly metricsPort?: number;
  readonly metricsHost?: string;
  readonly stateFile?: string;
  readonly snapshotIntervalMs?: number;
  readonly maxBodyBytes?: number;
  readonly maxInFlightBytes?: number;
  readonly maxGrpcMessageBytes?: number;
  readonly maxConnections?: number;
  readonly idleTimeoutMs?: number;
  readonly token?: string;
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly maxSeries?: number;
  /**
   * Notification receivers (`collector.alertmanagers`, `collector.webhooks`): a
   * URL or a list of URLs and receiver objects, as written; the collector checks
   * and reads them (docs/notifications.md).
   */
  readonly alertmanagers?: unknown;
  readonly webhooks?: unknown;
  /** `collector.alertEvaluationInterval`. */
  readonly alertEvaluationIntervalMs?: number;
  /** `collector.alertResendInterval`. */
  readonly alertResendIntervalMs?: number;
  /** `collector.maxTracesInFlight`: journey traces held at once (docs/journeys.md). */
  readonly maxTracesInFlight?: number;
  /** `collector.maxTraceBufferBytes`: bytes the journey traces in flight may hold. */
  readonly maxTraceBufferBytes?: number;
  /** `collector.maxTraceAge`: a trace is decided (or dropped without entry) this long after its first span. */
  readonly maxTraceAgeMs?: number;
}

/** Weekday codes of a recurrence rule (RFC 5545 `BYDAY`). */
export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';

/**
 * The RFC 5545 subset a recurring correction takes (`rrule:`): a frequency, the
 * days, and the local hours and minutes at which each occurrence starts.
 */
export interface Recurrence {
  readonly freq: 'DAILY' | 'WEEKLY' | 'MONTHLY';
  /** `BYDAY`: weekdays; with MONTHLY an ordinal may select one of the month (`1SA`, `-1SU`). */
  readonly byDay: ReadonlyArray<{ readonly weekday: Weekday; readonly ordinal?: number }>;
  /** `BYMONTHDAY` (MONTHLY): days of the month, 1..31 or -31..-1 from its end. */
  readonly byMonthDay: readonly number[];
  /** `BYHOUR`: local hours 0..23 at which occurrences start. */
  readonly byHour: readonly number[];
  /** `BYMINUTE`: local minutes 0..59 (default 0). */
  readonly byMinute: readonly number[];
}

/**
 * A correction (maintenance window): events received inside one of its
 * intervals are not eligible for the SLOs it names (`slos`, or every SLO).
 */
export type CorrectionDefinition = OneTimeCorrection | RecurringCorrection;

/** A correction over one interval: `start` and `end`. */
export interface OneTimeCorrection {
  readonly type: 'once';
  readonly name: string;
  /** SLO names it applies to; undefined: every SLO of the spec. */
  readonly slos?: readonly string[];
  /** Start of the interval, ms since the epoch (inclusive). */
  readonly startMs: number;
  /** End of the interval, ms since the epoch (exclusive). */
  readonly endMs: number;
}

/** A recurring correction: `rrule`, `duration` and `timeZone`. */
export interface RecurringCorrection {
  readonly type: 'recurring';
  readonly name: string;
  /** SLO names it applies to; undefined: every SLO of the spec. */
  readonly slos?: readonly string[];
  /** The rule as written in the spec, normalized (`FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0`). */
  readonly rrule: string;
  readonly recurrence: Recurrence;
  /** Length of each occurrence in milliseconds. */
  readonly durationMs: number;
  /** IANA time zone of the rule's local times. @default 'UTC' */
  readonly timeZone: string;
}

/** A whole validated spec file. */
export interface SloSpec {
  readonly slos: readonly SloDefinition[];
  readonly collector?: CollectorSettings;
  /** `corrections:`: maintenance windows, in spec order. */
  readonly corrections?: readonly CorrectionDefinition[];
  /** `composites:`: SLOs made of other SLOs' budgets (docs/composites.md). */
  readonly composites?: readonly CompositeDefinition[];
  /** `policy:`: the error budget policy; absent, `DEFAULT_POLICY` applies. */
  readonly policy?: ErrorBudgetPolicy;
}
