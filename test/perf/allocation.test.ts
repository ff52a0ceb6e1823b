import * as assert from 'node:assert';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { Allocation } from '../helpers/allocation';

/** Runs one case of allocation-case.ts in a fresh process. */
function measure(name: string, calls: number): Promise<Allocation> {
  const script = path.join(__dirname, 'allocation-case.js');
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [script, name, String(calls)],
      { timeout: 240_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout))
    )
  );
}

/**
 * A span that allocates anything allocates at least one 16-byte object (a
 * boxed double): over ≥ 100,000 spans without a collection that is ≥ 1.6 MB of
 * heap growth, where an allocation-free path grows by a few kilobytes at most.
 */
const TOLERANCE_BYTES_PER_SPAN = 0.5;
const CALLS = 500_000;

function assertNoAllocation(a: Allocation): void {
  assert.strictEqual(a.gcs, 0, `a collection ran during every attempt: ${JSON.stringify(a)}`);
  assert.ok(a.calls >= 100_000, `too few spans measured: ${JSON.stringify(a)}`);
  assert.ok(
    a.bytesPerCall < TOLERANCE_BYTES_PER_SPAN,
    `${a.bytesPerCall.toFixed(3)} B/span over ${a.calls} spans`
  );
}

describe('allocation per span (issue #10: 0 B/span in steady state)', function () {
  this.timeout(300_000);

  it('should allocate nothing in SloEngine.record, 10 SLOs, good and bad spans', async () => {
    assertNoAllocation(await measure('engine', CALLS));
  });

  it('should allocate nothing in SloEngine.record of grouped SLOs (one and two groupBy keys)', async () => {
    assertNoAllocation(await measure('engineGrouped', CALLS));
  });

  it('should allocate nothing in SloEngine.record with corrections (events inside one, and outside)', async () => {
    assertNoAllocation(await measure('engineCorrected', CALLS));
  });

  it('should allocate nothing in SloSpanProcessor.onEnd over real SDK spans', async () => {
    assertNoAllocation(await measure('processor', CALLS));
  });

  it('should allocate nothing per span in the collector protobuf decoder + engine', async () => {
    assertNoAllocation(await measure('proto', CALLS));
  });
});
