import { readFileSync } from 'node:fs';
import { parseSpec, SpecError, type SloSpec } from '@burnrate/core';
import { CliError, EXIT_NO, type CliIo } from './io';

/**
 * Reads an input file; a file that does not exist (or is a folder, or cannot be
 * read) is a one-line {@link CliError} that says so.
 */
export function readInput(file: string, what = 'file'): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${file}: no such ${what}`);
    if (code === 'EISDIR') throw new CliError(`${file}: is a directory, not a ${what}`);
    if (code === 'EACCES') throw new CliError(`${file}: permission denied`);
    throw new CliError(`${file}: cannot read (${code ?? (e as Error).message})`);
  }
}

/**
 * Loads a spec file for a command. A missing file throws a {@link CliError}
 * ("no such spec file"); an invalid spec prints every error with its path and
 * gives exit code 1.
 */
export function loadSpecFile(file: string, io: CliIo): SloSpec | number {
  const text = readInput(file, 'spec file');
  try {
    return parseSpec(text, file);
  } catch (e) {
    if (e instanceof SpecError) {
      io.err(`${e.message}\n`);
      return EXIT_NO;
    }
    throw e;
  }
}
