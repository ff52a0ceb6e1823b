import * as assert from 'node:assert';
import { stringify } from 'yaml';
import {
  humanizePercentage,
  humanizeSeconds,
  tierAnnotations,
  topOffenderText,
} from '../src/annotations';
import { sloRules, tierAlertLabels } from '../src/rule-groups';
import type { AlertingRule } from '../src/types';
import { promtool, tempFiles } from './promtool';
import { windowsSpec } from './specs';

const SECONDS = [0, 0.0005, 0.25, 1, 45.5, 59.99, 61, 3_661, 86_399, 2 * 86_400 + 5, 2_419_200];
const RATIOS = [1, 0.93124, 0.5, 0.02, 0.0001234, 0, -0.37];

describe('annotations', () => {
  describe('humanizeSeconds and humanizePercentage', () => {
    it("should print what Prometheus' humanizeDuration and humanizePercentage print (promtool)", function () {
      this.timeout(60_000);
      const annotations: Record<string, string> = {};
      const expected: Record<string, string> = {};
      SECONDS.forEach((v, i) => {
        annotations[`d${i}`] = `{{ ${v.toFixed(4)} | humanizeDuration }}`;
        expected[`d${i}`] = humanizeSeconds(v);
      });
      RATIOS.forEach((v, i) => {
        annotations[`p${i}`] = `{{ ${v.toFixed(7)} | humanizePercentage }}`;
        expected[`p${i}`] = humanizePercentage(v);
      });
      const rules = {
        groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'vector(1)', annotations }] }],
      };
      const test = {
        rule_files: ['rules.yaml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [],
            alert_rule_test: [
              {
                eval_time: '1m',
                alertname: 'A',
                exp_alerts: [{ exp_labels: {}, exp_annotations: expected }],
              },
            ],
          },
        ],
      };
      const dir = tempFiles({ 'rules.yaml': stringify(rules), 'test.yaml': stringify(test) });
      try {
        const r = promtool(['test', 'rules', 'test.yaml'], dir.dir);
        assert.strictEqual(r.status, 0, r.output);
      } finally {
        dir.cleanup();
      }
      assert.strictEqual(humanizeSeconds(null), '+Inf');
      assert.strictEqual(humanizeSeconds(3_661), '1h 1m 1s');
    });
  });

  describe('top_offender', () => {
    it('should name the route, code, reason and version with the largest share of bad events (promtool)', function () {
      this.timeout(120_000);
      const slo = windowsSpec().slos.find(s => s.name === 'rolling-28d')!;
      const tier = slo.alerting.tiers[0];
      const template = tierAnnotations(slo, tier).top_offender;
      const long = tier.longWindowMs / 60_000;
      const series = (labels: Record<string, string>, perMinute: number) => ({
        series: `slo_bad_events_total{${Object.entries({ slo_name: slo.name, ...labels })
          .map(([k, v]) => `${k}="${v}"`)
          .join(',')}}`,
        values: `0+${perMinute}x${long * 3}`,
      });
      const cases: Array<{ input: ReturnType<typeof series>[]; expected: string }> = [
        {
          input: [
            series(
              {
                http_request_method: 'POST',
                http_route: '/api/orders',
                http_response_status_code: '503',
                slo_failure_reason: 'status',
                service_version: '2.4.1',
              },
              3
            ),
            series(
              {
                http_request_method: 'GET',
                http_route: '/api/search',
                http_response_status_code: '200',
                slo_failure_reason: 'latency',
                service_version: '2.4.1',
              },
              1
            ),
          ],
          expected: topOffenderText({
            method: 'POST',
            route: '/api/orders',
            code: 503,
            reason: 'status',
            version: '2.4.1',
            share: 0.75,
          }),
        },
        {
          input: [
            series(
              {
                http_route: 'shop.Cart/Get',
                rpc_grpc_status_code: '14',
                slo_failure_reason: 'status',
              },
              2
            ),
          ],
          expected: topOffenderText({
            method: '',
            route: 'shop.Cart/Get',
            code: 14,
            reason: 'status',
            version: null,
            share: 1,
          }),
        },
        { input: [], expected: topOffenderText(null) },
      ];
      assert.strictEqual(
        cases[0].expected,
        'POST /api/orders 503 (status, version 2.4.1): 75% of the bad events'
      );
      assert.strictEqual(
        cases[1].expected,
        'shop.Cart/Get gRPC 14 (status): 100% of the bad events'
      );
      for (const c of cases) {
        const rules = {
          groups: [
            {
              name: 'g',
              rules: [{ alert: 'A', expr: 'vector(1)', annotations: { top_offender: template } }],
            },
          ],
        };
        const test = {
          rule_files: ['rules.yaml'],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '1m',
              input_series: c.input,
              alert_rule_test: [
                {
                  eval_time: `${long * 2}m`,
                  alertname: 'A',
                  exp_alerts: [{ exp_labels: {}, exp_annotations: { top_offender: c.expected } }],
                },
              ],
            },
          ],
        };
        const dir = tempFiles({ 'rules.yaml': stringify(rules), 'test.yaml': stringify(test) });
        try {
          const r = promtool(['test', 'rules', 'test.yaml'], dir.dir);
          assert.strictEqual(r.status, 0, r.output);
        } finally {
          dir.cleanup();
        }
      }
    });
  });

  describe('tierAnnotations', () => {
    it('should print the numbers where the rule has templates, in the same text', () => {
      const slo = windowsSpec().slos.find(s => s.name === 'rolling-28d')!;
      const tier = slo.alerting.tiers[0];
      const templated = tierAnnotations(slo, tier);
      const printed = tierAnnotations(slo, tier, {
        longBurnRate: 20.5,
        remaining: 0.75,
        timeToExhaustionSeconds: 3_661,
        topOffender: null,
      });
      assert.deepStrictEqual(Object.keys(printed), Object.keys(templated));
      assert.strictEqual(printed.runbook_url, templated.runbook_url);
      // the text between the templates is the rule's own
      const pieces = templated.description.split(/\{\{.*?\}\}(?:\{\{.*?\}\})*/);
      for (const piece of pieces) assert.ok(printed.description.includes(piece), piece);
      assert.match(printed.summary, /burning its error budget 20\.50x too fast/);
      // 20.5 × 1 h / 28 d of the budget consumed over the last hour
      assert.ok(
        printed.description.includes(`consumed ${humanizePercentage((20.5 * 1) / (28 * 24))}.`)
      );
      assert.ok(printed.description.includes('Budget remaining: 75%;'));
      assert.ok(printed.description.includes('exhausted in 1h 1m 1s.'));
    });
  });

  describe('tierAlertLabels', () => {
    it("should be the alerting rule's labels plus alertname, for every tier", () => {
      for (const slo of windowsSpec().slos) {
        const alerts = sloRules(slo).filter(
          (r): r is AlertingRule => 'alert' in r && r.alert === 'SloErrorBudgetBurn'
        );
        assert.strictEqual(alerts.length, slo.alerting.tiers.length);
        alerts.forEach((rule, i) =>
          assert.deepStrictEqual(tierAlertLabels(slo, slo.alerting.tiers[i]), {
            alertname: rule.alert,
            ...rule.labels,
          })
        );
      }
    });
  });
});
