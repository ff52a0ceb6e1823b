import * as assert from 'node:assert';
import { parseSpec } from '@burnrate/core';
import { parse, stringify } from 'yaml';
import {
  buildRuleGroups,
  counterValues,
  generateRuleObject,
  generateRules,
  type AlertingRule,
  type PrometheusRuleResource,
  type RecordingRule,
  type RuleFile,
} from '../src';
import { promtool, tempFiles } from './promtool';
import { windowsSpec } from './specs';

function group(file: RuleFile, slo: string) {
  const g = file.groups.find(x => x.name === `burnrate-${slo}`);
  assert.ok(g, `group of ${slo}`);
  return g;
}

function records(file: RuleFile, slo: string, record: string): RecordingRule[] {
  return group(file, slo).rules.filter(
    (r): r is RecordingRule => 'record' in r && r.record === record
  );
}

/** Every alerting rule of an SLO's group. */
function allAlerts(file: RuleFile, slo: string): AlertingRule[] {
  return group(file, slo).rules.filter((r): r is AlertingRule => 'alert' in r);
}

/** The burn-rate alerts of an SLO's group. */
function alerts(file: RuleFile, slo: string): AlertingRule[] {
  return allAlerts(file, slo).filter(r => r.alert === 'SloErrorBudgetBurn');
}

