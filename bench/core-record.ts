/**
 * Classify + record: what one span costs the engine with 1, 10 and 100 SLOs,
 * against the OpenTelemetry SDK's own span lifecycle (start, 6 attributes, end)
 * measured in the same run.
 */
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { parseSpec, SloEngine, type AttributeValue, type SpanView } from '@burnrate/core';
import { specWith } from './fixtures';
import { allocatedBytesPerOp, ns, report, SMOKE, time } from './harness';

class View implements SpanView {
  kind = 1;
  name = 'GET /api/orders/:id';
  endTimeMs = Date.now();
  durationMs = 12;
  statusCode = 0;
  serviceName = 'checkout';
  attrs: Record<string, AttributeValue> = {
    'http.request.method': 'GET',
    'http.route': '/api/orders/:id',
    'http.response.status_code': 200,
    'url.path': '/api/orders/42',
    'server.address': 'localhost',
    'app.payload.valid': true,
  };
  attribute(key: string) {
    return this.attrs[key];
  }
}

export async function run(): Promise<void> {
  const ops = SMOKE ? 20_000 : 1_000_000;
  const provider = new BasicTracerProvider();
  const tracer = provider.getTracer('bench');
  const sdk = time(
    () => {
      const span = tracer.startSpan('GET /api/orders/:id', { kind: 1 });
      span.setAttribute('http.request.method', 'GET');
      span.setAttribute('http.route', '/api/orders/:id');
      span.setAttribute('http.response.status_code', 200);
      span.setAttribute('url.path', '/api/orders/42');
      span.setAttribute('server.address', 'localhost');
      span.setAttribute('app.payload.valid', true);
      span.end();
    },
    SMOKE ? 5_000 : 200_000
  );
  report('sdk span start + 6 attributes + end (baseline)', ns(sdk.nsPerOp));
  const view = new View();
  for (const n of [1, 10, 100]) {
    const engine = new SloEngine({ spec: specWith(n) });
    // spans end 0.1 µs apart, starting now: no clock read in the loop
    const t0 = Date.now();
    const t = time(i => {
      view.endTimeMs = t0 + i * 0.0001;
      engine.record(view);
    }, ops);
    report(
      `engine.record, ${n} SLO${n === 1 ? '' : 's'}`,
      ns(t.nsPerOp),
      (sdk.nsPerOp + t.nsPerOp) / sdk.nsPerOp,
      '(sdk + record) / sdk'
    );
    if (n === 10) {
      const a = await allocatedBytesPerOp(() => engine.record(view), SMOKE ? 50_000 : 1_000_000);
      report(
        'engine.record allocation, 10 SLOs',
        `${a.bytesPerOp.toFixed(3)} B/span`,
        undefined,
        `over ${a.ops} spans, ${a.gcs} GCs`
      );
      const state = engine.states[0];
      report(
        'state of one SLO (default windows, 28 d)',
        `${(state.byteSize / 1024).toFixed(1)} KiB`
      );
    }
  }
  ledgerCost(sdk.nsPerOp, ops);
}

/**
 * The attribution ledger's cost per span: engine.record with and without the
 * ledgers (10 SLOs selecting every span of the service, 5 of them with a
 * latency predicate), in alternating rounds, medians; once
 * with one key (every span alike), once with 16 keys (8 routes × 2 versions,
 * 1 % bad spans with trace ids) so that the last-key cache misses.
 */
function ledgerCost(sdkNs: number, ops: number): void {
  const routes = ['/a', '/b', '/c', '/d', '/e', '/f', '/g', '/h'];
  const views = Array.from({ length: 16 }, (_, k) => {
    const v = new View();
    v.attrs = { ...v.attrs, 'http.route': routes[k % 8] };
    return Object.assign(v, {
      serviceVersion: k < 8 ? '1.0.0' : '1.1.0',
      traceId: k.toString(16).padStart(32, '0'),
      spanId: k.toString(16).padStart(16, '0'),
    });
  });
  const bad = new View();
  bad.attrs = { ...bad.attrs, 'http.response.status_code': 503 };
  Object.assign(bad, { serviceVersion: '1.1.0', traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) });
  // 10 SLOs of checkout without route selectors: every span counts for each
  const everyRoute = parseSpec(
    `slos:\n${Array.from(
      { length: 10 },
      (_, i) =>
        `  - { name: all-${i}, service: checkout, objective: 99.9, window: 28d, sli: { good: ${
          i % 2 === 0 ? '{ status: ok }' : '{ status: ok, latency: 300ms }'
        } } }`
    ).join('\n')}\n`
  );
  const rounds = SMOKE ? 1 : 3;
  const n = SMOKE ? ops : ops / 4;
  for (const [label, pick] of [
    ['1 key', (_i: number) => views[0]],
    ['16 keys, 1 % bad', (i: number) => (i % 100 === 99 ? bad : views[i & 15])],
  ] as const) {
    const on = new SloEngine({ spec: everyRoute });
    const off = new SloEngine({ spec: everyRoute, attribution: false });
    const with_: number[] = [];
    const without: number[] = [];
    const t0 = Date.now();
    for (let r = 0; r < rounds; r++) {
      for (const [engine, out] of [
        [off, without],
        [on, with_],
      ] as const) {
        const t = time(i => {
          const v = pick(i);
          v.endTimeMs = t0 + (r * n + i) * 0.0001;
          engine.record(v);
        }, n);
        out.push(t.nsPerOp);
      }
    }
    const cost = median(with_) - median(without);
    if (label !== '1 key') {
      const ledger = on.states[0].attribution;
      report(
        `attribution ledger of one SLO, ${ledger.keys} keys`,
        `${(ledger.byteSize / 1024).toFixed(1)} KiB`
      );
      // fill it to the default cap: the most it ever holds
      for (let k = 0; ledger.keys < ledger.maxKeys; k++) {
        bad.attrs['http.route'] = `/filler/${k}`;
        on.record(bad);
      }
      report(
        `attribution ledger of one SLO at the cap (${ledger.maxKeys} keys)`,
        `${(ledger.byteSize / 1024).toFixed(1)} KiB`,
        undefined,
        '8 windows x 60 buckets per key; fixed past the cap'
      );
    }
    report(
      `attribution ledger, 10 SLOs (${label})`,
      ns(cost),
      (sdkNs + cost) / sdkNs,
      `(sdk + ledger) / sdk; record ${ns(median(with_))} with, ${ns(median(without))} without`
    );
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
