import {
  DEFAULT_MAX_GROUPS,
  formatDuration,
  OVERFLOW_GROUP_VALUE,
  type SloDefinition,
} from '@burnrate/core';
import { DEFAULT_SCRAPE_INTERVAL_MS } from '@burnrate/rules';
import { EXIT_OK, UsageError, type CliIo } from '../io';
import { loadSpecFile } from '../spec-file';
import { describeCorrections } from './describe-corrections';
import { describeComposites, describePolicy } from './describe-policy';
import { durationFlag, warnScrapeInterval } from './rules';

/** One line describing a validated SLO. */
export function describeSlo(d: SloDefinition): string {
  const window =
    d.window.type === 'rolling'
      ? `${formatDuration(d.window.durationMs)} rolling`
      : `calendar ${d.window.unit} (${d.window.timeZone}${d.window.startTime ? `, from ${d.window.startTime}` : ''})`;
  const selector: string[] = [
    d.service ? `service ${d.service}` : 'any service',
    `${d.sli.spans.kind} spans`,
  ];
  if (d.sli.spans.routes.length > 0)
    selector.push(
      `${d.sli.spans.routes.length} route${d.sli.spans.routes.length === 1 ? '' : 's'}`
    );
  if (d.sli.spans.rpc.length > 0) selector.push(`rpc ${d.sli.spans.rpc.join(', ')}`);
  if (d.sli.spans.exclude.length > 0)
    selector.push(
      `${d.sli.spans.exclude.length} exclusion${d.sli.spans.exclude.length === 1 ? '' : 's'}`
    );
  const trace = d.sli.trace;
  if (trace !== undefined) {
    selector[1] = `journeys entered by ${trace.entry ? `${trace.entry.kind} spans` : 'the root span'}`;
    selector.push(
      `${trace.mustSucceed.length} must succeed`,
      `decision wait ${formatDuration(trace.decisionWaitMs)}`
    );
  }
  const good: string[] = [];
  if (d.sli.good.status) good.push('status');
  if (d.sli.good.latency) {
    const l = d.sli.good.latency;
    good.push(
      `latency ≤ ${Number.isFinite(l.defaultMs) ? formatDuration(l.defaultMs) : '∞'}${l.routes.length ? ` (+${l.routes.length} per-route)` : ''}`
    );
  }
  const attrs = Object.keys(d.sli.good.attributes);
  if (attrs.length > 0) good.push(`attributes ${attrs.join(', ')}`);
  const tiers = d.alerting.tiers
    .map(
      t =>
        `${t.severity} ${Number(t.burnRate.toFixed(3))}x ${formatDuration(t.longWindowMs)}/${formatDuration(t.shortWindowMs)}${t.holdMs ? ` for ${formatDuration(t.holdMs)}` : ''}`
    )
    .join(', ');
  const budgeting =
    d.budgeting.method === 'timeslices'
      ? `, timeslices of ${formatDuration(d.budgeting.sliceMs)}`
      : d.budgeting.method === 'ratio-timeslices'
        ? `, ratio timeslices of ${formatDuration(d.budgeting.sliceMs)}`
        : '';
  const groups =
    d.groupBy !== undefined
      ? `; grouped by ${d.groupBy.join(', ')} (at most ${d.maxGroups ?? DEFAULT_MAX_GROUPS} groups, then ${OVERFLOW_GROUP_VALUE})`
      : '';
  return `${d.name}: ${Number((d.target * 100).toPrecision(10))} % over ${window}${budgeting}; ${selector.join(', ')}; good: ${good.join(', ')}${groups}; alerts: ${tiers}`;
}

/**
 * `burnrate validate FILE [--scrape-interval DUR]`: exit 0 with a line per SLO (and
 * a warning on stderr for every alert window under four scrape intervals, as
 * `burnrate rules` says), or 1 with every error.
 */
export function validateCommand(
  file: string | undefined,
  io: CliIo,
  options: { scrapeInterval?: string } = {}
): number {
  if (!file) throw new UsageError('validate needs a spec file: burnrate validate burnrate.yaml');
  const scrapeMs = durationFlag(
    'scrape-interval',
    options.scrapeInterval,
    DEFAULT_SCRAPE_INTERVAL_MS
  );
  const spec = loadSpecFile(file, io);
  if (typeof spec === 'number') return spec;
  io.out(`${file}: ${spec.slos.length} SLO${spec.slos.length === 1 ? '' : 's'} valid\n`);
  for (const d of spec.slos) io.out(`  ${describeSlo(d)}\n`);
  io.out(describeCorrections(spec.corrections, Date.now()));
  io.out(describeComposites(spec) + describePolicy(spec));
  warnScrapeInterval(spec, scrapeMs, io);
  return EXIT_OK;
}
