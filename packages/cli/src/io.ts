/** Where a command writes: injectable so tests can capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars only then). */
  readonly errIsTty: boolean;
}

/** The process's own stdout and stderr. */
export const processIo: CliIo = {
  out: text => process.stdout.write(text),
  err: text => process.stderr.write(text),
  get errIsTty() {
    return process.stderr.isTTY === true;
  },
};

/** Exit code: done, and the answer is yes. */
export const EXIT_OK = 0;
/**
 * Exit code: the answer is no (`gate` refuses, the spec is invalid), or the
 * command could not do its job (a file that does not exist, a port in use, a
 * collector that does not answer); the one-line message says which.
 */
export const EXIT_NO = 1;
/** Exit code: the command line itself is wrong (unknown command or flag, bad flag value). */
export const EXIT_USAGE = 2;

/** A usage error (the command line is wrong): one line, no stack, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * An ordinary failure (a missing file, a port in use, an unreachable collector):
 * one line, no stack, exit code 1.
 */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Renders rows as an aligned text table; the first row is the header. */
export function table(
  rows: readonly (readonly string[])[],
  alignRight: readonly boolean[] = []
): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map(row =>
      row
        .map((cell, i) => (alignRight[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd()
    )
    .join('\n');
}

/** `99.9 %`, trimming float noise. */
export function percent(ratio: number, digits = 4): string {
  return `${Number((ratio * 100).toPrecision(digits + 2))} %`;
}

/** Significant digits kept in JSON output: enough for any count, none of the float noise. */
export const JSON_DIGITS = 10;

/**
 * A number without binary float noise: `1 - 0.99999` (`0.000010000000000065512`)
 * → `0.00001`, `0.1 + 0.2` → `0.3`. Subtracting from 1 leaves noise at about
 * 1e-11 of the result, so {@link JSON_DIGITS} significant digits are kept.
 * Integers (counts) pass unchanged.
 */
export function clean(n: number): number {
  return Number.isInteger(n) || !Number.isFinite(n) ? n : Number(n.toPrecision(JSON_DIGITS));
}

/** Pretty JSON (two-space indent) with {@link clean} numbers, ending in a newline. */
export function toJson(value: unknown, indent = 2): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === 'number' ? clean(v) : v), indent)}\n`;
}
