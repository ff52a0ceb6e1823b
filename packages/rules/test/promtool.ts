import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Result of one promtool run. */
export interface PromtoolResult {
  status: number | null;
  output: string;
}

/** Runs the real `promtool` with `args` in `cwd`. */
export function promtool(args: string[], cwd: string): PromtoolResult {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 600_000 });
  if (r.error) throw r.error;
  const signal = r.signal === null ? '' : `\n(promtool killed by ${r.signal})`;
  return { status: r.status, output: `${r.stdout}${r.stderr}${signal}` };
}

/** A temporary directory holding `files`, removed by the returned `cleanup`. */
export function tempFiles(files: Record<string, string>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-rules-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
