import { errorBudgetFraction, type SloDefinition, recordedWindows } from '@burnrate/core';
import { formatNumber, promDuration, quote } from './promql';
import {
  ALERT_BUDGET_BURN,
  LABEL_SEVERITY,
  LABEL_SLO_LONG_WINDOW,
  LABEL_SLO_NAME,
  LABEL_SLO_OUTCOME,
  LABEL_SLO_SHORT_WINDOW,
  LABEL_SLO_WINDOW,
  METRIC_SLO_EVENTS_TOTAL,
  RECORD_BUDGET_REMAINING,
  RECORD_BURN_RATE,
  RECORD_SLI,
  RECORD_TIME_TO_EXHAUSTION,
  RECORD_TIMESLICE_BAD,
} from './semconv';

/** Options of {@link generateRuleTests}. */
export interface RuleTestOptions {
  /** Rule files the tests load, as `promtool test rules` resolves them (relative to the test file). */
  ruleFiles: readonly string[];
  /** Eligible events per sample interval in the baseline traffic; @default 1000 */
  eventsPerInterval?: number;
}

/** One expected sample of a `promql_expr_test`. */
export interface ExpectedSample {
  labels: string;
  value: number;
}

/** One `promql_expr_test`. */
export interface PromqlExprTest {
  expr: string;
  eval_time: string;
  exp_samples: ExpectedSample[];
}

/** One test group of a `promtool test rules` file. */
export interface RuleTestGroup {
  name: string;
  interval: string;
  input_series: Array<{ series: string; values: string }>;
  promql_expr_test: PromqlExprTest[];
}

/** A `promtool test rules` file. */
export interface RuleTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: RuleTestGroup[];
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${k}=${quote(v)}`).join(', ')}}`;
}

function series(slo: string, outcome: 'good' | 'bad'): string {
  return `${METRIC_SLO_EVENTS_TOTAL}${labelText({ [LABEL_SLO_NAME]: slo, [LABEL_SLO_OUTCOME]: outcome, instance: 'replica-1', job: 'checkout' })}`;
}

/**
 * promtool's expanding notation for a counter that grows by `increments[i]`
 * per sample interval (run-length encoded: `0+5x10 55+1x3`).
 */
export function counterValues(runs: ReadonlyArray<{ steps: number; increment: number }>): string {
  const parts = ['0'];
  let value = 0;
  for (const run of runs) {
    if (run.steps <= 0) continue;
    value += run.increment;
    parts.push(run.steps === 1 ? `${value}` : `${value}+${run.increment}x${run.steps - 1}`);
    value += run.increment * (run.steps - 1);
  }
  return parts.join(' ');
}

/** One generated `promtool test rules` file and what it proves. */
export interface NamedRuleTestFile {
  /** File-name friendly name: `<slo>-page-1h-5m`, `<slo>-idle`. */
  name: string;
  file: RuleTestFile;
}

/**
 * Generates `promtool test rules` files that prove one SLO's generated rules. Each
 * tier gets its own file, sampled and evaluated at a fifth of the tier's short
 * window (so a 3 d/6 h tier needs a hundred evaluations, not thousands, and a 1 h
 * SLO's scaled 446 ms window is sampled every 89 ms):
 *
 * - after a baseline of good traffic as long as the long window, an incident at
 *   twice the tier's burn rate (all bad, when that is less) must not fire the tier
 *   at 80 % of the time the long window needs to reach the threshold, and must at 120 %;
 * - a blip of bad events at half the long window's threshold but above the short
 *   window's (when the short window is at most half the long one) must not fire it.
 *
 * One more file checks zero traffic (flat counters, and no counters at all): burn
 * rates 0, SLI 1, budget remaining 1, time to exhaustion +Inf, no alert. A
 * timeslices SLO gets, instead of the tier files, one that counts bad slices
 * ({@link sliceTests}).
 */
