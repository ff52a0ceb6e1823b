import * as assert from 'node:assert';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  silentLogger,
  slosResponse,
  startCollector,
  type RunningCollector,
} from '@burnrate/collector';
import { parsePrometheusText, promtoolCheckMetrics, sampleValue } from '../helpers/prom-text';
import { getText, makeFixture, send, sloLines, SPEC } from './fixture';

function exportAll(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise(resolve => exporter.export(spans, resolve));
}

describe('burnrate collector end to end', () => {
  const now = Date.now();
  const fixture = makeFixture(now);
  const exporters: Array<[string, (c: RunningCollector) => SpanExporter]> = [
    [
      'OTLP/HTTP protobuf',
      c => new ProtoExporter({ url: `http://127.0.0.1:${c.httpPort}/v1/traces` }),
    ],
    ['OTLP/HTTP JSON', c => new JsonExporter({ url: `http://127.0.0.1:${c.httpPort}/v1/traces` })],
    ['OTLP/gRPC', c => new GrpcExporter({ url: `http://127.0.0.1:${c.grpcPort}` })],
  ];

  for (const [transport, makeExporter] of exporters) {
    describe(transport, () => {
      let collector: RunningCollector;
      before(async () => {
        // the reference processor's clock: both count every span at `now` (the time rule)
        collector = await startCollector({
          spec: SPEC,
          httpPort: 0,
          grpcPort: 0,
          metricsPort: 0,
          logger: silentLogger,
          clock: { now: () => now },
        });
      });
      after(() => collector.close());

      it('should compute the same /metrics and /api/slos as SloSpanProcessor for the same spans', async () => {
        const exporter = makeExporter(collector);
        const result = await exportAll(exporter, fixture.spans);
        await exporter.shutdown();
        assert.strictEqual(result.code, ExportResultCode.SUCCESS, String(result.error));

        const metricsText = await getText(collector.metricsPort!, '/metrics');
        const expected = sloLines(await fixture.referenceMetrics());
        assert.ok(expected.length > 20, 'the reference has SLO series');
        assert.deepStrictEqual(sloLines(metricsText), expected);

        const api = JSON.parse(await getText(collector.httpPort!, '/api/slos'));
        const engine = fixture.processor.engine;
        const t = now;
        const explanations = engine.states.map(s => engine.explain(s.slo.name, t)!);
        const reference = JSON.parse(
          JSON.stringify(slosResponse(engine.snapshot(t), t, explanations))
        );
        const offenders = api.slos.map((s: { offenders: unknown[] }) => s.offenders.length);
        assert.ok(
          offenders.some((n: number) => n > 0),
          `offenders: ${offenders}`
        );
        assert.deepStrictEqual(api.slos, reference.slos);
        const eligible = api.slos.map((s: { eligible: number }) => s.eligible);
        assert.ok(
          eligible.every((n: number) => n > 0),
          `every SLO saw spans: ${eligible}`
        );

        const samples = parsePrometheusText(metricsText);
        assert.strictEqual(
          sampleValue(samples, 'burnrate_collector_spans_received_total', {}),
          fixture.spans.length
        );
        assert.strictEqual(
          sampleValue(samples, 'burnrate_collector_spans_accepted_total', {}),
          fixture.spans.length
        );
        assert.strictEqual(sampleValue(samples, 'burnrate_collector_spans_rejected_total', {}), 0);
        const code = transport === 'OTLP/gRPC' ? 'OK' : '200';
        assert.ok(
          sampleValue(samples, 'burnrate_collector_requests_total', {
            burnrate_response_code: code,
          }) >= 1
        );
        const check = promtoolCheckMetrics(metricsText);
        assert.strictEqual(check.status, 0, check.output);
      });
    });
  }

  describe('GET /api/slos/NAME/explain', () => {
    it('should explain a known SLO, 404 an unknown or malformed name, 405 other methods, and change nothing', async () => {
      const c = await startCollector({
        spec: SPEC,
        httpPort: 0,
        grpcPort: false,
        metricsPort: false,
        logger: silentLogger,
      });
      try {
        const name = c.engine.spec.slos[0].name;
        const e = JSON.parse(await getText(c.httpPort!, `/api/slos/${name}/explain`));
        assert.strictEqual(e.slo, name);
        assert.deepStrictEqual([e.top, e.traceIds, e.bad], [[], [], 0]);
        assert.strictEqual(typeof e.text, 'string');
        const before = JSON.stringify(c.engine.exportState(0).slos);
        for (const [method, path, status] of [
          ['GET', '/api/slos/nope/explain', 404],
          ['GET', '/api/slos/%E0%A4%A/explain', 404],
          ['GET', '/api/slos//explain', 404],
          ['GET', `/api/slos/${name}/../${name}/explain`, 404],
          ['POST', `/api/slos/${name}/explain`, 405],
          ['DELETE', `/api/slos/${name}/explain`, 405],
        ] as const) {
          const a = await send(c.httpPort!, method, path, method === 'POST' ? '{}' : undefined);
          assert.strictEqual(a.status, status, `${method} ${path}: ${a.body}`);
          if (status === 404) assert.match(a.body.toString(), /^\{"error":"no SLO explanation at /);
        }
        assert.strictEqual(JSON.stringify(c.engine.exportState(0).slos), before);
      } finally {
        await c.close();
      }
    });
  });

  describe('health', () => {
    it('should answer /healthz and /readyz, and 404 elsewhere', async () => {
      const c = await startCollector({
        spec: SPEC,
        httpPort: 0,
        grpcPort: false,
        metricsPort: false,
        logger: silentLogger,
      });
      try {
        assert.strictEqual(await getText(c.httpPort!, '/healthz'), 'ok\n');
        assert.strictEqual(await getText(c.httpPort!, '/readyz'), 'ready\n');
        assert.strictEqual(c.grpcPort, undefined);
        assert.strictEqual(c.metricsPort, undefined);
        const api = JSON.parse(await getText(c.httpPort!, '/api/slos'));
        assert.deepStrictEqual(
          api.slos.map(
            (s: { name: string; remaining: number; timeToExhaustionSeconds: unknown }) => [
              s.name,
              s.remaining,
              s.timeToExhaustionSeconds,
            ]
          ),
          SPEC.slos.map(s => [s.name, 1, null])
        );
      } finally {
        await c.close();
      }
    });
  });
});
