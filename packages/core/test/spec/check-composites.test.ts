import * as assert from 'node:assert';
import { parseSpec, SpecError } from '../../src';

function issuesOf(text: string): string[] {
  try {
    parseSpec(text);
  } catch (e) {
    assert.ok(e instanceof SpecError, `expected SpecError, got ${e}`);
    return e.issues.map(i => `${i.path}: ${i.message}`);
  }
  assert.fail('expected the spec to be refused');
}

const SLOS = `
slos:
  - { name: cart, objective: 99, window: 28d, sli: { good: { status: ok } } }
  - { name: pay, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
`;

describe('spec composites:', () => {
  it('should read components with their weights (default 1)', () => {
    const spec = parseSpec(
      `${SLOS}composites:\n  - { name: checkout, description: Buy, components: [{ slo: cart, weight: 2.5 }, { slo: pay }] }\n  - { name: all, components: [checkout, cart] }\n`
    );
    assert.deepStrictEqual(spec.composites, [
      {
        name: 'checkout',
        description: 'Buy',
        components: [
          { slo: 'cart', weight: 2.5 },
          { slo: 'pay', weight: 1 },
        ],
      },
      {
        name: 'all',
        components: [
          { slo: 'checkout', weight: 1 },
          { slo: 'cart', weight: 1 },
        ],
      },
    ]);
  });

  it('should name the path of an unknown component', () => {
    assert.deepStrictEqual(
      issuesOf(
        `${SLOS}composites:\n  - { name: c, components: [{ slo: cart }, { slo: inventory }, { slo: pey }] }\n`
      ),
      [
        'composites[0].components[1].slo: unknown SLO "inventory"',
        'composites[0].components[2].slo: unknown SLO "pey" (did you mean "pay"?)',
      ]
    );
  });

  it('should refuse cycles, naming the loop', () => {
    assert.deepStrictEqual(
      issuesOf(
        `${SLOS}composites:\n  - { name: a, components: [cart, b] }\n  - { name: b, components: [pay, a] }\n  - { name: s, components: [s] }\n`
      ),
      [
        'composites[1].components[1].slo: cycle "a" → "b" → "a"',
        'composites[2].components[0].slo: cycle "s" → "s"',
      ]
    );
  });

  it('should refuse bad weights, names, duplicates and grouped components', () => {
    assert.deepStrictEqual(
      issuesOf(
        `${SLOS}composites:\n  - { name: cart, components: [{ slo: pay, weight: 0 }] }\n  - { name: Big, components: [] }\n  - { name: d, components: [pay, pay], weight: 2 }\n  - { name: d, components: [{ slo: cart, weight: "2" }] }\n`
      ),
      [
        'composites[0].name: duplicates slos[0].name "cart"',
        'composites[0].components[0].weight: must be a positive number, got 0',
        'composites[1].name: must match [a-z0-9][a-z0-9-]*, got "Big"',
        'composites[1].components: must be a non-empty list of { slo, weight }, got []',
        'composites[2].weight: unknown key; expected one of name, description, components',
        'composites[2].components[1].slo: "pay" is already a component of "d"',
        'composites[3].name: duplicates composites[2].name "d"',
        'composites[3].components[0].weight: must be a positive number, got "2"',
      ]
    );
    const grouped = issuesOf(
      `${SLOS.replace('{ name: pay,', '{ name: pay, groupBy: [http.route],')}composites:\n  - { name: c, components: [pay] }\n`
    ).filter(i => i.startsWith('composites'));
    assert.deepStrictEqual(grouped, [
      'composites[0].components[0].slo: "pay" is grouped (slos[1].groupBy); components must be ungrouped SLOs for now',
    ]);
  });

  it('should refuse a composites value that is not a list', () => {
    assert.deepStrictEqual(issuesOf(`${SLOS}composites: { a: 1 }\n`), [
      'composites: must be a list of composite SLOs, got {"a":1}',
    ]);
  });
});

describe('spec policy:', () => {
  it('should keep the defaults for what it does not say', () => {
    const policy = parseSpec(`${SLOS}policy: { contacts: sre@example.com }\n`).policy!;
    assert.strictEqual(policy.isDefault, false);
    assert.deepStrictEqual(policy.contacts, ['sre@example.com']);
    assert.strictEqual(policy.statuses.warning.allows, 'defer');
    assert.strictEqual(policy.thresholds.warningRemainingBelow, 0.25);
    assert.strictEqual(policy.thresholds.criticalExhaustsWithinMs, undefined);
    assert.deepStrictEqual(policy.alerts, { severity: 'ticket', exhausted: false });
    assert.strictEqual(parseSpec(SLOS).policy, undefined);
  });

  it('should read budget-level alerts', () => {
    const policy = parseSpec(
      `${SLOS}policy: { alerts: { budgetBelow: 0.2, exhausted: true, exhaustsWithin: 2d, severity: page } }\n`
    ).policy!;
    assert.deepStrictEqual(policy.alerts, {
      severity: 'page',
      exhausted: true,
      budgetBelow: 0.2,
      exhaustsWithinMs: 2 * 86_400_000,
    });
  });

  it('should name the path and the value of each mistake', () => {
    assert.deepStrictEqual(
      issuesOf(
        `${SLOS}policy:
  statuses:
    warning: { allows: maybe, remainingBelow: 2, onPage: true }
    critical: { exhaustsWithin: soon }
    fine: approve
  exceptions:
    - { changeType: Security Fix, allows: approve, statuses: [critical, bad] }
    - { allows: approve }
  alerts: { budgetBelow: "20%", severity: low }
`
      ),
      [
        'policy.statuses.fine: unknown key; expected one of healthy, attention, no-data, warning, critical, exhausted',
        'policy.statuses.warning.onPage: unknown key; expected one of allows, action, contacts, onTicket, remainingBelow, exhaustsWithin',
        'policy.statuses.warning.allows: must be one of approve, review, defer, block, got "maybe"',
        'policy.statuses.warning.remainingBelow: must be a budget share at most 1 (0.25 is 25 %), got 2',
        'policy.statuses.critical.exhaustsWithin: must be a duration such as 300ms, 30s, 5m, 1h, 28d or 4w, got "soon"',
        'policy.exceptions[0].changeType: must match [a-z0-9][a-z0-9-]*, got "Security Fix"',
        'policy.exceptions[0].statuses[1]: must be one of healthy, attention, no-data, warning, critical, exhausted, got "bad"',
        'policy.exceptions[1].changeType: must be a non-empty string, got nothing',
        'policy.alerts.severity: must be page or ticket, got "low"',
        'policy.alerts.budgetBelow: must be a budget share at most 1 (0.25 is 25 %), got "20%"',
      ]
    );
  });
});
