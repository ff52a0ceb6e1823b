import * as assert from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { parseSpec } from '@burnrate/core';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text';
import { getText } from './fixture';

const MIN = 60_000;
/** A whole day: the 1-day window's 288-second buckets start here. */
const T = Date.UTC(2026, 5, 1);

const SLOS = `
slos:
  - name: api
    service: shop
    objective: 99
    window: 1d
    alerting: { minEvents: 0 }
    sli: { good: { status: ok } }
  - name: other
    service: shop
    objective: 99
    window: 1d
    sli: { good: { status: ok } }
`;

/** 8 good and 2 bad server spans ending a second before `nowMs`. */
function batch(nowMs: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  }).getTracer('corrections');
  for (let i = 0; i < 10; i++) {
    const span = tracer.startSpan('GET /a', {
      kind: SpanKind.SERVER,
      startTime: nowMs - 2_000,
      attributes: { 'http.request.method': 'GET', 'http.route': '/a' },
    });
    span.setAttribute('http.response.status_code', i < 2 ? 503 : 200);
    if (i < 2) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(nowMs - 1_000);
  }
  return memory.getFinishedSpans();
}

interface Entry {
  name: string;
  eligible: number;
  bad: number;
  events: { good: number; bad: number };
  corrections?: Array<{ name: string; start: string; end: string }>;
}

describe('burnrate collector with corrections', () => {
  let dir: string;
  let collector: RunningCollector | undefined;
  const clock = { t: T, now: () => clock.t };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-corrections-'));
    clock.t = T;
  });
  afterEach(async () => {
    await collector?.close();
    collector = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (corrections: string) =>
    startCollector({
      spec: parseSpec(`${SLOS}${corrections}`),
      httpPort: 0,
      grpcPort: false,
      metricsPort: 0,
      stateFile: join(dir, 'state.json'),
      logger: silentLogger,
      clock,
    });

  const send = async (atMs: number): Promise<void> => {
    clock.t = atMs;
    const exporter = new OTLPTraceExporter({
      url: `http://127.0.0.1:${collector!.httpPort}/v1/traces`,
    });
    const result = await new Promise<ExportResult>(resolve =>
      exporter.export(batch(atMs), resolve)
    );
    await exporter.shutdown();
    assert.strictEqual(result.code, ExportResultCode.SUCCESS, String(result.error));
  };

  const api = async (): Promise<Entry[]> =>
    (JSON.parse(await getText(collector!.httpPort!, '/api/slos')) as { slos: Entry[] }).slos;

  it('should not count spans received during a correction for the SLOs it names', async () => {
    collector = await start(`corrections:
  - name: migration
    start: "2026-06-01T00:10:00Z"
    end: "2026-06-01T00:20:00Z"
    slos: [api]
`);
    await send(T + 5 * MIN);
    await send(T + 15 * MIN); // inside: left out for api, counted for other
    await send(T + 25 * MIN);
    const [a, o] = await api();
    assert.deepStrictEqual([a.eligible, a.bad, a.events], [20, 4, { good: 16, bad: 4 }]);
    assert.deepStrictEqual([o.eligible, o.bad, o.events], [30, 6, { good: 24, bad: 6 }]);
    assert.deepStrictEqual(a.corrections, [
      { name: 'migration', start: '2026-06-01T00:10:00.000Z', end: '2026-06-01T00:20:00.000Z' },
    ]);
    assert.strictEqual('corrections' in o, false);
    const metrics = parsePrometheusText(await getText(collector.metricsPort!, '/metrics'));
    const events = (slo: string, outcome: string) =>
      sampleValue(metrics, 'slo_events_total', { slo_name: slo, slo_outcome: outcome });
    assert.deepStrictEqual(
      [events('api', 'good'), events('api', 'bad'), events('other', 'bad')],
      [16, 4, 6]
    );
  });

  it('should take a correction added after the fact out of the restored window at restart', async () => {
    collector = await start('');
    await send(T + 1_000); // in the window's first 288 s bucket
    await send(T + 30 * MIN);
    assert.deepStrictEqual(
      (await api()).map(s => s.eligible),
      [20, 20]
    );
    await collector.close();
    collector = undefined;
    // a vendor outage over the first bucket, declared after the fact
    collector = await start(`corrections:
  - name: vendor-outage
    start: "2026-06-01T00:00:00Z"
    end: "2026-06-01T00:04:48Z"
    slos: [api]
`);
    const [a, o] = await api();
    assert.deepStrictEqual([a.eligible, a.bad, o.eligible], [10, 2, 20]);
    assert.deepStrictEqual(a.corrections, [
      { name: 'vendor-outage', start: '2026-06-01T00:00:00.000Z', end: '2026-06-01T00:04:48.000Z' },
    ]);
    // restarted again with the same spec: taken out once, not twice
    await collector.close();
    collector = await start(`corrections:
  - name: vendor-outage
    start: "2026-06-01T00:00:00Z"
    end: "2026-06-01T00:04:48Z"
    slos: [api]
`);
    assert.deepStrictEqual(
      (await api()).map(s => s.eligible),
      [10, 20]
    );
  });
});
