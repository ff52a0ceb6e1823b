import * as assert from 'node:assert';
import {
  classifyStatus,
  DAY_MS,
  DEFAULT_POLICY,
  explainStatus,
  parseSpec,
  policyDecision,
  releaseDecision,
  STATUS_ORDER,
  type StatusInputs,
} from '../../src';

const SLOS = `
slos:
  - { name: a, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
`;

const POLICY = `${SLOS}policy:
  statuses:
    exhausted: { remainingAtMost: -0.1, allows: block, action: Freeze features, contacts: [sre-lead] }
    critical: { onPage: false, exhaustsWithin: 2d }
    warning: { allows: block, remainingBelow: 0.3, exhaustsWithin: 10d, onTicket: false }
    attention: { remainingBelow: 0.6, burnRateAbove: 2, allows: defer }
    healthy: approve
    no-data: { allows: review }
  exceptions:
    - { changeType: security-fix, allows: approve }
    - { changeType: rollback, allows: review, statuses: [critical, exhausted] }
  contacts: ["#checkout-oncall"]
`;

const calm: StatusInputs = {
  remaining: 0.9,
  burnRate: 0,
  timeToExhaustionMs: Infinity,
  pageFiring: false,
  ticketFiring: false,
  windowMs: 28 * DAY_MS,
};

describe('error budget policy', () => {
  describe('DEFAULT_POLICY', () => {
    it('should decide as releaseDecision did before policies', () => {
      for (const status of STATUS_ORDER)
        assert.strictEqual(
          policyDecision(DEFAULT_POLICY, status).decision,
          releaseDecision(status),
          status
        );
    });

    it('should classify with the thresholds of classifyStatus', () => {
      const cases: Array<[Partial<StatusInputs>, string]> = [
        [{ remaining: 0 }, 'exhausted'],
        [{ noData: true }, 'no-data'],
        [{ pageFiring: true }, 'critical'],
        [{ timeToExhaustionMs: DAY_MS - 1 }, 'critical'],
        [{ timeToExhaustionMs: DAY_MS }, 'warning'],
        [{ ticketFiring: true }, 'warning'],
        [{ remaining: 0.2499 }, 'warning'],
        [{ timeToExhaustionMs: 7 * DAY_MS - 1 }, 'warning'],
        [{ remaining: 0.4999 }, 'attention'],
        [{ burnRate: 1.01 }, 'attention'],
        [{ burnRate: 1 }, 'healthy'],
      ];
      for (const [over, want] of cases) {
        const inputs = { ...calm, ...over };
        assert.strictEqual(classifyStatus(inputs), want, JSON.stringify(over));
        assert.strictEqual(explainStatus(inputs).status, want);
      }
    });
  });

  describe('policy:', () => {
    const policy = parseSpec(POLICY).policy!;

    it('should move the thresholds', () => {
      const t = policy.thresholds;
      const at = (over: Partial<StatusInputs>) => explainStatus({ ...calm, ...over }, t);
      assert.strictEqual(at({ remaining: 0 }).status, 'warning');
      assert.deepStrictEqual(at({ remaining: -0.1 }), {
        status: 'exhausted',
        because: 'budget left -10 % <= -10 %',
        threshold: 'policy.statuses.exhausted.remainingAtMost',
      });
      assert.strictEqual(at({ pageFiring: true }).status, 'healthy');
      assert.strictEqual(at({ ticketFiring: true }).status, 'healthy');
      assert.deepStrictEqual(
        at({ timeToExhaustionMs: 2 * DAY_MS - 1 }).threshold,
        'policy.statuses.critical.exhaustsWithin'
      );
      assert.strictEqual(at({ timeToExhaustionMs: 9 * DAY_MS }).status, 'warning');
      assert.strictEqual(at({ remaining: 0.29 }).status, 'warning');
      assert.strictEqual(at({ remaining: 0.59 }).status, 'attention');
      assert.strictEqual(at({ burnRate: 2 }).status, 'healthy');
      assert.deepStrictEqual(at({ burnRate: 2.5 }), {
        status: 'attention',
        because: 'burn rate 2.5 > 2',
        threshold: 'policy.statuses.attention.burnRateAbove',
      });
    });

    it('should decide per status, naming the rule, its action and contacts', () => {
      const want: Record<string, string> = {
        healthy: 'approve',
        attention: 'defer',
        'no-data': 'review',
        warning: 'block',
        critical: 'block',
        exhausted: 'block',
      };
      for (const status of STATUS_ORDER) {
        const d = policyDecision(policy, status);
        assert.strictEqual(d.decision, want[status], status);
        assert.strictEqual(d.rule, `policy.statuses.${status}.allows`);
      }
      const exhausted = policyDecision(policy, 'exhausted');
      assert.strictEqual(exhausted.action, 'Freeze features');
      assert.deepStrictEqual(exhausted.contacts, ['sre-lead', '#checkout-oncall']);
      assert.deepStrictEqual(policyDecision(policy, 'healthy').contacts, ['#checkout-oncall']);
    });

    it('should apply the first exception of the change type that covers the status', () => {
      for (const status of STATUS_ORDER) {
        const d = policyDecision(policy, status, 'security-fix');
        assert.deepStrictEqual([d.decision, d.rule], ['approve', 'policy.exceptions[0]'], status);
      }
      const rollback = policyDecision(policy, 'critical', 'rollback');
      assert.deepStrictEqual(
        [rollback.decision, rollback.rule, rollback.ruleText],
        ['review', 'policy.exceptions[1]', 'rollback changes allow review on critical']
      );
      // not covered: the status's own rule
      assert.strictEqual(policyDecision(policy, 'warning', 'rollback').decision, 'block');
      assert.strictEqual(policyDecision(policy, 'warning', 'feature').decision, 'block');
    });
  });
});
