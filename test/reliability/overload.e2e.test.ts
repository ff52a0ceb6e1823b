import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { makeFixture, send, SPEC_TEXT } from '../collector/fixture';
import { runLoad } from './load';
import { rssKiB, startCollectorChild, type CollectorChild } from './proc';

/** The collector's in-flight bound, and the largest body. */
const MAX_IN_FLIGHT = '2MiB';
const MAX_BODY = '1536KiB';
/** How far RSS may rise above its level after warm-up while overloaded. */
const RSS_HEADROOM_KIB = 64 * 1024;

/** A valid protobuf request of about 1 MiB (the fixture spans repeated). */
function bigBody(): Buffer {
  const spans = makeFixture(Date.now()).spans;
  const many: ReadableSpan[] = [];
  while (many.length < 5_000) many.push(...spans);
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(many)!);
}

describe('reliability: overload', function () {
  this.timeout(120_000);
  let dir: string;
  let c: CollectorChild | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-overload-'));
    const spec = join(dir, 'burnrate.yaml');
    writeFileSync(
      spec,
      `${SPEC_TEXT}\ncollector:\n  maxInFlight: ${MAX_IN_FLIGHT}\n  maxBodySize: ${MAX_BODY}\n`
    );
    c = await startCollectorChild(spec, [
      '--http-port',
      '0',
      '--grpc-port',
      'off',
      '--metrics-port',
      'off',
    ]);
  });
  after(async () => {
    await c?.child.stop(2_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('should answer 200 or 429 past capacity, keep RSS bounded, and take traffic again after', async () => {
    const body = bigBody();
    assert.ok(body.length > 900 * 1024 && body.length < 1536 * 1024, `body ${body.length} B`);
    const ct = 'application/x-protobuf';
    // warm up: a few requests one at a time, then the baseline
    for (let i = 0; i < 3; i++) {
      const a = await send(c!.httpPort, 'POST', '/v1/traces', body, { 'content-type': ct });
      assert.strictEqual(a.status, 200);
    }
    const baseline = rssKiB(c!.pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssKiB(c!.pid));
      } catch {
        // the process is gone: the assertions below say so
      }
    }, 20);
    const t0 = Date.now();
    // 360 requests of ~1 MiB, 120 at a time (120 MiB offered at once against a 2 MiB bound),
    // half with Content-Length (refused before reading), half chunked (refused mid-body)
    const tally = await runLoad({
      port: c!.httpPort,
      body,
      contentType: ct,
      requests: 360,
      concurrency: 120,
      deadlineMs: 45_000,
      requestTimeoutMs: 20_000,
      chunked: true,
    });
    const loadMs = Date.now() - t0;
    clearInterval(sampler);
    const summary = `${JSON.stringify(tally)} in ${loadMs} ms; RSS ${baseline} -> peak ${peak} KiB`;
    process.stdout.write(`      ${summary}\n`);

    assert.strictEqual(c!.child.process.exitCode, null, 'the collector is still running');
    for (const k of Object.keys(tally)) {
      // a refused chunked upload may see its socket closed while still writing (EPIPE /
      // ECONNRESET) after the 429 was sent: that is the server refusing, not failing
      assert.ok(
        k === '200' ||
          k === '429' ||
          k === '503' ||
          k === 'error:EPIPE' ||
          k === 'error:ECONNRESET',
        `unexpected outcome ${k}: ${summary}`
      );
    }
    assert.ok((tally['200'] ?? 0) > 0, summary);
    assert.ok((tally['429'] ?? 0) > 0, `the load went past capacity: ${summary}`);
    assert.ok(
      (tally['error:EPIPE'] ?? 0) + (tally['error:ECONNRESET'] ?? 0) <= (tally['429'] ?? 0),
      summary
    );
    assert.strictEqual(tally.timeout, undefined, summary);
    assert.ok(peak - baseline < RSS_HEADROOM_KIB, `RSS rose by ${peak - baseline} KiB: ${summary}`);

    // after the load: 200s within seconds
    const t1 = Date.now();
    let status = 0;
    while (Date.now() - t1 < 5_000) {
      status = (await send(c!.httpPort, 'POST', '/v1/traces', body, { 'content-type': ct })).status;
      if (status === 200) break;
      await new Promise(r => setTimeout(r, 100));
    }
    assert.strictEqual(status, 200, 'a request succeeds within 5 s after the load');
  });
});