describe('buildRuleGroups', () => {
  const file = buildRuleGroups(windowsSpec());

  it('should record the error ratio for every alert window, 1h and the SLO window', () => {
    const windows = (slo: string) =>
      records(file, slo, 'slo:error_ratio:rate').map(r => r.labels.slo_window);
    assert.deepStrictEqual(windows('rolling-28d'), [
      '5m',
      '30m',
      '1h',
      '2h',
      '6h',
      '1d',
      '3d',
      '28d',
    ]);
    assert.deepStrictEqual(windows('rolling-90d'), [
      '5m',
      '30m',
      '1h',
      '2h',
      '6h',
      '1d',
      '3d',
      '90d',
    ]);
    assert.deepStrictEqual(windows('calendar-month'), [
      '5m',
      '30m',
      '1h',
      '2h',
      '6h',
      '1d',
      '3d',
      '30d',
    ]);
    assert.deepStrictEqual(windows('custom-tiers'), ['2m', '10m', '30m', '1h', '2h', '12h', '14d']);
  });

  it('should scale the alert windows of SLO windows under 28d into whole minutes', () => {
    // 1d / 28d = 1/28, rounded to whole minutes, at least 1: 5m → 1m, 30m → 1m, 1h → 2m, 2h → 4m,
    // 6h → 13m, 1d → 51m, 3d → 154m; 1h for the time to exhaustion; 1d the SLO window
    const day = records(file, 'short-1d', 'slo:error_ratio:rate').map(r => r.labels.slo_window);
    assert.deepStrictEqual(day, ['1m', '2m', '4m', '13m', '51m', '1h', '2h34m', '1d']);
    // 1h / 28d = 1/672: every short window and the 1h, 6h long ones round to 1m, 1d → 2m, 3d → 6m;
    // 1h itself is the SLO window and recorded once
    const hour = records(file, 'short-1h', 'slo:error_ratio:rate').map(r => r.labels.slo_window);
    assert.deepStrictEqual(hour, ['1m', '2m', '6m', '1h']);
    // 7d / 28d = 1/4: 5m → 1m (1.25), 30m → 8m (7.5), 1h → 15m, 2h → 30m, 6h → 1h30m, 1d → 6h, 3d → 18h
    const week = records(file, 'rolling-7d', 'slo:error_ratio:rate').map(r => r.labels.slo_window);
    assert.deepStrictEqual(week, ['1m', '8m', '15m', '30m', '1h', '1h30m', '6h', '18h', '7d']);
  });

  it('should derive the alert thresholds from the window, never copy them', () => {
    const thresholds = (slo: string) =>
      alerts(file, slo).map(a =>
        Number(/>= ([0-9.]+) \* \(1 - 1e-9\)$/m.exec(a.expr.split('\n')[0])![1])
      );
    // docs/prometheus.md: 2 % / 1 h, 5 % / 6 h, 10 % / 1 d, 10 % / 3 d of the budget
    assert.deepStrictEqual(thresholds('rolling-28d'), [13.44, 5.6, 2.8, 0.933333333333333]);
    assert.deepStrictEqual(thresholds('rolling-30d'), [14.4, 6, 3, 1]);
    // under 28 d the windows scale and the thresholds keep their 28 d values (issue #10: 7 d gave 0.7 and 0.233)
    assert.deepStrictEqual(thresholds('rolling-7d'), [13.44, 5.6, 2.8, 0.933333333333333]);
    assert.deepStrictEqual(thresholds('rolling-90d'), [43.2, 18, 9, 3]);
    // a 1 d SLO pages on 2 % of its budget just as a 28 d one: the same 13.44 over scaled windows
    assert.deepStrictEqual(thresholds('short-1d'), [13.44, 5.6, 2.8, 0.933333333333333]);
    // custom: 10 as given; 4 % of 14 d in 2 h = 0.04 × 168 = 6.72; 15 % in 12 h = 0.15 × 28 = 4.2
    assert.deepStrictEqual(thresholds('custom-tiers'), [10, 6.72, 4.2]);
  });

  it('should require both windows of a tier, with severity and window labels', () => {
    const page = alerts(file, 'rolling-28d')[0];
    assert.strictEqual(page.alert, 'SloErrorBudgetBurn');
    assert.strictEqual(
      page.expr,
      'max without (slo_window) (slo:burn_rate:rate{slo_name="rolling-28d",slo_window="1h"}) >= 13.44 * (1 - 1e-9)\n' +
        'and\n' +
        'max without (slo_window) (slo:burn_rate:rate{slo_name="rolling-28d",slo_window="5m"}) >= 13.44 * (1 - 1e-9)\n' +
        'and on ()\n' +
        'sum(increase(slo_events_total{slo_name="rolling-28d",slo_outcome=~"good|bad"}[1h])) >= 75'
    );
    assert.deepStrictEqual(page.labels, {
      slo_name: 'rolling-28d',
      severity: 'page',
      slo_long_window: '1h',
      slo_short_window: '5m',
    });
    assert.deepStrictEqual(
      alerts(file, 'rolling-28d').map(a => a.labels.severity),
      ['page', 'page', 'ticket', 'ticket']
    );
  });

  it('should say in words what burns, with the runbook when the spec has one', () => {
    const page = alerts(file, 'rolling-28d')[0];
    assert.match(
      page.annotations.description,
      /At 13\.44x a 1h window consumes 2% of the 28d budget/
    );
    assert.match(
      page.annotations.description,
      /exhausted in \{\{ with query `slo:time_to_exhaustion:seconds\{slo_name="rolling-28d"\}`/
    );
    assert.strictEqual(
      page.annotations.runbook_url,
      'https://runbooks.example/checkout#availability'
    );
    assert.strictEqual(alerts(file, 'rolling-7d')[0].annotations.runbook_url, undefined);
    assert.match(
      alerts(file, 'calendar-month')[0].annotations.description,
      /calendar month, rules over a rolling 30d/
    );
  });

  it('should carry the spec labels on every rule', () => {
    for (const rule of group(file, 'rolling-30d').rules) {
      assert.strictEqual(rule.labels.team, 'payments');
      assert.strictEqual(rule.labels.slo_name, 'rolling-30d');
    }
  });

  it('should divide by the error budget for burn rates and the remaining budget', () => {
    const burn = records(file, 'rolling-30d', 'slo:burn_rate:rate')[0];
    assert.strictEqual(
      burn.expr,
      'slo:error_ratio:rate{slo_name="rolling-30d",slo_window="5m"} / 0.0005'
    );
    const remaining = records(file, 'rolling-30d', 'slo:error_budget_remaining:ratio')[0];
    assert.strictEqual(
      remaining.expr,
      '1 - max without (slo_window) (slo:error_ratio:rate{slo_name="rolling-30d",slo_window="30d"}) / 0.0005'
    );
  });

  it('should write rules for a timeslices SLO beside the others (one used to abort the whole file)', () => {
    const spec = parseSpec(`
slos:
  - { name: a, objective: 99, window: 7d, sli: { good: { status: ok } } }
  - { name: slices, objective: 99, window: 7d, budgeting: timeslices, sli: { good: { status: ok } } }
`);
    assert.deepStrictEqual(
      buildRuleGroups(spec).groups.map(g => g.name),
      ['burnrate-a', 'burnrate-slices-slices', 'burnrate-slices']
    );
    assert.strictEqual(buildRuleGroups(spec, { slos: ['a'] }).groups.length, 1);
  });

  it('should refuse an unknown SLO name in options.slos', () => {
    assert.throws(
      () => buildRuleGroups(windowsSpec(), { slos: ['nope'] }),
      /unknown SLO "nope"; the spec has rolling-7d/
    );
  });

  it('should set the group interval when asked', () => {
    const slices = (g: { name: string }) => g.name.endsWith('-slices');
    const groups = buildRuleGroups(windowsSpec(), { interval: '30s' }).groups;
    assert.ok(groups.filter(g => !slices(g)).every(g => g.interval === '30s'));
    assert.ok(file.groups.filter(g => !slices(g)).every(g => g.interval === undefined));
    // a timeslices SLO's per-slice group always runs once per slice
    assert.deepStrictEqual(
      groups.filter(slices).map(g => [g.name, g.interval]),
      [['burnrate-timeslices-28d-slices', '1m']]
    );
  });
});

describe('alerting keys in the rules', () => {
  const spec = parseSpec(`
slos:
  - name: default
    objective: 99.9
    window: 28d
    sli: { good: { status: ok } }
  - name: quiet
    objective: 99.9
    window: 28d
    sli: { good: { status: ok } }
    alerting: { minEvents: 0, noDataAfter: 2h }
  - name: off
    objective: 99.9
    window: 28d
    sli: { good: { status: ok } }
    alerting: { tiers: [] }
`);
  const file = buildRuleGroups(spec);

  it('should fire a tier only with minEvents eligible events in its long window (default 75 at 99.9 % / 13.44)', () => {
    const page = alerts(file, 'default').find(a => a.alert === 'SloErrorBudgetBurn')!;
    assert.match(
      page.expr,
      /\nand on \(\)\nsum\(increase\(slo_events_total\{slo_name="default",slo_outcome=~"good\|bad"\}\[1h\]\)\) >= 75$/
    );
    const quiet = alerts(file, 'quiet').find(a => a.alert === 'SloErrorBudgetBurn')!;
    assert.doesNotMatch(quiet.expr, /increase/);
  });

  it('should write no burn alert and no threshold for tiers: []', () => {
    assert.deepStrictEqual(
      allAlerts(file, 'off').map(a => a.alert),
      ['SloNoData']
    );
    assert.strictEqual(records(file, 'off', 'slo:burn_rate_threshold:ratio').length, 0);
    // the numbers are still recorded
    assert.strictEqual(records(file, 'off', 'slo:error_budget_remaining:ratio').length, 1);
  });

  it('should add SloNoData, a ticket held for alerting.noDataAfter (default 1h)', () => {
    const noData = (slo: string) => allAlerts(file, slo).find(a => a.alert === 'SloNoData')!;
    assert.strictEqual(noData('default').for, '1h');
    assert.strictEqual(noData('quiet').for, '2h');
    assert.deepStrictEqual(noData('default').labels, { slo_name: 'default', severity: 'ticket' });
    assert.strictEqual(
      noData('default').expr,
      'absent(slo_events_total{slo_name="default",slo_outcome=~"good|bad"})\n' +
        'or\nsum(increase(slo_events_total{slo_name="default",slo_outcome=~"good|bad"}[5m])) <= 0'
    );
  });

  it('should fire SloNoData in promtool after noDataAfter without events, and on absent series', function () {
    this.timeout(600_000);
    const one = parseSpec(`
slos:
  - { name: dead, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
`);
    const firing = (t: string) => ({
      expr: 'ALERTS{alertname="SloNoData",alertstate="firing"}',
      eval_time: t,
      exp_samples: [
        {
          labels:
            'ALERTS{alertname="SloNoData",alertstate="firing",severity="ticket",slo_name="dead"}',
          value: 1,
        },
      ],
    });
    const quiet = (t: string) => ({
      expr: 'ALERTS{alertname="SloNoData",alertstate="firing"}',
      eval_time: t,
      exp_samples: [],
    });
    const test = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          // 30 minutes of traffic, then none: flat from 30m, no increase over 5m from 35m,
          // firing one hour later
          interval: '1m',
          input_series: [
            {
              series: 'slo_events_total{slo_name="dead",slo_outcome="good",instance="a"}',
              values: '0+10x30 300x150',
            },
          ],
          promql_expr_test: [quiet('30m'), quiet('1h34m'), firing('1h35m'), firing('3h')],
        },
        {
          // never any series: absent from the start, firing after one hour
          interval: '1m',
          input_series: [],
          promql_expr_test: [quiet('59m'), firing('1h'), firing('2h')],
        },
      ],
    };
    const t = tempFiles({ 'rules.yaml': generateRules(one), 'nodata.test.yaml': stringify(test) });
    try {
      const r = promtool(['test', 'rules', 'nodata.test.yaml'], t.dir);
      assert.strictEqual(r.status, 0, r.output);
    } finally {
      t.cleanup();
    }
  });
});

