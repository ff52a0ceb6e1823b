import { writeFileSync } from 'node:fs';
import {
  formatDuration,
  periodReport,
  reportPeriod,
  REPORT_PERIODS,
  type PeriodSeries,
  type SloSpec,
} from '@burnrate/core';
import { resolveToken } from '../api-client';
import { CliError, toJson, UsageError, type CliIo } from '../io';
import { renderHtml, renderMarkdown, type ReportDocument } from '../report/render';
import { collectorSeries, prometheusSeries, replaySeries, type Progress } from '../report/sources';
import { loadSpecFile, readInput } from '../spec-file';

/** Options of `burnrate report`. */
export interface ReportOptions {
  period: string | undefined;
  url: string | undefined;
  prometheus: string | undefined;
  input: string | undefined;
  spec: string | undefined;
  slo: string | undefined;
  end: string | undefined;
  out: string | undefined;
  format: string | undefined;
  token: string | undefined;
  /** `--token-file FILE`: the collector's bearer token on its first line. */
  tokenFile?: string;
}

const FORMATS = ['markdown', 'html', 'json'];

function progressBar(io: CliIo, what: string): Progress | undefined {
  if (!io.errIsTty) return undefined;
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    io.err(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${what}`);
    if (done >= total) io.err('\r\x1b[K');
  };
}

/**
 * `burnrate report --period 7d|28d|30d|month (--url URL | --prometheus URL --spec FILE |
 * --input CSV --spec FILE) [-o report.html|report.md]`: per SLO, compliance against
 * the objective, budget per week, alert intervals, burn statistics, the weekday
 * pattern, the trend, and the status and decision at the end of the period.
 */
export async function reportCommand(options: ReportOptions, io: CliIo): Promise<number> {
  const periodName = options.period ?? '28d';
  if (!REPORT_PERIODS.includes(periodName))
    throw new UsageError(
      `--period must be one of ${REPORT_PERIODS.join(', ')}, got ${JSON.stringify(periodName)}`
    );
  const sources = [options.url, options.prometheus, options.input].filter(s => s !== undefined);
  if (sources.length !== 1)
    throw new UsageError('report needs exactly one of --url URL, --prometheus URL, --input CSV');
  let endMs: number | undefined;
  if (options.end !== undefined) {
    endMs = Date.parse(options.end);
    if (!Number.isFinite(endMs))
      throw new UsageError(`--end must be an ISO 8601 time, got ${JSON.stringify(options.end)}`);
  }
  let format = options.format;
  if (format === undefined)
    format = options.out !== undefined && /\.html?$/i.test(options.out) ? 'html' : 'markdown';
  if (format === 'md') format = 'markdown';
  if (!FORMATS.includes(format))
    throw new UsageError(
      `--format must be one of markdown, html, json, got ${JSON.stringify(format)}`
    );
  let spec: SloSpec | undefined;
  if (options.spec !== undefined) {
    const loaded = loadSpecFile(options.spec, io);
    if (typeof loaded === 'number') return loaded;
    spec = loaded;
  }

  let series: PeriodSeries[];
  let source: string;
  let thresholdsOf: (name: string) => Array<{ severity: string; long: string; burnRate: number }>;
  const fromSpec = (name: string) =>
    (spec?.slos.find(s => s.name === name)?.alerting.tiers ?? []).map(t => ({
      severity: t.severity,
      long: formatDuration(t.longWindowMs),
      burnRate: t.burnRate,
    }));
  if (options.input !== undefined) {
    if (spec === undefined) throw new UsageError('--input needs --spec FILE (the SLO to replay)');
    const csv = readInput(options.input);
    let replayed;
    try {
      replayed = replaySeries(csv, spec, options.slo, progressBar(io, 'rows'));
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`${options.input}: ${(e as Error).message}`);
    }
    series = replayed.series;
    endMs ??= replayed.endMs;
    source = `replay of ${options.input}`;
    thresholdsOf = fromSpec;
  } else if (options.prometheus !== undefined) {
    if (spec === undefined)
      throw new UsageError(
        '--prometheus needs --spec FILE (the SLOs its rules were generated from)'
      );
    endMs ??= Date.now();
    const period = reportPeriod(periodName, endMs);
    const only =
      options.slo === undefined ? spec : { slos: spec.slos.filter(s => s.name === options.slo) };
    if (only.slos.length === 0)
      throw new CliError(`the spec has no SLO named ${JSON.stringify(options.slo)}`);
    series = await prometheusSeries(options.prometheus, only, period, progressBar(io, 'queries'));
    source = `Prometheus ${options.prometheus}`;
    thresholdsOf = fromSpec;
  } else {
    const token = resolveToken({ token: options.token, tokenFile: options.tokenFile });
    const got = await collectorSeries(options.url!, token, progressBar(io, 'SLOs'));
    series =
      options.slo === undefined ? got.series : got.series.filter(s => s.name === options.slo);
    if (series.length === 0 && options.slo !== undefined)
      throw new CliError(`the collector has no SLO named ${JSON.stringify(options.slo)}`);
    endMs ??= got.nowMs;
    source = `collector ${options.url}`;
    thresholdsOf = name => (spec !== undefined ? fromSpec(name) : []);
  }
  const period = reportPeriod(periodName, endMs);
  const doc: ReportDocument = {
    source,
    period,
    generatedAt: new Date().toISOString(),
    entries: series.map(s => ({
      report: periodReport(s, period),
      series: s,
      thresholds: thresholdsOf(s.name),
    })),
  };
  const text =
    format === 'html'
      ? renderHtml(doc)
      : format === 'json'
        ? toJson({
            source,
            period: {
              label: period.label,
              start: new Date(period.startMs).toISOString(),
              end: new Date(period.endMs).toISOString(),
            },
            slos: doc.entries.map(e => e.report),
          })
        : renderMarkdown(doc);
  if (options.out !== undefined) {
    try {
      writeFileSync(options.out, text);
    } catch (e) {
      throw new CliError(
        `${options.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`
      );
    }
    io.err(
      `burnrate: wrote the ${period.label} report of ${series.length} SLOs to ${options.out}\n`
    );
  } else io.out(text);
  return 0;
}
