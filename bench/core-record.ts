/**
 * Classify + record: what one span costs the engine with 1, 10 and 100 SLOs,
 * against the OpenTelemetry SDK's own span lifecycle (start, 6 attributes, end)
 * measured in the same run.
 */
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { SloEngine, type AttributeValue, type SpanView } from '@burnrate/core';
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
}
