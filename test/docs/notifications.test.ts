import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');

describe('docs/notifications.md', () => {
  it("should hold an Alertmanager config that Debian's amtool accepts and that routes pages and tickets apart", () => {
    const text = readFileSync(path.join(ROOT, 'docs/notifications.md'), 'utf8');
    const m = /```yaml\n(global:[\s\S]*?)```/.exec(text);
    assert.ok(m, 'an Alertmanager config block');
    const dir = mkdtempSync(path.join(tmpdir(), 'burnrate-docs-'));
    try {
      const file = path.join(dir, 'alertmanager.yml');
      writeFileSync(file, m[1]);
      const check = execFileSync('amtool', ['check-config', file], { encoding: 'utf8' });
      assert.match(check, /SUCCESS/);
      assert.match(check, /1 inhibit rules/);
      const route = (severity: string) =>
        execFileSync(
          'amtool',
          [
            'config',
            'routes',
            'test',
            `--config.file=${file}`,
            'alertname=SloErrorBudgetBurn',
            `severity=${severity}`,
            'slo_name=checkout-availability',
          ],
          { encoding: 'utf8' }
        ).trim();
      assert.strictEqual(route('page'), 'slo-pager');
      assert.strictEqual(route('ticket'), 'slo-tickets');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
