import * as assert from 'node:assert';
import { parseSpec } from '@burnrate/core';
import { buildRuleGroups, generateDashboard, type RecordingRule } from '../src';
import { promtool, tempFiles } from './promtool';
import { windowsSpec } from './specs';
import { stringify } from 'yaml';

describe('generateDashboard', () => {
  const spec = windowsSpec();
  const dashboard = generateDashboard(spec);

  it('should use the current schema with a data-source and an SLO variable', () => {
    assert.ok(dashboard.schemaVersion >= 39);
    const [ds, slo] = dashboard.templating.list;
    assert.strictEqual(ds.type, 'datasource');
    assert.strictEqual(ds.query, 'prometheus');
    assert.strictEqual(slo.type, 'query');
    assert.deepStrictEqual(slo.datasource, { type: 'prometheus', uid: '${datasource}' });
    assert.strictEqual(slo.definition, 'label_values(slo:objective:ratio, slo_name)');
    assert.strictEqual(slo.regex, `/^(${spec.slos.map(s => s.name).join('|')})$/`);
    for (const p of dashboard.panels) {
      assert.deepStrictEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' }, p.title);
    }
  });

  it('should show budget, SLI against objective, burn rate with thresholds, alert state and events', () => {
    const titles = dashboard.panels.map(p => p.title);
    for (const t of [
      'Error budget remaining',
      'SLI against objective',
      'Burn rate by window',
      'Alert state',
      'Events: good / bad',
      'Bad events by route and code',
      'Burn rate by route',
      'Burn rate by version',
    ]) {
      assert.ok(titles.includes(t), t);
    }
    const burn = dashboard.panels.find(p => p.title === 'Burn rate by window')!;
    assert.deepStrictEqual(
      burn.targets.map(t => t.expr),
      ['slo:burn_rate:rate{slo_name="$slo"}', 'slo:burn_rate_threshold:ratio{slo_name="$slo"}']
    );
  });

  it('should show the bad time slices when the spec has a timeslices SLO, and only then', () => {
    const slices = dashboard.panels.find(p => p.title === 'Bad time slices')!;
    assert.ok(slices, 'panel of the timeslices SLO');
    assert.deepStrictEqual(
      slices.targets.map(t => t.expr),
      [
        'slo:timeslice_bad:bool{slo_name="$slo"}',
        'sum_over_time(slo:timeslice_bad:bool{slo_name="$slo"}[$__range])',
      ]
    );
    const occurrencesOnly = generateDashboard(
      parseSpec(
        'slos:\n  - { name: a, objective: 99, window: 7d, sli: { good: { status: ok } } }\n'
      )
    );
    assert.ok(!occurrencesOnly.panels.some(p => p.title === 'Bad time slices'));
  });

  it('should compute per-route and per-version burn from the attribution counters', () => {
    const byVersion = dashboard.panels.find(p => p.title === 'Burn rate by version')!;
    assert.strictEqual(
      byVersion.targets[0].expr,
      'sum by (service_version) (rate(slo_bad_events_total{slo_name="$slo"}[$__rate_interval])) / sum by (service_version) (rate(slo_eligible_events_total{slo_name="$slo"}[$__rate_interval])) / scalar(1 - max(slo:objective:ratio{slo_name="$slo"}))'
    );
  });

  it('should only read series the rules record (or the raw counters and ALERTS)', () => {
    const recorded = new Set(
      buildRuleGroups(spec)
        .groups.flatMap(g => g.rules)
        .filter((r): r is RecordingRule => 'record' in r)
        .map(r => r.record)
    );
    for (const p of dashboard.panels) {
      for (const t of p.targets) {
        const names = t.expr.match(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\{)/g) ?? [];
        assert.ok(names.length > 0, t.expr);
        for (const n of names)
          assert.ok(
            recorded.has(n) ||
              ['slo_events_total', 'slo_bad_events_total', 'slo_eligible_events_total'].includes(
                n
              ) ||
              n === 'ALERTS',
            `${p.title}: ${n}`
          );
      }
    }
  });

  it('should hold only valid PromQL (promtool parses every query)', () => {
    const rules = dashboard.panels.flatMap((p, i) =>
      p.targets.map((t, j) => ({
        record: `dashboard:panel${i}:${j}`,
        expr: t.expr
          .replace(/\$slo/g, 'x')
          .replace(/\$__rate_interval/g, '1m')
          .replace(/\$__range/g, '1d'),
      }))
    );
    const dir = tempFiles({ 'q.yaml': stringify({ groups: [{ name: 'dashboard', rules }] }) });
    try {
      const r = promtool(['check', 'rules', 'q.yaml'], dir.dir);
      assert.strictEqual(r.status, 0, r.output);
    } finally {
      dir.cleanup();
    }
  });

  it('should be plain JSON with unique panel ids that do not overlap', () => {
    const copy = JSON.parse(JSON.stringify(dashboard));
    assert.deepStrictEqual(copy, dashboard);
    const ids = dashboard.panels.map(p => p.id);
    assert.strictEqual(new Set(ids).size, ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          const key = `${x},${y}`;
          assert.ok(!cells.has(key), `${p.title} overlaps at ${key}`);
          cells.add(key);
        }
      }
      assert.ok(p.gridPos.x + p.gridPos.w <= 24);
    }
  });

  it('should take title, uid and time range from the options', () => {
    const d = generateDashboard(spec, {
      title: 'Checkout SLOs',
      uid: 'checkout-slos',
      from: 'now-28d',
    });
    assert.strictEqual(d.title, 'Checkout SLOs');
    assert.strictEqual(d.uid, 'checkout-slos');
    assert.deepStrictEqual(d.time, { from: 'now-28d', to: 'now' });
  });
});
