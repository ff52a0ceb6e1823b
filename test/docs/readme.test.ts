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

describe('README (root) snippets, as pasted', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('should hold a spec that validates', async () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme);
    assert.ok(yaml);
    const { parseSpec } = await import('@burnrate/core');
    assert.strictEqual(parseSpec(yaml[1]).slos.length, 2);
  });

  it('should count an Express app exactly with the NodeSDK snippet, scrapes left out, on loopback', async () => {
    const snippet = firstJsBlock('README.md');
    const { freePort, http, startNode, waitForHttp } = await import('../helpers/child');
    const { parsePrometheusText, sampleValue } = await import('../helpers/prom-text');
    const [appPort, metricsPort] = [await freePort(), await freePort()];
    const spec = path.join(ROOT, 'test', 'install', 'apps', 'burnrate.yaml');
    const code = snippet
      .replace("'burnrate.yaml'", JSON.stringify(spec))
      .replace("serviceName: 'checkout'", "serviceName: 'shop'")
      .replace('const metricsPort = 9464;', `const metricsPort = ${metricsPort};`);
    assert.notStrictEqual(code, snippet);
    const app = `${code}
const express = require('express');
const app = express();
app.get('/api/items/:id', (req, res) => res.status(req.params.id === '7' ? 503 : 200).send('x'));
app.listen(${appPort}, '127.0.0.1');
`;
    const child = startNode(['-e', app], { cwd: ROOT });
    try {
      await waitForHttp(appPort, '/api/items/0', 30_000, child);
      for (let id = 1; id <= 10; id++) await http(appPort, 'GET', `/api/items/${id}`);
      let good = 0;
      let bad = 0;
      for (let i = 0; i < 100 && good + bad < 11; i++) {
        const samples = parsePrometheusText((await http(metricsPort, 'GET', '/metrics')).body);
        const read = (outcome: string) => {
          try {
            return sampleValue(samples, 'slo_events_total', {
              slo_name: 'items-availability',
              slo_outcome: outcome,
            });
          } catch {
            return 0;
          }
        };
        good = read('good');
        bad = read('bad');
        if (good + bad < 11) await new Promise(r => setTimeout(r, 100));
      }
      // /api/items/0 (the readiness probe) and 1..10; 7 answers 503; no scrape counted
      assert.strictEqual(good, 10, child.stderr());
      assert.strictEqual(bad, 1, child.stderr());
    } finally {
      await child.stop();
    }
  });
});
