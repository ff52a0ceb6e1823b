import * as assert from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { parseSpec } from '@burnrate/core';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text';
import { getText } from './fixture';

/** One ungrouped SLO and one grouped by route and tier, at most 3 groups. */
const SPEC = parseSpec(`
slos:
  - name: all
    service: shop
    objective: 99
    window: 28d
    sli: { good: { status: ok } }
  - name: api
    service: shop
    objective: 99
    window: 28d
    groupBy: [http.route, app.tier]
    maxGroups: 3
    alerting: { minEvents: 0 }
    sli: { good: { status: ok } }
`);

/**
 * The spans, by (route, tier): /a gold 100 good; /b gold 45 good + 5 bad;
 * /b free 20 bad; then past the cap of 3: /c gold 8 good + 2 bad and /d (no
 * tier) 10 good, both in the overflow group (20 eligible, 2 bad).
 */
const TRAFFIC: Array<[route: string, tier: string | undefined, status: number, n: number]> = [
  ['/a', 'gold', 200, 100],
  ['/b', 'gold', 200, 45],
  ['/b', 'gold', 503, 5],
  ['/b', 'free', 500, 20],
  ['/c', 'gold', 200, 8],
  ['/c', 'gold', 500, 2],
  ['/d', undefined, 200, 10],
];

function makeSpans(nowMs: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  }).getTracer('groups');
  for (const [route, tier, status, n] of TRAFFIC) {
    for (let i = 0; i < n; i++) {
      const span = tracer.startSpan(`GET ${route}`, {
        kind: SpanKind.SERVER,
        startTime: nowMs - 2_000,
        attributes: {
          'http.request.method': 'GET',
          'http.route': route,
          'http.response.status_code': status,
          ...(tier !== undefined ? { 'app.tier': tier } : {}),
        },
      });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(nowMs - 1_000);
    }
  }
  return memory.getFinishedSpans();
}

function exportAll(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise(resolve => exporter.export(spans, resolve));
}

interface Entry {
  name: string;
  group?: Record<string, string>;
  eligible: number;
  bad: number;
  remaining: number;
  burnRates: Record<string, number>;
  firing: { page: boolean; ticket: boolean };
  status: string;
  events: { good: number; bad: number };
}

/** The entries of /api/slos as [name, group, eligible, bad]. */
function rows(slos: Entry[]): Array<[string, Record<string, string> | undefined, number, number]> {
  return slos.map(s => [s.name, s.group, s.eligible, s.bad]);
}

const EXPECTED_ROWS = [
  ['all', undefined, 190, 27],
  ['api', { 'http.route': '/a', 'app.tier': 'gold' }, 100, 0],
  ['api', { 'http.route': '/b', 'app.tier': 'gold' }, 50, 5],
  ['api', { 'http.route': '/b', 'app.tier': 'free' }, 20, 20],
  ['api', { 'http.route': '__overflow__', 'app.tier': '__overflow__' }, 20, 2],
];

