import * as assert from 'node:assert';
import { stringify } from 'yaml';
import { generateRules, generateRuleTests } from '../src';
import { promtool, tempFiles } from './promtool';
import { windowsSpec } from './specs';

/** Writes rules (optionally tampered with) and every generated test file, and runs promtool test rules. */
function runGenerated(slos: string[], tamper: (rules: string, slo: string) => string = r => r) {
  const spec = windowsSpec();
  const files: Record<string, string> = {};
  const tests: string[] = [];
  for (const name of slos) {
    const slo = spec.slos.find(s => s.name === name)!;
    files[`${name}.rules.yaml`] = tamper(generateRules(spec, { slos: [name] }), name);
    for (const t of generateRuleTests(slo, { ruleFiles: [`${name}.rules.yaml`] })) {
      files[`${t.name}.test.yaml`] = stringify(t.file, { lineWidth: 0 });
      tests.push(`${t.name}.test.yaml`);
    }
  }
  const dir = tempFiles(files);
  try {
    return { ...promtool(['test', 'rules', ...tests], dir.dir), tests };
  } finally {
    dir.cleanup();
  }
}

describe('generateRuleTests', () => {
  const ALL = [
    'rolling-7d',
    'rolling-28d',
    'rolling-30d',
    'rolling-90d',
    'calendar-month',
    'custom-tiers',
    'short-1h',
    'short-1d',
    'timeslices-28d',
  ];

  it('should pass promtool test rules: each tier fires on time, blips and zero traffic fire nothing', function () {
    this.timeout(600_000); // ~40 promtool files: ~10 s alone, minutes on a loaded machine
    const r = runGenerated(ALL);
    assert.strictEqual(r.status, 0, r.output);
    // 4 default tiers × 6 SLOs, 3 for short-1h (two of its page tiers round to the same 1m/1m
    // windows; the lower threshold is kept) + 3 custom tiers, each file also holding a blip
    // test; one slices file for the timeslices SLO; + one idle file per SLO
    assert.strictEqual(r.tests.length, 4 * 6 + 3 + 3 + 1 + 9);
    assert.strictEqual(r.output.match(/SUCCESS/g)?.length, r.tests.length);
  });

  it('should catch a page threshold 4x too high on a 7d SLO (under-paging)', () => {
    // 53.76 instead of 13.44 (the 28 d threshold over windows scaled to 15m/1m): the
    // incident at 2 × 13.44 must then fail to page
    const r = runGenerated(['rolling-7d'], rules => rules.split('>= 13.44').join('>= 53.76'));
    assert.notStrictEqual(r.status, 0);
    assert.match(r.output, /FAILED:\s+expr: "ALERTS\{.*slo_long_window=\\"15m\\".*time: 24m12s/);
  });

  it('should catch an alert that ignores the long window (a blip would page)', () => {
    const r = runGenerated(['rolling-28d'], rules =>
      rules.replace(
        /max without \(slo_window\) \(slo:burn_rate:rate\{slo_name="rolling-28d",slo_window="1h"\}\) >= 13.44 \* \(1 - 1e-9\)\n\s*and\n\s*/,
        ''
      )
    );
    assert.notStrictEqual(r.status, 0);
    assert.match(r.output, /expr: "ALERTS\{.*slo_long_window=\\"1h\\".*time: 1h1m,\n\s+exp: nil/);
  });

  it('should catch an unguarded division (NaN or nothing without traffic)', () => {
    const r = runGenerated(['short-1d'], rules => rules.split('\n          or vector(0)').join(''));
    assert.notStrictEqual(r.status, 0);
    assert.match(r.output, /slo:burn_rate:rate/);
  });
});
