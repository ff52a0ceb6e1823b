import * as assert from 'node:assert';
import { parseSpec, SloEngine } from '@burnrate/core';
import { stringify } from 'yaml';
import {
  buildRuleGroups,
  generateRules,
  promDuration,
  recordedWindows,
  type PromqlExprTest,
} from '../src';
import { promtool, tempFiles } from './promtool';

const MIN = 60_000;
const SLICE = 5 * MIN;

/**
 * A timeslices SLO through the generated rules in promtool, against an independent
 * count of bad slices (and against core's engine for the SLO window): 2 days of
 * per-minute counters, 5-minute slices at 95 %, an objective of 99 % over 28 d.
 */
describe('rules for timeslices SLOs', () => {
  const spec = parseSpec(`
slos:
  - name: occurrences
    objective: 99.9
    window: 28d
    sli: { good: { status: ok } }
  - name: slices
    objective: 99
    window: 28d
    budgeting: { method: timeslices, slice: 5m, sliceTarget: 95 }
    labels: { team: payments }
    sli: { good: { status: ok } }
`);
  const slo = spec.slos[1];

  // Minute i (1-based, sampled at i minutes) holds `bad[i]` of 100 events. A slice is
  // bad when more than 5 % of its events are bad: normal minutes have 0-3 bad (the
  // slice at least 97 % good), bad slices 10 per minute (90 % good).
  const MINUTES = 2 * 1440;
  const SLICES = MINUTES / 5;
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const badSlice: boolean[] = [];
  for (let k = 0; k < SLICES; k++) {
    let bad = random() < 0.03; // a scattered floor of bad slices
    if (k >= 100 && k < 112) bad = true; // a 1-hour outage: pages
    if (k >= 300 && k < 420 && k % 4 === 0) bad = true; // a 10-hour slow burn
    badSlice.push(bad);
  }
  const badPerMinute: number[] = [0];
  for (let i = 1; i <= MINUTES; i++) {
    const k = Math.floor((i - 1) / 5);
    badPerMinute.push(badSlice[k] ? 10 : Math.floor(random() * 4));
  }
  const counter = (perMinute: (i: number) => number) => {
    const values = [0];
    for (let i = 1; i <= MINUTES; i++) values.push(values[i - 1] + perMinute(i));
    return values.join(' ');
  };
  const series = (outcome: string, perMinute: (i: number) => number) => ({
    series: `slo_events_total{slo_name="slices",slo_outcome="${outcome}",instance="a",job="checkout"}`,
    values: counter(perMinute),
  });

  /** Bad slices among the `n` slices that ended by `k` slices into the history. */
  const badIn = (k: number, n: number) => {
    let count = 0;
    for (let j = Math.max(0, k - n); j < k; j++) if (badSlice[j]) count++;
    return count;
  };
  const windows = recordedWindows(slo);
  const fraction = 0.01;
  const W = 28 * 1440 * MIN;
  const budgetSlices = fraction * (W / SLICE); // 80.64 bad slices over 28 d
  const tiers = slo.alerting.tiers;

  const checkAt = [24, 100, 101, 103, 112, 118, 130, 200, 330, 419, 480, SLICES];

  function tests(skew: number): PromqlExprTest[] {
    const out: PromqlExprTest[] = [];
    const close = (expr: string, value: number, labels: string, k: number): PromqlExprTest => ({
      expr: `abs(${expr} - (${value})) <= bool ${1e-9 * Math.max(1, Math.abs(value))}`,
      eval_time: promDuration(k * SLICE),
      exp_samples: [{ labels, value: 1 }],
    });
    for (const k of checkAt) {
      const at = promDuration(k * SLICE);
      out.push({
        expr: 'slo:timeslice_bad:bool{slo_name="slices"}',
        eval_time: at,
        exp_samples: [
          {
            labels: 'slo:timeslice_bad:bool{slo_name="slices",team="payments"}',
            value: badSlice[k - 1] ? 1 : 0,
          },
        ],
      });
      const burns = new Map<number, number>();
      for (const w of windows) {
        const burn = badIn(k, w / SLICE) / (w / SLICE) / fraction;
        burns.set(w, burn);
        out.push(
          close(
            `slo:burn_rate:rate{slo_name="slices",slo_window="${promDuration(w)}"}`,
            burn * skew,
            `{slo_name="slices",slo_window="${promDuration(w)}",team="payments"}`,
            k
          )
        );
      }
      const remaining = 1 - badIn(k, SLICES) / budgetSlices;
      out.push(
        close(
          'slo:error_budget_remaining:ratio{slo_name="slices"}',
          remaining * skew,
          '{slo_name="slices",team="payments"}',
          k
        )
      );
      out.push(
        close(
          'slo:sli:ratio{slo_name="slices"}',
          1 - badIn(k, SLICES) / (W / SLICE),
          '{slo_name="slices",team="payments"}',
          k
        )
      );
      const firing = tiers.filter(
        t => burns.get(t.longWindowMs)! >= t.burnRate && burns.get(t.shortWindowMs)! >= t.burnRate
      );
      out.push({
        expr: 'ALERTS{slo_name="slices",alertname="SloErrorBudgetBurn"}',
        eval_time: at,
        exp_samples: firing.map(t => ({
          labels: `ALERTS{alertname="SloErrorBudgetBurn",alertstate="firing",severity="${t.severity}",slo_long_window="${promDuration(t.longWindowMs)}",slo_name="slices",slo_short_window="${promDuration(t.shortWindowMs)}",team="payments"}`,
          value: 1,
        })),
      });
    }
    return out;
  }

  function run(skew: number, rules = generateRules(spec)) {
    const file = {
      rule_files: ['rules.yaml'],
      // promtool evaluates every group at each step: one step per slice
      evaluation_interval: promDuration(SLICE),
      tests: [
        {
          interval: '1m',
          input_series: [
            series('good', i => 100 - badPerMinute[i]),
            series('bad', i => badPerMinute[i]),
          ],
          promql_expr_test: tests(skew),
        },
      ],
    };
    const t = tempFiles({
      'rules.yaml': rules,
      'slices.test.yaml': stringify(file, { lineWidth: 0 }),
    });
    try {
      return {
        check: promtool(['check', 'rules', 'rules.yaml'], t.dir),
        test: promtool(['test', 'rules', 'slices.test.yaml'], t.dir),
      };
    } finally {
      t.cleanup();
    }
  }

  it('should generate a per-slice group evaluated once per slice beside the SLO group', () => {
    const file = buildRuleGroups(spec);
    assert.deepStrictEqual(
      file.groups.map(g => [g.name, g.interval]),
      [
        ['burnrate-occurrences', undefined],
        ['burnrate-slices-slices', '5m'],
        ['burnrate-slices', undefined],
      ]
    );
    const slice = file.groups[1].rules[0];
    assert.ok('record' in slice && slice.record === 'slo:timeslice_bad:bool');
    assert.match(slice.expr, /< bool 0\.95/);
    assert.deepStrictEqual(slice.labels, { team: 'payments', slo_name: 'slices' });
    // the 28 d ratio counts bad slices among the 8064 slices of the window
    const ratio = file.groups[2].rules.find(
      r => 'record' in r && r.record === 'slo:error_ratio:rate' && r.labels.slo_window === '28d'
    )!;
    assert.match(
      ratio.expr,
      /sum_over_time\(slo:timeslice_bad:bool\{slo_name="slices"\}\[27d23h57m30s\]\)/
    );
    assert.match(ratio.expr, /\/ 8064\n/);
  });

  it('should pass promtool check rules and count bad slices as an independent count does', function () {
    this.timeout(600_000);
    const r = run(1);
    assert.strictEqual(r.check.status, 0, r.check.output);
    assert.strictEqual(r.test.status, 0, r.test.output);
    // the history exercises both paths: pages fire at some checks, not at others
    const firingChecks = tests(1).filter(t => t.expr.startsWith('ALERTS') && t.exp_samples.length);
    assert.ok(firingChecks.length >= 2, `${firingChecks.length}`);
  });

  it('should agree with core on the bad slices of the SLO window', () => {
    const engine = new SloEngine({ spec, resolutionMs: MIN });
    for (let i = 1; i <= MINUTES; i++) {
      const at = (i - 1) * MIN + 30_000;
      engine.recordCounts(1, at, 100 - badPerMinute[i], badPerMinute[i], at);
    }
    const snap = engine.snapshot(MINUTES * MIN - 1)[1];
    const badSlices = badSlice.filter(Boolean).length;
    assert.strictEqual(snap.bad, badSlices);
    assert.ok(Math.abs(snap.remaining - (1 - badSlices / budgetSlices)) < 1e-12);
  });

  it('should fail when the slice target is wrong (the comparison is real)', function () {
    this.timeout(600_000);
    const r = run(1, generateRules(spec).replace('< bool 0.95', '< bool 0.85'));
    assert.notStrictEqual(r.test.status, 0);
    assert.match(r.test.output, /slo:timeslice_bad:bool/);
  });
});
