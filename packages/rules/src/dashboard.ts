import { groupLabelName, type SloSpec } from '@burnrate/core';
import { correctionAnnotations } from './correction-annotations';
import {
  ALERT_BUDGET_BURN,
  LABEL_SLO_NAME,
  LABEL_SLO_OUTCOME,
  METRIC_SLO_BAD_EVENTS_TOTAL,
  METRIC_SLO_ELIGIBLE_EVENTS_TOTAL,
  METRIC_SLO_EVENTS_TOTAL,
  RECORD_BUDGET_REMAINING,
  RECORD_BURN_RATE,
  RECORD_BURN_RATE_THRESHOLD,
  RECORD_OBJECTIVE,
  RECORD_SLI,
  RECORD_TIME_TO_EXHAUSTION,
  RECORD_TIMESLICE_BAD,
} from './semconv';

/** Grafana dashboard schema version the generated JSON is written for (Grafana 10.4+/11). */
export const DASHBOARD_SCHEMA_VERSION = 39;

/** Options of {@link generateDashboard}. */
export interface DashboardOptions {
  /** Dashboard title; @default 'burnrate SLOs' */
  title?: string;
  /** Dashboard uid (stable across imports); @default 'burnrate-slos' */
  uid?: string;
  /** Default time range start; @default 'now-7d' */
  from?: string;
  /** Dashboard tags; @default ['burnrate', 'slo'] */
  tags?: readonly string[];
}

/** A Grafana dashboard JSON model (the parts burnrate writes). */
export interface GrafanaDashboard {
  uid: string;
  title: string;
  tags: string[];
  schemaVersion: number;
  editable: boolean;
  time: { from: string; to: string };
  refresh: string;
  templating: { list: Array<Record<string, unknown>> };
  annotations: { list: Array<Record<string, unknown>> };
  panels: GrafanaPanel[];
  [key: string]: unknown;
}

/** One panel of {@link GrafanaDashboard}. */
export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: 'prometheus'; uid: string };
  targets: Array<{
    refId: string;
    expr: string;
    legendFormat?: string;
    datasource: { type: 'prometheus'; uid: string };
    instant?: boolean;
    range?: boolean;
  }>;
  fieldConfig: { defaults: Record<string, unknown>; overrides: Array<Record<string, unknown>> };
  options: Record<string, unknown>;
}

const DS = { type: 'prometheus' as const, uid: '${datasource}' };
const SLO = `${LABEL_SLO_NAME}="$slo"`;

/**
 * Burn rate by `labels` from the attribution counters:
 * `(bad / eligible) / (1 − objective)` over the panel's rate interval.
 */
function burnBy(labels: string, sel: string): string {
  const rate = (metric: string) => `sum by (${labels}) (rate(${metric}{${sel}}[$__rate_interval]))`;
  return `${rate(METRIC_SLO_BAD_EVENTS_TOTAL)} / ${rate(METRIC_SLO_ELIGIBLE_EVENTS_TOTAL)} / scalar(1 - max(${RECORD_OBJECTIVE}{${SLO}}))`;
}

/** A target (one query) of a panel. */
function target(
  refId: string,
  expr: string,
  legendFormat?: string,
  instant = false
): GrafanaPanel['targets'][number] {
  const t: GrafanaPanel['targets'][number] = { refId, expr, datasource: DS };
  if (legendFormat !== undefined) t.legendFormat = legendFormat;
  if (instant) {
    t.instant = true;
    t.range = false;
  }
  return t;
}

function thresholds(steps: Array<[number | null, string]>): Record<string, unknown> {
  return { mode: 'absolute', steps: steps.map(([value, color]) => ({ value, color })) };
}

/**
 * The Grafana dashboard for a spec: pick the data source and the SLO at the top
 * (`$datasource`, a data-source variable; `$slo`, a query variable over the
 * `slo_name` values of the recorded objective, limited to the spec's SLOs), and
 * read budget remaining, SLI against the objective, time to exhaustion, burn rate
 * per window with each tier's threshold, alert state, and good/bad event rates.
 * A spec with grouped SLOs (`groupBy`) adds one multi-value variable per group
 * label (`$http_route`, "All" by default): the per-group series match it, so a
 * panel shows every selected group (legends name them) or one group alone.
 * Every query reads the series of {@link generateRules}' rules (or the raw
 * `slo_events_total` counters for event rates); import it with Grafana's
 * "Import dashboard" or provision it from a file.
 */