describe('time to exhaustion', () => {
  const spec = parseSpec(`
slos:
  - { name: rolling, objective: 99, window: 28d, sli: { good: { status: ok } }, alerting: { tiers: [] } }
  - { name: month, objective: 99, calendar: month, sli: { good: { status: ok } }, alerting: { tiers: [] } }
`);

  it('should be none on a rolling window while burn(1h) ≤ 1, remaining × W / burn above, 0 once spent', function () {
    this.timeout(600_000);
    // 100 events a minute; 2 h at burn 0.2, then 1 h at burn 2, then 1 h all bad
    const series = (slo: string, outcome: string, perMinute: number[]) => ({
      series: `slo_events_total{slo_name="${slo}",slo_outcome="${outcome}",instance="a"}`,
      values: counterValues(
        perMinute.map((increment, i) => ({ steps: i === 0 ? 120 : 60, increment }))
      ),
    });
    const input = (slo: string) => [
      series(slo, 'good', [99.8, 98, 0]),
      series(slo, 'bad', [0.2, 2, 100]),
    ];
    const near = (slo: string, at: string, seconds: number) => ({
      expr: `abs(slo:time_to_exhaustion:seconds{slo_name="${slo}"} - ${seconds}) < bool 1e-3`,
      eval_time: at,
      exp_samples: [{ labels: `{slo_name="${slo}"}`, value: 1 }],
    });
    const inf = (slo: string, at: string) => ({
      expr: `slo:time_to_exhaustion:seconds{slo_name="${slo}"} == bool +Inf`,
      eval_time: at,
      exp_samples: [{ labels: `{slo_name="${slo}"}`, value: 1 }],
    });
    const day = 86_400;
    const file = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [...input('rolling'), ...input('month')],
          promql_expr_test: [
            // 2h: burn(1h) 0.2, remaining 1 − 24 / (0.01 × 12,000) = 0.8: rolling none,
            // the calendar month 0.8 × 30 d / 0.2 = 120 d
            inf('rolling', '2h'),
            near('month', '2h', 120 * day),
            // 3h: burn(1h) 2, remaining 1 − 144 / 180 = 0.2: 0.2 × W / 2
            near('rolling', '3h', 0.1 * 28 * day),
            near('month', '3h', 0.1 * 30 * day),
            // 4h: spent, 0
            near('rolling', '4h', 0),
            near('month', '4h', 0),
          ],
        },
      ],
    };
    const t = tempFiles({ 'rules.yaml': generateRules(spec), 'tte.test.yaml': stringify(file) });
    try {
      const r = promtool(['test', 'rules', 'tte.test.yaml'], t.dir);
      assert.strictEqual(r.status, 0, r.output);
    } finally {
      t.cleanup();
    }
  });

  it('should divide by burn(1h) only above 1 on rolling windows', () => {
    const file = buildRuleGroups(spec);
    const rolling = records(file, 'rolling', 'slo:time_to_exhaustion:seconds')[0].expr;
    assert.match(
      rolling,
      /\/ ignoring\(slo_window\) \(slo:burn_rate:rate\{slo_name="rolling",slo_window="1h"\} > 1\)/
    );
    assert.match(
      rolling,
      /or \(slo:error_budget_remaining:ratio\{slo_name="rolling"\} > 0\) \* \+Inf/
    );
    const month = records(file, 'month', 'slo:time_to_exhaustion:seconds')[0].expr;
    assert.doesNotMatch(month, /Inf/);
  });
});

