import * as assert from 'node:assert';
import { parseSpec } from '@burnrate/core';
import { generateDashboard, generateRules } from '../src';
import { promtool, tempFiles } from './promtool';

const journey = (sli: string) =>
  parseSpec(`
slos:
  - name: checkout-journey
    service: web
    objective: 99.5
    window: 28d
    sli:
${sli}
      good: { status: ok, latency: 2s }
`);

const JOURNEY = journey(`      trace:
        entry: { routes: ["POST /checkout"] }
        mustSucceed: [ { service: payments }, { service: stock } ]
        decisionWait: 10s`);
const PER_SPAN = journey(`      spans: { routes: ["POST /checkout"] }`);

describe('generateRules', () => {
  describe('journey SLOs', () => {
    it('should write the rules of any SLO: they read slo_events_total, which journeys count like spans', () => {
      const rules = generateRules(JOURNEY);
      assert.strictEqual(rules, generateRules(PER_SPAN));
      assert.match(rules, /slo_events_total\{slo_name="checkout-journey"/);
      const files = tempFiles({ 'rules.yaml': rules });
      try {
        const check = promtool(['check', 'rules', 'rules.yaml'], files.dir);
        assert.strictEqual(check.status, 0, check.output);
      } finally {
        files.cleanup();
      }
    });

    it('should draw the dashboard of any SLO', () => {
      assert.deepStrictEqual(generateDashboard(JOURNEY), generateDashboard(PER_SPAN));
    });
  });
});
