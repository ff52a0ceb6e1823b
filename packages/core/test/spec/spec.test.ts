import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DAY_MS, loadSpec, parseSpec, SpecError } from '../../src';

const DESIGN = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'design.yaml');

function issuesOf(text: string): string[] {
  try {
    parseSpec(text);
  } catch (e) {
    assert.ok(e instanceof SpecError, `expected SpecError, got ${e}`);
    return e.issues.map(i => `${i.path}: ${i.message}`);
  }
  assert.fail('expected the spec to be refused');
}

const BASE = `
slos:
  - name: a
    objective: 99.9
    window: 28d
    sli:
      good: { status: ok }
`;

describe('spec', () => {
  describe('loadSpec', () => {
    it("should accept the README's spec as is", () => {
      const spec = loadSpec(DESIGN);
      assert.deepStrictEqual(
        spec.slos.map(s => [s.name, s.service, s.target, s.window.durationMs / DAY_MS]),
        [
          ['checkout-availability', 'checkout', 0.999, 28],
          ['orders-latency', 'checkout', 0.99, 28],
          ['orders-payload', 'checkout', 0.995, 7],
        ]
      );
      const latency = spec.slos[1].sli.good.latency!;
      assert.strictEqual(latency.defaultMs, 300);
      assert.deepStrictEqual(latency.routes, [{ route: 'GET /api/search', thresholdMs: 1200 }]);
      assert.deepStrictEqual(spec.slos[2].sli.good.attributes, {
        'app.payload.valid': { op: 'equals', value: true },
      });
      assert.strictEqual(spec.slos[0].sli.spans.kind, 'server');
      assert.strictEqual(spec.slos[0].alerting.tiers.length, 4);
    });

    it('should name the file when it cannot be read', () => {
      assert.throws(
        () => loadSpec('/nonexistent/burnrate.yaml'),
        /\/nonexistent\/burnrate.yaml.*\n.*ENOENT/
      );
    });
  });

  describe('parseSpec', () => {
    it('should accept target as a ratio', () => {
      const spec = parseSpec(BASE.replace('objective: 99.9', 'target: 0.995'));
      assert.strictEqual(spec.slos[0].target, 0.995);
    });

    it('should name the path and value of a bad objective', () => {
      assert.deepStrictEqual(issuesOf(BASE.replace('99.9', '100')), [
        'slos[0].objective: must be between 0 and 100 exclusive, got 100',
      ]);
    });

    it('should report every error at once', () => {
      const issues = issuesOf(`
slos:
  - name: Bad_Name
    objective: 120
    window: 10y
    sli:
      good: { latency: fast }
`);
      assert.strictEqual(issues.length, 4, issues.join('\n'));
      assert.match(issues[0], /^slos\[0\]\.name: must match/);
      assert.match(issues[1], /^slos\[0\]\.objective: .*got 120/);
      assert.match(issues[2], /^slos\[0\]\.window: .*got "10y"/);
      assert.match(issues[3], /^slos\[0\]\.sli\.good\.latency: .*got "fast"/);
    });

    it('should suggest the key meant for an unknown one', () => {
      const issues = issuesOf(BASE.replace('objective', 'objectiv'));
      assert.ok(
        issues.some(i => i.startsWith('slos[0].objectiv: unknown key (did you mean "objective"?)')),
        issues.join('\n')
      );
    });

    it('should refuse duplicate names', () => {
      const text = BASE + BASE.split('\n').slice(2).join('\n');
      assert.deepStrictEqual(issuesOf(text), ['slos[1].name: duplicates slos[0].name "a"']);
    });

    it('should bound rolling windows to 1h..400d', () => {
      assert.match(issuesOf(BASE.replace('28d', '30m'))[0], /between 1h and 400d/);
      assert.match(issuesOf(BASE.replace('28d', '401d'))[0], /between 1h and 400d/);
      assert.strictEqual(
        parseSpec(BASE.replace('28d', '4w')).slos[0].window.durationMs,
        28 * DAY_MS
      );
    });

    it('should read calendar windows with a time zone', () => {
      const spec = parseSpec(
        BASE.replace('window: 28d', 'calendar: month\n    timeZone: Europe/Berlin')
      );
      assert.deepStrictEqual(spec.slos[0].window, {
        type: 'calendar',
        unit: 'month',
        timeZone: 'Europe/Berlin',
        durationMs: 30 * DAY_MS,
      });
      assert.match(
        issuesOf(BASE.replace('window: 28d', 'calendar: month\n    timeZone: Mars/Olympus'))[0],
        /unknown time zone/
      );
    });

    it('should read every attribute test', () => {
      const spec = parseSpec(
        BASE.replace(
          'good: { status: ok }',
          `good:
        attributes:
          a: x
          b: { oneOf: [1, 2] }
          c: { exists: true }
          d: { gte: 1, lt: 5 }
          e: { regex: "^ok" }
          f: { notEquals: no }`
        )
      );
      assert.deepStrictEqual(spec.slos[0].sli.good.attributes, {
        a: { op: 'equals', value: 'x' },
        b: { op: 'oneOf', values: [1, 2] },
        c: { op: 'exists', exists: true },
        d: { op: 'compare', gte: 1, lt: 5 },
        e: { op: 'regex', pattern: '^ok' },
        f: { op: 'notEquals', value: 'no' },
      });
      assert.match(
        issuesOf(BASE.replace('{ status: ok }', '{ attributes: { e: { regex: "(" } } }'))[0],
        /regular expression/
      );
    });

    it('should derive custom tier thresholds from a budget share', () => {
      const spec = parseSpec(
        BASE.replace(
          'sli:',
          `alerting:
      runbook: https://runbooks.example/a
      tiers:
        - { severity: page, long: 1h, short: 5m, budget: 2 }
        - { severity: ticket, long: 6h, short: 30m, burnRate: 4 }
    sli:`
        )
      );
      const tiers = spec.slos[0].alerting.tiers;
      assert.strictEqual(Number(tiers[0].burnRate.toFixed(6)), 13.44);
      assert.strictEqual(tiers[1].burnRate, 4);
      assert.strictEqual(spec.slos[0].alerting.runbook, 'https://runbooks.example/a');
      assert.strictEqual(spec.slos[0].alerting.defaultTiers, false);
    });

    it('should accept tiers: [] and turn alerting off', () => {
      // issue #10: an empty list was refused, so alerting could not be turned off
      const spec = parseSpec(BASE.replace('sli:', 'alerting: { tiers: [] }\n    sli:'));
      assert.deepStrictEqual(spec.slos[0].alerting.tiers, []);
      assert.strictEqual(spec.slos[0].alerting.defaultTiers, false);
      assert.strictEqual(spec.slos[0].alerting.minEvents, 0);
    });

    it('should read alerting.minEvents and alerting.noDataAfter', () => {
      const spec = parseSpec(
        BASE.replace('sli:', 'alerting: { minEvents: 20, noDataAfter: 30m }\n    sli:')
      );
      assert.strictEqual(spec.slos[0].alerting.minEvents, 20);
      assert.strictEqual(spec.slos[0].alerting.noDataAfterMs, 30 * 60_000);
      assert.strictEqual(spec.slos[0].alerting.tiers.length, 4);
    });

    it('should derive minEvents and default noDataAfter to 1h when omitted', () => {
      const d = parseSpec(BASE).slos[0];
      // ceil(1 / (0.001 × 13.44)) = ceil(74.4)
      assert.strictEqual(d.alerting.minEvents, 75);
      assert.strictEqual(d.alerting.noDataAfterMs, 3_600_000);
    });

    it('should name the path and value of a bad minEvents or noDataAfter', () => {
      assert.deepStrictEqual(
        issuesOf(BASE.replace('sli:', 'alerting: { minEvents: 2.5 }\n    sli:')),
        ['slos[0].alerting.minEvents: must be a whole number ≥ 0, got 2.5']
      );
      assert.deepStrictEqual(
        issuesOf(BASE.replace('sli:', 'alerting: { minEvents: -1 }\n    sli:')),
        ['slos[0].alerting.minEvents: must be a whole number ≥ 0, got -1']
      );
      assert.deepStrictEqual(
        issuesOf(BASE.replace('sli:', 'alerting: { noDataAfter: soon }\n    sli:')),
        [
          'slos[0].alerting.noDataAfter: must be a duration such as 300ms, 30s, 5m, 1h, 28d or 4w, got "soon"',
        ]
      );
    });

    it('should read timeslices budgeting', () => {
      const spec = parseSpec(
        BASE.replace(
          'sli:',
          'budgeting: { method: timeslices, slice: 5m, sliceTarget: 90 }\n    sli:'
        )
      );
      assert.deepStrictEqual(spec.slos[0].budgeting, {
        method: 'timeslices',
        sliceMs: 300_000,
        sliceTarget: 0.9,
      });
    });

    it('should read OpenSLO v1 documents', () => {
      const spec = parseSpec(
        readFileSync(
          path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'openslo.yaml'),
          'utf8'
        )
      );
      assert.strictEqual(spec.slos.length, 1);
      const slo = spec.slos[0];
      assert.strictEqual(slo.name, 'checkout-availability');
      assert.strictEqual(slo.target, 0.999);
      assert.strictEqual(slo.window.durationMs, 28 * DAY_MS);
      assert.deepStrictEqual(slo.sli.spans.routes, ['POST /api/orders']);
    });

    it('should report unresolved aliases as spec errors', () => {
      assert.match(issuesOf('slos:\n  - name: *nope\n')[0], /^\(yaml\): /);
    });

    it('should name an empty key', () => {
      assert.ok(issuesOf(`${BASE}"": 1\n`).some(i => i.startsWith('[""]: unknown key')));
    });

    it('should report YAML syntax errors with their line', () => {
      assert.match(issuesOf('slos:\n  - name: [a\n')[0], /^line \d+, column \d+/);
    });

    it('should validate the collector section', () => {
      const spec = parseSpec(
        `${BASE}collector:\n  httpPort: 4318\n  maxBodySize: 8MiB\n  snapshotInterval: 30s\n`
      );
      assert.deepStrictEqual(spec.collector, {
        httpPort: 4318,
        maxBodyBytes: 8 * 1024 * 1024,
        snapshotIntervalMs: 30_000,
      });
      assert.match(
        issuesOf(`${BASE}collector:\n  httpPort: 99999\n`)[0],
        /^collector.httpPort: must be a port/
      );
    });
  });
});
