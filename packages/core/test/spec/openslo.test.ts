import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  calendarPeriod,
  fromOpenSlo,
  loadSpec,
  openSloYaml,
  parseSpec,
  SpecError,
  toOpenSlo,
  type SloDefinition,
} from '../../src';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');

/** Every error line of a spec that must not validate. */
function errors(text: string): string[] {
  try {
    parseSpec(text, 'slo.yaml');
  } catch (e) {
    assert.ok(e instanceof SpecError, String(e));
    return e.issues.map(i => `${i.path}: ${i.message}`);
  }
  assert.fail('the spec validated');
}

const SLI = `
  indicator:
    metadata: { name: sli }
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: burnrate, spec: { status: ok } } }
        total: { metricSource: { type: burnrate, spec: { routes: ["GET /"] } } }`;

/** One SLO document with a burnrate SLI; `extra` replaces or adds spec lines. */
function slo(extra: string, objectives = '[{ target: 0.99 }]'): string {
  return `apiVersion: openslo/v1
kind: SLO
metadata: { name: s }
spec:
  service: web${SLI}
  timeWindow: [{ duration: 28d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: ${objectives}
${extra}`;
}

describe('fromOpenSlo', () => {
  describe('list form and references', () => {
    const spec = loadSpec(path.join(FIXTURES, 'openslo', 'list-form.yaml'));

    it('should read a sequence of objects, one SLO per objective named after its displayName', () => {
      assert.deepStrictEqual(
        spec.slos.map(s => [s.name, s.target, s.description]),
        [
          [
            'checkout-availability-internal-objective',
            0.999,
            'Orders go through: Internal objective',
          ],
          ['checkout-availability-sla', 0.995, 'Orders go through: SLA'],
        ]
      );
    });

    it('should resolve indicatorRef and a DataSource of type burnrate', () => {
      const s = spec.slos[0];
      assert.strictEqual(s.service, 'checkout');
      assert.deepStrictEqual(s.sli.spans.routes, ['POST /api/orders', 'GET /api/orders/:id']);
      assert.deepStrictEqual(s.sli.good.status, {
        clientErrors: 'good',
        spanError: 'bad',
        badCodes: [],
      });
      assert.deepStrictEqual(s.window, { type: 'rolling', durationMs: 28 * 86_400_000 });
    });

    it('should turn alertPolicyRef + conditionRef and inline policies into tiers', () => {
      assert.deepStrictEqual(
        spec.slos[1].alerting.tiers.map(t => [
          t.severity,
          t.longWindowMs / 60_000,
          t.shortWindowMs / 60_000,
          t.burnRate,
          t.holdMs ?? 0,
        ]),
        [
          // lookbackWindow 1h, short a twelfth (5m), alertAfter 2m as the hold
          ['page', 60, 5, 14.4, 120_000],
          // 3d and 6h; no alertAfter
          ['ticket', 4320, 360, 1, 0],
        ]
      );
      assert.strictEqual(spec.slos[1].alerting.defaultTiers, false);
    });

    it('should carry metadata.labels into Prometheus-safe labels', () => {
      assert.deepStrictEqual(spec.slos[0].labels, {
        team: 'payments',
        tier: 'tier-1,critical',
        app_kubernetes_io_part_of: 'shop',
      });
    });

    it('should read the same objects as a multi-document stream', () => {
      const list = parseSpec(
        readFileSync(path.join(FIXTURES, 'openslo', 'list-form.yaml'), 'utf8')
      );
      const docs = (
        readFileSync(path.join(FIXTURES, 'openslo', 'list-form.yaml'), 'utf8')
          .split('\n')
          .filter(l => !l.startsWith('#'))
          .join('\n')
          .split(/^- /m)
          .slice(1) as string[]
      ).map(d => d.replace(/^ {2}/gm, ''));
      const stream = parseSpec(docs.join('\n---\n'));
      assert.deepStrictEqual(stream, list);
    });
  });

  describe('budgeting and windows', () => {
    const spec = loadSpec(path.join(FIXTURES, 'openslo', 'timeslices.yaml'));

    it('should read Timeslices with a calendar week counted from startTime in its time zone', () => {
      const s = spec.slos[0];
      assert.deepStrictEqual(s.window, {
        type: 'calendar',
        unit: 'week',
        timeZone: 'America/New_York',
        durationMs: 7 * 86_400_000,
        startTime: '2022-01-01T12:00:00',
      });
      assert.deepStrictEqual(s.budgeting, {
        method: 'timeslices',
        sliceMs: 60_000,
        sliceTarget: 0.95,
      });
      // 2022-01-01 was a Saturday: weeks run Saturday 12:00 to Saturday 12:00, New York time
      // (EST, UTC-5, in March before DST starts on the 13th)
      const p = calendarPeriod(
        Date.UTC(2022, 2, 9, 3),
        s.window.type === 'calendar' ? s.window.unit : 'week',
        'America/New_York',
        '2022-01-01T12:00:00'
      );
      assert.strictEqual(new Date(p.startMs).toISOString(), '2022-03-05T17:00:00.000Z');
      // the week ending after DST starts ends at 12:00 EDT (UTC-4)
      assert.strictEqual(new Date(p.endMs).toISOString(), '2022-03-12T17:00:00.000Z');
      const next = calendarPeriod(p.endMs, 'week', 'America/New_York', '2022-01-01T12:00:00');
      assert.strictEqual(new Date(next.endMs).toISOString(), '2022-03-19T16:00:00.000Z');
    });

    it('should read RatioTimeslices, a 2w rolling window and a bare-number timeSliceWindow as minutes', () => {
      const s = spec.slos[1];
      assert.deepStrictEqual(s.budgeting, { method: 'ratio-timeslices', sliceMs: 5 * 60_000 });
      assert.deepStrictEqual(s.window, { type: 'rolling', durationMs: 14 * 86_400_000 });
      // `alertPolicies:` with nothing keeps the derived default tiers
      assert.strictEqual(s.alerting.defaultTiers, true);
    });

    it('should take a calendar without isRolling as a calendar window', () => {
      const s = parseSpec(
        slo('').replace(
          '[{ duration: 28d, isRolling: true }]',
          '[{ duration: 1M, calendar: { timeZone: Europe/Berlin } }]'
        )
      ).slos[0];
      assert.deepStrictEqual(s.window, {
        type: 'calendar',
        unit: 'month',
        timeZone: 'Europe/Berlin',
        durationMs: 30 * 86_400_000,
      });
    });

    it('should count months from the day of startTime, on the last day in shorter months', () => {
      const p = calendarPeriod(Date.UTC(2026, 1, 20), 'month', 'UTC', '2026-01-31T00:00:00');
      assert.strictEqual(new Date(p.startMs).toISOString(), '2026-01-31T00:00:00.000Z');
      assert.strictEqual(new Date(p.endMs).toISOString(), '2026-02-28T00:00:00.000Z');
      const q = calendarPeriod(Date.UTC(2026, 4, 2), 'quarter', 'UTC', '2025-02-15T06:00:00');
      assert.strictEqual(new Date(q.startMs).toISOString(), '2026-02-15T06:00:00.000Z');
      assert.strictEqual(new Date(q.endMs).toISOString(), '2026-05-15T06:00:00.000Z');
    });
  });

  describe('errors', () => {
    it('should reject unknown keys with the closest one, everywhere', () => {
      const e = errors(
        slo('  alertPolicy: []', '[{ targt: 0.99 }]').replace(
          'budgetingMethod: Occurrences',
          'budgetingMethod: Occurences'
        )
      );
      assert.ok(
        e.includes(
          'documents[0] (SLO s).spec.alertPolicy: unknown key (did you mean "alertPolicies"?); expected one of description, service, indicator, indicatorRef, timeWindow, budgetingMethod, objectives, alertPolicies'
        ),
        e.join('\n')
      );
      assert.ok(
        e.some(l =>
          l.startsWith(
            'documents[0] (SLO s).spec.objectives[0].targt: unknown key (did you mean "target"?)'
          )
        ),
        e.join('\n')
      );
      assert.ok(
        e.includes(
          'documents[0] (SLO s).spec.budgetingMethod: must be one of Occurrences, Timeslices, RatioTimeslices, got "Occurences" (did you mean "Occurrences"?)'
        ),
        e.join('\n')
      );
      const kind = errors('apiVersion: openslo/v1\nkind: SLo\nmetadata: { name: x }\nspec: {}\n');
      assert.match(kind[0], /^documents\[0\]\.kind: unknown kind "SLo" \(did you mean "SLO"\?\)/);
    });

    it('should name the OpenSLO document when burnrate rejects what it became', () => {
      const e = errors(slo('').replace('routes: ["GET /"]', 'routs: ["GET /"]'));
      assert.deepStrictEqual(e, [
        'documents[0] (SLO s).sli.spans.routs: unknown key (did you mean "routes"?); expected one of kind, routes, rpc, attributes, exclude',
      ]);
    });

    it('should say that composite SLOs, thresholdMetric, raw ratios and queries are unsupported', () => {
      const composite = errors(
        slo('', '[{ target: 0.99, indicatorRef: other, compositeWeight: 2 }]')
      );
      assert.match(composite[0], /objectives\[0\]: unsupported: composite SLOs/);
      const threshold = errors(
        slo('').replace(
          /ratioMetric:[\s\S]*$/m,
          'thresholdMetric: { metricSource: { type: Redshift, spec: { query: SELECT 1 } } }\n  timeWindow: [{ duration: 28d }]\n  budgetingMethod: Occurrences\n  objectives: [{ op: lt, value: 500, target: 0.99 }]\n'
        )
      );
      assert.ok(
        threshold.some(l => /thresholdMetric: unsupported: thresholdMetric SLIs/.test(l)),
        threshold.join('\n')
      );
      assert.ok(
        threshold.some(l => /objectives\[0\]\.value: unsupported: threshold objectives/.test(l)),
        threshold.join('\n')
      );
      const raw = errors(
        slo('').replace(
          /counter: true[\s\S]*?total: [^\n]*\n/,
          'rawType: success\n        raw: { metricSource: { type: burnrate } }\n'
        )
      );
      assert.match(raw.join('\n'), /ratioMetric\.raw: unsupported: raw \(precomputed\) ratios/);
      const query = errors(
        slo('').replace(
          'type: burnrate, spec: { status: ok }',
          'type: Datadog, spec: { query: "sum:trace.hits{*}" }'
        )
      );
      assert.match(
        query.join('\n'),
        /good\.metricSource\.type: unsupported: raw queries \(metric source type "Datadog"\)/
      );
    });

    it('should refuse a burn-rate condition on lte and a severity burnrate does not page with', () => {
      const e = errors(
        slo(`  alertPolicies:
    - kind: AlertPolicy
      metadata: { name: p }
      spec:
        conditions:
          - kind: AlertCondition
            metadata: { name: cpu-usage-breach }
            spec:
              severity: sev1
              condition: { kind: burnrate, op: lte, threshold: 2, lookbackWindow: 1h, alertAfter: 5m }`)
      );
      assert.ok(
        e.some(l => /spec\.severity: must be page or ticket .*got "sev1"/.test(l)),
        e.join('\n')
      );
      assert.ok(
        e.some(l =>
          /condition\.op: a burn-rate alert fires when the burn rate reaches the threshold: gte or gt, got "lte"/.test(
            l
          )
        ),
        e.join('\n')
      );
    });

    it('should name a missing reference with the closest name', () => {
      const e = errors(
        slo('  alertPolicies: [{ alertPolicyRef: pagin }]') +
          '\n---\napiVersion: openslo/v1\nkind: AlertPolicy\nmetadata: { name: paging }\nspec: { conditions: [{ conditionRef: fast }] }\n'
      );
      assert.ok(
        e.some(l =>
          l.endsWith('alertPolicyRef: no AlertPolicy named "pagin" (did you mean "paging"?)')
        ),
        e.join('\n')
      );
    });

    it('should say 1m is minutes in a calendar window (the OpenSLO example means a month)', () => {
      const e = errors(
        slo('').replace(
          '[{ duration: 28d, isRolling: true }]',
          '[{ duration: 1m, isRolling: false }]'
        )
      );
      assert.match(
        e[0],
        /timeWindow\[0\]\.duration: calendar windows are 1w, 1M or 1Q, got "1m" \(m is minutes: did you mean 1M, a month\?\)/
      );
    });

    it('should ask for the slice settings Timeslices needs', () => {
      const e = errors(
        slo('').replace('budgetingMethod: Occurrences', 'budgetingMethod: Timeslices')
      );
      assert.ok(
        e.some(l => /objectives\[0\]\.timeSliceTarget: is required with Timeslices/.test(l)),
        e.join('\n')
      );
      assert.ok(
        e.some(l =>
          /objectives\[0\]\.timeSliceWindow: is required with budgetingMethod Timeslices/.test(l)
        ),
        e.join('\n')
      );
    });
  });

  it('should return the origin of every SLO', () => {
    const { origins } = fromOpenSlo(
      [parseSpecDoc(slo('', '[{ target: 0.9 }, { displayName: B, target: 0.99 }]'))],
      'x'
    );
    assert.deepStrictEqual(origins, [
      { path: 'documents[0]', label: 'SLO s, objectives[0]' },
      { path: 'documents[0]', label: 'SLO s, objectives[1] (B)' },
    ]);
  });
});

