import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AttributeValue, SpanView } from '@burnrate/core';

const SERVICE_NAME = 'service.name';

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

  /** The span being classified, or undefined between spans. */
  get span(): ReadableSpan | undefined {
    return this._span;
  }

  set span(span: ReadableSpan | undefined) {
    this._span = span;
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
    const v = this._span?.resource?.attributes?.[SERVICE_NAME];
    return typeof v === 'string' ? v : undefined;
  }

  attribute(key: string): AttributeValue | undefined {
    const attributes = this._span?.attributes;
    if (attributes === undefined || attributes === null || typeof attributes !== 'object')
      return undefined;
    return attributes[key] as AttributeValue | undefined;
  }
}

/** `[seconds, nanoseconds]` → milliseconds; NaN when not a pair of finite numbers. */
export function hrTimeToMs(t: HrTime | undefined): number {
  if (t === undefined || t === null || typeof t !== 'object') return NaN;
  const s = t[0];
  const ns = t[1];
  if (typeof s !== 'number' || typeof ns !== 'number') return NaN;
  return s * 1e3 + ns / 1e6;
}
