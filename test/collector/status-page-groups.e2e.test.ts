/// <reference lib="dom" />
import * as assert from 'node:assert';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { parseSpec } from '@burnrate/core';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from '../helpers/browser';
import { send } from './fixture';

const SPEC = parseSpec(`
slos:
  - name: api
    service: shop
    objective: 99
    window: 1h
    groupBy: [http.route]
    sli: { good: { status: ok } }
`);

/** Spans by route: [route, eligible, bad]. */
const TRAFFIC: Array<[string, number, number]> = [
  ['/a', 100, 0],
  ['/b/:id', 50, 5],
  ['/c', 200, 1],
];

function otlp(endMs: number): Buffer {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  }).getTracer('status-page-groups');
  for (const [route, n, bad] of TRAFFIC)
    for (let i = 0; i < n; i++) {
      const span = tracer.startSpan(`GET ${route}`, {
        kind: SpanKind.SERVER,
        startTime: endMs - 10,
        attributes: {
          'http.request.method': 'GET',
          'http.route': route,
          'http.response.status_code': i < bad ? 500 : 200,
        },
      });
      if (i < bad) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(endMs);
    }
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

describe('status page in Chromium (grouped SLOs)', function () {
  this.timeout(180_000);
  let collector: RunningCollector;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const nowMs = Date.now();

  before(async () => {
    collector = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: false,
      metricsPort: false,
      logger: silentLogger,
      clock: { now: () => nowMs },
    });
    const a = await send(collector.httpPort!, 'POST', '/v1/traces', otlp(nowMs - 1000), {
      'content-type': 'application/x-protobuf',
    });
    assert.strictEqual(a.status, 200);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', m => {
      if (m.type() === 'error' || m.type() === 'warn') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', e => errors.push(`pageerror: ${(e as Error).message}`));
    page.on('requestfailed', r => errors.push(`request failed: ${r.url()}`));
  });

  after(async () => {
    await browser?.close();
    await collector?.close();
  });

  it('should list each group with its own budget and open its charts', async () => {
    await page.goto(`http://127.0.0.1:${collector.httpPort}/?poll=500`, { waitUntil: 'load' });
    await page.waitForFunction(() => Number(document.body.getAttribute('data-polls') ?? 0) >= 1, {
      timeout: 30_000,
    });
    const rows = await page.$$eval('#slos tbody tr', trs =>
      trs.map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent ?? ''))
    );
    // by hand, 1 - bad / (0.01 x eligible): /b/:id 1 - 5/0.5 = -9; /c 1 - 1/2 = 0.5; /a 1
    assert.deepStrictEqual(
      rows.map(r => [r[0], r[2]]),
      [
        ['api · http.route=/b/:id', '-900.00 %'],
        ['api · http.route=/c', '50.00 %'],
        ['api · http.route=/a', '100.00 %'],
      ]
    );
    // every group's sparkline drawn from its own history
    await page.waitForFunction(
      () =>
        Object.keys(
          (window as unknown as { burnrateStatus: { charts: Record<string, unknown> } })
            .burnrateStatus.charts
        ).filter(k => k.startsWith('spark:')).length === 3,
      { timeout: 30_000 }
    );
    await page.click('#slos tbody tr:first-child a');
    await page.waitForFunction(
      () => document.getElementById('detail-title')?.textContent === 'api · http.route=/b/:id',
      { timeout: 30_000 }
    );
    const summary = await page.$eval('#detail-summary', e => e.textContent ?? '');
    assert.match(summary, /budget left -900\.00 % .* 5 bad of 50 events/);
    assert.deepStrictEqual(errors, []);
  });
});
