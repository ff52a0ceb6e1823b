import * as assert from 'node:assert';
import {
  errorBudgetFraction,
  parseSpec,
  SloEngine,
  type SloSnapshot,
  type SloSpec,
  type SpanView,
} from '@burnrate/core';
import { stringify } from 'yaml';
import {
  counterValues,
  errorRatioExpr,
  generateRules,
  promDuration,
  type PromqlExprTest,
} from '../src';
import { promtool, tempFiles } from './promtool';

/**
 * The rules mirror the gauges: for one counter history, the burn rates, SLI,
 * remaining budget, time to exhaustion and firing tiers that Prometheus computes
 * with the generated rules equal what @burnrate/core computes from the same counts.
 *
 * Tolerance: at evaluation times on a sample (every 5 minutes here) rate() needs no
 * extrapolation, so the figures must agree to 1e-9 (relative; float summation
 * order only). Between samples (every 5 minutes here) rate() over w sees k − 1 of the k intervals that
 * core counts and extrapolates both counters alike, so the error ratio may differ
 * by one interval's share of the window: at most maxStep / ((k − 1) × minStep)
 * (maxStep, minStep: the largest and smallest totals per interval), divided by
 * 1 − objective for the burn rate.
 */
describe('rules mirror @burnrate/core', () => {
  const spec = parseSpec(`
slos:
  - name: mirror
    objective: 99.5
    window: 7d
    sli: { good: { status: ok } }
    # the Workbook's windows unscaled (5 m samples cannot measure the 1 m window of the 7 d defaults)
    alerting:
      tiers:
        - { severity: page, long: 1h, short: 5m, budget: 2 }
        - { severity: page, long: 6h, short: 30m, budget: 5 }
        - { severity: ticket, long: 1d, short: 2h, budget: 10 }
        - { severity: ticket, long: 3d, short: 6h, budget: 10 }
`);
  const target = spec.slos[0].target;
  const STEP_MS = 300_000; // promtool's query engine loads at most 10,000 samples: 2 × 7 d / 5 min fits
  const SEGMENT = 6; // traffic changes every 30 min
  const DAYS = 8;
  const steps = (DAYS * 86_400_000) / STEP_MS;

  // A seeded history: 30-minute segments of varying traffic and a 0.2 % error floor,
  // with three incidents (a short sharp one, a slow burn, a page-worthy hour).
  let seed = 0x5eed;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const segment = (d: number, h: number) => (d * 24 + h) * 2;
  const segments: Array<{ total: number; bad: number }> = [];
  for (let s = 0; s < steps / SEGMENT; s++) {
    const total = 2000 + Math.floor(random() * 2000);
    let ratio = 0.002 * random();
    if (s >= segment(2, 10) && s < segment(2, 11)) ratio = 0.08;
    if (s >= segment(5, 0) && s < segment(5, 6)) ratio = 0.015;
    if (s >= segment(7, 20) && s < segment(7, 21)) ratio = 0.3;
    segments.push({ total, bad: Math.round(total * ratio) });
  }
  const perStep = (i: number) => segments[Math.floor((i - 1) / SEGMENT)];
  const good = counterValues(segments.map(s => ({ steps: SEGMENT, increment: s.total - s.bad })));
  const bad = counterValues(segments.map(s => ({ steps: SEGMENT, increment: s.bad })));
  const minStep = Math.min(...segments.map(s => s.total));
  const maxStep = Math.max(...segments.map(s => s.total));

  // Core over the same counts: one bucket per sample interval, each minute's events at the sample time.
  const checkSteps = [
    segment(2, 11) * SEGMENT,
    segment(5, 4) * SEGMENT,
    segment(7, 21) * SEGMENT,
    steps,
  ];
  const engine = new SloEngine({ spec, resolutionMs: STEP_MS });
  const snapshots = new Map<number, SloSnapshot>();
  for (let i = 1; i <= steps; i++) {
    const s = perStep(i);
    engine.recordCounts(0, i * STEP_MS, s.total - s.bad, s.bad, i * STEP_MS);
    if (checkSteps.includes(i)) snapshots.set(i, engine.snapshot(i * STEP_MS)[0]);
  }

  const close = (
    expr: string,
    value: number,
    tolerance: number,
    labels: string,
    at: number
  ): PromqlExprTest => ({
    expr: `abs(${expr} - (${value})) <= bool ${tolerance}`,
    eval_time: promDuration(at),
    exp_samples: [{ labels, value: 1 }],
  });
  const rel = (v: number) => 1e-9 * Math.max(1, Math.abs(v));

  /** The promtool run comparing the rules with core's figures, each multiplied by `skew`. */
  function compare(skew: number) {
    const tests: PromqlExprTest[] = [];
    const series = (outcome: string) =>
      `slo_events_total{slo_name="mirror", slo_outcome="${outcome}", instance="a", job="checkout"}`;
    let firingSeen = 0;
    for (const [i, snap] of snapshots) {
      const at = i * STEP_MS;
      for (const w of snap.windows) {
        tests.push(
          close(
            `slo:burn_rate:rate{slo_name="mirror",slo_window="${w.window}"}`,
            w.burnRate * skew,
            rel(w.burnRate),
            `{slo_name="mirror", slo_window="${w.window}"}`,
            at
          )
        );
      }
      tests.push(
        close(
          'slo:sli:ratio{slo_name="mirror"}',
          snap.sli * skew,
          rel(snap.sli),
          '{slo_name="mirror"}',
          at
        )
      );
      tests.push(
        close(
          'slo:error_budget_remaining:ratio{slo_name="mirror"}',
          snap.remaining,
          rel(snap.remaining),
          '{slo_name="mirror"}',
          at
        )
      );
      // none (null or Infinity) on this rolling window while burn(1h) <= 1: +Inf in the rules
      const tteMs = snap.timeToExhaustionMs;
      const tte = tteMs === null || tteMs === Infinity ? Infinity : tteMs / 1000;
      tests.push(
        tte === Infinity
          ? {
              expr: 'slo:time_to_exhaustion:seconds{slo_name="mirror"} == bool +Inf',
              eval_time: promDuration(at),
              exp_samples: [{ labels: '{slo_name="mirror"}', value: 1 }],
            }
          : close(
              'slo:time_to_exhaustion:seconds{slo_name="mirror"}',
              tte,
              rel(tte),
              '{slo_name="mirror"}',
              at
            )
      );
      const firing = snap.tiers.filter(t => t.firing);
      firingSeen += firing.length;
      tests.push({
        expr: 'ALERTS{slo_name="mirror"}',
        eval_time: promDuration(at),
        exp_samples: firing.map(t => ({
          labels: `ALERTS{alertname="SloErrorBudgetBurn", alertstate="firing", severity="${t.tier.severity}", slo_long_window="${promDuration(t.tier.longWindowMs)}", slo_name="mirror", slo_short_window="${promDuration(t.tier.shortWindowMs)}"}`,
          value: 1,
        })),
      });
      // Between samples: the raw expression, within one interval's share of the window.
      for (const w of snap.windows.filter(x => x.windowMs >= 3_600_000)) {
        const k = w.windowMs / STEP_MS;
        const tolerance = maxStep / ((k - 1) * minStep) / errorBudgetFraction(target);
        tests.push(
          close(
            `((${errorRatioExpr('mirror', w.windowMs)}) / ${errorBudgetFraction(target)})`,
            w.burnRate,
            tolerance,
            '{}',
            at + STEP_MS / 2
          )
        );
      }
    }
    // the history must exercise both the quiet and the firing paths

    const file = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1h',
      tests: [
        {
          interval: promDuration(STEP_MS),
          input_series: [
            { series: series('good'), values: good },
            { series: series('bad'), values: bad },
          ],
          promql_expr_test: tests,
        },
      ],
    };
    const dir = tempFiles({
      'rules.yaml': generateRules(spec),
      'mirror.test.yaml': stringify(file, { lineWidth: 0 }),
    });
    try {
      return {
        ...promtool(['test', 'rules', 'mirror.test.yaml'], dir.dir),
        firingSeen,
        checks: tests.length,
      };
    } finally {
      dir.cleanup();
    }
  }

  it('should agree with core on burn rates, SLI, budget, time to exhaustion and alerts', function () {
    this.timeout(60_000);
    const r = compare(1);
    assert.strictEqual(r.status, 0, r.output);
    // the history exercises both the quiet and the firing paths
    assert.ok(r.firingSeen >= 2, `tiers firing in core: ${r.firingSeen}`);
    const last = snapshots.get(steps)!;
    assert.ok(last.remaining < 1 && last.remaining > -1, `remaining ${last.remaining}`);
    assert.ok(r.checks > 60, `checks: ${r.checks}`);
  });

  it('should notice a 0.1 % difference (the comparison is real)', function () {
    this.timeout(60_000);
    const r = compare(1.001);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.output, /abs\(slo:burn_rate:rate\{slo_name=\\"mirror\\",slo_window=\\"5m\\"\}/);
    assert.match(r.output, /abs\(slo:sli:ratio/);
  });
});

