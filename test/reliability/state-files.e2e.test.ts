import * as assert from 'node:assert';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { startCollector, type CollectorLogger, type RunningCollector } from '@burnrate/collector';
import { getText, makeFixture, send, SPEC } from '../collector/fixture';

function collectingLogger(): CollectorLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: m => lines.push(`info ${m}`),
    warn: m => lines.push(`warn ${m}`),
    error: m => lines.push(`error ${m}`),
  };
}

const start = (stateFile: string, logger: CollectorLogger = collectingLogger()) =>
  startCollector({
    spec: SPEC,
    httpPort: 0,
    grpcPort: false,
    metricsPort: false,
    stateFile,
    logger,
  });

/** A state file with real windows: a collector that took the fixture's spans, closed. */
async function savedState(file: string): Promise<void> {
  const c = await start(file);
  const body = Buffer.from(
    ProtobufTraceSerializer.serializeRequest(makeFixture(Date.now()).spans)!
  );
  assert.strictEqual(
    (
      await send(c.httpPort!, 'POST', '/v1/traces', body, {
        'content-type': 'application/x-protobuf',
      })
    ).status,
    200
  );
  await c.close();
}

describe('reliability: state files', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-statefiles-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const headers: Array<[string, (h: Record<string, unknown>) => void]> = [
    ['savedAt deleted', h => delete h.savedAt],
    ['savedAt null', h => (h.savedAt = null)],
    ['savedAt with a flipped bit', h => (h.savedAt = String(h.savedAt).replace('T', 'U'))],
    ['engine null', h => (h.engine = null)],
    ['engine a number', h => (h.engine = 7)],
    ['slos a string', h => ((h.engine as Record<string, unknown>).slos = 'x')],
  ];
  for (const [what, mutate] of headers) {
    it(`should start empty, log, count and move aside a state file with ${what}`, async () => {
      const file = join(dir, 'state.json');
      await savedState(file);
      const header = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      mutate(header);
      const text = JSON.stringify(header);
      writeFileSync(file, text);
      const logger = collectingLogger();
      const c = await start(file, logger);
      try {
        assert.strictEqual(c.engine.snapshot()[0].eligible, 0);
        const error = logger.lines.find(l => l.startsWith('error the state file'));
        assert.ok(error, logger.lines.join('\n'));
        const aside = readdirSync(dir).filter(n => n.startsWith('state.json.corrupt-'));
        assert.strictEqual(aside.length, 1);
        assert.strictEqual(readFileSync(join(dir, aside[0]), 'utf8'), text);
        assert.strictEqual((await send(c.httpPort!, 'GET', '/readyz')).status, 200);
      } finally {
        await c.close();
      }
    });
  }

  it('should never write through a planted symlink, and remove temporary files left by a crash', async () => {
    const file = join(dir, 'state.json');
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'do not overwrite');
    // the names the collector used to write to, and leftovers of a crash mid-write
    symlinkSync(target, `${file}.tmp-${process.pid}`);
    symlinkSync(target, `${file}.tmp-1`);
    writeFileSync(`${file}.tmp-0123456789abcdef`, '{"half":');
    const logger = collectingLogger();
    const c = await start(file, logger);
    try {
      assert.ok(
        logger.lines.some(l => /removed 3 temporary state files/.test(l)),
        logger.lines.join('\n')
      );
      assert.deepStrictEqual(
        readdirSync(dir).filter(n => n.includes('.tmp-')),
        [],
        'leftovers removed (the links, not their target)'
      );
      for (let i = 0; i < 20; i++) {
        symlinkSync(target, `${file}.tmp-${process.pid}-${i}`);
      }
      // many saves at once: one write at a time, the rest collapsed into one more
      await Promise.all(Array.from({ length: 50 }, () => c.snapshotState()));
    } finally {
      await c.close();
    }
    assert.strictEqual(readFileSync(target, 'utf8'), 'do not overwrite');
    assert.ok(!lstatSync(file).isSymbolicLink());
    assert.strictEqual(JSON.parse(readFileSync(file, 'utf8')).format, 'burnrate-collector-state');
    assert.deepStrictEqual(
      readdirSync(dir).filter(n => n.includes('.tmp-') && !n.includes(`-${process.pid}-`)),
      []
    );
  });

  it('should report failing snapshots on /readyz, and ready again once one succeeds', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const file = join(sub, 'state.json');
    const logger = collectingLogger();
    let c: RunningCollector | undefined;
    try {
      c = await start(file, logger);
      assert.strictEqual((await send(c.httpPort!, 'GET', '/readyz')).status, 200);
      rmSync(sub, { recursive: true });
      await c.snapshotState();
      const r = await send(c.httpPort!, 'GET', '/readyz');
      assert.strictEqual(r.status, 503);
      assert.match(r.body.toString(), /^not ready: the last state snapshot failed: ENOENT/);
      assert.strictEqual((await send(c.httpPort!, 'GET', '/healthz')).status, 200);
      mkdirSync(sub);
      await c.snapshotState();
      assert.strictEqual((await send(c.httpPort!, 'GET', '/readyz')).status, 200);
      assert.ok(existsSync(file));
      assert.ok(JSON.parse(await getText(c.httpPort!, '/api/slos')).slos.length > 0);
    } finally {
      await c?.close();
    }
  });
});
