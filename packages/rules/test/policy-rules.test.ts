import * as assert from 'node:assert';
import { DAY_MS, parseSpec } from '@burnrate/core';
import { stringify } from 'yaml';
import { buildRuleGroups, counterValues, generateRules } from '../src';
import { promtool, tempFiles } from './promtool';

/**
 * Three SLOs at constant rates (100 events a minute for 2 h) and three
 * composites, one of them made of another; a policy moving a threshold and
 * asking for every budget-level alert.
 */
const SPEC = parseSpec(`
slos:
  - { name: cart, objective: 99, window: 28d, sli: { good: { status: ok } } }
  - { name: pay, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
  - { name: ship, objective: 99.9, calendar: month, sli: { good: { status: ok } } }
composites:
  - name: checkout
    components: [{ slo: cart, weight: 2 }, pay]
  - name: store
    components: [{ slo: checkout, weight: 3 }, ship]
  - name: front
    components: [cart, ship]
policy:
  statuses: { warning: { remainingBelow: 0.3 } }
  alerts: { budgetBelow: 0.5, exhausted: true, exhaustsWithin: 30d }
`);

/** Bad events a minute of 100 (constant): the burn rate in every window, and 1 − it remaining. */
const BAD = { cart: 0.6, pay: 0.2, ship: 0.05 };
const BURN = { cart: 0.6, pay: 2, ship: 0.5 };
const W = { cart: 28 * DAY_MS, pay: 28 * DAY_MS, ship: 30 * DAY_MS };

/** Shares of the leaf SLOs, by hand: store = ¾ checkout (⅔ cart, ⅓ pay) + ¼ ship. */
const SHARES: Record<string, Record<keyof typeof BURN, number>> = {
  checkout: { cart: 2 / 3, pay: 1 / 3, ship: 0 },
  store: { cart: 0.5, pay: 0.25, ship: 0.25 },
  front: { cart: 0.5, pay: 0, ship: 0.5 },
};

const SLOS = ['cart', 'pay', 'ship'] as const;

/** Composite remaining, burn(1h) and time to exhaustion in seconds, from the definitions. */
function hand(name: string): { remaining: number; burn: number; tte: number } {
  const s = SHARES[name];
  let consumed = 0;
  let burn = 0;
  let growth = 0; // budget share per second
  for (const slo of SLOS) {
    consumed += s[slo] * BURN[slo]; // constant rates: consumed share = burn over W
    burn += s[slo] * BURN[slo];
    growth += (s[slo] * BURN[slo]) / (W[slo] / 1000);
  }
  const remaining = 1 - consumed;
  const rolling = s.ship === 0;
  const tte =
    remaining <= 0
      ? 0
      : rolling && burn <= 1
        ? Infinity
        : growth > 0
          ? remaining / growth
          : Infinity;
  return { remaining, burn, tte };
}

function near(expr: string, value: number, at = '2h') {
  return {
    expr: `abs(${expr} - ${value}) < bool 1e-9 * ${Math.max(1, Math.abs(value))}`,
    eval_time: at,
    exp_samples: [{ labels: '{}', value: 1 }],
  };
}

