/**
 * `npm run bench` runs every benchmark; `npm run bench:smoke` runs each in a
 * few seconds so that none rots (smoke mode reports, it does not judge
 * targets). Each prints ratios against a baseline measured in the same run:
 * these machines are noisy and absolute times do not compare.
 *
 * `node bench/build/run.js [--smoke] [name…]` runs the benchmarks whose name
 * contains one of the given words.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { SMOKE } from './harness';
import * as allocation from './allocation';
import * as collectorIngest from './collector-ingest';
import * as coreRecord from './core-record';
import * as ingest from './ingest';
import * as journeys from './journeys';
import * as memory from './memory';
import * as replay from './replay';
import * as spanOverhead from './span-overhead';

interface Benchmark {
  name: string;
  run(): void | Promise<void>;
}

const benchmarks: Benchmark[] = [
  { name: 'span overhead: SDK span with and without SloSpanProcessor', run: spanOverhead.run },
  { name: 'core: classify + record', run: coreRecord.run },
  { name: 'allocation: bytes per span in steady state', run: allocation.run },
  { name: 'memory: one SLO with every default window', run: memory.run },
  { name: 'ingest: OTLP decode + classify + record', run: ingest.run },
  { name: 'collector ingest: 10 attributes per span, 4 SLOs', run: collectorIngest.run },
  { name: 'replay: rows per second', run: replay.run },
  { name: 'journeys: one journey SLO against the per-span path', run: journeys.run },
];

/**
 * Runs every selected benchmark, each in a process of its own (`--bench=N`):
 * a fresh V8 per benchmark, so that one benchmark's span views do not make
 * another's property reads polymorphic.
 */
async function main(): Promise<void> {
  const child = process.argv.find(a => a.startsWith('--bench='));
  if (child !== undefined) {
    await benchmarks[Number(child.slice('--bench='.length))].run();
    return;
  }
  const only = process.argv.slice(2).filter(a => !a.startsWith('--'));
  const cpu = cpus();
  console.log(
    `burnrate benchmarks (${SMOKE ? 'smoke' : 'full'}), node ${process.version}, ` +
      `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, load ${loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}, ${new Date().toISOString()}`
  );
  let failed = 0;
  for (const [i, b] of benchmarks.entries()) {
    if (only.length > 0 && !only.some(o => b.name.includes(o))) continue;
    console.log(`\n## ${b.name}`);
    const start = Date.now();
    const r = spawnSync(
      process.execPath,
      [__filename, `--bench=${i}`, ...(SMOKE ? ['--smoke'] : [])],
      { stdio: 'inherit', timeout: SMOKE ? 120_000 : 900_000 }
    );
    if (r.status !== 0) {
      failed++;
      console.log(`FAILED: exit ${r.status ?? r.signal}`);
    }
    console.log(`(${((Date.now() - start) / 1000).toFixed(1)} s)`);
  }
  if (failed > 0) process.exitCode = 1;
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