export function generateRuleTests(
  slo: SloDefinition,
  options: RuleTestOptions
): NamedRuleTestFile[] {
  const fraction = errorBudgetFraction(slo.target);
  const name = slo.name;
  const base = { ...slo.labels, [LABEL_SLO_NAME]: name };
  const n0 = options.eventsPerInterval ?? 1000;
  const out: NamedRuleTestFile[] = [];
  const file = (fileName: string, stepMs: number, tests: RuleTestGroup[]) =>
    out.push({
      name: fileName,
      file: {
        rule_files: [...options.ruleFiles],
        evaluation_interval: promDuration(stepMs),
        tests,
      },
    });

  const budgeting = slo.budgeting;
  if (budgeting.method === 'timeslices') {
    out.push(sliceTests(slo, budgeting.sliceMs, options));
  }
  for (const tier of budgeting.method === 'timeslices' ? [] : slo.alerting.tiers) {
    const thresholdRatio = tier.burnRate * fraction;
    if (thresholdRatio >= 1) continue; // a burn rate above 1 / (1 − O) can never be reached
    const stepMs = Math.max(1, Math.floor(tier.shortWindowMs / 5));
    const step = promDuration(stepMs);
    const steps = (ms: number, round: (x: number) => number = Math.ceil) => round(ms / stepMs);
    const at = (n: number) => promDuration(n * stepMs);
    const long = promDuration(tier.longWindowMs);
    const short = promDuration(tier.shortWindowMs);
    const baseline = steps(tier.longWindowMs);
    const tierLabels = {
      alertname: ALERT_BUDGET_BURN,
      alertstate: 'firing',
      [LABEL_SLO_NAME]: name,
      [LABEL_SEVERITY]: tier.severity,
      [LABEL_SLO_LONG_WINDOW]: long,
      [LABEL_SLO_SHORT_WINDOW]: short,
    };
    const expr = `ALERTS${labelText(tierLabels)}`;
    const tests: RuleTestGroup[] = [];

    const ratio = Math.min(1, 2 * thresholdRatio);
    const total = Math.max(n0, Math.ceil(20 / ratio));
    const bad = Math.round(ratio * total);
    const fireMs = (tier.longWindowMs * thresholdRatio) / (bad / total);
    const before = steps(0.8 * fireMs, Math.floor);
    const after = steps(1.2 * fireMs);
    tests.push({
      name: `${name}: ${tier.severity} ${long}/${short} fires at ${formatNumber(tier.burnRate)}x`,
      interval: step,
      input_series: [
        {
          series: series(name, 'good'),
          values: counterValues([
            { steps: baseline, increment: total },
            { steps: after, increment: total - bad },
          ]),
        },
        {
          series: series(name, 'bad'),
          values: counterValues([
            { steps: baseline, increment: 0 },
            { steps: after, increment: bad },
          ]),
        },
      ],
      promql_expr_test: [
        { expr, eval_time: at(baseline + before), exp_samples: [] },
        {
          expr,
          eval_time: at(baseline + after),
          exp_samples: [{ labels: `ALERTS${labelText({ ...base, ...tierLabels })}`, value: 1 }],
        },
      ],
    });

    // A blip: half the bad events the long window needs, all within one sample interval.
    const blip = Math.floor(0.5 * thresholdRatio * baseline * n0);
    const shortSteps = steps(tier.shortWindowMs);
    const checks: PromqlExprTest[] = [1, Math.ceil(shortSteps / 2), shortSteps].map(k => ({
      expr,
      eval_time: at(baseline + k),
      exp_samples: [],
    }));
    // The short window then burns at about blip / (short window's events + blip): checked
    // only when that clears the threshold by 10 % (windows rounded to whole minutes can be
    // too close for it, 2 m / 1 m).
    if (blip > 0 && blip / (shortSteps * n0 + blip) >= 1.1 * thresholdRatio) {
      checks.unshift({
        expr: `${RECORD_BURN_RATE}${labelText({ [LABEL_SLO_NAME]: name, [LABEL_SLO_WINDOW]: short })} >= bool ${formatNumber(tier.burnRate)}`,
        eval_time: at(baseline + 1),
        exp_samples: [{ labels: labelText({ ...base, [LABEL_SLO_WINDOW]: short }), value: 1 }],
      });
    }
    tests.push({
      name: `${name}: a blip of ${blip} bad events does not fire ${tier.severity} ${long}/${short}`,
      interval: step,
      input_series: [
        {
          series: series(name, 'good'),
          values: counterValues([{ steps: baseline + shortSteps + 1, increment: n0 }]),
        },
        {
          series: series(name, 'bad'),
          values: counterValues([
            { steps: baseline, increment: 0 },
            { steps: 1, increment: blip },
            { steps: shortSteps, increment: 0 },
          ]),
        },
      ],
      promql_expr_test: checks,
    });
    file(`${name}-${tier.severity}-${long}-${short}`, stepMs, tests);
  }

  // Zero traffic: flat counters, and no counters at all.
  const windows = recordedWindows(slo);
  const stepMs =
    budgeting.method === 'timeslices' ? budgeting.sliceMs : Math.max(1, Math.floor(windows[0] / 5));
  const at = (n: number) => promDuration(n * stepMs);
  const noAlerts = `ALERTS${labelText({ alertname: ALERT_BUDGET_BURN, [LABEL_SLO_NAME]: name })}`;
  const one = (record: string) => ({
    expr: `${record}{${LABEL_SLO_NAME}=${quote(name)}}`,
    eval_time: at(10),
    exp_samples: [{ labels: `${record}${labelText(base)}`, value: 1 }],
  });
  const idle = (label: string, input: RuleTestGroup['input_series']): RuleTestGroup => ({
    name: `${name}: ${label} gives burn rate 0, budget 1, no alert`,
    interval: promDuration(stepMs),
    input_series: input,
    promql_expr_test: [
      ...windows.map(w => ({
        expr: `${RECORD_BURN_RATE}${labelText({ [LABEL_SLO_NAME]: name, [LABEL_SLO_WINDOW]: promDuration(w) })}`,
        eval_time: at(10),
        exp_samples: [
          {
            labels: `${RECORD_BURN_RATE}${labelText({ ...base, [LABEL_SLO_WINDOW]: promDuration(w) })}`,
            value: 0,
          },
        ],
      })),
      one(RECORD_SLI),
      one(RECORD_BUDGET_REMAINING),
      {
        expr: `${RECORD_TIME_TO_EXHAUSTION}{${LABEL_SLO_NAME}=${quote(name)}} == bool Inf`,
        eval_time: at(10),
        exp_samples: [{ labels: labelText(base), value: 1 }],
      },
      { expr: noAlerts, eval_time: at(10), exp_samples: [] },
    ],
  });
  file(`${name}-idle`, stepMs, [
    idle('zero traffic', [
      { series: series(name, 'good'), values: counterValues([{ steps: 12, increment: 0 }]) },
      { series: series(name, 'bad'), values: counterValues([{ steps: 12, increment: 0 }]) },
    ]),
    idle('no series at all', []),
  ]);
  return out;
}

