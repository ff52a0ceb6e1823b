import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');

/** The first fenced JavaScript block of a markdown file. */
function firstJsBlock(file: string): string {
  const m = /```js\n([\s\S]*?)```/.exec(readFileSync(path.join(ROOT, file), 'utf8'));
  assert.ok(m, `${file} has a js example`);
  return m[1];
}

describe('README examples', () => {
  it('should run the @burnrate/core example and print the numbers its comments state', () => {
    const out = execFileSync(process.execPath, ['-e', firstJsBlock('packages/core/README.md')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.match(out, /sli: 0\.997/);
    assert.match(out, /remaining: -2/);
    assert.match(out, /burn5m: 3/);
    assert.match(out, /firing: \{ page: false, ticket: true \}/);
    assert.match(out, /status: 'exhausted'/);
    assert.match(out, /^43\.2 minutes of budget$/m);
  });
});
