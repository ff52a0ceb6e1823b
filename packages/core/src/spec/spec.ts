import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { fromOpenSlo, isOpenSloDocument, spreadDocuments } from './openslo';
import { SpecError, type SpecIssue } from './spec-error';
import type { SloDefinition, SloSpec } from '../types';
import { Checker, show, type Raw } from './checker';
import { checkSlo } from './check-slo';
import { checkCollector } from './check-collector';
import { checkComposites } from './check-composites';
import { checkPolicy } from './check-policy';
import { checkCorrections } from './check-corrections';

export { parseBytes } from './check-collector';

/**
 * Validates a parsed spec document (plain data, as YAML or JSON gives it) and
 * returns the typed spec. Throws a {@link SpecError} listing every problem.
 */
export function validateSpec(doc: unknown, source?: string): SloSpec {
  const c = new Checker();
  const raw = c.object(doc, '(root)');
  if (!raw) throw new SpecError(c.issues, source);
  c.keys(raw, '', ['slos', 'collector', 'corrections', 'composites', 'policy']);
  const slos: SloDefinition[] = [];
  if (!Array.isArray(raw.slos) || raw.slos.length === 0) {
    c.fail('slos', `must be a non-empty list of SLOs, got ${show(raw.slos)}`);
  } else {
    const seen = new Map<string, number>();
    raw.slos.forEach((s, i) => {
      const slo = checkSlo(c, s, `slos[${i}]`);
      const name = (s as Raw | null)?.name;
      if (typeof name === 'string') {
        const first = seen.get(name);
        if (first !== undefined)
          c.fail(`slos[${i}].name`, `duplicates slos[${first}].name ${show(name)}`);
        else seen.set(name, i);
      }
      if (slo) slos.push(slo);
    });
  }
  const collector =
    raw.collector === undefined ? undefined : checkCollector(c, raw.collector, 'collector');
  const corrections =
    raw.corrections === undefined
      ? undefined
      : checkCorrections(c, raw.corrections, 'corrections', sloNames(raw.slos));
  const composites =
    raw.composites === undefined || !Array.isArray(raw.slos)
      ? undefined
      : checkComposites(c, raw.composites, 'composites', raw.slos);
  const policy = raw.policy === undefined ? undefined : checkPolicy(c, raw.policy, 'policy');
  if (c.issues.length > 0) throw new SpecError(c.issues, source);
  return {
    slos,
    collector,
    ...(corrections ? { corrections } : {}),
    ...(composites ? { composites } : {}),
    ...(policy ? { policy } : {}),
  };
}

/** The names the raw `slos` list gives (valid or not), for references to them. */
function sloNames(slos: unknown): string[] {
  if (!Array.isArray(slos)) return [];
  return slos.map(s => (s as Raw | null)?.name).filter((n): n is string => typeof n === 'string');
}

/**
 * Parses spec text: a burnrate document (`slos:`), or one or more OpenSLO v1
 * documents (`apiVersion: openslo/v1`, kinds SLO, SLI, AlertPolicy).
 */
export function parseSpec(text: string, source?: string): SloSpec {
  const docs = parseAllDocuments(text, { logLevel: 'error' });
  const issues: SpecIssue[] = [];
  const values: unknown[] = [];
  for (const d of docs) {
    for (const e of d.errors) {
      const pos = e.linePos?.[0];
      issues.push({
        path: pos ? `line ${pos.line}, column ${pos.col}` : '(yaml)',
        message: e.message.split('\n')[0],
      });
    }
    try {
      values.push(d.toJS({ maxAliasCount: 100 }));
    } catch (e) {
      // unresolved or excessive aliases (`*x` without `&x`, alias bombs)
      issues.push({ path: '(yaml)', message: (e as Error).message.split('\n')[0] });
    }
  }
  if (issues.length > 0) throw new SpecError(issues, source);
  const nonEmpty = spreadDocuments(values.filter(v => v !== null && v !== undefined));
  if (nonEmpty.length === 0)
    throw new SpecError([{ path: '(root)', message: 'the spec is empty' }], source);
  if (nonEmpty.some(isOpenSloDocument)) {
    const { doc, origins } = fromOpenSlo(nonEmpty, source);
    try {
      return validateSpec(doc, source);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      // name the OpenSLO document, not the burnrate SLO it became
      const issues = e.issues.map(i => {
        const m = /^slos\[(\d+)\](.*)$/.exec(i.path);
        const o = m ? origins[Number(m[1])] : undefined;
        return o ? { path: `${o.path} (${o.label})${m![2]}`, message: i.message } : i;
      });
      throw new SpecError(issues, source);
    }
  }
  if (nonEmpty.length > 1)
    throw new SpecError(
      [{ path: '(root)', message: `expected one document, got ${nonEmpty.length}` }],
      source
    );
  return validateSpec(nonEmpty[0], source);
}

/** Reads and validates a spec file. */
export function loadSpec(path: string): SloSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpecError(
      [
        {
          path: '(file)',
          message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        },
      ],
      path
    );
  }
  return parseSpec(text, path);
}
