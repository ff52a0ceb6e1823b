import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '@burnrate/core';
import { silentLogger, startCollector } from '@burnrate/collector';
import { getText, send } from '../collector/fixture';
import { parsePrometheusText, type Sample } from '../helpers/prom-text';
import { rssKiB, startCollectorChild, type CollectorChild } from './proc';

const SPEC_TEXT = `
slos:
  - name: any-availability
    objective: 99
    window: 1d
    sli:
      spans: { kind: server }
      good: { status: ok }
  - name: any-latency
    objective: 99
    window: 1d
    sli:
      spans: { kind: server }
      good: { latency: 100ms }
`;

/** An OTLP/JSON request: `count` bad server spans, each with its own route and service from `offset`. */
function distinctBody(offset: number, count: number, nowMs: number): Buffer {
  const resourceSpans = [];
  for (let i = offset; i < offset + count; i++) {
    const end = BigInt(nowMs - 1_000) * 1_000_000n;
    resourceSpans.push({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc-${i}` } }] },
      scopeSpans: [
        {
          spans: [
            {
              name: 'GET',
              kind: 2,
              startTimeUnixNano: String(end - 500_000_000n),
              endTimeUnixNano: String(end),
              attributes: [
                { key: 'http.request.method', value: { stringValue: 'GET' } },
                { key: 'http.route', value: { stringValue: `/item/${i}` } },
                { key: 'http.response.status_code', value: { intValue: String(500 + (i % 4)) } },
              ],
            },
          ],
        },
      ],
    });
  }
  return Buffer.from(JSON.stringify({ resourceSpans }));
}

async function sendDistinct(port: number, offset: number, total: number): Promise<void> {
  for (let o = offset; o < offset + total; o += 1_000) {
    const a = await send(port, 'POST', '/v1/traces', distinctBody(o, 1_000, Date.now()), {
      'content-type': 'application/json',
    });
    assert.strictEqual(a.status, 200, a.body.toString());
  }
}

function seriesByName(samples: Sample[]): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const s of samples) out.set(s.name, [...(out.get(s.name) ?? []), s]);
  return out;
}

describe('reliability: cardinality', function () {
  this.timeout(120_000);

  describe('collector child process with maxSeries 500', () => {
    const MAX_SERIES = 500;
    const HEAP_MIB = 48;
    let dir: string;
    let c: CollectorChild | undefined;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'burnrate-cardinality-'));
      const spec = join(dir, 'burnrate.yaml');
      writeFileSync(spec, `${SPEC_TEXT}\ncollector:\n  maxSeries: ${MAX_SERIES}\n`);
      // a small heap: anything kept per distinct value would run it out of memory
      c = await startCollectorChild(
        spec,
        ['--http-port', '0', '--grpc-port', 'off', '--metrics-port', '0'],
        { nodeOptions: [`--max-old-space-size=${HEAP_MIB}`] }
      );
    });
    after(async () => {
      await c?.child.stop(2_000);
      rmSync(dir, { recursive: true, force: true });
    });

    it('should keep every instrument under the cap, count the overflow, and keep RSS flat', async () => {
      // 10,000 distinct routes and 10,000 distinct service names, then twice as many more
      await sendDistinct(c!.httpPort, 0, 10_000);
      const samples = parsePrometheusText(await getText(c!.metricsPort!, '/metrics'));
      const rss1 = rssKiB(c!.pid);
      // the cap is per SLO: two SLOs, each with MAX_SERIES keys and one overflow series
      for (const [name, series] of seriesByName(samples))
        assert.ok(series.length <= 2 * (MAX_SERIES + 1), `${name}: ${series.length} series`);
      const bad = samples.filter(s => s.name === 'slo_bad_events_total');
      const overflow = bad.filter(s => s.labels.otel_metric_overflow === 'true');
      assert.strictEqual(bad.length - overflow.length, 2 * MAX_SERIES);
      assert.strictEqual(overflow.length, 2, 'one overflow series per SLO');
      for (const slo of ['any-availability', 'any-latency']) {
        const mine = bad.filter(s => s.labels.slo_name === slo);
        const total = mine.reduce((n, s) => n + s.value, 0);
        const events = samples.find(
          s =>
            s.name === 'slo_events_total' &&
            s.labels.slo_name === slo &&
            s.labels.slo_outcome === 'bad'
        )!;
        assert.strictEqual(events.value, 10_000, `${slo}: every span is a bad event`);
        assert.strictEqual(total, 10_000, `${slo}: kept + overflow = all bad events`);
      }
      await sendDistinct(c!.httpPort, 10_000, 20_000);
      const rss2 = rssKiB(c!.pid);
      const after = parsePrometheusText(await getText(c!.metricsPort!, '/metrics'));
      assert.strictEqual(
        after.filter(s => s.name === 'slo_bad_events_total').length,
        2 * (MAX_SERIES + 1)
      );
      process.stdout.write(
        `      RSS after 10,000 distinct routes/services ${rss1} KiB, after 30,000 ${rss2} KiB (heap cap ${HEAP_MIB} MiB)\n`
      );
      assert.strictEqual(c!.child.process.exitCode, null, 'still running within its heap cap');
      assert.ok(
        rss2 - rss1 < 32 * 1024,
        `RSS grew ${rss2 - rss1} KiB for 20,000 more distinct values`
      );
    });
  });

  it('should cap at 100 keys per SLO by default (in process, a real Prometheus reader)', async () => {
    const collector = await startCollector({
      spec: parseSpec(SPEC_TEXT),
      httpPort: 0,
      grpcPort: false,
      metricsPort: 0,
      logger: silentLogger,
    });
    try {
      await sendDistinct(collector.httpPort!, 0, 3_000);
      for (const state of collector.engine.states) assert.strictEqual(state.attribution.keys, 100);
      const samples = parsePrometheusText(await getText(collector.metricsPort!, '/metrics'));
      const bad = samples.filter(s => s.name === 'slo_bad_events_total');
      assert.strictEqual(bad.length, 202, 'no series folded by the SDK');
      const overflow = bad.filter(s => s.labels.otel_metric_overflow === 'true');
      // 100 keys per SLO are kept in arrival order; the rest overflows
      const kept = bad.length - overflow.length;
      assert.strictEqual(
        overflow.reduce((n, s) => n + s.value, 0),
        2 * 3_000 - kept
      );
    } finally {
      await collector.close();
    }
  });
});
