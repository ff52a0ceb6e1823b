import type { AttributeValue, SpanView } from '@burnrate/core';

/** What a test reads of one span through its view. */
export interface SeenSpan {
  kind: number;
  name: string;
  endTimeMs: number;
  durationMs: number;
  statusCode: number;
  serviceName: string | undefined;
  attributes: Record<string, AttributeValue | undefined>;
}

/** A sink that copies what the listed attribute keys read, span by span. */
export class RecordingSink {
  readonly spans: SeenSpan[] = [];
  /** The weight (adjusted count) each span was recorded with. */
  readonly weights: number[] = [];
  constructor(private readonly _keys: readonly string[]) {}

  record(v: SpanView, weight = 1): number {
    this.weights.push(weight);
    const attributes: Record<string, AttributeValue | undefined> = {};
    for (const k of this._keys) attributes[k] = v.attribute(k);
    this.spans.push({
      kind: v.kind,
      name: v.name,
      endTimeMs: v.endTimeMs,
      durationMs: v.durationMs,
      statusCode: v.statusCode,
      serviceName: v.serviceName,
      attributes,
    });
    return 1;
  }
}
