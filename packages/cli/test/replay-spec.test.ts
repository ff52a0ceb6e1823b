import * as assert from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../src';
import { capture } from './capture';

const MIN = 60_000;
const T = Date.UTC(2026, 5, 1);

/** A spec with two SLOs and a correction for one, and 3 h of rows with an outage in the correction. */
function files(): { spec: string; csv: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'burnrate-replay-spec-'));
  const spec = path.join(dir, 'burnrate.yaml');
  writeFileSync(
    spec,
    `slos:
  - name: checkout
    objective: 99
    window: 1d
    sli: { good: { status: ok } }
    alerting: { minEvents: 500 }
  - name: search
    objective: 99.9
    window: 7d
    sli: { good: { status: ok } }
    alerting: { tiers: [] }
corrections:
  - name: migration
    start: "2026-06-01T00:30:00Z"
    end: "2026-06-01T01:00:00+00:00"
    slos: [checkout]
`
  );
  const csv = path.join(dir, 'events.csv');
  const lines = ['timestamp,total,bad'];
  for (let m = 0; m < 180; m++)
    lines.push(`${new Date(T + m * MIN).toISOString()},100,${m >= 30 && m < 60 ? 20 : 0}`);
  writeFileSync(csv, `${lines.join('\n')}\n`);
  return { spec, csv };
}

describe('burnrate replay --spec', () => {
  it("should replay with the SLO's objective, window, minEvents and corrections", async () => {
    const { spec, csv } = files();
    const io = capture();
    assert.strictEqual(
      await main(['replay', '--spec', spec, '--slo', 'checkout', '--input', csv, '--json'], io),
      0
    );
    const out = JSON.parse(io.stdout);
    assert.strictEqual(out.slo, 'checkout');
    assert.deepStrictEqual(
      [out.objective, out.window, out.total, out.bad, out.minEvents, out.alerts],
      [99, '1d', 15_000, 0, 500, []]
    );
    assert.deepStrictEqual(out.corrected, {
      rows: 30,
      total: 3000,
      bad: 600,
      intervals: [
        { name: 'migration', start: '2026-06-01T00:30:00Z', end: '2026-06-01T01:00:00Z' },
      ],
    });
    // the same rows for the SLO the correction does not name: counted, no tiers
    const other = capture();
    assert.strictEqual(
      await main(['replay', '--spec', spec, '--slo', 'search', '--input', csv, '--json'], other),
      0
    );
    const s = JSON.parse(other.stdout);
    assert.deepStrictEqual(
      [s.objective, s.window, s.bad, s.tiers, 'corrected' in s],
      [99.9, '7d', 600, [], false]
    );
  });

  it('should say in the text what the corrections left out', async () => {
    const { spec, csv } = files();
    const io = capture();
    assert.strictEqual(await main(['replay', '-s', spec, '--slo', 'checkout', '-i', csv], io), 0);
    assert.match(io.stdout, /of SLO checkout at 99 % over 1d/);
    assert.match(
      io.stdout,
      /corrected: +30 minutes left out \(3000 events, 600 bad\) by 1 interval of migration/
    );
    assert.match(io.stdout, /minEvents 500/);
  });

  it('should refuse ambiguous or unknown SLOs and mixed flags', async () => {
    const { spec, csv } = files();
    const cases: Array<[string[], number, RegExp]> = [
      [
        ['--spec', spec, '--input', csv],
        2,
        /has 2 SLOs; choose one with --slo NAME \(checkout, search\)/,
      ],
      [
        ['--spec', spec, '--slo', 'nope', '--input', csv],
        1,
        /has no SLO named "nope"; it has checkout, search/,
      ],
      [
        ['--spec', spec, '--objective', '99', '--input', csv],
        2,
        /give --spec or --objective and --window, not both/,
      ],
      [
        ['--objective', '99', '--window', '1d', '--slo', 'x', '--input', csv],
        2,
        /--slo needs --spec FILE/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const io = capture();
      assert.strictEqual(await main(['replay', ...args], io), code, args.join(' '));
      assert.match(io.stderr, message);
    }
  });
});

describe('burnrate validate with corrections', () => {
  it('should list each correction with its interval or rule, and its SLOs', async () => {
    const { spec } = files();
    const io = capture();
    assert.strictEqual(await main(['validate', spec], io), 0);
    assert.match(
      io.stdout,
      /^corrections \(1\):\n {2}migration: 2026-06-01T00:30:00Z \.\. 2026-06-01T01:00:00Z \(30m\), SLO checkout$/m
    );
  });
});

describe('burnrate status with corrections', () => {
  it('should say which SLO is in a correction until when', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'burnrate-status-corrections-'));
    const file = path.join(dir, 'slos.json');
    const entry = (name: string, corrections?: unknown) => ({
      name,
      service: null,
      objective: 0.99,
      window: '1d',
      eligible: 10,
      good: 10,
      bad: 0,
      sli: 1,
      budget: 0.1,
      remaining: 1,
      burnRates: { '1h': 0 },
      timeToExhaustionSeconds: null,
      firing: { page: false, ticket: false },
      status: 'healthy',
      events: { good: 10, bad: 0 },
      offenders: [],
      attributionWindow: '1d',
      elevatedSince: null,
      exemplars: [],
      ...(corrections ? { corrections } : {}),
    });
    writeFileSync(
      file,
      JSON.stringify({
        time: '2026-06-01T00:40:00.000Z',
        slos: [
          entry('checkout', [
            { name: 'old', start: '2026-05-31T02:00:00.000Z', end: '2026-05-31T03:00:00.000Z' },
            {
              name: 'migration',
              start: '2026-06-01T00:30:00.000Z',
              end: '2026-06-01T01:00:00.000Z',
            },
          ]),
          entry('search'),
        ],
      })
    );
    const io = capture();
    assert.strictEqual(await main(['status', '--input', file], io), 0);
    assert.match(
      io.stdout,
      /^checkout: in correction migration until 2026-06-01T01:00:00\.000Z \(events not eligible\)$/m
    );
    assert.doesNotMatch(io.stdout, /correction old|search: in correction/);
  });
});

describe('burnrate export with corrections', () => {
  it('should say on stderr that corrections have no OpenSLO form', async () => {
    const { spec } = files();
    const io = capture();
    assert.strictEqual(await main(['export', 'openslo', spec], io), 0);
    assert.match(
      io.stderr,
      /note: the corrections: section \(1\) has no OpenSLO form and is left out/
    );
    assert.match(io.stdout, /kind: SLO/);
  });
});
