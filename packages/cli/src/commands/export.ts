import { openSloYaml } from '@burnrate/core';
import { CliError, EXIT_OK, UsageError, type CliIo } from '../io';
import { loadSpecFile } from '../spec-file';
import { emit } from './rules';

/** Formats `burnrate export` writes. */
export const EXPORT_FORMATS: readonly string[] = ['openslo'];

/**
 * `burnrate export openslo FILE [-o OUT]`: the spec as OpenSLO v1 documents, one
 * `SLO` per burnrate SLO with its SLI and alert policies inline. Reading the
 * output back gives the same SLOs.
 */
export function exportCommand(
  format: string | undefined,
  file: string | undefined,
  options: { out?: string },
  io: CliIo
): number {
  if (format === undefined || !EXPORT_FORMATS.includes(format))
    throw new UsageError(
      `export needs a format (${EXPORT_FORMATS.join(', ')}) and a spec file: burnrate export openslo burnrate.yaml${format === undefined ? '' : `; got format ${JSON.stringify(format)}`}`
    );
  if (!file)
    throw new UsageError('export needs a spec file: burnrate export openslo burnrate.yaml');
  const spec = loadSpecFile(file, io);
  if (typeof spec === 'number') return spec;
  let text: string;
  try {
    text = openSloYaml(spec);
  } catch (e) {
    throw new CliError(`${file}: ${(e as Error).message}`);
  }
  if (spec.collector !== undefined)
    io.err('note: the collector: section has no OpenSLO form and is left out\n');
  if (spec.corrections !== undefined && spec.corrections.length > 0)
    io.err(
      `note: the corrections: section (${spec.corrections.length}) has no OpenSLO form and is left out\n`
    );
  if (spec.composites !== undefined && spec.composites.length > 0)
    io.err(
      `note: the composites: section (${spec.composites.length}) has no OpenSLO v1 form and is left out\n`
    );
  if (spec.policy !== undefined)
    io.err('note: the policy: section has no OpenSLO form and is left out\n');
  emit(text, options.out, io, 'OpenSLO documents');
  return EXIT_OK;
}