describe('burnrate collector with grouped SLOs', () => {
  const now = Date.now();
  let dir: string;
  let collector: RunningCollector | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-groups-'));
  });
  afterEach(async () => {
    await collector?.close();
    collector = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (stateFile: string) =>
    startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: false,
      metricsPort: 0,
      stateFile,
      logger: silentLogger,
      clock: { now: () => now },
    });

  for (const [transport, make] of [
    [
      'OTLP/HTTP protobuf',
      (port: number) => new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces` }),
    ],
    [
      'OTLP/HTTP JSON',
      (port: number) => new JsonExporter({ url: `http://127.0.0.1:${port}/v1/traces` }),
    ],
  ] as const) {
    it(`should list one /api/slos entry per group with its values (${transport})`, async () => {
      collector = await start(join(dir, 'state.json'));
      const exporter = make(collector.httpPort!);
      const result = await exportAll(exporter, makeSpans(now));
      await exporter.shutdown();
      assert.strictEqual(result.code, ExportResultCode.SUCCESS, String(result.error));

      const api = JSON.parse(await getText(collector.httpPort!, '/api/slos')) as { slos: Entry[] };
      assert.deepStrictEqual(rows(api.slos), EXPECTED_ROWS);
      // an ungrouped SLO's entry has no group key at all
      assert.strictEqual('group' in api.slos[0], false);
      const [, a, bGold, bFree, overflow] = api.slos;
      // budget = 0.01 x eligible: /a 1 → remaining 1; /b gold 0.5 → 1 - 5/0.5 = -9;
      // /b free 0.2 → 1 - 20/0.2 = -99; overflow 0.2 → 1 - 2/0.2 = -9
      assert.strictEqual(a.remaining, 1);
      assert.ok(Math.abs(bGold.remaining - -9) < 1e-9, String(bGold.remaining));
      assert.ok(Math.abs(bFree.remaining - -99) < 1e-9, String(bFree.remaining));
      assert.ok(Math.abs(overflow.remaining - -9) < 1e-9, String(overflow.remaining));
      // burn = (bad / eligible) / 0.01: 0, 10, 100, 10 on every window — every burning group
      // pages (10 reaches the 6h/30m tier's 5.6), /a does not
      assert.deepStrictEqual(
        api.slos.slice(1).map(s => Math.round(s.burnRates['1h'] * 1e9) / 1e9),
        [0, 10, 100, 10]
      );
      assert.deepStrictEqual(
        api.slos.slice(1).map(s => s.firing.page),
        [false, true, true, true]
      );
      assert.deepStrictEqual(
        api.slos.slice(1).map(s => s.events),
        [
          { good: 100, bad: 0 },
          { good: 45, bad: 5 },
          { good: 0, bad: 20 },
          { good: 18, bad: 2 },
        ]
      );

      const metrics = parsePrometheusText(await getText(collector.metricsPort!, '/metrics'));
      const remaining = (labels: Record<string, string>) =>
        sampleValue(metrics, 'slo_error_budget_remaining', { slo_name: 'api', ...labels });
      assert.ok(Math.abs(remaining({ http_route: '/b', app_tier: 'free' }) - -99) < 1e-9);
      assert.ok(
        Math.abs(remaining({ http_route: '__overflow__', app_tier: '__overflow__' }) - -9) < 1e-9
      );
      assert.strictEqual(
        sampleValue(metrics, 'slo_events_total', {
          slo_name: 'api',
          http_route: '/b',
          app_tier: 'gold',
          slo_outcome: 'bad',
        }),
        5
      );
    });
  }

  it('should keep every group across a restart (state file)', async () => {
    const file = join(dir, 'state.json');
    collector = await start(file);
    const exporter = new ProtoExporter({ url: `http://127.0.0.1:${collector.httpPort}/v1/traces` });
    assert.strictEqual((await exportAll(exporter, makeSpans(now))).code, ExportResultCode.SUCCESS);
    await exporter.shutdown();
    await collector.close();
    collector = undefined;
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepStrictEqual(
      saved.engine.groups.api.groups.map((g: { values: string[] }) => g.values),
      [
        ['/a', 'gold'],
        ['/b', 'gold'],
        ['/b', 'free'],
        ['__overflow__', '__overflow__'],
      ]
    );

    collector = await start(file);
    const api = JSON.parse(await getText(collector.httpPort!, '/api/slos')) as { slos: Entry[] };
    assert.deepStrictEqual(rows(api.slos), EXPECTED_ROWS);
    // the windows come back, the slo.events counters start again from zero
    for (const s of api.slos) assert.deepStrictEqual(s.events, { good: 0, bad: 0 });
    assert.deepStrictEqual(
      api.slos.map(s => s.status),
      ['exhausted', 'healthy', 'exhausted', 'exhausted', 'exhausted']
    );
  });
});
