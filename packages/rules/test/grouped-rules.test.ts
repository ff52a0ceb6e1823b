import * as assert from 'node:assert';
import { parseSpec } from '@burnrate/core';
import { stringify } from 'yaml';
import {
  buildRuleGroups,
  counterValues,
  generateDashboard,
  generateRules,
  groupLabels,
  type AlertingRule,
} from '../src';
import { promtool, tempFiles } from './promtool';

/** 99 % over 28 d grouped by route: default tiers, default minEvents ceil(1 / (0.01 × 13.44)) = 8. */
const SPEC = parseSpec(`
slos:
  - name: api
    objective: 99
    window: 28d
    groupBy: [http.route]
    sli: { good: { status: ok } }
  - name: tiers
    objective: 99.9
    window: 7d
    groupBy: [http.route, app.tier]
    budgeting: timeslices
    sli: { good: { status: ok } }
`);

/** An `slo_events_total` series of `api`. */
function series(route: string, outcome: string, instance: string, values: string) {
  return {
    series: `slo_events_total{slo_name="api",http_route="${route}",slo_outcome="${outcome}",instance="${instance}"}`,
    values,
  };
}

/** A counter growing by `perMinute` for 70 minutes. */
const steady = (perMinute: number) => counterValues([{ steps: 70, increment: perMinute }]);

/**
 * 70 minutes of traffic, two replicas:
 * - /a: 100 good a minute on each replica, never a bad series;
 * - /b: 50 good a minute on replica a, 25 bad on each: error ratio 0.5, burn 50;
 * - /c: a good series that never increases (no traffic in any window): ratio 0;
 * - /d: 4 good (56-59 m) and 1 bad (58 m): burn 20 but only ~5 eligible events, under minEvents 8.
 */
const INPUT = [
  series('/a', 'good', 'a', steady(100)),
  series('/a', 'good', 'b', steady(100)),
  series('/b', 'good', 'a', steady(50)),
  series('/b', 'bad', 'a', steady(25)),
  series('/b', 'bad', 'b', steady(25)),
  series('/c', 'good', 'a', '500x70'),
  series('/d', 'good', 'a', '0x55 1+1x3 4x10'),
  series('/d', 'bad', 'a', '0x57 1x12'),
];

const page = (long: string, short: string) =>
  `ALERTS{alertname="SloErrorBudgetBurn",alertstate="firing",http_route="/b",severity="page",slo_long_window="${long}",slo_name="api",slo_short_window="${short}"}`;

/** A dashboard panel's query with its variables set (`$slo`, `$http_route`, …). */
function dashboardQuery(title: string, target: number, vars: Record<string, string>): string {
  const panel = generateDashboard(SPEC).panels.find(p => p.title === title)!;
  return Object.entries(vars).reduce(
    (expr, [k, v]) => expr.split(`$${k}`).join(v),
    panel.targets[target].expr
  );
}

