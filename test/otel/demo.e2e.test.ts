import * as assert from 'node:assert';
import { resolve } from 'node:path';
import { isListening, startNode, type Child } from '../helpers/child';

const ROOT = resolve(__dirname, '../../..');
const DEMO = resolve(ROOT, 'examples/demo/run.js');

function ports(output: string): number[] {
  const m = /checkout on http:\/\/127\.0\.0\.1:(\d+), metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(
    output
  );
  assert.ok(m, `no ports in:\n${output}`);
  return [Number(m[1]), Number(m[2])];
}

function pagePort(output: string): number {
  const m = /status page on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
  assert.ok(m, `no status page URL in:\n${output}`);
  return Number(m[1]);
}

describe('examples/demo/run.js', () => {
  let demo: Child | undefined;

  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
  });

  it('should show live SLO lines without a TTY, end by itself and leave no process behind', async () => {
    demo = startNode([DEMO], { cwd: ROOT, env: { ...process.env, DEMO_SECONDS: '5' } });
    const { code } = await demo.exited;
    const out = demo.stdout();
    assert.strictEqual(code, 0, `${out}\n${demo.stderr()}`);
    const lines = out.split('\n').filter(l => l.startsWith('t='));
    assert.ok(lines.length >= 6, `periodic lines for both SLOs:\n${out}`);
    assert.ok(
      lines.some(l => / slo=checkout-availability /.test(l) && / bad=[1-9]/.test(l)),
      'the incident shows'
    );
    assert.match(out, /burn_30s=\S+ burn_1m=\S+/);
    assert.match(out, /every process stopped/);
    for (const port of ports(out))
      assert.strictEqual(await isListening(port), false, `port ${port} closed`);
  });

  it('should stop on SIGINT and leave no process behind', async () => {
    demo = startNode([DEMO], { cwd: ROOT, env: { ...process.env, DEMO_SECONDS: '60' } });
    const deadline = Date.now() + 20_000;
    while (!/t=\d+s/.test(demo.stdout()) && Date.now() < deadline)
      await new Promise(r => setTimeout(r, 100));
    const [appPort, metricsPort] = ports(demo.stdout());
    assert.strictEqual(await isListening(metricsPort), true);
    // the printed status page answers, and its collector sees the service's traces
    const page = pagePort(demo.stdout());
    const html = await fetch(`http://127.0.0.1:${page}/`);
    assert.strictEqual(html.status, 200);
    assert.match(await html.text(), /<title>SLO status/);
    let eligible = 0;
    const until = Date.now() + 20_000;
    while (eligible === 0 && Date.now() < until) {
      const doc = (await (await fetch(`http://127.0.0.1:${page}/api/slos`)).json()) as {
        slos: Array<{ name: string; eligible: number }>;
      };
      assert.deepStrictEqual(doc.slos.map(s => s.name).sort(), [
        'checkout-availability',
        'checkout-latency',
      ]);
      eligible = doc.slos.find(s => s.name === 'checkout-availability')!.eligible;
      if (eligible === 0) await new Promise(r => setTimeout(r, 250));
    }
    assert.ok(eligible > 0, 'the collector counts the service spans');
    const started = Date.now();
    demo.process.kill('SIGINT');
    const { code } = await demo.exited;
    assert.strictEqual(code, 130);
    assert.ok(Date.now() - started < 6_000, 'stops promptly');
    assert.strictEqual(await isListening(appPort), false);
    assert.strictEqual(await isListening(metricsPort), false);
    assert.strictEqual(await isListening(page), false);
  });
});
