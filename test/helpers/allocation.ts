import { PerformanceObserver, performance } from 'node:perf_hooks';

/** What {@link allocatedBytesPerCall} measured. */
export interface Allocation {
  /** Heap growth per call over the measured loop. */
  bytesPerCall: number;
  /** Calls in the measured loop (during which no garbage collection ran). */
  calls: number;
  /** Garbage collections seen during the measured loop (0 unless every attempt saw one). */
  gcs: number;
}

/**
 * Bytes `fn` allocates per call in steady state: heap growth over `calls`
 * calls during which no garbage collection ran, after `warmUp` calls. A
 * collection would hide what was allocated, so a loop that sees one (a `gc`
 * PerformanceObserver entry starting within it) is retried with half the
 * calls. The least of three such loops is the answer: the optimizing compiler
 * works on a thread of its own and may still be compiling during the first
 * (interpreted code boxes doubles), while an allocation the code makes per
 * call shows in every loop. 16 B per call over 250,000 calls is 4 MB of
 * growth, far above the few kilobytes the loop itself moves.
 */
export async function allocatedBytesPerCall(
  fn: (i: number) => void,
  calls: number,
  warmUp = 1_000_000
): Promise<Allocation> {
  const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
  for (let i = 0; i < warmUp; i++) fn(i);
  await pause(50);
  const gcStarts: number[] = [];
  const observer = new PerformanceObserver(list => {
    for (const e of list.getEntries()) gcStarts.push(e.startTime);
  });
  observer.observe({ entryTypes: ['gc'] });
  let n = calls;
  let best: Allocation = { bytesPerCall: NaN, calls: n, gcs: -1 };
  let measured = 0;
  try {
    for (let attempt = 0; attempt < 9 && measured < 3; attempt++) {
      await pause(10);
      const t0 = performance.now();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < n; i++) fn(i);
      const after = process.memoryUsage().heapUsed;
      const t1 = performance.now();
      await pause(10);
      const gcs = gcStarts.filter(t => t >= t0 && t <= t1).length;
      if (gcs > 0 || after < before) {
        if (measured === 0) best = { bytesPerCall: NaN, calls: n, gcs };
        n = Math.max(1, Math.floor(n / 2));
        continue;
      }
      measured++;
      const bytesPerCall = (after - before) / n;
      if (!(best.bytesPerCall <= bytesPerCall)) best = { bytesPerCall, calls: n, gcs };
    }
  } finally {
    observer.disconnect();
  }
  return best;
}
