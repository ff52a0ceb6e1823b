import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { parseSpec } from '@burnrate/core';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text';
import { getText } from './fixture';

const BIN = resolve(__dirname, '../../../packages/cli/bin/burnrate.js');

const SPEC = parseSpec(`
slos:
  - name: checkout-availability
    service: checkout
    objective: 99
    window: 1d
    sli:
      good:
        status: ok
        latency: { default: 300ms }
`);

/** Runs the real CLI binary (asynchronously: the collector answers from this process). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', c => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', c => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', fail);
    child.on('exit', code => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/**
 * One release of checkout: a provider with its `service.version`, exporting
 * through a real OTLP exporter. Sends 40 POST /api/orders and 40 GET
 * /api/search; `failing` makes every 4th order a 503 (span ERROR) and every 5th
 * search take 900 ms. Returns the trace ids of the spans it made bad, in order.
 */
async function release(
  version: string,
  exporter: SpanExporter,
  failing: boolean
): Promise<{ orders: string[]; search: string[] }> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': version }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 1000 })],
  });
  const tracer = provider.getTracer('e2e');
  const bad = { orders: [] as string[], search: [] as string[] };
  for (let i = 0; i < 40; i++) {
    const now = Date.now();
    const fail = failing && i % 4 === 3;
    const order = tracer.startSpan('POST /api/orders', {
      kind: SpanKind.SERVER,
      startTime: now - 20,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/api/orders',
        'http.response.status_code': fail ? 503 : 201,
      },
    });
    if (fail) {
      order.setStatus({ code: SpanStatusCode.ERROR });
      bad.orders.push(order.spanContext().traceId);
    }
    order.end(now);
    const slow = failing && i % 5 === 4;
    const search = tracer.startSpan('GET /api/search', {
      kind: SpanKind.SERVER,
      startTime: now - (slow ? 900 : 50),
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/api/search',
        'http.response.status_code': 200,
      },
    });
    if (slow) bad.search.push(search.spanContext().traceId);
    search.end(now);
  }
  await provider.forceFlush();
  await provider.shutdown();
  return bad;
}

describe('explain end to end: real OTLP exporters, the collector, the CLI', function () {
  this.timeout(120_000);
  let collector: RunningCollector;
  before(async () => {
    collector = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: false,
      metricsPort: 0,
      logger: silentLogger,
    });
  });
  after(() => collector.close());

  it('should name the failing route and the slow route of the new version, with exact shares and trace ids really sent as bad', async () => {
    const url = `http://127.0.0.1:${collector.httpPort}/v1/traces`;
    // a clean 1.0.0 over OTLP/HTTP protobuf, then 2.0.0 failing over OTLP/HTTP JSON
    const clean = await release('1.0.0', new ProtoExporter({ url }), false);
    assert.deepStrictEqual(clean, { orders: [], search: [] });
    const bad = await release('2.0.0', new JsonExporter({ url }), true);
    assert.deepStrictEqual([bad.orders.length, bad.search.length], [10, 8]);

    const base = `http://127.0.0.1:${collector.httpPort}`;
    const json = await cli(['explain', 'checkout-availability', '--url', base, '--json']);
    assert.strictEqual(json.code, 0, json.stderr);
    const e = JSON.parse(json.stdout);
    assert.strictEqual(e.slo, 'checkout-availability');
    assert.strictEqual(e.bad, 18);
    assert.strictEqual(e.eligible, 160);
    assert.deepStrictEqual(
      e.top.map((o: Record<string, unknown>) => [
        o.route,
        o.code,
        o.reason,
        o.version,
        o.bad,
        o.share,
      ]),
      [
        // the CLI prints numbers to 10 significant digits
        ['POST /api/orders', 503, 'status', '2.0.0', 10, Number((10 / 18).toPrecision(10))],
        ['GET /api/search', 200, 'latency', '2.0.0', 8, Number((8 / 18).toPrecision(10))],
      ]
    );
    assert.deepStrictEqual(e.top[0].traceIds, bad.orders.slice(-3).reverse());
    assert.deepStrictEqual(e.top[1].traceIds, bad.search.slice(-3).reverse());
    const sentBad = new Set([...bad.orders, ...bad.search]);
    assert.strictEqual(e.traceIds.length, 5);
    for (const id of e.traceIds) assert.ok(sentBad.has(id), `${id} was sent as bad`);
    // the latest bad spans, newest first: the last batch held them in this order
    const order: string[] = [];
    for (let i = 0; i < 40; i++) {
      if (i % 4 === 3) order.push(bad.orders[(i - 3) / 4]);
      if (i % 5 === 4) order.push(bad.search[(i - 4) / 5]);
    }
    assert.deepStrictEqual(e.traceIds, order.slice(-5).reverse());
    assert.strictEqual(e.deploy?.version, '2.0.0');
    assert.strictEqual(e.deploy.share, 1);
    assert.deepStrictEqual(
      e.versions.map((v: Record<string, unknown>) => [v.version, v.eligible, v.bad]),
      [
        ['2.0.0', 80, 18],
        ['1.0.0', 80, 0],
      ]
    );

    const text = await cli(['explain', 'checkout-availability', '--url', base]);
    assert.strictEqual(text.code, 0, text.stderr);
    assert.ok(
      text.stdout.includes('1. 55.6% (10) 503 on POST /api/orders (status, version 2.0.0)'),
      text.stdout
    );
    assert.ok(
      text.stdout.includes('2. 44.4% (8) 200 on GET /api/search (latency, version 2.0.0)'),
      text.stdout
    );
    assert.ok(text.stdout.includes('Version 2.0.0 holds 100% of the bad events'), text.stdout);
    assert.ok(text.stdout.includes(e.traceIds[0]), text.stdout);

    const status = await cli(['status', '--url', `${base}/api/slos`]);
    assert.strictEqual(status.code, 0, status.stderr);
    assert.match(status.stdout, /503 POST \/api\/orders \(status, 2\.0\.0\) 56%/);

    // the counters say the same as explain
    const samples = parsePrometheusText(await getText(collector.metricsPort!, '/metrics'));
    const badOf = (labels: Record<string, string>) =>
      sampleValue(samples, 'slo_bad_events_total', {
        slo_name: 'checkout-availability',
        http_request_method: labels.method,
        http_route: labels.route,
        http_response_status_code: labels.code,
        slo_failure_reason: labels.reason,
        service_version: '2.0.0',
      });
    assert.strictEqual(
      badOf({ method: 'POST', route: '/api/orders', code: '503', reason: 'status' }),
      10
    );
    assert.strictEqual(
      badOf({ method: 'GET', route: '/api/search', code: '200', reason: 'latency' }),
      8
    );
    assert.strictEqual(
      sampleValue(samples, 'slo_eligible_events_total', {
        slo_name: 'checkout-availability',
        http_request_method: 'POST',
        http_route: '/api/orders',
        service_version: '1.0.0',
      }),
      40
    );
  });
});
