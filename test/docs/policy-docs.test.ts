import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseSpec, policyDecision } from '@burnrate/core';

const ROOT = path.join(__dirname, '..', '..', '..');

/** The first ```yaml block of a docs page that starts with `key:`. */
function example(page: string, key: string): string {
  const text = readFileSync(path.join(ROOT, 'docs', page), 'utf8');
  const m = new RegExp('```yaml\\n(' + key + ':[\\s\\S]*?)```').exec(text);
  assert.ok(m, `${page}: no ${key} example`);
  return m[1];
}

const SLO = (name: string) =>
  `  - { name: ${name}, objective: 99.9, window: 28d, sli: { good: { status: ok } } }\n`;

describe('docs/policy.md and docs/composites.md', () => {
  it('should hold a policy example that validates and decides as the page says', () => {
    const spec = parseSpec(`slos:\n${SLO('a')}${example('policy.md', 'policy')}`);
    const policy = spec.policy!;
    assert.strictEqual(policy.thresholds.criticalExhaustsWithinMs, 86_400_000);
    assert.strictEqual(policyDecision(policy, 'exhausted').decision, 'block');
    assert.strictEqual(policyDecision(policy, 'exhausted', 'security-fix').decision, 'approve');
    assert.strictEqual(policyDecision(policy, 'exhausted', 'rollback').decision, 'review');
    assert.strictEqual(policyDecision(policy, 'warning', 'rollback').decision, 'defer');
  });

  it('should hold a composites example that validates', () => {
    const slos = [
      'cart-availability',
      'payment-availability',
      'shipping-latency',
      'search-latency',
    ];
    const spec = parseSpec(
      `slos:\n${slos.map(SLO).join('')}${example('composites.md', 'composites')}`
    );
    assert.deepStrictEqual(
      spec.composites!.map(c => c.components.map(k => `${k.slo}×${k.weight}`).join(' ')),
      [
        'cart-availability×2 payment-availability×1 shipping-latency×1',
        'checkout-journey×3 search-latency×1',
      ]
    );
  });
});
