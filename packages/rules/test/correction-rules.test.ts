import * as assert from 'node:assert';
import { CorrectionSchedule, parseSpec } from '@burnrate/core';
import { stringify } from 'yaml';
import {
  buildRuleGroups,
  correctionActiveExpr,
  counterValues,
  generateDashboard,
  generateRules,
  offsetChanges,
  type AlertingRule,
} from '../src';
import { promtool, tempFiles } from './promtool';

const HOUR = 3_600_000;

/**
 * Two SLOs on the same traffic; `api` has three corrections on 1 January 1970
 * (promtool's clock starts at 0): 01:00-01:30 UTC once, 05:00-06:00 Berlin time
 * (CET, +1) every Thursday (1 January 1970 was one), and 03:00 in Kolkata
 * (+05:30, 21:30 UTC) every day for 30 minutes.
 */
const SPEC = parseSpec(`
slos:
  - name: api
    objective: 99
    window: 1d
    sli: { good: { status: ok } }
    alerting: { minEvents: 0, noDataAfter: 10m }
  - name: other
    objective: 99
    window: 1d
    sli: { good: { status: ok } }
    alerting: { minEvents: 0, noDataAfter: 10m }
corrections:
  - name: migration
    start: "1970-01-01T01:00:00Z"
    end: "1970-01-01T01:30:00Z"
    slos: [api]
  - name: thursday-backup
    rrule: FREQ=WEEKLY;BYDAY=TH;BYHOUR=5
    duration: 1h
    timeZone: Europe/Berlin
    slos: [api]
  - name: nightly
    rrule: FREQ=DAILY;BYHOUR=3
    duration: 30m
    timeZone: Asia/Kolkata
    slos: [api]
`);

const minute = (m: number) => `${m}m`;

