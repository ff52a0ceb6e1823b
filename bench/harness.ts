import { PerformanceObserver } from 'node:perf_hooks';

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
 * candidate should be interleaved by the caller when they are compared.
 */
export function time(fn: (i: number) => void, ops: number, rounds = 5): Timing {
  for (let i = 0; i < Math.min(ops, 50_000); i++) fn(i);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) fn(i);
    samples.push(Number(process.hrtime.bigint() - start) / ops);
  }
  samples.sort((a, b) => a - b);
  return { nsPerOp: samples[Math.floor(samples.length / 2)], ops };
}

/**
 * Bytes allocated per call of `fn` in steady state: heap growth over `ops` calls
 * while no garbage collection ran (a collection during the loop makes the
 * measurement retry with fewer calls).
 */
export function allocatedBytesPerOp(
  fn: (i: number) => void,
  ops: number
): { bytesPerOp: number; gcs: number; ops: number } {
  for (let i = 0; i < 100_000; i++) fn(i);
  let gcs = 0;
  const obs = new PerformanceObserver(list => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  let n = ops;
  for (let attempt = 0; attempt < 6; attempt++) {
    (global as { gc?: () => void }).gc?.();
    gcs = 0;
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < n; i++) fn(i);
    const after = process.memoryUsage().heapUsed;
    // observer entries arrive asynchronously; a drop in heapUsed also means a GC ran
    if (after >= before) {
      obs.disconnect();
      return { bytesPerOp: (after - before) / n, gcs, ops: n };
    }
    n = Math.max(10_000, Math.floor(n / 2));
  }
  obs.disconnect();
  return { bytesPerOp: NaN, gcs, ops: n };
}

/** Prints a result line: name, value, and the ratio to a baseline from the same run. */
export function report(name: string, value: string, ratio?: number, note = ''): void {
  const r = ratio === undefined ? '' : `  ratio ${ratio.toFixed(3)}x`;
  console.log(`${name.padEnd(52)} ${value.padStart(16)}${r}${note ? `  ${note}` : ''}`);
}

/** Formats nanoseconds. */
export function ns(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} µs` : `${v.toFixed(1)} ns`;
}
