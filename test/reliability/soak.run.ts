/**
 * `npm run soak`: a collector child process (the CLI, a state file, a small
 * in-flight bound, a series cap) under mixed traffic for SOAK_SECONDS: valid
 * protobuf and JSON batches, mutated bodies, distinct routes and services, and
 * bursts past capacity; killed with SIGKILL and restarted on its state file
 * every SOAK_CRASH_EVERY seconds. Fails (exit 1) on any 5xx other than 503, a
 * request without an answer, a restart that loses the windows, or RSS over
 * SOAK_MAX_RSS_MIB.
 *
 * Environment: SOAK_SECONDS (default 60), SOAK_CRASH_EVERY (default 20, 0 = never),
 * SOAK_MAX_RSS_MIB (default 256).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { getText, makeFixture, send, SPEC_TEXT } from '../collector/fixture';
import { validBody } from './fuzz-properties';
import { runLoad, type LoadTally } from './load';
import { mutateBytes, mutateJsonDocument, Rng } from './mutate';
import { rssKiB, startCollectorChild, type CollectorChild } from './proc';

function num(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name}: expected a number >= 0`);
  return v;
}

function distinctJson(offset: number, count: number): Buffer {
  const end = BigInt(Date.now() - 1_000) * 1_000_000n;
  const resourceSpans = [];
  for (let i = offset; i < offset + count; i++) {
    resourceSpans.push({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc-${i}` } }] },
      scopeSpans: [
        {
          spans: [
            {
              name: 'GET',
              kind: 2,
              startTimeUnixNano: String(end - 1_000_000n),
              endTimeUnixNano: String(end),
              attributes: [
                { key: 'http.route', value: { stringValue: `/soak/${i}` } },
                { key: 'http.response.status_code', value: { intValue: '503' } },
              ],
            },
          ],
        },
      ],
    });
  }
  return Buffer.from(JSON.stringify({ resourceSpans }));
}

/** About 1 MiB of valid protobuf: the fixture spans, ending now, repeated. */
function burstBody(): Buffer {
  const spans = makeFixture(Date.now()).spans;
  const many: ReadableSpan[] = [];
  while (many.length < 5_000) many.push(...spans);
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(many)!);
}

async function main(): Promise<number> {
  const seconds = num('SOAK_SECONDS', 60);
  const crashEvery = num('SOAK_CRASH_EVERY', 20);
  const maxRssKiB = num('SOAK_MAX_RSS_MIB', 256) * 1024;
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-soak-'));
  const spec = join(dir, 'burnrate.yaml');
  const state = join(dir, 'state.json');
  writeFileSync(
    spec,
    `${SPEC_TEXT}\ncollector:\n  maxInFlight: 4MiB\n  maxBodySize: 2MiB\n  maxSeries: 1000\n`
  );
  const args = [
    '--http-port',
    '0',
    '--grpc-port',
    'off',
    '--metrics-port',
    'off',
    '--state-file',
    state,
    '--snapshot-interval',
    '1s',
  ];
  const problems: string[] = [];
  const tally: LoadTally = {};
  const count = (k: string, n = 1) => (tally[k] = (tally[k] ?? 0) + n);
  let c: CollectorChild = await startCollectorChild(spec, args);
  const rss: number[] = [];
  let restarts = 0;
  let lastCrash = Date.now();
  const t0 = Date.now();
  const rng = new Rng(Number(process.env.SOAK_SEED ?? 1));
  let distinct = 0;
  process.stdout.write(
    `soak: ${seconds} s, kill -9 every ${crashEvery || 'never'} s, RSS bound ${maxRssKiB / 1024} MiB\n`
  );
  try {
    while (Date.now() - t0 < seconds * 1000) {
      // one round: valid, corrupt and distinct-valued requests, then a burst past capacity
      for (let i = 0; i < 20; i++) {
        const json = rng.int(2) === 0;
        const valid = validBody(rng, json);
        const kind = rng.int(4);
        const body =
          kind === 0
            ? json
              ? Buffer.from(mutateJsonDocument(JSON.parse(valid.toString('utf8')), rng))
              : mutateBytes(valid, rng)
            : kind === 1
              ? distinctJson((distinct += 200), 200)
              : valid;
        const ct = json || kind === 1 ? 'application/json' : 'application/x-protobuf';
        const a = await send(c.httpPort, 'POST', '/v1/traces', body, { 'content-type': ct }).catch(
          e => ({ status: `error:${(e as NodeJS.ErrnoException).code}` })
        );
        count(String(a.status));
      }
      const burst = await runLoad({
        port: c.httpPort,
        body: burstBody(),
        contentType: 'application/x-protobuf',
        requests: 200,
        concurrency: 50,
        deadlineMs: 20_000,
        requestTimeoutMs: 10_000,
      });
      for (const [k, n] of Object.entries(burst)) count(k, n);
      rss.push(rssKiB(c.pid));
      if (crashEvery > 0 && Date.now() - lastCrash > crashEvery * 1000) {
        await new Promise(r => setTimeout(r, 1_500)); // one snapshot interval after the last request
        const before = JSON.parse(await getText(c.httpPort, '/api/slos')).slos as Array<{
          eligible: number;
        }>;
        c.child.process.kill('SIGKILL');
        await c.child.exited;
        c = await startCollectorChild(spec, args);
        restarts++;
        lastCrash = Date.now();
        const after = JSON.parse(await getText(c.httpPort, '/api/slos')).slos as Array<{
          eligible: number;
        }>;
        if (after.some((s, i) => s.eligible !== before[i].eligible))
          problems.push(
            `restart ${restarts}: windows not restored (${JSON.stringify(before.map(s => s.eligible))} -> ${JSON.stringify(after.map(s => s.eligible))})`
          );
      }
    }
  } finally {
    await c.child.stop(5_000);
    rmSync(dir, { recursive: true, force: true });
  }
  for (const k of Object.keys(tally))
    if (!['200', '400', '429', '503', 'error:EPIPE', 'error:ECONNRESET'].includes(k))
      problems.push(`unexpected outcome ${k} (${tally[k]}x)`);
  const peak = Math.max(...rss);
  if (peak > maxRssKiB) problems.push(`RSS peaked at ${peak} KiB, over ${maxRssKiB} KiB`);
  const third = Math.max(1, Math.floor(rss.length / 3));
  const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
  process.stdout.write(
    `soak: outcomes ${JSON.stringify(tally)}; ${distinct} distinct routes/services; ${restarts} kill -9 restarts\n` +
      `soak: RSS KiB first third avg ${avg(rss.slice(0, third))}, last third avg ${avg(rss.slice(-third))}, peak ${peak}\n`
  );
  for (const p of problems) process.stdout.write(`FAIL ${p}\n`);
  process.stdout.write(problems.length === 0 ? 'soak: ok\n' : 'soak: FAILED\n');
  return problems.length === 0 ? 0 : 1;
}

main().then(
  code => process.exit(code),
  e => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(2);
  }
);
