import type { CompositeComponent, CompositeDefinition } from '../composite/composite';
import { suggest } from './spec-error';
import { Checker, show, type Raw } from './checker';

const NAME_RE = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Checks the top-level `composites:` list against the spec's SLOs (`slos`, as
 * written): names unique among SLOs and composites, components that exist, are
 * not grouped (`groupBy`) and form no cycle, weights positive (default 1).
 */
export function checkComposites(
  c: Checker,
  value: unknown,
  path: string,
  slos: readonly unknown[]
): CompositeDefinition[] {
  if (!Array.isArray(value)) {
    c.fail(path, `must be a list of composite SLOs, got ${show(value)}`);
    return [];
  }
  const sloIndex = new Map<string, number>();
  slos.forEach((s, i) => {
    const name = (s as Raw | null)?.name;
    if (typeof name === 'string' && !sloIndex.has(name)) sloIndex.set(name, i);
  });
  const compositeIndex = new Map<string, number>();
  value.forEach((v, i) => {
    const name = (v as Raw | null)?.name;
    if (typeof name === 'string' && !compositeIndex.has(name)) compositeIndex.set(name, i);
  });
  const known = [...sloIndex.keys(), ...compositeIndex.keys()];
  const out: CompositeDefinition[] = [];
  value.forEach((v, i) => {
    const p = `${path}[${i}]`;
    const raw = c.object(v, p);
    if (!raw) return;
    c.keys(raw, p, ['name', 'description', 'components']);
    const name = c.string(raw.name, `${p}.name`);
    if (name !== undefined) {
      if (!NAME_RE.test(name))
        c.fail(`${p}.name`, `must match [a-z0-9][a-z0-9-]*, got ${show(name)}`);
      else if (sloIndex.has(name))
        c.fail(`${p}.name`, `duplicates slos[${sloIndex.get(name)}].name ${show(name)}`);
      else if (compositeIndex.get(name) !== i)
        c.fail(`${p}.name`, `duplicates ${path}[${compositeIndex.get(name)}].name ${show(name)}`);
    }
    const description =
      raw.description === undefined ? undefined : c.string(raw.description, `${p}.description`);
    const components: CompositeComponent[] = [];
    if (!Array.isArray(raw.components) || raw.components.length === 0) {
      c.fail(
        `${p}.components`,
        `must be a non-empty list of { slo, weight }, got ${show(raw.components)}`
      );
    } else {
      const seen = new Set<string>();
      raw.components.forEach((k, j) => {
        const kp = `${p}.components[${j}]`;
        const component = checkComponent(c, k, kp);
        if (component === undefined) return;
        const slo = component.slo;
        if (!sloIndex.has(slo) && !compositeIndex.has(slo)) {
          const hint = suggest(slo, known);
          c.fail(
            `${kp}.slo`,
            `unknown SLO ${show(slo)}${hint ? ` (did you mean "${hint}"?)` : ''}`
          );
          return;
        }
        if (seen.has(slo)) {
          c.fail(`${kp}.slo`, `${show(slo)} is already a component of ${show(name ?? p)}`);
          return;
        }
        seen.add(slo);
        const sloAt = sloIndex.get(slo);
        if (sloAt !== undefined && (slos[sloAt] as Raw | null)?.groupBy !== undefined) {
          c.fail(
            `${kp}.slo`,
            `${show(slo)} is grouped (slos[${sloAt}].groupBy); components must be ungrouped SLOs for now`
          );
          return;
        }
        components.push(component);
      });
    }
    if (name !== undefined && components.length > 0)
      out.push({ name, ...(description !== undefined ? { description } : {}), components });
  });
  checkCycles(c, out, path, compositeIndex);
  return out;
}

/** `{ slo, weight }` or the SLO's name alone (weight 1). */
function checkComponent(c: Checker, value: unknown, path: string): CompositeComponent | undefined {
  if (typeof value === 'string') {
    const slo = c.string(value, path);
    return slo === undefined ? undefined : { slo, weight: 1 };
  }
  const raw = c.object(value, path);
  if (!raw) return undefined;
  c.keys(raw, path, ['slo', 'weight']);
  const slo = c.string(raw.slo, `${path}.slo`);
  let weight = 1;
  if (raw.weight !== undefined) {
    if (typeof raw.weight !== 'number' || !(raw.weight > 0) || !Number.isFinite(raw.weight)) {
      c.fail(`${path}.weight`, `must be a positive number, got ${show(raw.weight)}`);
      return undefined;
    }
    weight = raw.weight;
  }
  return slo === undefined ? undefined : { slo, weight };
}

/**
 * Reports each cycle of composites once, at the component that closes it:
 * `composites[1].components[0].slo: cycle "b" → "a" → "b"`.
 */
function checkCycles(
  c: Checker,
  composites: readonly CompositeDefinition[],
  path: string,
  index: ReadonlyMap<string, number>
): void {
  const byName = new Map(composites.map(d => [d.name, d]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'open');
    stack.push(name);
    const def = byName.get(name)!;
    def.components.forEach(k => {
      if (!byName.has(k.slo)) return;
      const s = state.get(k.slo);
      if (s === 'open') {
        const loop = [...stack.slice(stack.indexOf(k.slo)), k.slo].map(n => show(n)).join(' → ');
        const j = def.components.indexOf(k);
        c.fail(`${path}[${index.get(name)}].components[${j}].slo`, `cycle ${loop}`);
      } else if (s === undefined) visit(k.slo);
    });
    stack.pop();
    state.set(name, 'done');
  };
  for (const d of composites) if (!state.has(d.name)) visit(d.name);
}
