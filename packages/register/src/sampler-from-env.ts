import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { AlwaysRecordSampler } from '@burnrate/otel';

/** `OTEL_TRACES_SAMPLER` values {@link samplerFromEnv} reads. */
export const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

/**
 * The sampler `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` name (default
 * `parentbased_always_on`), wrapped in an {@link AlwaysRecordSampler} unless
 * `BURNRATE_COUNT=sampled`: every span is then recorded and counted by the
 * SLOs, while only the sampled ones are exported. Unknown values are problems.
 */
export function samplerFromEnv(
  env: NodeJS.ProcessEnv,
  problems: string[]
): { sampler: Sampler; countsAll: boolean } {
  const name = (env.OTEL_TRACES_SAMPLER ?? '').trim() || 'parentbased_always_on';
  let ratio = 1;
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (name.endsWith('traceidratio') && arg) {
    const n = Number(arg);
    if (!Number.isFinite(n) || n < 0 || n > 1)
      problems.push(`OTEL_TRACES_SAMPLER_ARG: must be a probability 0-1, got "${arg}"`);
    else ratio = n;
  }
  let root: Sampler;
  switch (name) {
    case 'always_on':
    case 'parentbased_always_on':
      root = new AlwaysOnSampler();
      break;
    case 'always_off':
    case 'parentbased_always_off':
      root = new AlwaysOffSampler();
      break;
    case 'traceidratio':
    case 'parentbased_traceidratio':
      root = new TraceIdRatioBasedSampler(ratio);
      break;
    default:
      problems.push(`OTEL_TRACES_SAMPLER: expected one of ${SAMPLERS.join(', ')}, got "${name}"`);
      root = new AlwaysOnSampler();
  }
  const sampler = name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
  const count = (env.BURNRATE_COUNT ?? '').trim() || 'all';
  if (count !== 'all' && count !== 'sampled')
    problems.push(`BURNRATE_COUNT: expected all or sampled, got "${count}"`);
  const countsAll = count !== 'sampled';
  return { sampler: countsAll ? new AlwaysRecordSampler(sampler) : sampler, countsAll };
}
