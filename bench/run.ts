/**
 * `npm run bench` runs every benchmark; `npm run bench:smoke` runs each in a
 * few seconds so that none rots. Each prints ratios against a baseline measured
 * in the same run: these machines are noisy and absolute times do not compare.
 */
import { SMOKE } from './harness';
import * as coreRecord from './core-record';

interface Benchmark {
  name: string;
  run(): void | Promise<void>;
}

const benchmarks: Benchmark[] = [{ name: 'core: classify + record', run: coreRecord.run }];

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter(a => !a.startsWith('--'));
  console.log(
    `burnrate benchmarks (${SMOKE ? 'smoke' : 'full'}), node ${process.version}, ${new Date().toISOString()}`
  );
  for (const b of benchmarks) {
    if (only.length > 0 && !only.some(o => b.name.includes(o))) continue;
    console.log(`\n## ${b.name}`);
    await b.run();
  }
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