describe('policy and composite rules', () => {
  it('should record composites, statuses and budget alerts as computed by hand, in promtool', function () {
    this.timeout(600_000);
    const series = (slo: string, outcome: string, perMinute: number) => ({
      series: `slo_events_total{slo_name="${slo}",slo_outcome="${outcome}",instance="a"}`,
      values: counterValues([{ steps: 121, increment: perMinute }]),
    });
    const input = SLOS.flatMap(slo => [
      series(slo, 'good', 100 - BAD[slo]),
      series(slo, 'bad', BAD[slo]),
    ]);
    const checks = [];
    for (const name of Object.keys(SHARES)) {
      const h = hand(name);
      checks.push(near(`sum(slo:error_budget_remaining:ratio{slo_name="${name}"})`, h.remaining));
      if (name !== 'store' && name !== 'front')
        checks.push(near(`sum(slo:burn_rate:rate{slo_name="${name}",slo_window="1h"})`, h.burn));
      checks.push(
        Number.isFinite(h.tte)
          ? near(`sum(slo:time_to_exhaustion:seconds{slo_name="${name}"})`, h.tte)
          : {
              expr: `sum(slo:time_to_exhaustion:seconds{slo_name="${name}"}) == bool +Inf`,
              eval_time: '2h',
              exp_samples: [{ labels: '{}', value: 1 }],
            }
      );
    }
    // cart 0.4 left: attention (< 50 %); pay −1: exhausted; ship 0.5 left, exhausts in
    // 0.5 × 30 d / 0.5 = 30 d: healthy; composites: the most restrictive leaf
    const codes: Record<string, number> = {
      cart: 1,
      pay: 5,
      ship: 0,
      checkout: 5,
      store: 5,
      front: 1,
    };
    checks.push({
      expr: 'slo:status:code',
      eval_time: '2h',
      exp_samples: Object.entries(codes).map(([name, value]) => ({
        labels: `slo:status:code{slo_name="${name}"}`,
        value,
      })),
    });
    checks.push({
      expr: 'slo:status == 1',
      eval_time: '2h',
      exp_samples: Object.entries(codes).map(([name, value]) => ({
        labels: `slo:status{slo_name="${name}",slo_status="${['healthy', 'attention', 'no-data', 'warning', 'critical', 'exhausted'][value]}"}`,
        value: 1,
      })),
    });
    // budget alerts: below 50 %, exhausted, exhausting within 30 d
    const alerts: Array<[string, string]> = [];
    for (const name of [...SLOS, ...Object.keys(SHARES)]) {
      const h =
        name in SHARES
          ? hand(name)
          : {
              remaining: 1 - BURN[name as keyof typeof BURN],
              tte:
                name === 'ship'
                  ? ((1 - BURN.ship) * W.ship) / 1000 / BURN.ship
                  : 1 - BURN[name as keyof typeof BURN] <= 0
                    ? 0
                    : Infinity,
            };
      if (h.remaining < 0.5) alerts.push(['SloErrorBudgetLow', name]);
      if (h.remaining <= 0) alerts.push(['SloErrorBudgetExhausted', name]);
      if (h.tte < 30 * 86_400) alerts.push(['SloErrorBudgetExhaustionSoon', name]);
    }
    checks.push({
      expr: 'ALERTS{alertstate="firing",alertname=~"SloErrorBudget(Low|Exhausted|ExhaustionSoon)"}',
      eval_time: '2h',
      exp_samples: alerts.map(([alert, name]) => ({
        labels: `ALERTS{alertname="${alert}",alertstate="firing",severity="ticket",slo_name="${name}"}`,
        value: 1,
      })),
    });
    const test = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: input, promql_expr_test: checks }],
    };
    const t = tempFiles({
      'rules.yaml': generateRules(SPEC),
      'policy.test.yaml': stringify(test),
    });
    try {
      const r = promtool(['test', 'rules', 'policy.test.yaml'], t.dir);
      assert.strictEqual(r.status, 0, r.output);
    } finally {
      t.cleanup();
    }
  });

  it('should read the firing page alert into the status (critical)', function () {
    this.timeout(600_000);
    // 99 % over 28 d; a day of good traffic, then 10 minutes all bad: burn(1h) = 1000 / 6000
    // / 1 % = 16.7 and burn(5m) = 100 ≥ 13.44, while 1000 of 145,000 leaves 31 % of the
    // budget. exhaustsWithin: 1m leaves the page alert the only way to critical.
    const spec = parseSpec(`
slos:
  - { name: web, objective: 99, window: 28d, sli: { good: { status: ok } } }
policy:
  statuses: { critical: { exhaustsWithin: 1m }, warning: { exhaustsWithin: 1m } }
`);
    const test = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            {
              series: 'slo_events_total{slo_name="web",slo_outcome="good",instance="a"}',
              values: counterValues([
                { steps: 1441, increment: 100 },
                { steps: 10, increment: 0 },
              ]),
            },
            {
              series: 'slo_events_total{slo_name="web",slo_outcome="bad",instance="a"}',
              values: counterValues([
                { steps: 1441, increment: 0 },
                { steps: 10, increment: 100 },
              ]),
            },
          ],
          promql_expr_test: [
            {
              expr: 'slo:status:code',
              eval_time: '1d',
              exp_samples: [{ labels: 'slo:status:code{slo_name="web"}', value: 0 }],
            },
            {
              expr: 'ALERTS{alertstate="firing",severity="page"}',
              eval_time: '1d10m',
              exp_samples: [
                {
                  labels:
                    'ALERTS{alertname="SloErrorBudgetBurn",alertstate="firing",severity="page",slo_long_window="1h",slo_name="web",slo_short_window="5m"}',
                  value: 1,
                },
              ],
            },
            {
              expr: 'slo:status:code',
              eval_time: '1d10m',
              exp_samples: [{ labels: 'slo:status:code{slo_name="web"}', value: 4 }],
            },
          ],
        },
      ],
    };
    const t = tempFiles({ 'rules.yaml': generateRules(spec), 'page.test.yaml': stringify(test) });
    try {
      const r = promtool(['test', 'rules', 'page.test.yaml'], t.dir);
      assert.strictEqual(r.status, 0, r.output);
    } finally {
      t.cleanup();
    }
  });

  it('should write no budget-level alert unless the policy asks', () => {
    const plain = parseSpec(`
slos:
  - { name: a, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
`);
    const names = buildRuleGroups(plain).groups.flatMap(g =>
      g.rules.map(r => ('alert' in r ? r.alert : r.record))
    );
    assert.ok(names.includes('slo:status:code'));
    assert.deepStrictEqual(
      names.filter(n => n.startsWith('SloErrorBudget') && n !== 'SloErrorBudgetBurn'),
      []
    );
  });

  it('should let a composite of composites read only its leaf SLOs', () => {
    const store = buildRuleGroups(SPEC).groups.find(g => g.name === 'burnrate-store')!;
    const remaining = store.rules.find(
      r => 'record' in r && r.record === 'slo:error_budget_remaining:ratio'
    )!;
    assert.doesNotMatch(remaining.expr, /checkout/);
    assert.match(
      remaining.expr,
      /0\.5 \* \(1 - sum\(slo:error_budget_remaining:ratio\{slo_name="cart"\}\)\)/
    );
  });
});
