/**
 * Issue #6, 1: what `SloSpanProcessor` adds to the OpenTelemetry SDK's own span
 * lifecycle (a real BasicTracerProvider: start, 6 attributes, end), with 1, 10
 * and 100 SLOs, against the same provider without it, in interleaved rounds.
 */
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SloSpanProcessor } from '@burnrate/otel';
import type { SloSpec } from '@burnrate/core';
import { checkoutTracer, serverSpan, specWith, type Selected } from './fixtures';
import { compare, ns, report, SMOKE, type Variant } from './harness';

/** The same SLOs, each with a latency threshold of its own (no two SLIs alike). */
function withDistinctSlis(spec: SloSpec): SloSpec {
  return {
    ...spec,
    slos: spec.slos.map((d, i) => ({
      ...d,
      sli: {
        ...d.sli,
        good: {
          ...d.sli.good,
          latency: { defaultMs: 1000 + i, routes: d.sli.good.latency?.routes ?? [] },
        },
      },
    })),
  };
}

export async function run(): Promise<void> {
  // many short interleaved rounds: the median per-round ratio resists other processes' load
  const ops = SMOKE ? 2_000 : 20_000;
  const rounds = SMOKE ? 5 : 61;
  const processors: SloSpanProcessor[] = [];
  const variants: Variant[] = [];
  const bare = checkoutTracer([]);
  variants.push({ name: 'sdk span, no processor (baseline)', fn: i => serverSpan(bare, 'one', i) });
  for (const n of [1, 10, 100]) {
    const p = new SloSpanProcessor({ spec: specWith(n) });
    processors.push(p);
    const tracer = checkoutTracer([p]);
    for (const selected of ['one', 'all'] as Selected[]) {
      if (n === 1 && selected === 'all') continue;
      const what =
        n === 1
          ? 'the SLO selects it'
          : selected === 'one'
            ? '1 SLO selects it'
            : 'every SLO selects it';
      variants.push({
        name: `+ SloSpanProcessor, ${n} SLO${n === 1 ? '' : 's'}, ${what}`,
        fn: i => serverSpan(tracer, selected, i),
      });
    }
    if (n === 10 || n === 100) {
      // specWith repeats three SLIs; n SLIs that all differ (each its own
      // latency threshold) cost n classifications on the direct path
      const distinct = new SloSpanProcessor({ spec: withDistinctSlis(specWith(n)) });
      processors.push(distinct);
      const t = checkoutTracer([distinct]);
      variants.push({
        name: `+ SloSpanProcessor, ${n} SLOs of ${n} SLIs, all select it`,
        fn: i => serverSpan(t, 'all', i),
      });
    }
  }
  const results = compare(variants, ops, rounds);
  for (const r of results) {
    const added = (r.ratio - 1) * results[0].nsPerOp;
    report(
      r.name,
      ns(r.nsPerOp),
      r === results[0] ? undefined : r.ratio,
      r === results[0] ? '' : `(+${ns(Math.max(0, added))} per span)`
    );
  }
  // issue #19's targets, each a ratio to the bare SDK span of this run
  const ratioOf = (name: string) => results.find(r => r.name.includes(name))?.ratio ?? NaN;
  const targets: Array<[string, number, number]> = [
    ['target: 10 SLOs, one selecting ≤ 1.05x', ratioOf('10 SLOs, 1 SLO selects'), 1.05],
    ['target: 10 SLOs, all selecting ≤ 1.05x', ratioOf('10 SLOs, every SLO selects'), 1.05],
    ['target: 100 SLOs of 100 SLIs, all selecting ≤ 1.10x', ratioOf('100 SLOs of 100 SLIs'), 1.1],
  ];
  for (const [name, ratio, limit] of targets)
    report(
      name,
      ratio <= limit ? 'met' : 'missed',
      ratio,
      SMOKE ? '(smoke: too few rounds to judge)' : ''
    );
  // The SDK's own cost of running any span processor (its MultiSpanProcessor
  // loop and calls), the floor under the ratios above. Measured after them:
  // another processor class makes the SDK's onEnd call site polymorphic, which
  // would slow the processor's figures if it ran first.
  const noop: SpanProcessor = {
    onStart: () => {},
    onEnd: () => {},
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const withNoop = checkoutTracer([noop]);
  const floor = compare(
    [variants[0], { name: 'noop', fn: i => serverSpan(withNoop, 'one', i) }],
    ops,
    rounds
  )[1];
  report(
    '+ a no-op SpanProcessor (reference: the SDK, not burnrate)',
    ns(floor.nsPerOp),
    floor.ratio,
    '(the floor under every ratio above)'
  );
  // every span reached the engines
  for (const p of processors)
    if (p.engine.spansSeen < ops) throw new Error('spans did not reach the processor');
  await Promise.all(processors.map(p => p.shutdown()));
}
