/** One problem found in a spec: where (`slos[1].objective`) and why. */
export interface SpecIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Thrown when a spec does not validate. It carries every issue found, not just
 * the first, and its message lists them one per line as `path: message`.
 */
export class SpecError extends Error {
  readonly issues: readonly SpecIssue[];

  constructor(issues: readonly SpecIssue[], source?: string) {
    const head = `${source ? `${source}: ` : ''}invalid burnrate spec (${issues.length} error${issues.length === 1 ? '' : 's'})`;
    super([head, ...issues.map(i => `  ${i.path}: ${i.message}`)].join('\n'));
    this.name = 'SpecError';
    this.issues = issues;
  }
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest known word to `word`, when it is close enough to be a typo. */
export function suggest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3))
    ? best
    : undefined;
}