describe('grouped SLO rules', () => {
  describe('groupLabels', () => {
    it("should name the groupBy attributes as the exporter's labels", () => {
      assert.deepStrictEqual(groupLabels(SPEC.slos[0]), ['http_route']);
      assert.deepStrictEqual(groupLabels(SPEC.slos[1]), ['http_route', 'app_tier']);
    });
  });

  describe('buildRuleGroups', () => {
    it('should aggregate every error ratio and the minEvents condition by the group labels', () => {
      const rules = buildRuleGroups(SPEC).groups.find(g => g.name === 'burnrate-api')!.rules;
      const ratios = rules.filter(r => 'record' in r && r.record === 'slo:error_ratio:rate');
      assert.ok(ratios.length > 0);
      for (const r of ratios) {
        assert.match(
          r.expr,
          /^\(sum by \(http_route\) \(rate\(slo_events_total\{slo_name="api",slo_outcome="bad"\}/
        );
        assert.doesNotMatch(r.expr, /vector\(0\)/);
      }
      const burn = rules.filter(
        (r): r is AlertingRule => 'alert' in r && r.alert === 'SloErrorBudgetBurn'
      );
      assert.strictEqual(burn.length, 4);
      for (const a of burn) {
        assert.match(a.expr, /\nand on \(http_route\)\nsum by \(http_route\) \(increase\(/);
        assert.match(
          a.annotations.summary,
          /^SLO api \(http_route=\{\{ \$labels\.http_route \}\}\) is burning/
        );
        assert.match(
          a.annotations.description,
          /printf `slo:error_budget_remaining:ratio\{slo_name="api",http_route="%\[1\]s"\}` \$labels\.http_route \| query/
        );
      }
    });

    it('should write rules promtool accepts for both grouped SLOs (timeslices too)', () => {
      const t = tempFiles({ 'rules.yaml': generateRules(SPEC) });
      try {
        const r = promtool(['check', 'rules', 'rules.yaml'], t.dir);
        assert.strictEqual(r.status, 0, r.output);
      } finally {
        t.cleanup();
      }
    });
  });

  describe('generateDashboard', () => {
    it('should add a variable per group label and match it on per-group series only', () => {
      const d = generateDashboard(SPEC);
      const vars = d.templating.list.slice(2);
      assert.deepStrictEqual(
        vars.map(v => [v.name, v.label, v.definition, v.multi, v.includeAll, v.allValue]),
        [
          [
            'http_route',
            'http.route',
            'label_values(slo:error_budget_remaining:ratio{slo_name="$slo"}, http_route)',
            true,
            true,
            '.*',
          ],
          [
            'app_tier',
            'app.tier',
            'label_values(slo:error_budget_remaining:ratio{slo_name="$slo"}, app_tier)',
            true,
            true,
            '.*',
          ],
        ]
      );
      const burn = d.panels.find(p => p.title === 'Burn rate by window')!;
      assert.deepStrictEqual(
        burn.targets.map(t => [t.expr, t.legendFormat]),
        [
          [
            'slo:burn_rate:rate{slo_name="$slo",http_route=~"$http_route",app_tier=~"$app_tier"}',
            '{{slo_window}} {{http_route}} {{app_tier}}',
          ],
          [
            'slo:burn_rate_threshold:ratio{slo_name="$slo"}',
            '{{severity}} threshold {{slo_long_window}}/{{slo_short_window}}',
          ],
        ]
      );
    });
  });

  describe('in promtool', () => {
    it('should record burn rates and budgets per group and page per group, across replicas', function () {
      this.timeout(600_000);
      const at = '1h';
      const value = (expr: string, samples: Array<[string, number]>) => ({
        expr,
        eval_time: at,
        exp_samples: samples.map(([labels, v]) => ({ labels, value: v })),
      });
      const test = {
        rule_files: ['rules.yaml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: INPUT,
            promql_expr_test: [
              // burn = (bad / eligible) / 0.01 per group: /b 0.5 / 0.01 = 50
              value('slo:burn_rate:rate{slo_name="api",slo_window="5m"}', [
                ['slo:burn_rate:rate{slo_name="api",slo_window="5m",http_route="/a"}', 0],
                ['slo:burn_rate:rate{slo_name="api",slo_window="5m",http_route="/b"}', 50],
                ['slo:burn_rate:rate{slo_name="api",slo_window="5m",http_route="/c"}', 0],
                ['slo:burn_rate:rate{slo_name="api",slo_window="5m",http_route="/d"}', 20],
              ]),
              // remaining = 1 - ratio(28d) / 0.01: /b 1 - 50 = -49
              value('slo:error_budget_remaining:ratio{slo_name="api",http_route=~"/a|/b|/c"}', [
                ['slo:error_budget_remaining:ratio{slo_name="api",http_route="/a"}', 1],
                ['slo:error_budget_remaining:ratio{slo_name="api",http_route="/b"}', -49],
                ['slo:error_budget_remaining:ratio{slo_name="api",http_route="/c"}', 1],
              ]),
              // spent: 0 for /b; not burning: +Inf for /a
              value('slo:time_to_exhaustion:seconds{slo_name="api",http_route="/b"}', [
                ['slo:time_to_exhaustion:seconds{slo_name="api",http_route="/b"}', 0],
              ]),
              value('slo:time_to_exhaustion:seconds{slo_name="api",http_route="/a"} == bool +Inf', [
                ['{slo_name="api",http_route="/a"}', 1],
              ]),
              // the policy's status per group: /b and /d (1 bad of 5 over 28 d: remaining -19)
              // exhausted, /a and /c healthy — as the engine classifies each group
              value('slo:status:code{slo_name="api"}', [
                ['slo:status:code{slo_name="api",http_route="/a"}', 0],
                ['slo:status:code{slo_name="api",http_route="/b"}', 5],
                ['slo:status:code{slo_name="api",http_route="/c"}', 0],
                ['slo:status:code{slo_name="api",http_route="/d"}', 5],
              ]),
              value('slo:status{slo_name="api",slo_status="exhausted"}', [
                ['slo:status{slo_name="api",slo_status="exhausted",http_route="/a"}', 0],
                ['slo:status{slo_name="api",slo_status="exhausted",http_route="/b"}', 1],
                ['slo:status{slo_name="api",slo_status="exhausted",http_route="/c"}', 0],
                ['slo:status{slo_name="api",slo_status="exhausted",http_route="/d"}', 1],
              ]),
              // the dashboard's burn-rate panel with $slo = api and $http_route = /b
              value(
                dashboardQuery('Burn rate by window', 0, {
                  slo: 'api',
                  http_route: '/b',
                  app_tier: '.*',
                }),
                [
                  ['slo:burn_rate:rate{slo_name="api",slo_window="5m",http_route="/b"}', 50],
                  ['slo:burn_rate:rate{slo_name="api",slo_window="30m",http_route="/b"}', 50],
                  ['slo:burn_rate:rate{slo_name="api",slo_window="1h",http_route="/b"}', 50],
                  ['slo:burn_rate:rate{slo_name="api",slo_window="2h",http_route="/b"}', 50],
                  ['slo:burn_rate:rate{slo_name="api",slo_window="6h",http_route="/b"}', 50],
                  ['slo:burn_rate:rate{slo_name="api",slo_window="1d",http_route="/b"}', 50],
                  ['slo:burn_rate:rate{slo_name="api",slo_window="3d",http_route="/b"}', 50],
                ]
              ),
              // both page tiers fire for /b alone: /a and /c do not burn, /d lacks minEvents
              value('ALERTS{alertname="SloErrorBudgetBurn",alertstate="firing",severity="page"}', [
                [page('1h', '5m'), 1],
                [page('6h', '30m'), 1],
              ]),
            ],
          },
        ],
      };
      // every group of a quiet SLO has no data (noDataAfter 1h), as in the engine
      const quietStatus = (at: string, code: number) => ({
        expr: 'slo:status:code{slo_name="api"}',
        eval_time: at,
        exp_samples: ['/a', '/b'].map(r => ({
          labels: `slo:status:code{slo_name="api",http_route="${r}"}`,
          value: code,
        })),
      });
      test.tests.push({
        interval: '1m',
        input_series: [
          series('/a', 'good', 'a', '0+10x10 100x80'),
          series('/b', 'good', 'a', '0+10x10 100x80'),
        ],
        promql_expr_test: [quietStatus('30m', 0), quietStatus('1h20m', 2)],
      });
      const t = tempFiles({
        'rules.yaml': generateRules(SPEC),
        'groups.test.yaml': stringify(test),
      });
      try {
        const r = promtool(['test', 'rules', 'groups.test.yaml'], t.dir);
        assert.strictEqual(r.status, 0, r.output);
      } finally {
        t.cleanup();
      }
    });
  });
});
