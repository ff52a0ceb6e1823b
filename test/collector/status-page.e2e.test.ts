/// <reference lib="dom" />
import * as assert from 'node:assert';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
import { getText, send } from './fixture';

/**
 * Where the screenshots go: a temporary folder, so that a test run leaves the work tree
 * clean; `BURNRATE_SCREENSHOTS_DIR=docs/images npm test` refreshes the ones in docs/.
 */
const DOCS_IMAGES = process.env.BURNRATE_SCREENSHOTS_DIR
  ? resolve(process.env.BURNRATE_SCREENSHOTS_DIR)
  : mkdtempSync(join(tmpdir(), 'burnrate-screenshots-'));

const SPEC = parseSpec(
  `
slos:
  - name: shop-availability
    service: shop
    objective: 99
    window: 1h
    sli: { spans: { routes: ["POST /api/orders", "GET /api/orders/:id"] }, good: { status: ok } }
    alerting:
      tiers:
        - { severity: page, long: 5m, short: 1m, burnRate: 5 }
        - { severity: ticket, long: 15m, short: 5m, burnRate: 2 }
  - name: shop-latency
    service: shop
    objective: 95
    window: 1h
    sli: { spans: { routes: ["GET /api/search"] }, good: { latency: 300ms } }
    alerting:
      tiers:
        - { severity: page, long: 5m, short: 1m, burnRate: 5 }
        - { severity: ticket, long: 15m, short: 5m, burnRate: 2 }
  - name: shop-payments
    service: shop
    objective: 99.9
    window: 1h
    sli: { spans: { routes: ["POST /api/pay"] }, good: { status: ok } }
    alerting:
      tiers:
        - { severity: page, long: 5m, short: 1m, burnRate: 5 }
        - { severity: ticket, long: 15m, short: 5m, burnRate: 2 }
`,
  'status-page test'
);

interface Batch {
  route: readonly [string, string];
  count: number;
  bad: number;
  /** latency of the bad spans (the good ones take 20 ms); undefined: bad by status 500 */
  slowMs?: number;
}

