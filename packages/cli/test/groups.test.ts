import * as assert from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { routeSpan } from '@burnrate/test-utils';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import { main } from '../src';
import { capture } from './capture';

const SPEC = `
slos:
  - name: api
    service: shop
    objective: 99
    window: 28d
    groupBy: [http.route]
    maxGroups: 5
    sli: { good: { status: ok } }
`;

const span = routeSpan;

describe('burnrate CLI with grouped SLOs', () => {
  let file: string;
  let collector: RunningCollector;
  let base: string;
  before(async () => {
    file = path.join(mkdtempSync(path.join(tmpdir(), 'burnrate-cli-groups-')), 'burnrate.yaml');
    writeFileSync(file, SPEC);
    collector = await startCollector({
      spec: file,
      httpPort: 0,
      grpcPort: false,
      metricsPort: false,
      logger: silentLogger,
    });
    base = `http://127.0.0.1:${collector.httpPort}`;
    const t = Date.now();
    // /a: 100 good; /b: 90 good, 10 bad (remaining 1 - 10 / (0.01 x 100) = -9)
    for (let i = 0; i < 100; i++) collector.engine.record(span('/a', 200, t));
    for (let i = 0; i < 100; i++) collector.engine.record(span('/b', i < 10 ? 503 : 200, t));
  });
  after(() => collector.close());

  describe('validate', () => {
    it('should show groupBy and maxGroups in the summary', async () => {
      const io = capture();
      assert.strictEqual(await main(['validate', file], io), 0);
      assert.match(
        io.stdout,
        /api: 99 % over 28d rolling; service shop, server spans; good: status; grouped by http\.route \(at most 5 groups, then __overflow__\); alerts: /
      );
    });
  });

  describe('status', () => {
    it('should print one row per group, named by its values', async () => {
      const io = capture();
      assert.strictEqual(await main(['status', '--url', `${base}/api/slos`], io), 0);
      const rows = io.stdout.split('\n').filter(l => l.startsWith('api'));
      assert.strictEqual(rows.length, 2, io.stdout);
      assert.match(rows[0], /^api\{http\.route=\/a\} .* healthy/);
      assert.match(rows[1], /^api\{http\.route=\/b\} .* -900/);
    });
  });

  describe('gate', () => {
    it('should judge every group of the SLO and block on the exhausted one', async () => {
      const io = capture();
      assert.strictEqual(
        await main(['gate', '--url', `${base}/api/slos`, '--slo', 'api', '--json'], io),
        1
      );
      const answer = JSON.parse(io.stdout);
      assert.strictEqual(answer.decision, 'block');
      assert.deepStrictEqual(
        answer.slos.map((v: { slo: string; group: unknown; decision: string }) => [
          v.slo,
          v.group,
          v.decision,
        ]),
        [
          ['api', { 'http.route': '/a' }, 'approve'],
          ['api', { 'http.route': '/b' }, 'block'],
        ]
      );
      const text = capture();
      assert.strictEqual(await main(['gate', '--url', `${base}/api/slos`], text), 1);
      assert.match(text.stdout, /^api\{http\.route=\/b\} +block/m);
    });
  });

  describe('report', () => {
    it('should report each group of a running collector under its own name', async () => {
      const out = path.join(path.dirname(file), 'report.md');
      const io = capture();
      assert.strictEqual(
        await main(['report', '--period', '7d', '--url', base, '-o', out], io),
        0,
        io.stderr
      );
      const text = readFileSync(out, 'utf8');
      assert.ok(text.includes('api{http.route=/a}'), text);
      assert.ok(text.includes('api{http.route=/b}'), text);
    });

    it('should replay a CSV through a grouped SLO as one series', async () => {
      const csv = path.join(path.dirname(file), 'events.csv');
      const start = Date.UTC(2026, 0, 1);
      const rows = ['timestamp,total,bad'];
      for (let m = 0; m < 120; m++)
        rows.push(`${new Date(start + m * 60_000).toISOString()},100,${m < 10 ? 2 : 0}`);
      writeFileSync(csv, rows.join('\n') + '\n');
      const out = path.join(path.dirname(file), 'replayed.md');
      const io = capture();
      assert.strictEqual(
        await main(['report', '--period', '7d', '--input', csv, '--spec', file, '-o', out], io),
        0,
        io.stderr
      );
      assert.ok(readFileSync(out, 'utf8').includes('api'));
    });
  });

  describe('explain', () => {
    it('should explain the group asked for, or the one burning fastest', async () => {
      const a = capture();
      assert.strictEqual(
        await main(['explain', 'api', '--group', 'http.route=/a', '--url', base], a),
        0
      );
      assert.match(a.stdout, /^api \(http\.route=\/a\) is healthy/);
      const worst = capture();
      assert.strictEqual(await main(['explain', 'api', '--url', base, '--json'], worst), 0);
      const e = JSON.parse(worst.stdout);
      assert.deepStrictEqual([e.group, e.bad], [{ 'http.route': '/b' }, 10]);
    });

    it('should say in one line when the group does not fit the SLO', async () => {
      const wrong = capture();
      assert.strictEqual(
        await main(['explain', 'api', '--group', 'app.tier=gold', '--url', base], wrong),
        1
      );
      assert.strictEqual(
        wrong.stderr,
        'burnrate: api: "app.tier" is not a groupBy attribute; the SLO groups by http.route\n'
      );
      const bad = capture();
      assert.strictEqual(
        await main(['explain', 'api', '--group', 'http.route', '--url', base], bad),
        2
      );
      assert.match(bad.stderr, /--group must be ATTRIBUTE=VALUE/);
    });
  });
});