function parseSpecDoc(text: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml').parse(text);
}

/** Definitions compared with the derived budget share rounded (a threshold round trip is exact, the share re-derived). */
function comparable(slos: readonly SloDefinition[]): unknown {
  return JSON.parse(
    JSON.stringify(slos, (k, v) => (k === 'budgetConsumed' ? Number(v.toPrecision(12)) : v))
  );
}

describe('toOpenSlo', () => {
  it('should round-trip every burnrate spec feature through OpenSLO', () => {
    const original = parseSpec(`
slos:
  - name: checkout-availability
    description: Orders go through
    service: checkout
    objective: 99.9
    window: 28d
    labels: { team: payments }
    sli:
      spans:
        kind: server
        routes: ["POST /api/orders", "GET /api/orders/:id"]
        attributes: { "deployment.environment": { oneOf: [prod, staging] } }
        exclude: [{ routes: ["GET /healthz"] }, { attributes: { "user_agent.original": { regex: "^kube-probe" } } }]
      good: { status: { clientErrors: bad, badCodes: [429] } }
    alerting:
      runbook: https://runbooks.example.com/checkout
      tiers:
        - { severity: page, long: 1h, short: 5m, budget: 2, for: 2m }
        - { severity: ticket, long: 3d, short: 6h, burnRate: 1 }
  - name: search-latency
    objective: 99
    calendar: month
    timeZone: Europe/Berlin
    startTime: "2026-01-15 08:00:00"
    budgeting: { method: timeslices, slice: 5m, sliceTarget: 90 }
    sli:
      spans: { routes: ["GET /api/search"] }
      good: { latency: { default: 300ms, routes: { "GET /api/search": 1200ms } }, attributes: { "app.cache": { exists: true }, "app.size": { lt: 10 } } }
  - name: main-page
    target: 0.99
    window: 14d
    budgeting: { method: ratio-timeslices, slice: 1m }
    sli:
      spans: { kind: any, rpc: ["shop.Cart/*"] }
      good: { status: ok, latency: 1s }
`);
    const docs = toOpenSlo(original);
    assert.strictEqual(docs.length, 3);
    assert.deepStrictEqual(
      docs.map(d => [d.apiVersion, d.kind]),
      [
        ['openslo/v1', 'SLO'],
        ['openslo/v1', 'SLO'],
        ['openslo/v1', 'SLO'],
      ]
    );
    const back = parseSpec(openSloYaml(original));
    assert.deepStrictEqual(comparable(back.slos), comparable(original.slos));
  });

  it('should leave derived default tiers out and write OpenSLO shorthand durations', () => {
    const spec = loadSpec(path.join(FIXTURES, 'design.yaml'));
    const doc = toOpenSlo(spec)[0] as any;
    assert.strictEqual(doc.spec.alertPolicies, undefined);
    assert.deepStrictEqual(doc.spec.timeWindow, [{ duration: '28d', isRolling: true }]);
    assert.strictEqual(doc.spec.budgetingMethod, 'Occurrences');
    assert.deepStrictEqual(doc.spec.objectives, [{ target: 0.999 }]);
    assert.deepStrictEqual(comparable(parseSpec(openSloYaml(spec)).slos), comparable(spec.slos));
  });

  it('should refuse a journey SLO, which OpenSLO cannot write', () => {
    const spec = parseSpec(
      'slos:\n  - name: j\n    objective: 99\n    window: 7d\n    sli: { trace: {}, good: { status: ok } }\n'
    );
    assert.throws(
      () => toOpenSlo(spec),
      /^Error: j: a journey SLO \(sli.trace\) has no OpenSLO form$/
    );
  });
});