/** OTLP protobuf of spans of service `shop` ending at `endMs`, made with a real tracer. */
function otlp(endMs: number, batches: readonly Batch[]): Buffer {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('status-page-test');
  for (const b of batches) {
    for (let i = 0; i < b.count; i++) {
      const bad = i < b.bad;
      const duration = bad && b.slowMs !== undefined ? b.slowMs : 20;
      const code = bad && b.slowMs === undefined ? 500 : 200;
      const span = tracer.startSpan(`${b.route[0]} ${b.route[1]}`, {
        kind: SpanKind.SERVER,
        startTime: endMs - duration,
        attributes: {
          'http.request.method': b.route[0],
          'http.route': b.route[1],
          'http.response.status_code': code,
        },
      });
      if (code === 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(endMs);
    }
  }
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

const ORDERS = ['POST', '/api/orders'] as const;
const SEARCH = ['GET', '/api/search'] as const;
const PAY = ['POST', '/api/pay'] as const;

/**
 * The traffic of the 10-second tick `k`: orders fail 2 in 20 (10 %, a burn rate of
 * 10) from minute 10 to 15, one search in 4 is slow from minute 12 to 16 (25 %,
 * burn 5), one payment fails at minute 20.
 */
function tick(k: number): Batch[] {
  const m = k / 6;
  return [
    { route: ORDERS, count: 20, bad: m >= 10 && m < 15 ? 2 : 0 },
    { route: SEARCH, count: 8, bad: m >= 12 && m < 16 ? 2 : 0, slowMs: 900 },
    { route: PAY, count: 10, bad: k === 120 ? 1 : 0 },
  ];
}

function pct(v: number, digits: number): string {
  return `${(v * 100).toFixed(digits)} %`;
}

describe('status page in Chromium', function () {
  this.timeout(180_000);
  let collector: RunningCollector;
  let browser: Browser;
  let page: Page;
  let nowMs: number;
  const t0 = Math.floor((Date.now() - 40 * 60_000) / 60_000) * 60_000;
  const errors: string[] = [];
  const foreign: string[] = [];
  // events per SLO, counted by hand as the spans are sent
  const sent: Record<string, { eligible: number; bad: number }> = {
    'shop-availability': { eligible: 0, bad: 0 },
    'shop-latency': { eligible: 0, bad: 0 },
    'shop-payments': { eligible: 0, bad: 0 },
  };
  const sloOf = (route: readonly [string, string]) =>
    route === ORDERS ? 'shop-availability' : route === SEARCH ? 'shop-latency' : 'shop-payments';

  /** Remaining budget per SLO computed by hand at each reading, by reading time. */
  const readings: Array<{ t: number; remaining: Record<string, number> }> = [];

  async function sendTick(k: number): Promise<void> {
    nowMs = t0 + k * 10_000;
    const batches = tick(k);
    const a = await send(collector.httpPort!, 'POST', '/v1/traces', otlp(nowMs - 100, batches), {
      'content-type': 'application/x-protobuf',
    });
    assert.strictEqual(a.status, 200, a.body.toString());
    for (const b of batches) {
      sent[sloOf(b.route)].eligible += b.count;
      sent[sloOf(b.route)].bad += b.bad;
    }
    // one reading per tick, as the collector's history timer takes them
    collector.engine.snapshot(nowMs);
    readings.push({
      t: nowMs,
      remaining: Object.fromEntries(Object.keys(sent).map(n => [n, expected(n).remaining])),
    });
  }

  function expected(name: string) {
    const target = SPEC.slos.find(s => s.name === name)!.target;
    const { eligible, bad } = sent[name];
    return { remaining: 1 - bad / ((1 - target) * eligible), sli: (eligible - bad) / eligible };
  }

  before(async () => {
    nowMs = t0;
    collector = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: false,
      metricsPort: false,
      logger: silentLogger,
      clock: { now: () => nowMs },
    });
    for (let k = 0; k < 180; k++) await sendTick(k);
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1400 });
    page.on('console', m => {
      if (m.type() === 'error' || m.type() === 'warn') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', e => errors.push(`pageerror: ${(e as Error).message}`));
    page.on('requestfailed', r => errors.push(`request failed: ${r.url()}`));
    page.on('request', r => {
      const u = new URL(r.url());
      if (u.protocol !== 'data:' && u.host !== `127.0.0.1:${collector.httpPort}`)
        foreign.push(r.url());
    });
  });

  after(async () => {
    await browser?.close();
    await collector?.close();
  });

  const base = () => `http://127.0.0.1:${collector.httpPort}/`;

  async function rows(): Promise<string[][]> {
    return page.$$eval('#slos tbody tr', trs =>
      trs.map(tr =>
        Array.from(tr.querySelectorAll('td')).map(td => (td as HTMLElement).textContent ?? '')
      )
    );
  }

  async function waitForPolls(n: number): Promise<void> {
    await page.waitForFunction(
      (want: number) => Number(document.body.getAttribute('data-polls') ?? 0) >= want,
      { timeout: 30_000 },
      n
    );
  }

  it('should list every SLO by remaining budget with the numbers computed by hand', async () => {
    await page.goto(`${base()}?poll=500`, { waitUntil: 'load' });
    await waitForPolls(1);
    const got = await rows();
    const names = Object.keys(sent).sort((a, b) => expected(a).remaining - expected(b).remaining);
    assert.deepStrictEqual(
      got.map(r => r[0]),
      names
    );
    // by hand: availability 60 bad of 3600 at 1 %: 1 - 60/36; latency 48 bad of 1440
    // at 5 %: 1 - 48/72; payments 1 bad of 1800 at 0.1 %: 1 - 1/1.8
    assert.strictEqual(sent['shop-availability'].bad, 60);
    assert.strictEqual(sent['shop-availability'].eligible, 3600);
    assert.strictEqual(sent['shop-latency'].bad, 48);
    assert.strictEqual(sent['shop-latency'].eligible, 1440);
    for (const r of got) {
      const e = expected(r[0]);
      assert.strictEqual(r[2], pct(e.remaining, 2), `${r[0]} budget left`);
      assert.strictEqual(r[3], pct(e.sli, 3), `${r[0]} SLI`);
    }
    assert.strictEqual(got[0][1], 'exhausted');
    const api = JSON.parse(await getText(collector.httpPort!, '/api/slos')).slos;
    for (const s of api) assert.ok(Math.abs(s.remaining - expected(s.name).remaining) < 1e-9);
  });

  it('should draw the incident in the charts where it was, with the thresholds', async () => {
    // keyboard: tab to the first SLO and open it with Enter
    await page.focus('#home');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    assert.strictEqual(focused, 'shop-availability');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.getElementById('detail')!.hidden, {
      timeout: 30_000,
    });
    await page.waitForFunction(
      () =>
        (window as unknown as { burnrateStatus: { charts: Record<string, unknown> } })
          .burnrateStatus.charts['tier:0'] !== undefined,
      { timeout: 30_000 }
    );
    const charts = await page.evaluate(() => {
      const c = (
        window as unknown as {
          burnrateStatus: { charts: Record<string, { data: (number | null)[][] }> };
        }
      ).burnrateStatus.charts;
      return Object.fromEntries(Object.entries(c).map(([k, u]) => [k, u.data]));
    });
    const burndown = charts['burndown'];
    const incidentStart = (t0 + 10 * 60_000) / 1000;
    const incidentEnd = (t0 + 15 * 60_000) / 1000;
    // budget left: the point of every reading holds what was computed by hand then
    // (all of it before the incident, falling during it, overspent after it)
    const xs0 = burndown[0] as number[];
    for (const r of readings) {
      const i = xs0.findIndex((x, j) => x <= r.t / 1000 && (xs0[j + 1] ?? Infinity) > r.t / 1000);
      assert.ok(i >= 0, `a point at ${r.t}`);
      const got = burndown[1][i] as number;
      assert.ok(
        Math.abs(got - r.remaining['shop-availability'] * 100) < 1e-4 * Math.max(1, Math.abs(got)),
        `remaining at ${new Date(r.t).toISOString()}: ${got} vs ${r.remaining['shop-availability'] * 100}`
      );
    }
    assert.strictEqual(burndown[1][0], 100);
    // page tier's long window: burn rates above 0 only from the incident on
    const tier = charts['tier:0'];
    const xs = tier[0] as number[];
    const before = xs.map((x, i) => (x < incidentStart ? (tier[1][i] as number) : 0));
    const during = xs.map((x, i) =>
      x >= incidentStart && x < incidentEnd ? (tier[1][i] as number) : 0
    );
    assert.strictEqual(Math.max(...before), 0);
    assert.ok(Math.max(...during) >= 5, `burn during the incident: ${Math.max(...during)}`);
    assert.ok(
      tier[3].every(v => v === tier[3][0]),
      'the threshold is drawn flat'
    );
    const timeline = await page.$$eval('#timeline li', lis => lis.map(li => li.textContent));
    assert.ok(timeline.length >= 1, 'the alert timeline lists the incident');
    assert.ok(
      timeline.some(t => t!.startsWith('page')),
      timeline.join('\n')
    );
    mkdirSync(DOCS_IMAGES, { recursive: true });
    await page.screenshot({ path: join(DOCS_IMAGES, 'status-page.png'), fullPage: true });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await waitForPolls((await page.evaluate(() => Number(document.body.dataset.polls))) + 1);
    await page.screenshot({ path: join(DOCS_IMAGES, 'status-page-dark.png'), fullPage: true });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.getElementById('detail')!.hidden, {
      timeout: 30_000,
    });
  });

  it('should update without a reload when more spans arrive', async () => {
    const before = await rows();
    const payments = () => before.find(r => r[0] === 'shop-payments')!;
    assert.strictEqual(payments()[2], pct(expected('shop-payments').remaining, 2));
    nowMs = t0 + 181 * 10_000;
    const a = await send(
      collector.httpPort!,
      'POST',
      '/v1/traces',
      otlp(nowMs - 100, [{ route: PAY, count: 10, bad: 1 }]),
      { 'content-type': 'application/x-protobuf' }
    );
    assert.strictEqual(a.status, 200);
    sent['shop-payments'].eligible += 10;
    sent['shop-payments'].bad += 1;
    const want = pct(expected('shop-payments').remaining, 2);
    assert.notStrictEqual(want, payments()[2]);
    await page.waitForFunction(
      (text: string) =>
        Array.from(document.querySelectorAll('#slos tbody tr')).some(
          tr =>
            tr.getAttribute('data-slo') === 'shop-payments' &&
            tr.querySelector('.remaining')!.textContent === text
        ),
      { timeout: 30_000 },
      want
    );
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(foreign, []);
  });
});

describe('status page with a bearer token', function () {
  this.timeout(120_000);
  it('should ask for the token, refuse the API without it, and show the SLOs with it', async () => {
    const collector = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: false,
      metricsPort: false,
      logger: silentLogger,
      token: 'page-s3cret',
    });
    const browser = await launchChromium();
    try {
      const port = collector.httpPort!;
      assert.strictEqual((await send(port, 'GET', '/api/slos')).status, 401);
      assert.strictEqual((await send(port, 'GET', '/api/slos/shop-latency/history')).status, 401);
      assert.strictEqual(
        (await send(port, 'GET', '/api/slos', undefined, { authorization: 'Bearer page-s3cret' }))
          .status,
        200
      );
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', e => pageErrors.push((e as Error).message));
      await page.goto(`http://127.0.0.1:${port}/?poll=500`);
      await page.waitForSelector('#auth:not([hidden])', { timeout: 30_000 });
      assert.strictEqual(await page.$$eval('#slos tbody tr', r => r.length), 0);
      await page.type('#token', 'page-s3cret');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelectorAll('#slos tbody tr').length === 3, {
        timeout: 30_000,
      });
      assert.deepStrictEqual(pageErrors, []);
    } finally {
      await browser.close();
      await collector.close();
    }
  });
});
