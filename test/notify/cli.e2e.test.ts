import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startNode, type Child } from '../helpers/child';
import { TestReceiver } from '@burnrate/test-utils';
import { FAST_PAGE_SPEC } from './fast-page-spec';
import { otlpJson } from '../helpers/servers';
import { send } from '../collector/fixture';

const BIN = resolve(__dirname, '../../../packages/cli/bin/burnrate.js');

describe('burnrate collector --webhook-url', function () {
  this.timeout(60_000);
  let child: Child | undefined;
  let hook: TestReceiver;
  let dir = '';

  beforeEach(async () => {
    hook = new TestReceiver();
    await hook.start();
    dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-notify-'));
  });
  afterEach(async () => {
    await child?.stop();
    await hook.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should post a Slack message for a burst of failing spans, with the header given', async () => {
    writeFileSync(join(dir, 'burnrate.yaml'), FAST_PAGE_SPEC);
    child = startNode(
      [
        BIN,
        'collector',
        '--config',
        join(dir, 'burnrate.yaml'),
        '--http-port',
        '0',
        '--grpc-port',
        'off',
        '--metrics-port',
        'off',
        '--webhook-url',
        `${hook.url}/one`,
        '--webhook-url',
        `${hook.url}/two`,
        '--webhook-format',
        'slack',
        '--webhook-header',
        'X-Team: payments',
        '--alert-evaluation-interval',
        '500ms',
      ],
      { cwd: dir }
    );
    let port = 0;
    const deadline = Date.now() + 20_000;
    while (port === 0 && Date.now() < deadline) {
      const m = /OTLP\/HTTP http:\/\/127\.0\.0\.1:(\d+)\/v1\/traces/.exec(child.stderr());
      if (m) port = Number(m[1]);
      else await new Promise(r => setTimeout(r, 100));
    }
    assert.ok(port > 0, child.stderr());
    assert.match(child.stderr(), /alerts evaluated every 500 ms for 2 receivers/);
    const body = otlpJson(
      'checkout',
      Array.from({ length: 30 }, () => ({ route: '/api/orders', method: 'POST', status: 502 }))
    );
    assert.strictEqual(
      (await send(port, 'POST', '/v1/traces', body, { 'content-type': 'application/json' })).status,
      200
    );
    await hook.waitFor(2, 15_000);
    assert.deepStrictEqual(hook.requests.map(r => r.path).sort(), ['/one', '/two']);
    for (const r of hook.requests) {
      assert.strictEqual(r.headers['x-team'], 'payments');
      const b = JSON.parse(r.body) as { text: string; blocks: unknown[] };
      assert.match(b.text, /FIRING page: SLO checkout-availability/);
      assert.match(
        JSON.stringify(b.blocks),
        /\(30\) 502 on POST \/api\/orders \(status, version 1\.0\.0\)/
      );
    }
  });
});