/**
 * The test file of a timeslices SLO (`<slo>-slices`): after twelve good slices, three
 * slices whose every event is bad; the per-slice rule must record 0 before and 1
 * after, and the remaining budget must drop by exactly three slices:
 * 1 − 3 / ((1 − O) × W / slice). Sampled five times per slice and evaluated once per
 * slice, as the slice group runs in Prometheus.
 */
function sliceTests(
  slo: SloDefinition,
  sliceMs: number,
  options: RuleTestOptions
): NamedRuleTestFile {
  const name = slo.name;
  const base = { ...slo.labels, [LABEL_SLO_NAME]: name };
  const n0 = options.eventsPerInterval ?? 1000;
  const stepMs = Math.max(1, Math.floor(sliceMs / 5));
  const perSlice = Math.round(sliceMs / stepMs);
  const good = 12;
  const bad = 3;
  const at = (slices: number) => promDuration(slices * perSlice * stepMs);
  const budgetSlices = errorBudgetFraction(slo.target) * (slo.window.durationMs / sliceMs);
  const remaining = 1 - bad / budgetSlices;
  const sliceSeries = `${RECORD_TIMESLICE_BAD}${labelText({ [LABEL_SLO_NAME]: name })}`;
  const sliceLabels = `${RECORD_TIMESLICE_BAD}${labelText(base)}`;
  return {
    name: `${name}-slices`,
    file: {
      rule_files: [...options.ruleFiles],
      evaluation_interval: promDuration(perSlice * stepMs),
      tests: [
        {
          name: `${name}: ${bad} bad slices after ${good} good ones spend ${bad} of ${formatNumber(budgetSlices)} budget slices`,
          interval: promDuration(stepMs),
          input_series: [
            {
              series: series(name, 'good'),
              values: counterValues([
                { steps: good * perSlice, increment: n0 },
                { steps: bad * perSlice, increment: 0 },
              ]),
            },
            {
              series: series(name, 'bad'),
              values: counterValues([
                { steps: good * perSlice, increment: 0 },
                { steps: bad * perSlice, increment: n0 },
              ]),
            },
          ],
          promql_expr_test: [
            {
              expr: sliceSeries,
              eval_time: at(good),
              exp_samples: [{ labels: sliceLabels, value: 0 }],
            },
            {
              expr: sliceSeries,
              eval_time: at(good + bad),
              exp_samples: [{ labels: sliceLabels, value: 1 }],
            },
            {
              expr: `abs(${RECORD_BUDGET_REMAINING}${labelText({ [LABEL_SLO_NAME]: name })} - ${formatNumber(remaining)}) <= bool 1e-9`,
              eval_time: at(good + bad),
              exp_samples: [{ labels: labelText(base), value: 1 }],
            },
          ],
        },
      ],
    },
  };
}