/** One sample interval's events. */
interface Step {
  good: number;
  bad: number;
}

/** What {@link mirrorRun} compares, and how it ran. */
interface MirrorRun {
  status: number | null;
  output: string;
  checks: number;
  firingSeen: number;
}

/**
 * Runs one counter history through promtool with the generated rules and through
 * core's engine (one bucket per sample interval), and compares at every check step
 * (sample-aligned, so rate() needs no extrapolation): the burn rate of every
 * window, SLI, remaining budget, time to exhaustion and the firing tiers, to 1e-9.
 * `restartAfter`: the process restarts after that step — its counters start again
 * from zero, the engine's windows come back from `exportState`/`importState`.
 * `spanEndMs`: the step's events go through `engine.record` as one span each,
 * received at the end of the step (the engine's clock) and ending at
 * `spanEndMs(receivedAtMs)` (a client whose clock lags or leads); without it
 * they are counted with `recordCounts` at the step's end.
 */
function mirrorRun(options: {
  spec: SloSpec;
  stepMs: number;
  steps: Step[];
  checkSteps: number[];
  restartAfter?: number;
  spanEndMs?: (receivedAtMs: number) => number;
}): MirrorRun {
  const { spec, stepMs, steps, spanEndMs } = options;
  const slo = spec.slos[0];
  const name = slo.name;
  // the engine's times: from 0 as promtool's with recordCounts, from a real date with spans
  const base = spanEndMs === undefined ? 0 : BASE_MS;
  const clock = { t: base, now: () => clock.t };
  const newEngine = () =>
    spanEndMs === undefined
      ? new SloEngine({ spec, resolutionMs: stepMs })
      : new SloEngine({ spec, resolutionMs: stepMs, clock });
  let engine = newEngine();
  const snaps = new Map<number, SloSnapshot>();
  const good: number[] = [0];
  const bad: number[] = [0];
  let restarted = false;
  for (let i = 1; i <= steps.length; i++) {
    const s = steps[i - 1];
    if (options.restartAfter !== undefined && i === options.restartAfter + 1) {
      const state = engine.exportState(base + (i - 1) * stepMs);
      engine = newEngine();
      engine.importState(JSON.parse(JSON.stringify(state)));
      restarted = true;
    }
    if (spanEndMs === undefined) engine.recordCounts(0, i * stepMs, s.good, s.bad, i * stepMs);
    else {
      clock.t = base + i * stepMs;
      const end = spanEndMs(clock.t);
      for (let k = 0; k < s.good; k++) engine.record(serverSpan(end, 200));
      for (let k = 0; k < s.bad; k++) engine.record(serverSpan(end, 503));
      const d = engine.dropped;
      assert.strictEqual(d.too_old + d.future + d.invalid, 0, 'nothing dropped');
    }
    // the new process exports its counters from zero: Prometheus sees a reset
    const from = restarted && i === options.restartAfter! + 1;
    good.push((from ? 0 : good[i - 1]) + s.good);
    bad.push((from ? 0 : bad[i - 1]) + s.bad);
    if (options.checkSteps.includes(i)) snaps.set(i, engine.snapshot(base + i * stepMs)[0]);
  }
  // the sample values: a restart shows as the counters falling to the new process's count
  const values = (cum: number[]) => cum.join(' ');
  const labelsOf = (extra: string) => `{slo_name="${name}"${extra}}`;
  const tests: PromqlExprTest[] = [];
  let firingSeen = 0;
  const close = (expr: string, value: number, labels: string, at: number): PromqlExprTest => ({
    expr: `abs(${expr} - (${value})) <= bool ${1e-9 * Math.max(1, Math.abs(value))}`,
    eval_time: promDuration(at),
    exp_samples: [{ labels, value: 1 }],
  });
  for (const [i, snap] of snaps) {
    const at = i * stepMs;
    for (const w of snap.windows) {
      tests.push(
        close(
          `slo:burn_rate:rate${labelsOf(`,slo_window="${w.window}"`)}`,
          w.burnRate,
          labelsOf(`, slo_window="${w.window}"`),
          at
        )
      );
    }
    tests.push(close(`slo:sli:ratio${labelsOf('')}`, snap.sli, labelsOf(''), at));
    tests.push(
      close(`slo:error_budget_remaining:ratio${labelsOf('')}`, snap.remaining, labelsOf(''), at)
    );
    const tte = snap.timeToExhaustionMs;
    tests.push(
      tte === null || tte === Infinity
        ? {
            expr: `slo:time_to_exhaustion:seconds${labelsOf('')} == bool +Inf`,
            eval_time: promDuration(at),
            exp_samples: [{ labels: labelsOf(''), value: 1 }],
          }
        : close(`slo:time_to_exhaustion:seconds${labelsOf('')}`, tte / 1000, labelsOf(''), at)
    );
    const firing = snap.tiers.filter(t => t.firing);
    firingSeen += firing.length;
    tests.push({
      expr: `ALERTS{slo_name="${name}",alertname="SloErrorBudgetBurn"}`,
      eval_time: promDuration(at),
      exp_samples: firing.map(t => ({
        labels: `ALERTS{alertname="SloErrorBudgetBurn", alertstate="firing", severity="${t.tier.severity}", slo_long_window="${promDuration(t.tier.longWindowMs)}", slo_name="${name}", slo_short_window="${promDuration(t.tier.shortWindowMs)}"}`,
        value: 1,
      })),
    });
  }
  const series = (outcome: string) =>
    `slo_events_total{slo_name="${name}", slo_outcome="${outcome}", instance="a", job="checkout"}`;
  const file = {
    rule_files: ['rules.yaml'],
    evaluation_interval: promDuration(stepMs),
    tests: [
      {
        interval: promDuration(stepMs),
        input_series: [
          { series: series('good'), values: values(good) },
          { series: series('bad'), values: values(bad) },
        ],
        promql_expr_test: tests,
      },
    ],
  };
  const dir = tempFiles({
    'rules.yaml': generateRules(spec),
    'mirror.test.yaml': stringify(file, { lineWidth: 0 }),
  });
  try {
    return {
      ...promtool(['test', 'rules', 'mirror.test.yaml'], dir.dir),
      checks: tests.length,
      firingSeen,
    };
  } finally {
    dir.cleanup();
  }
}

