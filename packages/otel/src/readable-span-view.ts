import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { internString, type AttributeValue, type SpanView } from '@burnrate/core';

const SERVICE_NAME = 'service.name';
const SERVICE_VERSION = 'service.version';
const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
const ATTR_HTTP_ROUTE = 'http.route';
const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

/**
 * The {@link SpanView} of an SDK `ReadableSpan`: one object, reused for every
 * span, pointing at the current one. Times are converted from `HrTime`
 * (`[seconds, nanoseconds]`) to milliseconds without allocating, and nothing
 * is copied. Every getter tolerates a malformed span: a missing or wrongly
 * typed field reads as `NaN` or `undefined`, which the engine counts as an
 * invalid (dropped) event instead of throwing.
 */
export class ReadableSpanView implements SpanView {
  private _span: ReadableSpan | undefined = undefined;
  // Converted once per span into double fields, updated in place (no boxing per read).
  private _endTimeMs = NaN;
  private _durationMs = NaN;
  // The last resource attributes object and its service name: every span of a
  // provider shares one resource, whose attributes object is memoized once its
  // (async) attributes settled; a new object is looked up again.
  private _resourceAttributes: object | undefined = undefined;
  private _serviceName: string | undefined = undefined;
  private _serviceVersion: string | undefined = undefined;
  // The last other attribute read of the current span: SLOs testing one
  // attribute read it once per span.
  private _lastKey: string | undefined = undefined;
  private _lastValue: AttributeValue | undefined = undefined;

  /** The span being classified, or undefined between spans. */
  get span(): ReadableSpan | undefined {
    return this._span;
  }

  set span(span: ReadableSpan | undefined) {
    this._span = span;
    this._lastKey = undefined;
    this._lastValue = undefined;
    if (span === undefined || span === null) {
      this._endTimeMs = NaN;
      this._durationMs = NaN;
    } else {
      // hrTimeToMs inlined by hand: V8 does not inline it here, and a double
      // returned from a call is boxed (two heap numbers, 32 B per span).
      const end = span.endTime;
      const duration = span.duration;
      this._endTimeMs =
        Array.isArray(end) && typeof end[0] === 'number' && typeof end[1] === 'number'
          ? end[0] * 1e3 + end[1] / 1e6
          : NaN;
      this._durationMs =
        Array.isArray(duration) &&
        typeof duration[0] === 'number' &&
        typeof duration[1] === 'number'
          ? duration[0] * 1e3 + duration[1] / 1e6
          : NaN;
    }
  }

  get kind(): number {
    const k = this._span?.kind;
    return typeof k === 'number' ? k : -1;
  }

  get name(): string {
    const n = this._span?.name;
    return typeof n === 'string' ? n : '';
  }

  get endTimeMs(): number {
    return this._endTimeMs;
  }

  get durationMs(): number {
    return this._durationMs;
  }

  get statusCode(): number {
    const code = this._span?.status?.code;
    return typeof code === 'number' ? code : 0;
  }

  get serviceName(): string | undefined {
    const attributes = this._span?.resource?.attributes;
    if (attributes === undefined || attributes === null) return undefined;
    if (attributes === this._resourceAttributes) return this._serviceName;
    this._readResource(attributes);
    return this._serviceName;
  }

  /** The resource's `service.version`, cached with the service name per resource attributes object. */
  get serviceVersion(): string | undefined {
    const attributes = this._span?.resource?.attributes;
    if (attributes === undefined || attributes === null) return undefined;
    if (attributes !== this._resourceAttributes) this._readResource(attributes);
    return this._serviceVersion;
  }

  /** The span's trace id (read for bad events only). */
  get traceId(): string | undefined {
    const id = this._span?.spanContext?.()?.traceId;
    return typeof id === 'string' ? id : undefined;
  }

  /**
   * Whether the span has a parent (local or remote): journey SLOs take a span
   * without one as the trace's root.
   */
  get hasParent(): boolean {
    const p = (this._span as { parentSpanContext?: { spanId?: unknown } } | undefined)
      ?.parentSpanContext;
    return p !== undefined && p !== null && typeof p.spanId === 'string' && p.spanId.length > 0;
  }

  /** The span's id (read for bad events only). */
  get spanId(): string | undefined {
    const id = this._span?.spanContext?.()?.spanId;
    return typeof id === 'string' ? id : undefined;
  }

  private _readResource(attributes: Record<string, unknown>): void {
    const v = attributes[SERVICE_NAME];
    const version = attributes[SERVICE_VERSION];
    this._resourceAttributes = attributes;
    // internalized, as the engine's SLO service names are: compared by pointer
    this._serviceName = typeof v === 'string' ? internString(v) : undefined;
    this._serviceVersion = typeof version === 'string' ? internString(version) : undefined;
  }

  attribute(key: string): AttributeValue | undefined {
    const a = this._span?.attributes;
    if (a === undefined || a === null || typeof a !== 'object') return undefined;
    // The keys the engine reads on every HTTP span as literal (named) loads,
    // which V8 caches by the attributes object's shape; a keyed load site that
    // sees many keys goes megamorphic. Any other key is a keyed lookup.
    switch (key) {
      case ATTR_HTTP_REQUEST_METHOD:
        return a['http.request.method'];
      case ATTR_HTTP_ROUTE:
        return a['http.route'];
      case ATTR_HTTP_RESPONSE_STATUS_CODE:
        return a['http.response.status_code'];
      default:
        if (key !== this._lastKey) {
          // own keys only: `constructor` or `toString` must not read Object.prototype
          this._lastValue = Object.hasOwn(a, key) ? (a[key] as AttributeValue) : undefined;
          this._lastKey = key;
        }
        return this._lastValue;
    }
  }
}
