import {
  formatDuration,
  type PeriodSeries,
  type ReportPeriod,
  type SloPeriodReport,
} from '@burnrate/core';

/** One SLO's report and the series it was computed from (for the charts). */
export interface ReportEntry {
  readonly report: SloPeriodReport;
  readonly series: PeriodSeries;
  /** Burn-rate thresholds per tier, drawn on the burn chart. */
  readonly thresholds: ReadonlyArray<{ severity: string; long: string; burnRate: number }>;
}

/** What a whole report says: where it came from, the period, every SLO. */
export interface ReportDocument {
  readonly source: string;
  readonly period: ReportPeriod;
  readonly generatedAt: string;
  readonly entries: readonly ReportEntry[];
}

const pct = (v: number | null, digits = 3) =>
  v === null || !Number.isFinite(v) ? '–' : `${Number((v * 100).toFixed(digits))} %`;
const num = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '∞');
const dur = (seconds: number) => formatDuration(seconds * 1000);

function esc(s: string): string {
  return s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

/** Rows of the sections every format shares: [title, header, rows]. */
function sections(r: SloPeriodReport): Array<[string, string[], string[][]]> {
  return [
    [
      'Budget consumed per week',
      ['week from', 'to', 'events', 'bad', 'compliance', 'budget spent'],
      r.weeks.map(w => [
        w.start,
        w.end,
        String(w.eligible),
        String(w.bad),
        pct(w.compliance, 4),
        pct(w.budgetShare, 1),
      ]),
    ],
    [
      'Alerts',
      ['severity', 'from', 'to', 'for', 'bad events', 'budget share'],
      r.alerts.map(a => [
        a.severity,
        a.start,
        a.end,
        dur(a.durationSeconds),
        String(a.bad),
        pct(a.budgetShare, 1),
      ]),
    ],
    [
      'Burn rates',
      ['window', 'mean', 'p95', 'max'],
      r.burn.map(b => [b.window, num(b.mean), num(b.p95), num(b.max)]),
    ],
    [
      'By weekday (UTC)',
      ['day', 'events', 'bad', 'burn rate'],
      r.weekday.map(d => [d.day, String(d.eligible), String(d.bad), num(d.burnRate)]),
    ],
  ];
}

function summary(r: SloPeriodReport): string[] {
  return [
    `objective ${pct(r.objective, 4)} over ${r.window}; compliance over the period ${pct(r.compliance, 4)}: ${r.met === null ? 'no events' : r.met ? 'met' : 'missed'}`,
    `${r.events.eligible} events, ${r.events.bad} bad; budget ${num(r.budget.allowed, 1)} bad events, ${pct(r.budget.consumedShare, 1)} spent`,
    `burn-rate trend: ${r.trend.direction} (${r.trend.perWeek >= 0 ? '+' : ''}${num(r.trend.perWeek, 3)} a week)`,
    `at the end (${r.end.time ?? '–'}): budget left ${pct(r.end.remaining, 2)}, status ${r.end.status ?? '–'}, release decision ${r.end.decision ?? '–'}`,
    ...(r.coverage < 0.999
      ? [
          `the source held points for ${pct(r.coverage, 1)} of the period (${r.stepSeconds} s steps)`,
        ]
      : []),
  ];
}

/** The report as Markdown. */
export function renderMarkdown(doc: ReportDocument): string {
  const lines = [
    `# SLO report ${doc.period.label}`,
    '',
    `${new Date(doc.period.startMs).toISOString()} to ${new Date(doc.period.endMs).toISOString()}, from ${doc.source}; generated ${doc.generatedAt}.`,
    '',
    '| SLO | objective | compliance | met | budget spent | alerts | status at end | decision |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...doc.entries.map(
      ({ report: r }) =>
        `| ${[r.name, pct(r.objective, 4), pct(r.compliance, 4), r.met === null ? '–' : r.met ? 'yes' : 'no', pct(r.budget.consumedShare, 1), String(r.alerts.length), r.end.status ?? '–', r.end.decision ?? '–'].join(' | ')} |`
    ),
  ];
  for (const { report: r } of doc.entries) {
    lines.push('', `## ${r.name}`, '', ...summary(r).map(s => `- ${s}`));
    for (const [title, head, rows] of sections(r)) {
      lines.push('', `### ${title}`, '');
      if (rows.length === 0) {
        lines.push('none');
        continue;
      }
      lines.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
      for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

interface Line {
  readonly values: readonly (number | null)[];
  readonly color: string;
  readonly dash?: boolean;
  readonly label: string;
}

/** A line chart as inline SVG: no script, no external file, so that it survives mail. */
function svgChart(
  title: string,
  xs: readonly number[],
  lines: readonly Line[],
  x0: number,
  x1: number,
  format: (v: number) => string
): string {
  const w = 720;
  const h = 180;
  const left = 56;
  const right = 12;
  const top = 24;
  const bottom = 28;
  const all = lines.flatMap(l =>
    l.values.filter((v): v is number => v !== null && Number.isFinite(v))
  );
  let lo = Math.min(0, ...all);
  let hi = Math.max(...all, lo + 1e-9);
  if (hi - lo < 1e-9) hi = lo + 1;
  const pad = (hi - lo) * 0.05;
  lo -= lo < 0 ? pad : 0;
  hi += pad;
  const X = (t: number) => left + ((t - x0) / Math.max(1, x1 - x0)) * (w - left - right);
  const Y = (v: number) => top + (1 - (v - lo) / (hi - lo)) * (h - top - bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(title)}">`,
    `<text x="${left}" y="14" font-size="12" font-weight="600">${esc(title)}</text>`,
  ];
  for (const v of [lo, (lo + hi) / 2, hi]) {
    parts.push(
      `<line x1="${left}" x2="${w - right}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#d0d7de" stroke-width="1"/>`,
      `<text x="${left - 4}" y="${(Y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end" fill="#57606a">${esc(format(v))}</text>`
    );
  }
  for (const t of [x0, (x0 + x1) / 2, x1]) {
    parts.push(
      `<text x="${X(t).toFixed(1)}" y="${h - 8}" font-size="10" text-anchor="middle" fill="#57606a">${new Date(t).toISOString().slice(0, 16).replace('T', ' ')}</text>`
    );
  }
  lines.forEach((l, k) => {
    const segments: string[] = [];
    let cur = '';
    l.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        if (cur) segments.push(cur);
        cur = '';
        return;
      }
      cur += `${cur ? ' ' : ''}${X(xs[i]).toFixed(1)},${Y(v).toFixed(1)}`;
    });
    if (cur) segments.push(cur);
    for (const s of segments)
      parts.push(
        `<polyline fill="none" stroke="${l.color}" stroke-width="1.5"${l.dash ? ' stroke-dasharray="5 4"' : ''} points="${s}"/>`
      );
    parts.push(
      `<text x="${w - right - 180 + k * 0}" y="${14 + k * 0}" dx="${k * 90}" font-size="10" fill="${l.color}">${esc(l.label)}</text>`
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

function charts(e: ReportEntry, period: ReportPeriod): string {
  const s = e.series;
  const idx = s.timeMs
    .map((_t, i) => i)
    .filter(i => s.timeMs[i] >= period.startMs && s.timeMs[i] < period.endMs);
  const xs = idx.map(i => s.timeMs[i]);
  const out = [
    svgChart(
      'Budget left (over the SLO window)',
      xs,
      [{ values: idx.map(i => s.remaining[i] * 100), color: '#0b5cad', label: 'budget left %' }],
      period.startMs,
      period.endMs,
      v => `${v.toFixed(0)}%`
    ),
  ];
  const long = e.thresholds[0]?.long ?? Object.keys(s.burnRates)[0];
  if (long !== undefined && s.burnRates[long] !== undefined) {
    const lines: Line[] = [
      { values: idx.map(i => s.burnRates[long][i]), color: '#8250df', label: `burn ${long}` },
      ...e.thresholds
        .filter(t => t.long === long)
        .map(t => ({
          values: idx.map(() => t.burnRate),
          color: '#cf222e',
          dash: true,
          label: `${t.severity} ≥ ${num(t.burnRate)}`,
        })),
    ];
    out.push(
      svgChart(`Burn rate over ${long}`, xs, lines, period.startMs, period.endMs, v => v.toFixed(1))
    );
  }
  return out.join('\n');
}

function htmlTable(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p>none</p>';
  return `<table><thead><tr>${head.map(h => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map(r => `<tr>${r.map(c => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** The report as one self-contained HTML file: inline style and SVG charts, no script, nothing from elsewhere. */
export function renderHtml(doc: ReportDocument): string {
  const overview = htmlTable(
    [
      'SLO',
      'objective',
      'compliance',
      'met',
      'budget spent',
      'alerts',
      'status at end',
      'decision',
    ],
    doc.entries.map(({ report: r }) => [
      r.name,
      pct(r.objective, 4),
      pct(r.compliance, 4),
      r.met === null ? '–' : r.met ? 'yes' : 'no',
      pct(r.budget.consumedShare, 1),
      String(r.alerts.length),
      r.end.status ?? '–',
      r.end.decision ?? '–',
    ])
  );
  const body = doc.entries
    .map(e => {
      const r = e.report;
      return [
        `<section id="${esc(r.name)}"><h2>${esc(r.name)}</h2>`,
        `<ul>${summary(r)
          .map(s => `<li>${esc(s)}</li>`)
          .join('')}</ul>`,
        charts(e, doc.period),
        ...sections(r).map(
          ([title, head, rows]) => `<h3>${esc(title)}</h3>${htmlTable(head, rows)}`
        ),
        '</section>',
      ].join('\n');
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SLO report ${esc(doc.period.label)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;color:#1b1f24;background:#fff;max-width:980px;margin:0 auto;padding:1rem 1.5rem}
table{border-collapse:collapse;margin:.4rem 0 1rem}th,td{border-bottom:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}
th{color:#57606a;font-size:.85rem}h2{border-top:2px solid #d0d7de;padding-top:.8rem;margin-top:2rem}svg{display:block;margin:.5rem 0;max-width:100%;height:auto}
</style></head><body>
<h1>SLO report ${esc(doc.period.label)}</h1>
<p>${esc(new Date(doc.period.startMs).toISOString())} to ${esc(new Date(doc.period.endMs).toISOString())}, from ${esc(doc.source)}; generated ${esc(doc.generatedAt)}.</p>
${overview}
${body}
</body></html>
`;
}