describe('correction rules', () => {
  describe('buildRuleGroups', () => {
    it('should record slo:correction:active first and hold SloNoData off during a correction', () => {
      const [api, other] = buildRuleGroups(SPEC).groups;
      const records = api.rules
        .filter(r => 'record' in r)
        .map(r => ('record' in r ? r.record : ''));
      // the local time of each zone with an offset (Berlin, Kolkata), then the flag
      assert.deepStrictEqual(records.slice(0, 3), [
        'slo:correction_local_time:seconds',
        'slo:correction_local_time:seconds',
        'slo:correction:active',
      ]);
      const noData = api.rules.find(r => 'alert' in r && r.alert === 'SloNoData') as AlertingRule;
      assert.match(
        noData.expr,
        /unless on \(\)\n\(slo:correction:active\{slo_name="api"\} == 1\)$/
      );
      assert.ok(!other.rules.some(r => 'record' in r && r.record.startsWith('slo:correction')));
    });
  });

  it('should be 1 exactly during each correction, and delay SloNoData until one ends (promtool)', function () {
    this.timeout(600_000);
    // both SLOs: 100 good events a minute for 60 minutes, then none
    const events = counterValues([
      { steps: 60, increment: 100 },
      { steps: 120, increment: 0 },
    ]);
    const input = ['api', 'other'].map(slo => ({
      series: `slo_events_total{slo_name="${slo}",slo_outcome="good",instance="a"}`,
      values: events,
    }));
    // expected values by the engine's own schedule, minute by minute over the day
    const schedule = CorrectionSchedule.forSlo(SPEC.corrections, 'api')!;
    const checks: Array<{ expr: string; eval_time: string; exp_samples: unknown[] }> = [];
    for (let m = 0; m < 24 * 60; m += 15) {
      for (const at of [m, m + 1]) {
        checks.push({
          expr: 'slo:correction:active',
          eval_time: minute(at),
          exp_samples: [
            {
              labels: 'slo:correction:active{slo_name="api"}',
              value: schedule.activeAt(at * 60_000) ? 1 : 0,
            },
          ],
        });
      }
    }
    // the boundaries themselves
    for (const [at, value] of [
      [59, 0],
      [60, 1],
      [89, 1],
      [90, 0],
      [239, 0],
      [240, 1],
      [299, 1],
      [300, 0],
      [1289, 0],
      [1290, 1],
      [1319, 1],
      [1320, 0],
    ] as Array<[number, number]>) {
      assert.strictEqual(schedule.activeAt(at * 60_000), value === 1, `engine at ${at} min`);
      checks.push({
        expr: 'slo:correction:active',
        eval_time: minute(at),
        exp_samples: [{ labels: 'slo:correction:active{slo_name="api"}', value }],
      });
    }
    const groups = buildRuleGroups(SPEC).groups;
    const noData = (slo: string) => {
      const rule = groups
        .find(g => g.name === `burnrate-${slo}`)!
        .rules.find(r => 'alert' in r && r.alert === 'SloNoData') as AlertingRule;
      return { exp_labels: rule.labels, exp_annotations: rule.annotations };
    };
    const test = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: input,
          promql_expr_test: checks,
          alert_rule_test: [
            // no events since 01:00: other has no data from 01:05 (5 m range) + 10 m
            { eval_time: '75m', alertname: 'SloNoData', exp_alerts: [noData('other')] },
            // api: held off during the correction 01:00-01:30, then 10 m from its end
            { eval_time: '99m', alertname: 'SloNoData', exp_alerts: [noData('other')] },
            {
              eval_time: '100m',
              alertname: 'SloNoData',
              exp_alerts: [noData('api'), noData('other')],
            },
          ],
        },
      ],
    };
    const dir = tempFiles({ 'rules.yaml': generateRules(SPEC), 'test.yaml': stringify(test) });
    try {
      const r = promtool(['test', 'rules', 'test.yaml'], dir.dir);
      assert.strictEqual(r.status, 0, r.output);
    } finally {
      dir.cleanup();
    }
  });

  it('should follow Europe/Berlin across both 2026 changes as the engine does, outside the changing hour (promtool)', function () {
    this.timeout(600_000);
    const spec = parseSpec(`
slos:
  - name: api
    objective: 99
    window: 1d
    sli: { good: { status: ok } }
corrections:
  - name: nightly
    rrule: FREQ=DAILY;BYHOUR=2;BYMINUTE=30
    duration: 1h
    timeZone: Europe/Berlin
  - name: first-saturday
    rrule: FREQ=MONTHLY;BYDAY=1SA,-1SU;BYHOUR=22
    duration: 3h
    timeZone: Europe/Berlin
`);
    // the changes the rules write out are the zone's own (Intl)
    const changes = offsetChanges('Europe/Berlin', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    assert.deepStrictEqual(
      changes.map(([t, o]) => [new Date(t).toISOString(), o]),
      [
        ['2026-03-29T01:00:00.000Z', 7200],
        ['2026-10-25T01:00:00.000Z', 3600],
      ]
    );
    const schedule = CorrectionSchedule.forSlo(spec.corrections, 'api')!;
    const expr = correctionActiveExpr(spec.corrections!);
    const checks: Array<{ expr: string; eval_time: string; exp_samples: unknown[] }> = [];
    let active = 0;
    for (const [y, mo, d] of [
      [2026, 2, 26],
      [2026, 9, 22],
      [2026, 2, 1],
    ]) {
      // every 90 minutes over 6 days: on and off each start and end (each check costs promtool ~0.1 s)
      for (
        let t = Date.UTC(y, mo, d) + HOUR * 0.75;
        t < Date.UTC(y, mo, d + 6);
        t += (3 * HOUR) / 2
      ) {
        // the hour of a change: the rules read local time, the engine real time (docs/corrections.md)
        if (changes.some(([c]) => Math.abs(t - c) <= 2 * HOUR)) continue;
        const value = schedule.activeAt(t) ? 1 : 0;
        active += value;
        checks.push({ expr, eval_time: `${t / 1000}s`, exp_samples: [{ labels: '{}', value }] });
      }
    }
    assert.ok(active > 10, String(active));
    const test = {
      rule_files: ['empty.yaml'],
      // no rules to evaluate: promtool still steps from 0 to 2026, so by days
      evaluation_interval: '1d',
      tests: [{ interval: '1d', input_series: [], promql_expr_test: checks }],
    };
    const dir = tempFiles({ 'empty.yaml': 'groups: []\n', 'test.yaml': stringify(test) });
    try {
      const r = promtool(['test', 'rules', 'test.yaml'], dir.dir);
      assert.strictEqual(r.status, 0, r.output.slice(0, 4000));
    } finally {
      dir.cleanup();
    }
  });

  describe('generateDashboard', () => {
    it('should draw each correction as an annotation from its own expression', () => {
      const list = generateDashboard(SPEC).annotations.list;
      const corrections = list.filter(a => String(a.name).startsWith('Correction: '));
      assert.deepStrictEqual(
        corrections.map(a => [a.name, a.titleFormat]),
        [
          ['Correction: migration', 'correction migration'],
          ['Correction: thursday-backup', 'correction thursday-backup'],
          ['Correction: nightly', 'correction nightly'],
        ]
      );
      assert.strictEqual(
        corrections[0].expr,
        'vector(((time() >= bool 3600) * (time() < bool 5400)) > bool 0) == 1'
      );
      assert.match(
        String(corrections[1].textFormat),
        /FREQ=WEEKLY;BYDAY=TH;BYHOUR=5;BYMINUTE=0 \(Europe\/Berlin\); events not eligible for api/
      );
    });
  });
});
