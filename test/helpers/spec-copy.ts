import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/** A spec file written to a temporary directory; `cleanup` removes it. */
export interface SpecCopy {
  readonly path: string;
  cleanup(): void;
}

/**
 * A copy of the spec at `source` with `alerting.minEvents` set on every SLO:
 * end-to-end tests that page on a handful of requests say so explicitly
 * (`minEvents: 0`) instead of relying on the derived default.
 */
export function specWithMinEvents(source: string, minEvents: number): SpecCopy {
  const doc = parse(readFileSync(source, 'utf8')) as { slos: Array<Record<string, unknown>> };
  for (const slo of doc.slos) {
    slo.alerting = { ...((slo.alerting as object | undefined) ?? {}), minEvents };
  }
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-spec-'));
  const path = join(dir, 'burnrate.yaml');
  writeFileSync(path, stringify(doc));
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