describe('generateRules', () => {
  it('should write rules that promtool check rules accepts for every window shape', function () {
    this.timeout(30_000);
    const spec = windowsSpec();
    const text = generateRules(spec);
    const total = buildRuleGroups(spec).groups.reduce((n, g) => n + g.rules.length, 0);
    const t = tempFiles({ 'rules.yaml': text });
    try {
      const r = promtool(['check', 'rules', 'rules.yaml'], t.dir);
      assert.strictEqual(r.status, 0, r.output);
      assert.match(r.output, new RegExp(`SUCCESS: ${total} rules found`));
    } finally {
      t.cleanup();
    }
  });

  it('should fire at exactly the threshold: 1.44 % errors on a 99.9 % 30-day SLO is 14.4x', () => {
    const spec = parseSpec(`
slos:
  - { name: exact, objective: 99.9, window: 30d, sli: { good: { status: ok } } }
`);
    // 10,000 events a minute, 144 bad: 0.0144 / 0.001 is 14.399999999999999 in floating point
    const series = (outcome: string, n: number) => ({
      series: `slo_events_total{slo_name="exact",slo_outcome="${outcome}",instance="a"}`,
      values: `0+${n}x90`,
    });
    const test = (rules: string) => {
      const file = {
        rule_files: ['rules.yaml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [series('good', 9856), series('bad', 144)],
            promql_expr_test: [
              {
                expr: 'ALERTS{slo_name="exact",slo_long_window="1h"}',
                eval_time: '75m',
                exp_samples: [
                  {
                    labels:
                      'ALERTS{alertname="SloErrorBudgetBurn",alertstate="firing",severity="page",slo_long_window="1h",slo_name="exact",slo_short_window="5m"}',
                    value: 1,
                  },
                ],
              },
            ],
          },
        ],
      };
      const t = tempFiles({ 'rules.yaml': rules, 'exact.test.yaml': stringify(file) });
      try {
        return promtool(['test', 'rules', 'exact.test.yaml'], t.dir);
      } finally {
        t.cleanup();
      }
    };
    const rules = generateRules(spec);
    const r = test(rules);
    assert.strictEqual(r.status, 0, r.output);
    // without the epsilon the same history does not page (the bug this guards against)
    const plain = test(rules.split(' * (1 - 1e-9)').join(''));
    assert.notStrictEqual(plain.status, 0, plain.output);
  });

  it('should make promtool fail on a broken rule (the check is real)', () => {
    const text = generateRules(windowsSpec()).replace('[5m]', '[5 minutes]');
    const t = tempFiles({ 'rules.yaml': text });
    try {
      const r = promtool(['check', 'rules', 'rules.yaml'], t.dir);
      assert.notStrictEqual(r.status, 0);
    } finally {
      t.cleanup();
    }
  });

  it('should round-trip through YAML to the structured groups', () => {
    const spec = windowsSpec();
    assert.deepStrictEqual(
      parse(generateRules(spec)),
      JSON.parse(JSON.stringify(buildRuleGroups(spec)))
    );
  });

  it('should wrap the same groups in a PrometheusRule for prometheus-operator', () => {
    const spec = windowsSpec();
    const resource = parse(
      generateRules(spec, {
        format: 'prometheus-operator',
        namespace: 'monitoring',
        resourceLabels: { release: 'prometheus' },
      })
    ) as PrometheusRuleResource;
    assert.strictEqual(resource.apiVersion, 'monitoring.coreos.com/v1');
    assert.strictEqual(resource.kind, 'PrometheusRule');
    assert.deepStrictEqual(resource.metadata, {
      name: 'burnrate-slos',
      namespace: 'monitoring',
      labels: { release: 'prometheus' },
    });
    assert.deepStrictEqual(resource.spec, JSON.parse(JSON.stringify(buildRuleGroups(spec))));
    assert.throws(
      () => generateRuleObject(spec, { format: 'thanos' as never }),
      /format: must be prometheus or prometheus-operator, got "thanos"/
    );
  });
});

describe('buildRuleGroups with a held tier', () => {
  it('should give a tier with a hold (for, OpenSLO alertAfter) a for: and promtool accepts it', () => {
    const spec = parseSpec(`slos:
  - name: held
    objective: 99
    window: 28d
    labels: { team: payments }
    alerting:
      tiers:
        - { severity: page, long: 1h, short: 5m, burnRate: 14.4, for: 2m }
        - { severity: ticket, long: 1d, short: 2h, burnRate: 3 }
    sli: { spans: { kind: any }, good: { status: ok } }
`);
    const file = buildRuleGroups(spec);
    const [page, ticket] = alerts(file, 'held');
    assert.strictEqual(page.for, '2m');
    assert.strictEqual(ticket.for, undefined);
    assert.strictEqual(page.labels?.team, 'payments');
    const t = tempFiles({ 'rules.yaml': generateRules(spec) });
    try {
      const r = promtool(['check', 'rules', 'rules.yaml'], t.dir);
      assert.strictEqual(r.status, 0, r.output);
    } finally {
      t.cleanup();
    }
  });
});
