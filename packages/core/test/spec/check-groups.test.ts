import * as assert from 'node:assert';
import { DEFAULT_MAX_GROUPS, groupLabelName, openSloYaml, parseSpec, SpecError } from '../../src';

function issuesOf(text: string): string[] {
  try {
    parseSpec(text);
  } catch (e) {
    assert.ok(e instanceof SpecError, `expected SpecError, got ${e}`);
    return e.issues.map(i => `${i.path}: ${i.message}`);
  }
  assert.fail('expected the spec to be refused');
}

const slo = (extra: string) => `
slos:
  - name: a
    objective: 99.9
    window: 28d
    labels: { team: shop }
${extra}
    sli:
      good: { status: ok }
`;

describe('check-groups', () => {
  describe('groupBy', () => {
    it('should read groupBy with the default maxGroups', () => {
      const def = parseSpec(slo('    groupBy: [http.route, app.tier]')).slos[0];
      assert.deepStrictEqual(def.groupBy, ['http.route', 'app.tier']);
      assert.strictEqual(def.maxGroups, DEFAULT_MAX_GROUPS);
      assert.strictEqual(DEFAULT_MAX_GROUPS, 100);
    });

    it('should read a single key written as a string, and maxGroups', () => {
      const def = parseSpec(slo('    groupBy: http.route\n    maxGroups: 3')).slos[0];
      assert.deepStrictEqual(def.groupBy, ['http.route']);
      assert.strictEqual(def.maxGroups, 3);
    });

    it('should leave an SLO without groupBy ungrouped', () => {
      const def = parseSpec(slo('')).slos[0];
      assert.strictEqual(def.groupBy, undefined);
      assert.strictEqual(def.maxGroups, undefined);
    });

    it('should name the path and value of a bad groupBy', () => {
      assert.deepStrictEqual(issuesOf(slo('    groupBy: []')), [
        'slos[0].groupBy: must be a list of 1 to 8 span attribute keys such as [http.route], got []',
      ]);
      assert.deepStrictEqual(issuesOf(slo('    groupBy: [http.route, 3]')), [
        'slos[0].groupBy[1]: must be an attribute key, got 3',
      ]);
    });

    it('should refuse keys that render to one Prometheus label', () => {
      assert.deepStrictEqual(issuesOf(slo('    groupBy: [app.tier, app_tier]')), [
        'slos[0].groupBy[1]: "app_tier" and "app.tier" are both the Prometheus label app_tier',
      ]);
      assert.deepStrictEqual(issuesOf(slo('    groupBy: [app.tier, app.tier]')), [
        'slos[0].groupBy[1]: "app.tier" is listed twice',
      ]);
    });

    it('should refuse a key whose label would start with a digit', () => {
      assert.deepStrictEqual(issuesOf(slo('    groupBy: ["9.lives"]')), [
        'slos[0].groupBy[0]: "9.lives" would be the label 9_lives, which may not start with a digit',
      ]);
    });

    it('should refuse keys that would overwrite labels burnrate or the SLO writes', () => {
      assert.deepStrictEqual(issuesOf(slo('    groupBy: [slo.name, team]')), [
        'slos[0].groupBy[0]: "slo.name" would be the label slo_name, which burnrate writes itself',
        'slos[0].groupBy[1]: "team" would be the label team, which the SLO\'s labels set',
      ]);
    });

    it('should bound maxGroups and refuse it without groupBy', () => {
      assert.deepStrictEqual(issuesOf(slo('    groupBy: [a]\n    maxGroups: 0')), [
        'slos[0].maxGroups: must be a whole number from 1 to 1000, got 0',
      ]);
      assert.deepStrictEqual(issuesOf(slo('    groupBy: [a]\n    maxGroups: 2.5')), [
        'slos[0].maxGroups: must be a whole number from 1 to 1000, got 2.5',
      ]);
      assert.deepStrictEqual(issuesOf(slo('    maxGroups: 5')), [
        'slos[0].maxGroups: only applies with groupBy',
      ]);
    });
  });

  describe('OpenSLO', () => {
    it('should keep groupBy and maxGroups through an export and back', () => {
      const spec = parseSpec(slo('    groupBy: [http.route, app.tier]\n    maxGroups: 7'));
      const text = openSloYaml(spec);
      assert.match(text, /burnrate\/group-by: http\.route,app\.tier/);
      const back = parseSpec(text).slos[0];
      assert.deepStrictEqual([back.groupBy, back.maxGroups], [['http.route', 'app.tier'], 7]);
    });
  });

  describe('groupLabelName', () => {
    it('should render an attribute key as the Prometheus exporter does', () => {
      assert.strictEqual(groupLabelName('http.route'), 'http_route');
      assert.strictEqual(groupLabelName('app-tier'), 'app_tier');
      assert.strictEqual(groupLabelName('app..tier'), 'app_tier');
    });
  });
});
