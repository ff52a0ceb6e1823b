import * as assert from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { getText, makeFixture, send } from '../collector/fixture';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text';
import { startCollectorChild, type CollectorChild } from './proc';

/** Two 28-day SLOs: every alert window (5m and up) holds all of the test's traffic. */
const SPEC_TEXT = `
slos:
  - name: checkout-availability
    service: checkout
    objective: 99.9
    window: 28d
    sli:
      spans: { kind: server, routes: ["POST /api/orders", "GET /api/orders/:id"] }
      good: { status: ok }
  - name: orders-latency
    service: checkout
    objective: 99
    window: 28d
    sli:
      spans: { routes: ["GET /api/orders/:id", "GET /api/search"] }
      good:
        latency: { default: 300ms, routes: { "GET /api/search": 1200ms } }
`;

const SNAPSHOT_INTERVAL_MS = 1_000;

interface SloReport {
  name: string;
  eligible: number;
  bad: number;
  remaining: number;
  burnRates: Record<string, number>;
}

async function slos(port: number): Promise<SloReport[]> {
  return (JSON.parse(await getText(port, '/api/slos')) as { slos: SloReport[] }).slos;
}

function near(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

describe('reliability: crash and restart', function () {
  this.timeout(120_000);
  let dir: string;
  let spec: string;
  const children: CollectorChild[] = [];
  const args = (state: string, ...more: string[]) => [
    '--http-port',
    '0',
    '--grpc-port',
    'off',
    '--state-file',
    state,
    '--snapshot-interval',
    `${SNAPSHOT_INTERVAL_MS / 1000}s`,
    ...more,
  ];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-crash-'));
    spec = join(dir, 'burnrate.yaml');
    writeFileSync(spec, SPEC_TEXT);
  });
  afterEach(async () => {
    for (const c of children.splice(0)) await c.child.stop(2_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('should restore budget and burn rates after kill -9, losing at most one snapshot interval', async () => {
    const state = join(dir, 'state.json');
    const first = await startCollectorChild(spec, args(state, '--metrics-port', 'off'));
    children.push(first);
    // steady traffic: identical batches (the fixture's 120 spans, ending in the last
    // minute), so every ratio (remaining, burn rates) is the same after any number of them
    const batch = () =>
      Buffer.from(ProtobufTraceSerializer.serializeRequest(makeFixture(Date.now()).spans)!);
    const accepted: number[] = []; // answer times of the 200s
    let stop = false;
    const traffic = (async () => {
      while (!stop) {
        const a = await send(first.httpPort, 'POST', '/v1/traces', batch(), {
          'content-type': 'application/x-protobuf',
        }).catch(() => undefined);
        if (a?.status === 200) accepted.push(Date.now());
        await new Promise(r => setTimeout(r, 40));
      }
    })();
    await new Promise(r => setTimeout(r, 2_600));
    const before = await slos(first.httpPort);
    const beforeBatches = accepted.length;
    await new Promise(r => setTimeout(r, 300));
    first.child.process.kill('SIGKILL');
    const killedAt = Date.now();
    stop = true;
    await traffic;
    await first.child.exited;
    const sentAtKill = accepted.filter(t => t <= killedAt).length;

    const second = await startCollectorChild(spec, args(state, '--metrics-port', 'off'));
    children.push(second);
    assert.match(second.child.stderr(), /restored the state of 2 SLOs/);
    const after = await slos(second.httpPort);

    // per batch, each SLO gets the same eligible and bad counts
    const perBatch = before.map(s => s.eligible / beforeBatches);
    for (const p of perBatch) assert.ok(Number.isInteger(p) && p > 0, `per batch ${p}`);
    // a batch is lost only when answered after the last snapshot: within one interval
    // (plus the time to write the file) of the kill
    const lostAtMost = accepted.filter(
      t => t <= killedAt && t > killedAt - SNAPSHOT_INTERVAL_MS - 500
    ).length;
    for (let i = 0; i < before.length; i++) {
      const b = before[i];
      const a = after[i];
      const batches = a.eligible / perBatch[i];
      assert.ok(Number.isInteger(batches), `${a.name}: whole batches restored (${batches})`);
      assert.ok(
        batches >= sentAtKill - lostAtMost && batches <= sentAtKill,
        `${a.name}: ${batches} batches restored; ${sentAtKill} sent, at most ${lostAtMost} lost`
      );
      assert.strictEqual(a.bad * beforeBatches, b.bad * batches, `${a.name}: bad`);
      assert.ok(b.remaining < 1, `${b.name} spent budget before the crash`);
      near(a.remaining, b.remaining, `${a.name} remaining`);
      for (const w of Object.keys(b.burnRates)) {
        assert.ok(b.burnRates[w] > 0, `${b.name} burns over ${w}`);
        near(a.burnRates[w], b.burnRates[w], `${a.name} burn rate ${w}`);
      }
    }
    process.stdout.write(
      `      ${sentAtKill} batches sent before kill -9, ${after[0].eligible / perBatch[0]} restored (at most ${lostAtMost} could be lost)\n`
    );
  });

  for (const [what, content] of [
    ['truncated', (valid: string) => valid.slice(0, Math.floor(valid.length / 2))],
    ['garbage', () => '\u0000\u00ffnot json at all {{{'],
    ['wrong-version', (valid: string) => valid.replace('"version":1', '"version":99')],
  ] as const) {
    it(`should start, log, count and set aside a ${what} state file`, async () => {
      const state = join(dir, 'state.json');
      // a real state file first
      const seed = await startCollectorChild(spec, args(state, '--metrics-port', 'off'));
      children.push(seed);
      const body = Buffer.from(
        ProtobufTraceSerializer.serializeRequest(makeFixture(Date.now()).spans)!
      );
      assert.strictEqual(
        (
          await send(seed.httpPort, 'POST', '/v1/traces', body, {
            'content-type': 'application/x-protobuf',
          })
        ).status,
        200
      );
      await seed.child.stop(5_000);
      const valid = readFileSync(state, 'utf8');
      const bad = content(valid);
      writeFileSync(state, bad);

      const c = await startCollectorChild(spec, args(state, '--metrics-port', '0'));
      children.push(c);
      assert.match(
        c.child.stderr(),
        /error burnrate collector: the state file .* cannot be restored \(.+\); moved it to .*\.corrupt-/
      );
      const aside = readdirSync(dir).filter(f => f.startsWith('state.json.corrupt-'));
      assert.strictEqual(aside.length, 1, readdirSync(dir).join(', '));
      assert.strictEqual(
        readFileSync(join(dir, aside[0]), 'utf8'),
        bad,
        'the bad file is kept as it was'
      );
      const metrics = parsePrometheusText(await getText(c.metricsPort!, '/metrics'));
      assert.strictEqual(
        sampleValue(metrics, 'burnrate_collector_state_restore_failures_total', {}),
        1
      );
      // it serves, from empty windows
      const now = await slos(c.httpPort);
      assert.ok(now.every(s => s.eligible === 0));
      assert.strictEqual(
        (
          await send(c.httpPort, 'POST', '/v1/traces', body, {
            'content-type': 'application/x-protobuf',
          })
        ).status,
        200
      );
      assert.ok((await slos(c.httpPort)).some(s => s.eligible > 0));
    });
  }
});
