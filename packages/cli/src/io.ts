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

/** A usage or input error: printed without a stack, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
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