/** Where the engine's clock starts when spans are recorded (their end times must be > 0). */
const BASE_MS = Date.UTC(2026, 0, 5);

/** A server span of `GET /api/orders/:id` that ended at `endTimeMs` with an HTTP status. */
function serverSpan(endTimeMs: number, status: number): SpanView {
  return {
    kind: 1,
    name: 'GET /api/orders/:id',
    endTimeMs,
    durationMs: 20,
    statusCode: status >= 500 ? 2 : 0,
    serviceName: 'checkout',
    serviceVersion: undefined,
    traceId: undefined,
    spanId: undefined,
    attribute: (key: string) =>
      key === 'http.response.status_code'
        ? status
        : key === 'http.request.method'
          ? 'GET'
          : key === 'http.route'
            ? '/api/orders/:id'
            : undefined,
  };
}

describe('rules mirror @burnrate/core at the edges', () => {
  describe('a restart', () => {
    // 28 d at 99.9 %, 5-minute samples for 4 days: a steady 0.2 burn (2 bad in 10,000),
    // a restart after day 2, a page-worthy hour on day 3
    const spec = parseSpec(`
slos:
  - name: restart
    objective: 99.9
    window: 28d
    sli: { good: { status: ok } }
`);
    const STEP = 300_000;
    const DAY = 288;
    /** 4 days of 10,000 events per sample, 2 bad, and an hour of 10 % bad on `incidentDay`. */
    const history = (incidentDay: number) => {
      const out: Step[] = [];
      for (let i = 1; i <= 4 * DAY; i++) {
        const incident = i > incidentDay * DAY && i <= incidentDay * DAY + 12;
        out.push(incident ? { good: 9_000, bad: 1_000 } : { good: 9_998, bad: 2 });
      }
      return out;
    };
    const steps = history(3);
    const R = 2 * DAY;

    it('should show no rate spike: burn rates, budget and alerts equal the restored engine', function () {
      this.timeout(600_000);
      const r = mirrorRun({
        spec,
        stepMs: STEP,
        steps,
        restartAfter: R,
        checkSteps: [R, R + 1, R + 2, R + 12, R + 72, 3 * DAY + 12, 4 * DAY],
      });
      assert.strictEqual(r.status, 0, r.output);
      assert.ok(r.firingSeen >= 1, `firing: ${r.firingSeen}`);
    });

    it('should spike if the new process restored a lower lifetime count (what counters from zero avoid)', function () {
      this.timeout(600_000);
      // the old collector restored the count of a snapshot 10 minutes old, 2 samples
      // lower, after an incident on day 1: Prometheus reads the drop as a reset and the
      // restored lifetime counts (a 2.3x error ratio) as the first 5 minutes' events
      const before = history(1);
      const cum = (outcome: 'good' | 'bad', n: number) =>
        before.slice(0, n).reduce((a, s) => a + s[outcome], 0);
      const values = (outcome: 'good' | 'bad') => {
        const v: number[] = [0];
        for (let i = 1; i <= R + 12; i++)
          v.push(
            i <= R ? cum(outcome, i) : cum(outcome, R - 2) + cum(outcome, i) - cum(outcome, R)
          );
        return v.join(' ');
      };
      const series = (outcome: 'good' | 'bad') => ({
        series: `slo_events_total{slo_name="restart", slo_outcome="${outcome}", instance="a"}`,
        values: values(outcome),
      });
      const file = {
        rule_files: ['rules.yaml'],
        evaluation_interval: '5m',
        tests: [
          {
            interval: '5m',
            input_series: [series('good'), series('bad')],
            promql_expr_test: [
              // 0.2 before the restart, over 2 after it
              {
                expr: 'slo:burn_rate:rate{slo_name="restart",slo_window="5m"} > bool 2',
                eval_time: promDuration(R * STEP),
                exp_samples: [{ labels: '{slo_name="restart", slo_window="5m"}', value: 0 }],
              },
              {
                expr: 'slo:burn_rate:rate{slo_name="restart",slo_window="5m"} > bool 2',
                eval_time: promDuration((R + 1) * STEP),
                exp_samples: [{ labels: '{slo_name="restart", slo_window="5m"}', value: 1 }],
              },
            ],
          },
        ],
      };
      const dir = tempFiles({
        'rules.yaml': generateRules(spec),
        'spike.test.yaml': stringify(file, { lineWidth: 0 }),
      });
      try {
        const r = promtool(['test', 'rules', 'spike.test.yaml'], dir.dir);
        assert.strictEqual(r.status, 0, r.output);
      } finally {
        dir.cleanup();
      }
    });
  });

  describe('a 7-day SLO (alert windows scaled to whole minutes)', () => {
    // 99.5 % over 7 d: windows 15m/1m, 1h30m/8m, 6h/30m, 18h/1h30m at 13.44/5.6/2.8/0.933;
    // one day of 1-minute samples, 1,000 events each, 0.1 % bad (burn 0.2), 20 minutes
    // at 10 % bad from 10:00 (burn 20) and 3 hours at 2 % (burn 4) from 15:00
    const spec = parseSpec(`
slos:
  - name: week
    objective: 99.5
    window: 7d
    sli: { good: { status: ok } }
`);
    const steps: Step[] = [];
    for (let i = 1; i <= 1440; i++) {
      const bad = i > 600 && i <= 620 ? 100 : i > 900 && i <= 1080 ? 20 : 1;
      steps.push({ good: 1000 - bad, bad });
    }

    it('should agree with core on every scaled window, the budget and the alerts', function () {
      this.timeout(600_000);
      assert.deepStrictEqual(
        spec.slos[0].alerting.tiers.map(t => [
          promDuration(t.longWindowMs),
          promDuration(t.shortWindowMs),
        ]),
        [
          ['15m', '1m'],
          ['1h30m', '8m'],
          ['6h', '30m'],
          ['18h', '1h30m'],
        ]
      );
      const r = mirrorRun({
        spec,
        stepMs: 60_000,
        steps,
        checkSteps: [300, 601, 603, 615, 620, 621, 640, 930, 1000, 1080, 1100, 1440],
      });
      assert.strictEqual(r.status, 0, r.output);
      assert.ok(r.firingSeen >= 3, `firing: ${r.firingSeen}`);
    });
  });

  describe('low traffic', () => {
    // 1 request a minute for 10 hours on a 99.9 % / 28 d SLO, one failure at minute 420
    // (the 6 h window then holds 360 events: burn 2.8, under the 6h/30m tier's 5.6)
    const steps: Step[] = Array.from({ length: 600 }, (_, k) =>
      k + 1 === 420 ? { good: 0, bad: 1 } : { good: 1, bad: 0 }
    );
    const specWith = (alerting: string) =>
      parseSpec(`
slos:
  - name: quiet
    objective: 99.9
    window: 28d
    sli: { good: { status: ok } }
${alerting}`);
    const checkSteps = [419, 420, 421, 425, 450, 480, 540, 600];

    it('should not page on one failure with the default minEvents, as core', function () {
      this.timeout(600_000);
      const spec = specWith('');
      const r = mirrorRun({ spec, stepMs: 60_000, steps, checkSteps });
      assert.strictEqual(r.status, 0, r.output);
      // core: 75 events needed in the 1 h window, which holds 60
      const engine = new SloEngine({ spec, resolutionMs: 60_000 });
      for (let i = 1; i <= 425; i++)
        engine.recordCounts(0, i * 60_000, steps[i - 1].good, steps[i - 1].bad, i * 60_000);
      const snap = engine.snapshot(425 * 60_000)[0];
      assert.strictEqual(snap.firing.page, false);
      assert.ok(snap.windows.find(w => w.window === '1h')!.burnRate > 13.44);
    });

    it('should page on the same failure with minEvents: 0, as core', function () {
      this.timeout(600_000);
      const spec = specWith('    alerting: { minEvents: 0 }');
      const r = mirrorRun({ spec, stepMs: 60_000, steps, checkSteps });
      assert.strictEqual(r.status, 0, r.output);
      assert.ok(r.firingSeen >= 1, `firing: ${r.firingSeen}`);
    });
  });

  describe('a lagging client', () => {
    // 99.9 % over 28 d, 4 hours of 1-minute samples, 1,000 spans a minute, 1 bad
    // (burn 1), then 20 minutes at 10 % bad from minute 120 (burn 100); the client's
    // clock is 20 minutes behind: every span ends 20 minutes before burnrate gets it.
    // Prometheus counts at receipt (counters go up when the spans arrive), and so does
    // the engine: its 5-minute window sees the incident as it arrives, and it pages at
    // the same minute as with an in-sync client.
    const spec = parseSpec(`
slos:
  - name: lagging
    objective: 99.9
    window: 28d
    sli: { good: { status: ok } }
`);
    const steps: Step[] = [];
    for (let i = 1; i <= 240; i++) {
      const bad = i > 120 && i <= 140 ? 100 : 1;
      steps.push({ good: 1000 - bad, bad });
    }
    const LAG = 20 * 60_000;
    const checkSteps = [60, 121, 125, 127, 128, 130, 140, 141, 150, 180, 240];

    it('should agree with core when every span ends 20 minutes before it arrives', function () {
      this.timeout(600_000);
      const r = mirrorRun({ spec, stepMs: 60_000, steps, checkSteps, spanEndMs: t => t - LAG });
      assert.strictEqual(r.status, 0, r.output);
      assert.ok(r.firingSeen >= 1, `firing: ${r.firingSeen}`);
    });

    it('should page at the same minute as an in-sync client, as computed by hand', () => {
      const firstPage = (lagMs: number): number => {
        const clock = { t: BASE_MS, now: () => clock.t };
        const engine = new SloEngine({ spec, resolutionMs: 60_000, clock });
        for (let i = 1; i <= 140; i++) {
          clock.t = BASE_MS + i * 60_000;
          for (let k = 0; k < steps[i - 1].good; k++)
            engine.record(serverSpan(clock.t - lagMs, 200));
          for (let k = 0; k < steps[i - 1].bad; k++)
            engine.record(serverSpan(clock.t - lagMs, 503));
          if (engine.snapshot(clock.t)[0].firing.page) return i;
        }
        return -1;
      };
      // by hand, the 6h/30m page tier at 5.6 first: minute 125 has (119 + 500) bad of
      // 125,000 in 6 h, burn 4.95; minute 126 has (120 + 600) / 126,000, burn 5.71, and
      // 30 m burn (24 + 600) / 30,000 / 0.001 = 20.8 (the 1h/5m tier at 13.44 waits for
      // minute 128: (800 + 52) / 60,000, burn 14.2)
      assert.strictEqual(firstPage(0), 126);
      assert.strictEqual(firstPage(LAG), 126);
      assert.strictEqual(firstPage(6 * 3_600_000), 126);
    });
  });
});
