import { context, SpanKind, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { SpanView } from '@burnrate/core';

/** What a journey reads of a span's ids: trace id, span id, parent presence. */
export type Ids = [traceId: string | undefined, spanId: string | undefined, hasParent: boolean];

/** A sink keeping the ids of every span, as the view gives them. */
export class IdSink {
  readonly ids: Ids[] = [];
  record(v: SpanView): number {
    this.ids.push([v.traceId, v.spanId, v.hasParent === true]);
    return 1;
  }
}

/**
 * SDK spans of two traces, interleaved A, A, B, A (a root and children), and
 * the ids each should read as.
 */
export function interleavedTraces(): { spans: ReadableSpan[]; expected: Ids[] } {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'web' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  }).getTracer('ids');
  const a = tracer.startSpan('a', { kind: SpanKind.SERVER });
  const b = tracer.startSpan('b', { kind: SpanKind.SERVER });
  tracer.startSpan('a1', {}, trace.setSpan(context.active(), a)).end();
  tracer.startSpan('a2', {}, trace.setSpan(context.active(), a)).end();
  tracer.startSpan('b1', {}, trace.setSpan(context.active(), b)).end();
  a.end();
  b.end();
  const spans = memory.getFinishedSpans().slice();
  const expected = spans.map((s): Ids => [
    s.spanContext().traceId,
    s.spanContext().spanId,
    s.parentSpanContext !== undefined,
  ]);
  return { spans, expected };
}
