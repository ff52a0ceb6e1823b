/**
 * `npm run fuzz`: every fuzz property of fuzz-properties.ts with many more
 * cases than CI, each property in a worker thread watched by a deadline (a
 * decoder that hangs is terminated and reported, with the seed to replay).
 *
 * Environment: FUZZ_RUNS (cases per property, default 20000), FUZZ_SEED
 * (default: random, printed), FUZZ_ONLY (a substring of the property names),
 * FUZZ_YAML_ALIASES=0 to leave YAML aliases out of spec inputs.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { CASE_TIME_LIMIT_MS, fuzzProperties } from './fuzz-properties';

interface Job {
  name: string;
  runs: number;
  seed: number;
  yamlAliases: boolean;
}

function positive(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name}: expected a positive integer`);
  return v;
}

async function main(): Promise<number> {
  const runs = positive('FUZZ_RUNS', 20_000);
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const yamlAliases = process.env.FUZZ_YAML_ALIASES !== '0';
  const only = process.env.FUZZ_ONLY ?? '';
  const names = fuzzProperties({ yamlAliases })
    .map(p => p.name)
    .filter(n => n.includes(only));
  process.stdout.write(`fuzz: ${names.length} properties x ${runs} cases, seed ${seed}\n`);
  let failed = 0;
  for (const name of names) {
    const t0 = Date.now();
    // generous: every case may take up to the case limit, plus start-up
    const deadlineMs = 30_000 + runs * CASE_TIME_LIMIT_MS;
    const outcome = await new Promise<string>(resolve => {
      const job: Job = { name, runs, seed, yamlAliases };
      const worker = new Worker(__filename, { workerData: job });
      const timer = setTimeout(() => {
        void worker.terminate();
        resolve(`HANG: no answer within ${deadlineMs} ms (replay with FUZZ_SEED=${seed})`);
      }, deadlineMs);
      worker.once('message', (m: string) => {
        clearTimeout(timer);
        resolve(m);
      });
      worker.once('error', e => {
        clearTimeout(timer);
        resolve(`CRASH: ${e.stack ?? e}`);
      });
    });
    const ok = outcome === 'ok';
    if (!ok) failed++;
    process.stdout.write(
      `${ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${ok ? '' : `\n${outcome}\n`}\n`
    );
  }
  process.stdout.write(`fuzz: ${names.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

if (isMainThread) {
  main().then(
    code => process.exit(code),
    e => {
      process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exit(2);
    }
  );
} else {
  const job = workerData as Job;
  const property = fuzzProperties({ yamlAliases: job.yamlAliases }).find(p => p.name === job.name)!;
  let answer = 'ok';
  try {
    property.run(job.runs, job.seed);
  } catch (e) {
    answer = (e as Error).message;
  }
  parentPort!.postMessage(answer);
}
