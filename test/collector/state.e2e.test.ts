import * as assert from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { startCollector, STATE_FILE_FORMAT, type CollectorLogger } from '@burnrate/collector';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text';
import { getText, makeFixture, send, SPEC } from './fixture';

function collectingLogger(): CollectorLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: m => lines.push(`info ${m}`),
    warn: m => lines.push(`warn ${m}`),
    error: m => lines.push(`error ${m}`),
  };
}

describe('burnrate collector state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const options = (stateFile: string, logger: CollectorLogger) => ({
    spec: SPEC,
    httpPort: 0,
    grpcPort: false as const,
    metricsPort: 0,
    stateFile,
    logger,
  });

  it('should keep the budget across a restart', async () => {
    const file = join(dir, 'state.json');
    const fixture = makeFixture(Date.now());
    const first = await startCollector(options(file, collectingLogger()));
    const a = await send(
      first.httpPort!,
      'POST',
      '/v1/traces',
      Buffer.from(ProtobufTraceSerializer.serializeRequest(fixture.spans)!),
      {
        'content-type': 'application/x-protobuf',
      }
    );
    assert.strictEqual(a.status, 200);
    const before = JSON.parse(await getText(first.httpPort!, '/api/slos')).slos;
    await first.close();
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.strictEqual(saved.format, STATE_FILE_FORMAT);
    assert.strictEqual(saved.version, 1);

    const logger = collectingLogger();
    const second = await startCollector(options(file, logger));
    try {
      const after = JSON.parse(await getText(second.httpPort!, '/api/slos')).slos;
      // the windows (and every number read from them) are restored; the slo.events
      // counters start again from zero, as a restarted process's counters do
      // (offenders' example trace ids are left out: spans received in the same millisecond
      // tie on time, and the restored ledger keeps fewer of them — see the explain ledger)
      const withoutEvents = (slos: Array<Record<string, unknown>>) =>
        slos.map(({ events: _events, offenders, ...rest }) => ({
          ...rest,
          offenders: (offenders as Array<{ traceIds: string[] }>).map(
            ({ traceIds: _ids, ...o }) => o
          ),
        }));
      assert.deepStrictEqual(withoutEvents(after), withoutEvents(before));
      assert.ok(before.some((s: { events: { bad: number } }) => s.events.bad > 0));
      for (const s of after) assert.deepStrictEqual(s.events, { good: 0, bad: 0 }, s.name);
      const metrics = parsePrometheusText(await getText(second.metricsPort!, '/metrics'));
      for (const s of after)
        for (const outcome of ['good', 'bad'])
          assert.strictEqual(
            sampleValue(metrics, 'slo_events_total', { slo_name: s.name, slo_outcome: outcome }),
            0,
            `${s.name} ${outcome} after the restart`
          );
      assert.ok(
        after.some((s: { remaining: number }) => s.remaining < 1),
        'some budget was spent'
      );
      assert.ok(
        logger.lines.some(l => l.startsWith(`info restored the state of ${SPEC.slos.length} SLOs`)),
        logger.lines.join('\n')
      );
    } finally {
      await second.close();
    }
  });

  it('should snapshot every interval', async () => {
    const file = join(dir, 'state.json');
    const c = await startCollector({
      ...options(file, collectingLogger()),
      snapshotIntervalMs: 50,
    });
    try {
      // poll the metric, not the directory: the file is renamed into place just
      // before the snapshot is counted
      const snapshots = async () =>
        sampleValue(
          parsePrometheusText(await getText(c.metricsPort!, '/metrics')),
          'burnrate_collector_state_snapshots_total',
          {
            burnrate_result: 'ok',
          }
        );
      const started = Date.now();
      while (!((await snapshots()) >= 1) && Date.now() - started < 5_000)
        await new Promise(r => setTimeout(r, 20));
      assert.ok((await snapshots()) >= 1);
      assert.ok(readdirSync(dir).includes('state.json'));
      assert.ok(JSON.parse(readFileSync(file, 'utf8')));
    } finally {
      await c.close();
    }
  });

  for (const [what, content] of [
    ['a truncated', (full: string) => full.slice(0, Math.floor(full.length / 2))],
    ['an incompatible', (full: string) => full.replace('"version":1', '"version":99')],
  ] as const) {
    it(`should start empty from ${what} snapshot, move it aside and report it`, async () => {
      const file = join(dir, 'state.json');
      const first = await startCollector(options(file, collectingLogger()));
      await first.close();
      const full = readFileSync(file, 'utf8');
      writeFileSync(file, content(full));
      const logger = collectingLogger();
      const c = await startCollector(options(file, logger));
      try {
        const slos = JSON.parse(await getText(c.httpPort!, '/api/slos')).slos;
        assert.ok(slos.every((s: { eligible: number }) => s.eligible === 0));
        const moved = readdirSync(dir).filter(f => f.startsWith('state.json.corrupt-'));
        assert.strictEqual(moved.length, 1);
        assert.strictEqual(readFileSync(join(dir, moved[0]), 'utf8'), content(full));
        assert.ok(
          logger.lines.some(
            l =>
              l.startsWith(`error the state file ${file} cannot be restored`) &&
              l.includes(moved[0])
          ),
          logger.lines.join('\n')
        );
        const samples = parsePrometheusText(await getText(c.metricsPort!, '/metrics'));
        assert.strictEqual(
          sampleValue(samples, 'burnrate_collector_state_restore_failures_total', {}),
          1
        );
      } finally {
        await c.close();
      }
    });
  }
});
