import { Session } from 'node:inspector';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Whether the run is the short CI smoke mode (`--smoke`). */
export const SMOKE = process.argv.includes('--smoke');

/** Result of one timed loop. */
export interface Timing {
  /** Nanoseconds per operation (median of the rounds). */
  nsPerOp: number;
  ops: number;
}

/**
 * Times `fn(i)` for `ops` iterations in `rounds` rounds after a warm-up, and
 * returns the median nanoseconds per operation. Rounds of baseline and
 * candidate should be interleaved by the caller when they are compared
 * (see {@link compare}).
 */
export function time(fn: (i: number) => void, ops: number, rounds = 5): Timing {
  for (let i = 0; i < Math.min(ops, 50_000); i++) fn(i);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) samples.push(timeOnce(fn, ops));
  return { nsPerOp: median(samples), ops };
}

/**
 * Whether loops are timed by the process's CPU time (`--cpu-time`) instead of
 * wall time: on a machine shared with other work, time spent descheduled then
 * does not count (but the process's other threads, GC and compilers, do).
 */
export const CPU_TIME = process.argv.includes('--cpu-time');

/** Nanoseconds per call of one loop of `ops` calls. */
export function timeOnce(fn: (i: number) => void, ops: number): number {
  if (CPU_TIME) {
    const c = process.cpuUsage();
    for (let i = 0; i < ops; i++) fn(i);
    const d = process.cpuUsage(c);
    return ((d.user + d.system) * 1000) / ops;
  }
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / ops;
}

/** The median of `values` (which it sorts). */
export function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const n = values.length;
  return n % 2 === 1 ? values[(n - 1) >> 1] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/** One candidate of {@link compare}. */
export interface Variant {
  name: string;
  fn: (i: number) => void;
}

/** Result of {@link compare} for one variant. */
export interface Compared {
  name: string;
  /** Median nanoseconds per operation over the rounds. */
  nsPerOp: number;
  /** Median over the rounds of (this variant's time / the baseline's time in the same round). */
  ratio: number;
}

/**
 * Times the variants in interleaved rounds (baseline, a, b, …, baseline, a, b, …)
 * so that load from other processes hits every variant alike, and reports each
 * variant's median time and its median per-round ratio to the first (the baseline).
 */
export function compare(variants: readonly Variant[], ops: number, rounds: number): Compared[] {
  for (const v of variants) for (let i = 0; i < Math.min(ops, 20_000); i++) v.fn(i);
  const samples = variants.map(() => [] as number[]);
  const ratios = variants.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    // rotate the order so that no variant always runs right after a GC-heavy one
    const times = new Array<number>(variants.length);
    for (let j = 0; j < variants.length; j++) {
      const k = (j + r) % variants.length;
      times[k] = timeOnce(variants[k].fn, ops);
    }
    for (let k = 0; k < variants.length; k++) {
      samples[k].push(times[k]);
      ratios[k].push(times[k] / times[0]);
    }
  }
  return variants.map((v, k) => ({
    name: v.name,
    nsPerOp: median(samples[k]),
    ratio: median(ratios[k]),
  }));
}

let gcFn: (() => void) | undefined;

/** Runs a full garbage collection (exposing `gc` at run time when node was started without `--expose-gc`). */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    const g = (global as { gc?: () => void }).gc;
    if (g !== undefined) gcFn = g;
    else {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
}

/**
 * Memory in use after a full collection, in bytes: the JS heap plus the
 * backing stores of ArrayBuffers (typed arrays keep their bytes off the heap).
 */
export function heapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Bytes allocated per call of `fn` in steady state: heap growth over `ops`
 * calls during which no garbage collection ran (watched with a `gc`
 * PerformanceObserver, by start time). When a collection ran, the loop is retried with half
 * the calls; an allocation-free function runs millions of calls without one.
 */
export async function allocatedBytesPerOp(
  fn: (i: number) => void,
  ops: number,
  warmUp = 1_000_000
): Promise<{ bytesPerOp: number; gcs: number; ops: number }> {
  // warm up until the optimizing compiler has settled (interpreted code boxes every double)
  for (let i = 0; i < Math.min(ops, warmUp); i++) fn(i);
  // collections seen by the observer, as [start, end) in performance.now() time
  const seen: number[] = [];
  const obs = new PerformanceObserver(list => {
    for (const e of list.getEntries()) seen.push(e.startTime);
  });
  obs.observe({ entryTypes: ['gc'] });
  let n = ops;
  let result = { bytesPerOp: NaN, gcs: 0, ops: n };
  for (let attempt = 0; attempt < 6; attempt++) {
    collectGarbage();
    await new Promise(resolve => setTimeout(resolve, 5));
    const t0 = performance.now();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < n; i++) fn(i);
    const after = process.memoryUsage().heapUsed;
    const t1 = performance.now();
    // observer entries arrive asynchronously
    await new Promise(resolve => setTimeout(resolve, 5));
    const gcs = seen.filter(t => t >= t0 && t <= t1).length;
    result = { bytesPerOp: (after - before) / n, gcs, ops: n };
    if (gcs === 0 && after >= before) break;
    n = Math.max(1, Math.floor(n / 2));
  }
  obs.disconnect();
  return result;
}

interface SamplingNode {
  selfSize: number;
  children: SamplingNode[];
}

/**
 * Bytes allocated per call of `fn`, garbage collections or not, from V8's
 * sampling heap profiler (one sample every 128 bytes on average, objects
 * collected since counted too): for code that allocates too much for
 * {@link allocatedBytesPerOp} (the SDK's own span).
 */
export async function sampledBytesPerOp(fn: (i: number) => void, ops: number): Promise<number> {
  for (let i = 0; i < Math.min(ops, 50_000); i++) fn(i);
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (err, result) => (err ? reject(err) : resolve(result)))
    );
  try {
    await post('HeapProfiler.enable');
    await post('HeapProfiler.startSampling', {
      samplingInterval: 128,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let i = 0; i < ops; i++) fn(i);
    const { profile } = (await post('HeapProfiler.stopSampling')) as {
      profile: { head: SamplingNode };
    };
    let total = 0;
    const walk = (n: SamplingNode) => {
      total += n.selfSize;
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    return total / ops;
  } finally {
    session.disconnect();
  }
}

/** Prints a result line: name, value, and the ratio to a baseline from the same run. */
export function report(name: string, value: string, ratio?: number, note = ''): void {
  const r = ratio === undefined ? '' : `  ratio ${ratio.toFixed(3)}x`;
  console.log(`${name.padEnd(56)} ${value.padStart(16)}${r}${note ? `  ${note}` : ''}`);
}

/** Formats nanoseconds. */
export function ns(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} µs` : `${v.toFixed(1)} ns`;
}

/** Formats a rate. */
export function perSecond(v: number, unit = 'spans'): string {
  return v >= 1e6 ? `${(v / 1e6).toFixed(2)} M ${unit}/s` : `${(v / 1e3).toFixed(1)} k ${unit}/s`;
}

/** Formats bytes. */
export function bytes(v: number): string {
  if (Math.abs(v) >= 1024 * 1024) return `${(v / 1024 / 1024).toFixed(1)} MiB`;
  if (Math.abs(v) >= 1024) return `${(v / 1024).toFixed(1)} KiB`;
  return `${v.toFixed(0)} B`;
}
