import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * A sampler that keeps SLOs exact under trace sampling: it asks the wrapped
 * sampler, and turns its `NOT_RECORD` into `RECORD`. Every span is then
 * recorded (so span processors, {@link SloSpanProcessor} among them, see it
 * end), while only the spans the wrapped sampler chose carry the sampled flag
 * and are exported by the batch and simple processors.
 *
 * ```ts
 * sampler: new AlwaysRecordSampler(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.01) }))
 * ```
 */
export class AlwaysRecordSampler implements Sampler {
  private readonly _delegate: Sampler;

  constructor(delegate: Sampler) {
    this._delegate = delegate;
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[]
  ): SamplingResult {
    const result = this._delegate.shouldSample(
      context,
      traceId,
      spanName,
      spanKind,
      attributes,
      links
    );
    if (result.decision !== SamplingDecision.NOT_RECORD) return result;
    return { ...result, decision: SamplingDecision.RECORD };
  }

  toString(): string {
    return `AlwaysRecordSampler{${this._delegate.toString()}}`;
  }
}
