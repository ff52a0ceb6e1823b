import * as assert from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../src';
import { capture } from './capture';

const SPEC = `
slos:
  - { name: cart, objective: 99, window: 28d, sli: { good: { status: ok } } }
  - { name: pay, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
composites:
  - { name: checkout, components: [{ slo: cart, weight: 3 }, pay] }
policy:
  statuses:
    critical: { exhaustsWithin: 2d, contacts: [payments-lead] }
    exhausted: { action: Freeze feature releases }
  exceptions:
    - { changeType: rollback, allows: review, statuses: [critical, exhausted] }
  contacts: ["#oncall"]
  alerts: { exhausted: true, exhaustsWithin: 1d }
`;

function file(text: string): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'burnrate-cli-')), 'burnrate.yaml');
  writeFileSync(f, text);
  return f;
}

describe('burnrate validate', () => {
  describe('composites and policy', () => {
    it('should show the composites and the policy in its summary', async () => {
      const io = capture();
      assert.strictEqual(await main(['validate', file(SPEC)], io), 0);
      const lines = io.stdout.split('\n');
      const from = lines.indexOf('composites: 1');
      assert.deepStrictEqual(lines.slice(from, from + 13), [
        'composites: 1',
        '  checkout: cart × 3 (75 %), pay × 1 (25 %); consumed and burn rates weighted, status the most restrictive',
        'policy:',
        '  exhausted (≤ 0 % left): block; Freeze feature releases',
        '  no-data (no events for alerting.noDataAfter): defer',
        '  critical (page alert, exhausts within 2d): block; contacts payments-lead',
        '  warning (ticket alert, < 25 % left, exhausts within window/4): defer',
        '  attention (< 50 % left, burn(1h) > 1): review',
        '  healthy (otherwise): approve',
        '  exceptions[0]: rollback changes → review on critical, exhausted',
        '  contacts: #oncall',
        '  budget alerts (ticket): exhausted, exhaustion within 1d',
        '',
      ]);
    });

    it('should name the path of a composite error', async () => {
      const io = capture();
      const bad = SPEC.replace('pay] }', 'pey] }');
      assert.strictEqual(await main(['validate', file(bad)], io), 1);
      assert.match(
        io.stderr,
        /composites\[0\]\.components\[1\]\.slo: unknown SLO "pey" \(did you mean "pay"\?\)/
      );
    });
  });
});

describe('burnrate export', () => {
  it('should say that composites and the policy have no OpenSLO form', async () => {
    const io = capture();
    assert.strictEqual(await main(['export', 'openslo', file(SPEC)], io), 0);
    assert.strictEqual(
      io.stderr,
      'note: the composites: section (1) has no OpenSLO v1 form and is left out\n' +
        'note: the policy: section has no OpenSLO form and is left out\n'
    );
    assert.match(io.stdout, /kind: SLO/);
  });
});
