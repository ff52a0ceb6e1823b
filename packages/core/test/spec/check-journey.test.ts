import * as assert from 'node:assert';
import { DEFAULT_DECISION_WAIT_MS, parseSpec, SpecError } from '../../src';

const ISSUE_SPEC = `
slos:
  - name: checkout-journey
    service: web
    objective: 99.5
    window: 28d
    sli:
      trace:
        entry: { routes: ["POST /checkout"] }
        mustSucceed: [ { service: payments }, { service: stock } ]
        decisionWait: 10s
      good: { status: ok, latency: 2s }
`;

function errorsOf(text: string): string[] {
  try {
    parseSpec(text);
  } catch (e) {
    if (e instanceof SpecError) return e.issues.map(i => `${i.path}: ${i.message}`);
    throw e;
  }
  assert.fail('expected a spec error');
}

function journey(trace: string, good = '{ status: ok }'): string {
  return `slos:\n  - name: j\n    objective: 99\n    window: 7d\n    sli:\n      trace: ${trace}\n      good: ${good}\n`;
}

describe('checkTrace', () => {
  it('should read the journey of the issue: entry, mustSucceed, decisionWait and good', () => {
    const [slo] = parseSpec(ISSUE_SPEC).slos;
    const trace = slo.sli.trace!;
    assert.strictEqual(slo.service, 'web');
    assert.deepStrictEqual(trace.entry?.routes, ['POST /checkout']);
    assert.strictEqual(trace.entry?.kind, 'server');
    assert.strictEqual(trace.decisionWaitMs, 10_000);
    assert.deepStrictEqual(
      trace.mustSucceed.map(m => [m.service, m.kind]),
      [
        ['payments', 'any'],
        ['stock', 'any'],
      ]
    );
    // readers of sli.spans see the entry selector
    assert.strictEqual(slo.sli.spans, trace.entry);
    assert.strictEqual(slo.sli.good.latency?.defaultMs, 2000);
  });

  it('should default to the root span as entry, no mustSucceed and a 10 s decisionWait', () => {
    const [slo] = parseSpec(journey('{}')).slos;
    assert.strictEqual(slo.sli.trace?.entry, undefined);
    assert.deepStrictEqual(slo.sli.trace?.mustSucceed, []);
    assert.strictEqual(slo.sli.trace?.decisionWaitMs, DEFAULT_DECISION_WAIT_MS);
    assert.strictEqual(slo.sli.spans.kind, 'any');
  });

  it('should keep a mustSucceed kind and selectors when given', () => {
    const [slo] = parseSpec(
      journey('{ mustSucceed: [{ service: checkout, kind: client, rpc: ["shop.Payment/*"] }] }')
    ).slos;
    const [m] = slo.sli.trace!.mustSucceed;
    assert.deepStrictEqual([m.service, m.kind, m.rpc], ['checkout', 'client', ['shop.Payment/*']]);
  });

  it('should leave per-span SLOs without trace', () => {
    const [slo] = parseSpec(
      'slos:\n  - name: a\n    objective: 99\n    window: 7d\n    sli: { spans: {}, good: { status: ok } }\n'
    ).slos;
    assert.strictEqual('trace' in slo.sli, false);
  });

  it('should refuse spans and trace together', () => {
    assert.deepStrictEqual(
      errorsOf(
        'slos:\n  - name: a\n    objective: 99\n    window: 7d\n    sli: { spans: {}, trace: {}, good: { status: ok } }\n'
      ),
      [
        'slos[0].sli.spans: give either spans (one event per span) or trace (one event per trace: a journey), not both',
      ]
    );
  });

  it('should name the path and value of every bad key', () => {
    assert.deepStrictEqual(
      errorsOf(
        journey(
          '{ entry: { kind: browser }, mustSucceed: { service: payments }, decisionWait: soon, decisonWait: 1s }'
        )
      ),
      [
        'slos[0].sli.trace.decisonWait: unknown key (did you mean "decisionWait"?); expected one of entry, mustSucceed, decisionWait',
        'slos[0].sli.trace.entry.kind: must be one of server, client, internal, producer, consumer, any, got "browser"',
        'slos[0].sli.trace.mustSucceed: must be a list of span selectors, got {"service":"payments"}',
        'slos[0].sli.trace.decisionWait: must be a duration such as 300ms, 30s, 5m, 1h, 28d or 4w, got "soon"',
      ]
    );
    assert.deepStrictEqual(
      errorsOf(journey('{ mustSucceed: [{ service: "" }, {}, { servce: x }], decisionWait: 11m }')),
      [
        'slos[0].sli.trace.mustSucceed[0].service: must be a non-empty string, got ""',
        'slos[0].sli.trace.mustSucceed[1]: needs service, kind, routes, rpc or attributes',
        'slos[0].sli.trace.mustSucceed[2].servce: unknown key (did you mean "service"?); expected one of service, kind, routes, rpc, attributes, exclude',
        'slos[0].sli.trace.decisionWait: must be at most 10m (every trace is held that long), got "11m"',
      ]
    );
  });

  it('should read the journey bounds of the collector section', () => {
    const spec = parseSpec(
      `${journey('{}')}collector: { maxTracesInFlight: 20000, maxTraceBufferBytes: 16MiB, maxTraceAge: 1m }\n`
    );
    assert.deepStrictEqual(spec.collector, {
      maxTracesInFlight: 20000,
      maxTraceBufferBytes: 16 * 1024 * 1024,
      maxTraceAgeMs: 60_000,
    });
  });
});
