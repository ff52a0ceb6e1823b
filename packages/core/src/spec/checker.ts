import { parseDuration } from '../duration';
import { suggest, type SpecIssue } from './spec-error';

/** A mapping as YAML or JSON gives it, before checking. */
export type Raw = Record<string, unknown>;

/** Collects issues while walking a raw document. */
export class Checker {
  readonly issues: SpecIssue[] = [];

  fail(path: string, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  /** Reports keys of `obj` that are not in `known`, with a suggestion when close. */
  keys(obj: Raw, path: string, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const hint = suggest(key, known);
      this.fail(
        join(path, key),
        `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${known.join(', ')}`
      );
    }
  }

  object(value: unknown, path: string): Raw | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Raw;
    return this.fail(path, `must be a mapping, got ${show(value)}`);
  }

  string(value: unknown, path: string): string | undefined {
    if (typeof value === 'string' && value.length > 0) return value;
    return this.fail(path, `must be a non-empty string, got ${show(value)}`);
  }

  stringList(value: unknown, path: string): string[] {
    if (typeof value === 'string') return this.string(value, path) !== undefined ? [value] : [];
    if (!Array.isArray(value)) {
      this.fail(path, `must be a list of strings, got ${show(value)}`);
      return [];
    }
    const out: string[] = [];
    value.forEach((v, i) => {
      const s = this.string(v, `${path}[${i}]`);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  duration(value: unknown, path: string): number | undefined {
    if (typeof value === 'number' && value > 0 && Number.isFinite(value)) return value;
    if (typeof value === 'string') {
      const ms = parseDuration(value);
      if (ms !== undefined) return ms;
    }
    return this.fail(
      path,
      `must be a duration such as 300ms, 30s, 5m, 1h, 28d or 4w, got ${show(value)}`
    );
  }
}

/** Joins a key onto a path, quoting keys that are not plain identifiers. */
export function join(path: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

/** A short rendering of a bad value for an error message. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(value);
  }
}
