import * as assert from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../src';
import { capture } from './capture';

const BIN = path.join(__dirname, '..', '..', 'bin', 'burnrate.js');
const DESIGN = path.join(__dirname, '..', '..', '..', 'core', 'test', 'fixtures', 'design.yaml');

describe('burnrate CLI', () => {
  describe('budget', () => {
    it('should print the fraction and 43.2 min for 99.9 % over 30 d', async () => {
      const io = capture();
      assert.strictEqual(await main(['budget', '--objective', '99.9', '--window', '30d'], io), 0);
      assert.match(io.stdout, /allowed bad events: 0\.1 % of eligible events \(1 in 1,000\)/);
      assert.match(io.stdout, /time-based budget: +43\.2 min \(2592 s\)/);
      assert.match(io.stdout, /^ +99\.99 % +0\.01 % +1\.01 min +4\.03 min +4\.32 min +52\.6 min$/m);
    });

    it('should give the seed tables in --json', async () => {
      const io = capture();
      assert.strictEqual(
        await main(['budget', '--objective', '99.9', '--window', '30d', '--json'], io),
        0
      );
      const out = JSON.parse(io.stdout);
      assert.strictEqual(out.errorBudgetFraction, 0.001);
      assert.ok(Math.abs(out.timeBudgetMinutes - 43.2) < 1e-9);
      const row = (o: number) =>
        out.table.find((r: { objective: number }) => r.objective === o).budgetsMs['30d'];
      assert.ok(Math.abs(row(99.95) / 60_000 - 21.6) < 1e-9);
      assert.ok(Math.abs(row(99.99) / 60_000 - 4.32) < 1e-9);
      assert.ok(Math.abs(row(99.999) / 1000 - 25.92) < 1e-6);
      assert.deepStrictEqual(
        out.table.map((r: { objective: number }) => r.objective),
        [90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999]
      );
    });

    it('should refuse a bad objective with exit 2', async () => {
      const io = capture();
      assert.strictEqual(await main(['budget', '--objective', '100', '--window', '30d'], io), 2);
      assert.match(
        io.stderr,
        /--objective must be a percent between 0 and 100 exclusive, got "100"/
      );
    });
  });

  describe('validate', () => {
    it('should print one line per SLO and exit 0', async () => {
      const io = capture();
      assert.strictEqual(await main(['validate', DESIGN], io), 0);
      const lines = io.stdout.trim().split('\n');
      assert.match(lines[0], /3 SLOs valid$/);
      assert.match(
        lines[1],
        /^ {2}checkout-availability: 99\.9 % over 28d rolling;.*page 13\.44x 1h\/5m/
      );
      assert.strictEqual(lines.length, 4);
    });

    it('should print every error and exit 1 (through the real binary)', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'burnrate-cli-'));
      const file = path.join(dir, 'bad.yaml');
      writeFileSync(
        file,
        'slos:\n  - name: a\n    objective: 100\n    windw: 28d\n    sli: { good: { status: ok } }\n'
      );
      const r = spawnSync(process.execPath, [BIN, 'validate', file], { encoding: 'utf8' });
      assert.strictEqual(r.status, 1);
      assert.match(r.stderr, /slos\[0\]\.objective: must be between 0 and 100 exclusive, got 100/);
      assert.match(r.stderr, /slos\[0\]\.windw: unknown key \(did you mean "window"\?\)/);
      assert.match(r.stderr, /slos\[0\]\.window: is required/);
      assert.strictEqual(r.stdout, '');
    });
  });

  describe('replay', () => {
    it('should print exactly one JSON object with the required keys', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'burnrate-cli-'));
      const file = path.join(dir, 'events.csv');
      const start = Date.UTC(2026, 0, 1) / 1000;
      const lines = ['timestamp,total,bad'];
      for (let i = 0; i < 180; i++)
        lines.push(`${start + i * 60},1000,${i >= 60 && i < 75 ? 100 : 0}`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const stdout = execFileSync(
        process.execPath,
        [BIN, 'replay', '--objective', '99.9', '--window', '1d', '--input', file, '--json'],
        {
          encoding: 'utf8',
        }
      );
      const out = JSON.parse(stdout);
      for (const k of ['total', 'bad', 'sli', 'budget', 'remainingRatio', 'exhaustedAt', 'alerts'])
        assert.ok(k in out, k);
      assert.strictEqual(out.total, 180_000);
      assert.strictEqual(out.bad, 1500);
      assert.strictEqual(out.budget, 180);
      // -7.333…: 10 significant digits in JSON, no float noise
      assert.strictEqual(out.remainingRatio, -7.333333333);
      // cumulative bad reaches 180 in the second minute of the burst (100, 200)
      assert.strictEqual(out.exhaustedAt, '2026-01-01T01:01:00Z');
      assert.ok(
        out.alerts.length > 0 &&
          out.alerts.every(
            (a: { severity: string }) => a.severity === 'page' || a.severity === 'ticket'
          )
      );
    });

    it('should report the last 7d of a 14-day file with --window 7d, and say which span', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'burnrate-cli-'));
      const file = path.join(dir, 'two-weeks.csv');
      const start = Date.UTC(2026, 0, 1) / 1000;
      const lines = ['timestamp,total,bad'];
      // week 1: 4 bad per 1,000 (overspent 4x); week 2: 1 bad per 2,000 (half the budget)
      for (let i = 0; i < 14 * 1440; i++)
        lines.push(`${start + i * 60},1000,${i < 7 * 1440 ? 4 : i % 2}`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const io = capture();
      const args = ['replay', '--objective', '99.9', '--window', '7d', '--input', file];
      assert.strictEqual(await main(args, io), 0);
      assert.match(
        io.stdout,
        /budget: {5}over the last 7d of the file, 2026-01-08T00:00:00Z \.\. 2026-01-14T23:59:00Z\n {14}10080 bad events allowed, 5040 bad, remaining 50(\.0+)? ?%/
      );
      assert.match(io.stdout, /exhausted: {2}never/);
      const json = capture();
      assert.strictEqual(await main([...args, '--json'], json), 0);
      const out = JSON.parse(json.stdout);
      assert.strictEqual(out.remainingRatio, 0.5);
      assert.deepStrictEqual(out.budgetPeriod, {
        start: '2026-01-08T00:00:00Z',
        end: '2026-01-14T23:59:00Z',
        minutes: 10080,
        wholeFile: false,
        total: 10_080_000,
        bad: 5040,
      });
    });

    it("should say that it rounds a 1-day SLO's alert windows to whole minutes", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'burnrate-cli-'));
      const file = path.join(dir, 'day.csv');
      writeFileSync(file, 'timestamp,total,bad\n2026-01-01T00:00:00Z,10,0\n');
      const io = capture();
      assert.strictEqual(
        await main(['replay', '--objective', '99.9', '--window', '1d', '--input', file], io),
        0
      );
      assert.match(io.stdout, /tiers: {6}page 13\.44x 2m\/1m, page 5\.6x 13m\/1m/);
      assert.match(io.stdout, /whole minutes/);
      assert.match(io.stdout, /over the whole file, .*, 1 min of the 1d window/);
    });

    it('should name the line of a bad row', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'burnrate-cli-'));
      const file = path.join(dir, 'bad.csv');
      writeFileSync(file, 'timestamp,total,bad\n2026-01-01T00:00:00Z,1,x\n');
      const io = capture();
      assert.strictEqual(
        await main(['replay', '--objective', '99', '--window', '28d', '--input', file], io),
        1
      );
      assert.strictEqual(
        io.stderr,
        'burnrate: ' + file + ': line 2: bad must be a whole number, got "x"\n'
      );
    });

    it('should draw progress on stderr only on a terminal', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'burnrate-cli-'));
      const file = path.join(dir, 'long.csv');
      const lines = ['timestamp,total,bad'];
      for (let i = 0; i < 6000; i++) lines.push(`${1767225600 + i * 60},10,0`);
      writeFileSync(file, lines.join('\n'));
      const tty = capture(true);
      await main(
        ['replay', '--objective', '99', '--window', '28d', '--input', file, '--json'],
        tty
      );
      assert.match(tty.stderr, /\[#+\.*\] 2000\/6000 minutes/);
      const pipe = capture(false);
      await main(
        ['replay', '--objective', '99', '--window', '28d', '--input', file, '--json'],
        pipe
      );
      assert.strictEqual(pipe.stderr, '');
      assert.strictEqual(JSON.parse(pipe.stdout).rows, 6000);
    });
  });
});
