/// <reference lib="dom" />
import * as assert from 'node:assert';
import { SpanKind } from '@opentelemetry/api';
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

/** Ten good spans of service `shop` ending at `endMs`, as OTLP protobuf. */
function otlp(endMs: number): Buffer {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  }).getTracer('status-corrections');
  for (let i = 0; i < 10; i++) {
    const span = tracer.startSpan('GET /a', {
      kind: SpanKind.SERVER,
      startTime: endMs - 20,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/a',
        'http.response.status_code': 200,
      },
    });
    span.end(endMs);
  }
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

describe('status page with corrections in Chromium', function () {
  this.timeout(180_000);
  const t0 = Math.floor((Date.now() - 40 * 60_000) / 60_000) * 60_000;
  const start = new Date(t0 + 10 * 60_000).toISOString();
  const end = new Date(t0 + 15 * 60_000).toISOString();
  let nowMs = t0;
  let collector: RunningCollector;
  let browser: Browser;
  let page: Page;

  before(async () => {
    collector = await startCollector({
      spec: parseSpec(`
slos:
  - name: shop
    service: shop
    objective: 99
    window: 1h
    sli: { good: { status: ok } }
corrections:
  - name: maintenance
    start: "${start}"
    end: "${end}"
`),
      httpPort: 0,
      grpcPort: false,
      metricsPort: false,
      logger: silentLogger,
      clock: { now: () => nowMs },
    });
    // a batch every 10 s for 30 minutes
    for (let k = 0; k < 180; k++) {
      nowMs = t0 + k * 10_000;
      const a = await send(collector.httpPort!, 'POST', '/v1/traces', otlp(nowMs - 100), {
        'content-type': 'application/x-protobuf',
      });
      assert.strictEqual(a.status, 200, a.body.toString());
      collector.engine.snapshot(nowMs);
    }
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1400 });
  });

  after(async () => {
    await browser?.close();
    await collector?.close();
  });

  it('should shade the correction on the burn-down and list it in the timeline', async () => {
    // 180 batches of 10, minus the 30 batches received during 10:00-15:00 (left out)
    assert.strictEqual(collector.engine.snapshot(nowMs)[0].eligible, 1500);
    await page.goto(`http://127.0.0.1:${collector.httpPort}/?poll=500#slo=shop`, {
      waitUntil: 'load',
    });
    await page.waitForFunction(
      () =>
        (window as unknown as { burnrateStatus: { corrections: unknown[] } }).burnrateStatus
          .corrections.length > 0,
      { timeout: 30_000 }
    );
    const timeline = await page.$$eval('#timeline li[data-severity="correction"]', lis =>
      lis.map(li => li.textContent ?? '')
    );
    assert.strictEqual(timeline.length, 1);
    assert.match(timeline[0], /^correction maintenance \(events not eligible\): .* \(5m\)$/);
    // a pixel inside the band differs from one outside it, at the same height, above the line
    const pixels = await page.evaluate(
      (from: number, to: number) => {
        type Plot = {
          valToPos(v: number, scale: string, canvas: boolean): number;
          bbox: { top: number; height: number };
          ctx: CanvasRenderingContext2D;
        };
        const u = (window as unknown as { burnrateStatus: { charts: Record<string, Plot> } })
          .burnrateStatus.charts['burndown'];
        const y = Math.round(u.bbox.top + u.bbox.height * 0.9);
        const at = (t: number) => {
          const x = Math.round(u.valToPos(t, 'x', true));
          return Array.from(u.ctx.getImageData(x, y, 1, 1).data).join(',');
        };
        return { inside: at((from + to) / 2), outside: at(from - (to - from)) };
      },
      Date.parse(start) / 1000,
      Date.parse(end) / 1000
    );
    assert.notStrictEqual(pixels.inside, pixels.outside, JSON.stringify(pixels));
  });
});
