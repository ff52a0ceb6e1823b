import type { SpanView } from '@burnrate/core';

/** Where decoded spans go: an `SloEngine`, or anything with its `record`. */
export interface SpanSink {
  /**
   * Records one span standing for `weight` spans (its adjusted count under
   * probability sampling, 1 when unsampled); the view is only valid during the call.
   */
  record(span: SpanView, weight?: number): number;
  /**
   * Called once per request before its spans: the engine reads its clock, so
   * that the spans of a sender whose clock lags count at the time they arrive
   * (`SloEngine.tick`).
   */
  tick?(): void;
}

/** What ingesting one export request did. */
export interface IngestResult {
  /** Why the whole request is malformed (nothing was recorded); '' when it is well formed. */
  error: string;
  /** Spans in the request. */
  spans: number;
  /** Spans handed to the engine (it may still drop them as too old or future). */
  accepted: number;
  /** Spans that cannot be used (no end time, say): the OTLP `partial_success.rejected_spans`. */
  rejected: number;
  /** Why the first rejected span was rejected, with where it sits; '' when none were. */
  rejectMessage: string;
}

/** A fresh, empty {@link IngestResult}. */
export function emptyIngestResult(): IngestResult {
  return { error: '', spans: 0, accepted: 0, rejected: 0, rejectMessage: '' };
}
