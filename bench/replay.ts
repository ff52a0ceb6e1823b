/**
 * Issue #6, 5: `burnrate replay` — core `replay()` on generated per-minute rows
 * (against parsing the same rows' CSV, in the same run), and the CLI end to end
 * on a CSV file (against the start-up of a bare `node -e 0`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DAY_MS, MINUTE_MS, parseReplayCsv, replay, type ReplayRow } from '@burnrate/core';
import { median, perSecond, report, SMOKE } from './harness';

const CLI = path.join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'burnrate.js');

/** `days` of per-minute rows at about 1,000 requests a minute, with a few incidents. */
function rows(days: number): ReplayRow[] {
  const out: ReplayRow[] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let m = 0; m < days * 1440; m++) {
    const incident = m % 7919 < 30;
    const total = 1000 + ((m * 37) % 200);
    out.push({ timeMs: start + m * MINUTE_MS, total, bad: incident ? 80 : (m * 13) % 3 });
  }
  return out;
}

function csv(data: readonly ReplayRow[]): string {
  const lines = ['timestamp,total,bad'];
  for (const r of data) lines.push(`${new Date(r.timeMs).toISOString()},${r.total},${r.bad}`);
  return lines.join('\n') + '\n';
}

function timed(fn: () => void, rounds: number): number {
  const t: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const s = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e9);
  }
  return median(t);
}

export function run(): void {
  const days = SMOKE ? 7 : 90;
  const data = rows(days);
  const text = csv(data);
  const rounds = SMOKE ? 1 : 5;
  const options = { objective: 99.9, windowMs: 28 * DAY_MS };
  replay(data.slice(0, 2000), options); // warm-up
  const parse = timed(() => parseReplayCsv(text), rounds);
  let alerts = 0;
  const core = timed(() => {
    alerts = replay(data, options).alerts.length;
  }, rounds);
  report(`parseReplayCsv, ${data.length} rows (baseline)`, perSecond(data.length / parse, 'rows'));
  report(
    `core replay(), ${days} days of minutes, 28 d window`,
    perSecond(data.length / core, 'rows'),
    core / parse,
    `time vs parsing; ${alerts} alert intervals`
  );

  const dir = mkdtempSync(path.join(tmpdir(), 'burnrate-bench-'));
  try {
    const file = path.join(dir, 'minutes.csv');
    writeFileSync(file, text);
    const cliRounds = SMOKE ? 1 : 3;
    const bare = timed(() => execFileSync(process.execPath, ['-e', '0']), cliRounds);
    let out = '';
    const cli = timed(() => {
      out = execFileSync(
        process.execPath,
        [CLI, 'replay', '--objective', '99.9', '--window', '28d', '--input', file, '--json'],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
      );
    }, cliRounds);
    if ((JSON.parse(out) as { rows: number }).rows !== data.length)
      throw new Error('the CLI replayed a different number of rows');
    report('node -e 0 (baseline: process start)', `${(bare * 1000).toFixed(0)} ms`);
    report(
      `burnrate replay CLI end to end, ${data.length} rows`,
      `${(cli * 1000).toFixed(0)} ms`,
      cli / bare,
      `${perSecond(data.length / cli, 'rows')} wall, ${perSecond(data.length / Math.max(1e-3, cli - bare), 'rows')} past start-up`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
