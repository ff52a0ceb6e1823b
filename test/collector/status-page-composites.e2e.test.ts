import * as assert from 'node:assert';
import { parseSpec, type SpanView } from '@burnrate/core';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import type { Browser } from 'puppeteer-core';
import { launchChromium } from '../helpers/browser';

const SPEC = parseSpec(`
slos:
  - { name: cart, service: cart, objective: 99, window: 28d, sli: { good: { status: ok } } }
  - { name: pay, service: pay, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
composites:
  - { name: checkout, components: [{ slo: cart, weight: 2 }, pay] }
`);

function span(service: string, status: number, now: number): SpanView {
  const attrs: Record<string, string | number> = {
    'http.request.method': 'GET',
    'http.route': '/x',
    'http.response.status_code': status,
  };
  return {
    kind: 1,
    name: 'GET /x',
    endTimeMs: now,
    durationMs: 5,
    statusCode: 0,
    serviceName: service,
    attribute: k => attrs[k],
  };
}

describe('status page in Chromium with a composite SLO', function () {
  this.timeout(120_000);
  let collector: RunningCollector | undefined;
  let browser: Browser | undefined;

  after(async () => {
    await browser?.close();
    await collector?.close();
  });

  it('should list the composite beside its components without an error', async () => {
    collector = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: false,
      metricsPort: false,
      logger: silentLogger,
    });
    const now = Date.now();
    for (let i = 0; i < 500; i++) collector.engine.record(span('cart', i < 2 ? 503 : 200, now));
    for (let i = 0; i < 1000; i++) collector.engine.record(span('pay', i < 1 ? 503 : 200, now));
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', e => errors.push(`pageerror: ${(e as Error).message}`));
    page.on('requestfailed', r => errors.push(`request failed: ${r.url()}`));
    page.on('response', r => {
      if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
    });
    await page.goto(`http://127.0.0.1:${collector.httpPort}/?poll=500`, { waitUntil: 'load' });
    await page.waitForFunction(() => Number(document.body.getAttribute('data-polls') ?? 0) >= 2, {
      timeout: 30_000,
    });
    const rows = await page.$$eval('#slos tbody tr', trs =>
      trs.map(tr =>
        Array.from(tr.querySelectorAll('td')).map(td => (td as HTMLElement).textContent ?? '')
      )
    );
    // remaining: cart 1 − 0.4 = 60 %, pay 1 − 1 = 0 % (exhausted), checkout 1 − (2 × 0.4 + 1) / 3 = 40 %
    assert.deepStrictEqual(
      rows.map(r => [r[0], r[1], r[2]]),
      [
        ['pay', 'exhausted', '0.00 %'],
        ['checkout', 'exhausted', '40.00 %'],
        ['cart', 'healthy', '60.00 %'],
      ]
    );
    assert.strictEqual(await page.$eval('#error', e => (e as HTMLElement).hidden), true);
    assert.deepStrictEqual(errors, []);
  });
});
