/// <reference lib="dom" />
import * as assert from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { DAY_MS, MINUTE_MS, parseSpec } from '@burnrate/core';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import { main, type CliIo } from 'burnrate';
import { launchChromium } from '../helpers/browser';
import { send } from '../collector/fixture';

/**
 * Where the screenshots go: a temporary folder, so that a test run leaves the work tree
 * clean; `BURNRATE_SCREENSHOTS_DIR=docs/images npm test` refreshes the ones in docs/.
 */
const DOCS_IMAGES = process.env.BURNRATE_SCREENSHOTS_DIR
  ? resolve(process.env.BURNRATE_SCREENSHOTS_DIR)
  : mkdtempSync(join(tmpdir(), 'burnrate-screenshots-'));

const SPEC_TEXT = `slos:
  - name: api-availability
    service: api
    objective: 99
    window: 7d
    sli: { spans: { routes: ["GET /api/items"] }, good: { status: ok } }
`;
const SPEC = parseSpec(SPEC_TEXT, 'report test');
const STEP_MS = 5 * MINUTE_MS;

function capture(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    errIsTty: false,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}

/** OTLP protobuf of `total` spans of service `api`, `bad` of them answering 500, ending at `endMs`. */
function otlp(endMs: number, total: number, bad: number): Buffer {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'api' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('report-test');
  for (let i = 0; i < total; i++) {
    const code = i < bad ? 500 : 200;
    const span = tracer.startSpan('GET /api/items', {
      kind: SpanKind.SERVER,
      startTime: endMs - 15,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/api/items',
        'http.response.status_code': code,
      },
    });
    if (code === 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(endMs);
  }
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

describe('burnrate report', function () {
  this.timeout(300_000);
  let dir: string;
  let collector: RunningCollector;
  let nowMs: number;
  // 7 days of traffic, one batch per 5-minute step starting at a Monday 00:00 UTC:
  // 20 events per step; an incident on Wednesday 10:00-12:00 (5 of 20 bad, burn 25)
  // and a shorter one on Friday 15:00-15:30 (4 of 20, burn 20)
  const t0 = Date.UTC(2026, 9, 5);
  const steps = (7 * DAY_MS) / STEP_MS;
  const badAt = (t: number) => {
    const h = (t - t0) / 3_600_000;
    if (h >= 2 * 24 + 10 && h < 2 * 24 + 12) return 5;
    if (h >= 4 * 24 + 15 && h < 4 * 24 + 15.5) return 4;
    return 0;
  };
  const end = new Date(t0 + 7 * DAY_MS).toISOString();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-report-'));
    writeFileSync(join(dir, 'burnrate.yaml'), SPEC_TEXT);
    const rows = ['timestamp,total,bad'];
    nowMs = t0;
    collector = await startCollector({
      spec: SPEC,
      httpPort: 0,
      grpcPort: false,
      metricsPort: false,
      logger: silentLogger,
      clock: { now: () => nowMs },
    });
    for (let k = 0; k < steps; k++) {
      nowMs = t0 + k * STEP_MS;
      const bad = badAt(nowMs);
      const a = await send(collector.httpPort!, 'POST', '/v1/traces', otlp(nowMs, 20, bad), {
        'content-type': 'application/x-protobuf',
      });
      assert.strictEqual(a.status, 200);
      collector.engine.snapshot(nowMs);
      rows.push(`${new Date(nowMs).toISOString()},20,${bad}`);
    }
    writeFileSync(join(dir, 'events.csv'), `${rows.join('\n')}\n`);
  });

  after(async () => {
    await collector?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function report(args: string[]): Promise<{
    slos: Array<{
      name: string;
      compliance: number;
      met: boolean;
      events: { eligible: number; bad: number };
      alerts: Array<{ severity: string; start: string; end: string; bad: number }>;
      weeks: Array<{ bad: number }>;
      burn: Array<{ window: string; max: number }>;
      weekday: Array<{ day: string; bad: number }>;
      end: { status: string; decision: string };
    }>;
  }> {
    const io = capture();
    const code = await main(
      ['report', '--period', '7d', '--end', end, '--format', 'json', ...args],
      io
    );
    assert.strictEqual(code, 0, io.stderr);
    return JSON.parse(io.stdout);
  }

  it('should give the same compliance and incidents from a collector and from a replay, as counted by hand', async () => {
    const fromCollector = await report(['--url', `http://127.0.0.1:${collector.httpPort}`]);
    const fromReplay = await report([
      '--input',
      join(dir, 'events.csv'),
      '--spec',
      join(dir, 'burnrate.yaml'),
    ]);
    const a = fromCollector.slos[0];
    const b = fromReplay.slos[0];
    // by hand: 2016 steps of 20 events; 24 steps with 5 bad and 6 with 4 bad
    assert.strictEqual(a.events.eligible, 2016 * 20);
    assert.strictEqual(a.events.bad, 24 * 5 + 6 * 4);
    // JSON numbers are written to 10 significant digits
    assert.strictEqual(a.compliance, Number((1 - 144 / 40320).toPrecision(10)));
    assert.strictEqual(a.met, true);
    assert.deepStrictEqual(b.events, a.events);
    assert.strictEqual(b.compliance, a.compliance);
    assert.deepStrictEqual(b.alerts, a.alerts);
    assert.deepStrictEqual(b.weeks, a.weeks);
    assert.deepStrictEqual(b.burn, a.burn);
    assert.deepStrictEqual(b.weekday, a.weekday);
    assert.deepStrictEqual(b.end, a.end);
    // the incidents: one page during each (once the long window holds enough bad events)
    const pages = a.alerts.filter(x => x.severity === 'page');
    assert.strictEqual(pages.length, 2, JSON.stringify(a.alerts));
    const within = (iso: string, from: string, to: string) =>
      Date.parse(iso) >= Date.parse(from) && Date.parse(iso) < Date.parse(to);
    assert.ok(
      within(pages[0].start, '2026-10-07T10:00:00Z', '2026-10-07T12:00:00Z'),
      pages[0].start
    );
    assert.ok(
      within(pages[1].start, '2026-10-09T15:00:00Z', '2026-10-09T15:30:00Z'),
      pages[1].start
    );
    assert.strictEqual(a.weekday.find(d => d.day === 'Wed')!.bad, 120);
    assert.strictEqual(a.weekday.find(d => d.day === 'Fri')!.bad, 24);
  });

  it('should write HTML that opens in Chromium without errors, and Markdown', async () => {
    const html = join(dir, 'report.html');
    const io = capture();
    const code = await main(
      [
        'report',
        '--period',
        '7d',
        '--end',
        end,
        '--url',
        `http://127.0.0.1:${collector.httpPort}`,
        '--spec',
        join(dir, 'burnrate.yaml'),
        '-o',
        html,
      ],
      io
    );
    assert.strictEqual(code, 0, io.stderr);
    const text = readFileSync(html, 'utf8');
    assert.ok(
      !/<script|<link|\s(?:src|href)=/i.test(text),
      'self-contained: no script, no linked file'
    );
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', m => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', e => errors.push((e as Error).message));
      page.on('request', r => {
        if (!r.url().startsWith('file:')) errors.push(`request to ${r.url()}`);
      });
      await page.setViewport({ width: 1000, height: 1200 });
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      assert.strictEqual(await page.$$eval('svg', s => s.length), 2);
      assert.strictEqual(await page.$eval('h1', h => h.textContent), 'SLO report 7d');
      assert.deepStrictEqual(errors, []);
      mkdirSync(DOCS_IMAGES, { recursive: true });
      await page.screenshot({ path: join(DOCS_IMAGES, 'report.png'), fullPage: false });
    } finally {
      await browser.close();
    }
    const md = capture();
    assert.strictEqual(
      await main(
        [
          'report',
          '--period',
          '7d',
          '--end',
          end,
          '--input',
          join(dir, 'events.csv'),
          '--spec',
          join(dir, 'burnrate.yaml'),
        ],
        md
      ),
      0
    );
    assert.match(md.stdout, /^# SLO report 7d/);
    assert.match(md.stdout, /\| api-availability \| 99 % \| 99\.6429 % \| yes \|/);
  });

  it('should refuse a bad period or no source with a usage error', async () => {
    const io = capture();
    assert.strictEqual(
      await main(['report', '--period', '2w', '--url', 'http://127.0.0.1:1'], io),
      2
    );
    assert.match(io.stderr, /--period must be one of 7d, 28d, 30d, month/);
    const io2 = capture();
    assert.strictEqual(await main(['report', '--period', '7d'], io2), 2);
    assert.match(io2.stderr, /exactly one of --url URL, --prometheus URL, --input CSV/);
  });
});