export function generateDashboard(spec: SloSpec, options: DashboardOptions = {}): GrafanaDashboard {
  const names = [...spec.slos.map(s => s.name), ...(spec.composites ?? []).map(c => c.name)];
  // grouped SLOs: one multi-value variable per group label of the spec; the
  // per-group series match them (`All` is `.*`, which an ungrouped series
  // without the label matches too), constant per-SLO series do not
  const byLabel = groupVariables(spec);
  const sel = SLO + byLabel.map(v => `,${v.label}=~"$${v.label}"`).join('');
  const gl = byLabel.map(v => ` {{${v.label}}}`).join('');
  let id = 0;
  const panel = (
    type: string,
    title: string,
    gridPos: GrafanaPanel['gridPos'],
    targets: GrafanaPanel['targets'],
    defaults: Record<string, unknown>,
    extra: {
      description?: string;
      options?: Record<string, unknown>;
      overrides?: Array<Record<string, unknown>>;
    } = {}
  ): GrafanaPanel => {
    const p: GrafanaPanel = {
      id: ++id,
      type,
      title,
      gridPos,
      datasource: DS,
      targets,
      fieldConfig: { defaults, overrides: extra.overrides ?? [] },
      options: extra.options ?? {},
    };
    if (extra.description !== undefined) p.description = extra.description;
    return p;
  };
  const stat = {
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    colorMode: 'value',
    graphMode: 'area',
    textMode: 'auto',
  };
  const legend = {
    legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
    tooltip: { mode: 'multi', sort: 'desc' },
  };

  const panels: GrafanaPanel[] = [
    panel(
      'stat',
      'Error budget remaining',
      { x: 0, y: 0, w: 6, h: 6 },
      [target('A', `${RECORD_BUDGET_REMAINING}{${sel}}`, `{{slo_name}}${gl}`)],
      {
        unit: 'percentunit',
        decimals: 1,
        thresholds: thresholds([
          [null, 'red'],
          [0, 'orange'],
          [0.25, 'yellow'],
          [0.5, 'green'],
        ]),
      },
      {
        description:
          '1 − bad / ((1 − objective) × eligible) over the SLO window: 100 % untouched, 0 spent, negative overspent.',
        options: stat,
      }
    ),
    panel(
      'stat',
      'SLI / objective',
      { x: 6, y: 0, w: 6, h: 6 },
      [
        target('A', `${RECORD_SLI}{${sel}}`, `SLI${gl}`),
        target('B', `${RECORD_OBJECTIVE}{${SLO}}`, 'objective'),
      ],
      { unit: 'percentunit', decimals: 3, thresholds: thresholds([[null, 'blue']]) },
      {
        description: 'Good / eligible events over the SLO window, beside the objective.',
        options: { ...stat, graphMode: 'none' },
      }
    ),
    panel(
      'stat',
      'Time to exhaustion',
      { x: 12, y: 0, w: 6, h: 6 },
      [target('A', `${RECORD_TIME_TO_EXHAUSTION}{${sel}}`, `{{slo_name}}${gl}`)],
      {
        unit: 's',
        thresholds: thresholds([
          [null, 'red'],
          [86400, 'orange'],
          [7 * 86400, 'green'],
        ]),
        noValue: 'not burning',
      },
      {
        description: 'Remaining budget × SLO window / 1 h burn rate; infinite when not burning.',
        options: { ...stat, graphMode: 'none' },
      }
    ),
    panel(
      'stat',
      'Alerts firing',
      { x: 18, y: 0, w: 6, h: 6 },
      [
        target(
          'A',
          `count by (severity) (ALERTS{alertname="${ALERT_BUDGET_BURN}",alertstate="firing",${sel}}) or on() vector(0)`,
          '{{severity}}'
        ),
      ],
      {
        unit: 'none',
        thresholds: thresholds([
          [null, 'green'],
          [1, 'red'],
        ]),
        noValue: '0',
      },
      {
        description: 'Multiwindow burn-rate tiers firing now, by severity.',
        options: { ...stat, graphMode: 'none' },
      }
    ),
    panel(
      'timeseries',
      'Burn rate by window',
      { x: 0, y: 6, w: 24, h: 9 },
      [
        target('A', `${RECORD_BURN_RATE}{${sel}}`, `{{slo_window}}${gl}`),
        target(
          'B',
          `${RECORD_BURN_RATE_THRESHOLD}{${SLO}}`,
          '{{severity}} threshold {{slo_long_window}}/{{slo_short_window}}'
        ),
      ],
      {
        unit: 'x',
        min: 0,
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: 0,
          showPoints: 'never',
          spanNulls: true,
        },
      },
      {
        description:
          '(bad / eligible) / (1 − objective) per window; 1 spends the budget exactly over the SLO window. Dashed: each tier fires when its long and short window are both above its line.',
        options: legend,
        overrides: [
          {
            matcher: { id: 'byFrameRefID', options: 'B' },
            properties: [
              { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
              { id: 'custom.lineWidth', value: 2 },
            ],
          },
        ],
      }
    ),
    panel(
      'timeseries',
      'SLI against objective',
      { x: 0, y: 15, w: 12, h: 8 },
      [
        target('A', `${RECORD_SLI}{${sel}}`, `SLI${gl}`),
        target('B', `${RECORD_OBJECTIVE}{${SLO}}`, 'objective'),
      ],
      {
        unit: 'percentunit',
        decimals: 3,
        custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: 0, showPoints: 'never' },
      },
      {
        options: legend,
        overrides: [
          {
            matcher: { id: 'byFrameRefID', options: 'B' },
            properties: [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }],
          },
        ],
      }
    ),
    panel(
      'timeseries',
      'Error budget remaining',
      { x: 12, y: 15, w: 12, h: 8 },
      [target('A', `${RECORD_BUDGET_REMAINING}{${sel}}`, `remaining${gl}`)],
      {
        unit: 'percentunit',
        custom: {
          drawStyle: 'line',
          lineWidth: 2,
          fillOpacity: 10,
          showPoints: 'never',
          thresholdsStyle: { mode: 'line' },
        },
        thresholds: thresholds([
          [null, 'red'],
          [0, 'green'],
        ]),
      },
      { options: legend }
    ),
    panel(
      'state-timeline',
      'Alert state',
      { x: 0, y: 23, w: 12, h: 6 },
      [
        target(
          'A',
          `max by (severity, slo_long_window, slo_short_window) (ALERTS{alertname="${ALERT_BUDGET_BURN}",alertstate="firing",${sel}})`,
          '{{severity}} {{slo_long_window}}/{{slo_short_window}}'
        ),
      ],
      {
        mappings: [{ type: 'value', options: { '1': { text: 'firing', color: 'red' } } }],
        noValue: 'not firing',
        thresholds: thresholds([
          [null, 'green'],
          [1, 'red'],
        ]),
      },
      { options: { showValue: 'never', mergeValues: true, rowHeight: 0.8 } }
    ),
    panel(
      'timeseries',
      'Events: good / bad',
      { x: 12, y: 23, w: 12, h: 6 },
      [
        target(
          'A',
          `sum by (${LABEL_SLO_OUTCOME}) (rate(${METRIC_SLO_EVENTS_TOTAL}{${sel}}[$__rate_interval]))`,
          '{{slo_outcome}}'
        ),
      ],
      {
        unit: 'reqps',
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: 20,
          stacking: { mode: 'normal' },
          showPoints: 'never',
        },
      },
      {
        options: legend,
        overrides: [
          {
            matcher: { id: 'byName', options: 'good' },
            properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: 'green' } }],
          },
          {
            matcher: { id: 'byName', options: 'bad' },
            properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }],
          },
        ],
      }
    ),
    panel(
      'timeseries',
      'Bad events by route and code',
      { x: 0, y: 35, w: 24, h: 8 },
      [
        target(
          'A',
          `sum by (http_request_method, http_route, http_response_status_code, rpc_grpc_status_code, slo_failure_reason) (rate(${METRIC_SLO_BAD_EVENTS_TOTAL}{${sel}}[$__rate_interval]))`,
          '{{http_request_method}} {{http_route}} {{http_response_status_code}}{{rpc_grpc_status_code}} {{slo_failure_reason}}'
        ),
      ],
      {
        unit: 'reqps',
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: 20,
          stacking: { mode: 'normal' },
          showPoints: 'never',
        },
      },
      {
        description:
          'What burns the budget: bad events per second by route, status code and failure reason (status, latency, attribute:<key>), from slo_bad_events_total. Keys past the per-SLO cap show as one series without route.',
        options: legend,
      }
    ),
    panel(
      'timeseries',
      'Burn rate by route',
      { x: 0, y: 43, w: 12, h: 8 },
      [
        target(
          'A',
          burnBy('http_request_method, http_route', sel),
          '{{http_request_method}} {{http_route}}'
        ),
      ],
      {
        unit: 'x',
        min: 0,
        custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: 0, showPoints: 'never' },
      },
      {
        description:
          'Per-route burn rate: bad / eligible events of the route (slo_bad_events_total / slo_eligible_events_total) / (1 − objective). A route far above the others is the one to look at.',
        options: legend,
      }
    ),
    panel(
      'timeseries',
      'Burn rate by version',
      { x: 12, y: 43, w: 12, h: 8 },
      [target('A', burnBy('service_version', sel), '{{service_version}}')],
      {
        unit: 'x',
        min: 0,
        custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: 0, showPoints: 'never' },
      },
      {
        description:
          'Burn rate per service.version: a new version burning while the old one does not points at the deploy (burnrate explain says so with both times).',
        options: legend,
      }
    ),
  ];
  if (spec.slos.some(s => s.budgeting.method === 'timeslices')) {
    panels.push(
      panel(
        'timeseries',
        'Bad time slices',
        { x: 0, y: 29, w: 24, h: 6 },
        [
          target('A', `${RECORD_TIMESLICE_BAD}{${sel}}`, `bad slice${gl}`),
          target(
            'B',
            `sum_over_time(${RECORD_TIMESLICE_BAD}{${sel}}[$__range])`,
            'bad slices in the range',
            true
          ),
        ],
        {
          min: 0,
          noValue: 'not a timeslices SLO',
          custom: { drawStyle: 'bars', fillOpacity: 60, lineWidth: 1, showPoints: 'never' },
          color: { mode: 'fixed', fixedColor: 'red' },
        },
        {
          description:
            "Timeslices SLOs: 1 for each slice whose good ratio fell below the slice target (recorded once per slice). The budget is (1 − objective) × window / slice bad slices; burn rates and budget above count bad slices among the window's slices.",
          options: legend,
        }
      )
    );
  }

  return {
    uid: options.uid ?? 'burnrate-slos',
    title: options.title ?? 'burnrate SLOs',
    description: `Error budgets and burn rates of ${names.join(', ')} (generated by @burnrate/rules)`,
    tags: [...(options.tags ?? ['burnrate', 'slo'])],
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    editable: true,
    graphTooltip: 1,
    time: { from: options.from ?? 'now-7d', to: 'now' },
    refresh: '1m',
    timezone: 'browser',
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
          refresh: 1,
        },
        {
          name: 'slo',
          label: 'SLO',
          type: 'query',
          datasource: DS,
          definition: `label_values(${RECORD_OBJECTIVE}, ${LABEL_SLO_NAME})`,
          query: {
            qryType: 1,
            query: `label_values(${RECORD_OBJECTIVE}, ${LABEL_SLO_NAME})`,
            refId: 'PrometheusVariableQueryEditor-VariableQuery',
          },
          regex: `/^(${names.map(escapeRegex).join('|')})$/`,
          refresh: 2,
          sort: 1,
          multi: false,
          includeAll: false,
          current: names.length > 0 ? { text: names[0], value: names[0] } : {},
          hide: 0,
        },
        ...byLabel.map(v => ({
          name: v.label,
          label: v.attribute,
          description: `Groups of a grouped SLO (groupBy ${v.attribute}); ungrouped SLOs ignore it`,
          type: 'query',
          datasource: DS,
          definition: `label_values(${RECORD_BUDGET_REMAINING}{${SLO}}, ${v.label})`,
          query: {
            qryType: 1,
            query: `label_values(${RECORD_BUDGET_REMAINING}{${SLO}}, ${v.label})`,
            refId: 'PrometheusVariableQueryEditor-VariableQuery',
          },
          refresh: 2,
          sort: 1,
          multi: true,
          includeAll: true,
          allValue: '.*',
          current: { text: 'All', value: '$__all' },
          hide: 0,
        })),
      ],
    },
    annotations: {
      list: [
        {
          name: 'Burn-rate alerts',
          datasource: DS,
          enable: true,
          iconColor: 'red',
          expr: `ALERTS{alertname="${ALERT_BUDGET_BURN}",alertstate="firing",${sel}}`,
          titleFormat: '{{severity}} {{slo_long_window}}/{{slo_short_window}}',
          step: '1m',
        },
        ...correctionAnnotations(spec, DS),
      ],
    },
    panels,
  };
}

/**
 * The group labels of every grouped SLO of the spec, once each, in spec order:
 * the dashboard's group variables (`http_route`, shown as `http.route`).
 */
function groupVariables(spec: SloSpec): Array<{ label: string; attribute: string }> {
  const out: Array<{ label: string; attribute: string }> = [];
  for (const slo of spec.slos)
    for (const attribute of slo.groupBy ?? []) {
      const label = groupLabelName(attribute);
      if (!out.some(v => v.label === label)) out.push({ label, attribute });
    }
  return out;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
