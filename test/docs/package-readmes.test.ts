import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, http, startNode, waitForHttp } from '../helpers/child';
import { TestReceiver } from '@burnrate/test-utils';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text';
import { otlpJson, startAlertmanager, type ServerProcess } from '../helpers/servers';

const ROOT = path.join(__dirname, '..', '..', '..');
const PROMTOOL = 'promtool';

/** The first fenced JavaScript block of a package's README, as a user would paste it. */
function example(pkg: string): string {
  const file = path.join(ROOT, 'packages', pkg, 'README.md');
  const m = /```js\n([\s\S]*?)```/.exec(readFileSync(file, 'utf8'));
  assert.ok(m, `packages/${pkg}/README.md has a js example`);
  return m[1];
}

/** `text` with each `from` replaced; fails when one is not there (the README changed). */
function substitute(text: string, pairs: ReadonlyArray<[string, string]>): string {
  let out = text;
  for (const [from, to] of pairs) {
    assert.ok(out.includes(from), `the example no longer contains ${JSON.stringify(from)}`);
    out = out.split(from).join(to);
  }
  return out;
}

/**
 * Runs an example in a fresh folder (so files it writes land there), resolving
 * `@burnrate/*` and `@opentelemetry/*` from the repository's node_modules.
 */
async function runIn(
  dir: string,
  code: string
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  writeFileSync(path.join(dir, 'example.js'), code);
  // not spawnSync: the receivers these examples talk to run in this process
  const child = startNode(['example.js'], { cwd: dir, env: exampleEnv() });
  const timer = setTimeout(() => void child.stop(), 60_000);
  const end = await child.exited;
  clearTimeout(timer);
  return { status: end.code, stdout: child.stdout(), stderr: child.stderr() };
}

/** The environment of an example: `require` resolves from the repository. */
function exampleEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') };
}

describe('package README examples, run as pasted', function () {
  this.timeout(120_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'burnrate-readme-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should count a node:http app loaded with the @burnrate/otel instrumentation.js example (node --require), scrapes left out', async () => {
    const [appPort, metricsPort] = [await freePort(), await freePort()];
    writeFileSync(
      path.join(dir, 'instrumentation.js'),
      substitute(example('otel'), [
        ["serviceName: 'checkout'", "serviceName: 'shop'"],
        ['const metricsPort = 9464;', `const metricsPort = ${metricsPort};`],
      ])
    );
    writeFileSync(
      path.join(dir, 'burnrate.yaml'),
      [
        'slos:',
        '  - name: shop-availability',
        '    service: shop',
        '    objective: 99',
        '    window: 28d',
        '    sli: { spans: { kind: server }, good: { status: ok } }',
        '',
      ].join('\n')
    );
    writeFileSync(
      path.join(dir, 'app.js'),
      [
        "const http = require('node:http');",
        'http',
        "  .createServer((req, res) => res.writeHead(req.url === '/api/items/7' ? 503 : 200).end('x'))",
        `  .listen(${appPort}, '127.0.0.1');`,
      ].join('\n')
    );
    const child = startNode(['--require', './instrumentation.js', 'app.js'], {
      cwd: dir,
      env: exampleEnv(),
    });
    try {
      await waitForHttp(appPort, '/api/items/0', 30_000, child);
      for (let id = 1; id <= 10; id++) await http(appPort, 'GET', `/api/items/${id}`);
      const read = (samples: ReturnType<typeof parsePrometheusText>, outcome: string) =>
        samples.find(
          x =>
            x.name === 'slo_events_total' &&
            x.labels.slo_name === 'shop-availability' &&
            x.labels.slo_outcome === outcome
        )?.value ?? 0;
      let samples = parsePrometheusText((await http(metricsPort, 'GET', '/metrics')).body);
      for (let i = 0; i < 100 && read(samples, 'good') + read(samples, 'bad') < 11; i++) {
        await new Promise(r => setTimeout(r, 100));
        samples = parsePrometheusText((await http(metricsPort, 'GET', '/metrics')).body);
      }
      // the readiness probe /api/items/0 and 1..10; 7 answers 503; scrapes are not selected
      assert.strictEqual(read(samples, 'good'), 10, child.stderr());
      assert.strictEqual(read(samples, 'bad'), 1, child.stderr());
    } finally {
      await child.stop();
    }
  });

  it('should count @burnrate/metrics example spans on a real Prometheus exporter: 96 good, 4 bad', async () => {
    const port = await freePort();
    const r = await runIn(dir, substitute(example('metrics'), [['9464', String(port)]]));
    assert.strictEqual(r.status, 0, r.stderr);
    const samples = parsePrometheusText(r.stdout);
    const labels = { slo_name: 'items-availability' };
    assert.strictEqual(
      sampleValue(samples, 'slo_events_total', { ...labels, slo_outcome: 'good' }),
      96
    );
    assert.strictEqual(
      sampleValue(samples, 'slo_events_total', { ...labels, slo_outcome: 'bad' }),
      4
    );
  });

  it('should run the @burnrate/collector example: it counts what an OTLP client sends and saves its state on SIGTERM', async () => {
    const [httpPort, grpcPort, metricsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const code = substitute(example('collector'), [
      ['httpPort: 4318', `httpPort: ${httpPort}`],
      ['grpcPort: 4317', `grpcPort: ${grpcPort}`],
      ['metricsPort: 9464', `metricsPort: ${metricsPort}`],
    ]);
    writeFileSync(path.join(dir, 'example.js'), code);
    const child = startNode(['example.js'], { cwd: dir, env: exampleEnv() });
    try {
      await waitForHttp(httpPort, '/healthz', 30_000, child);
      const spans = [
        ...Array.from({ length: 9 }, () => ({ method: 'POST', route: '/api/orders', status: 201 })),
        { method: 'POST', route: '/api/orders', status: 503 },
        { method: 'GET', route: '/api/orders', status: 500 }, // not selected
      ];
      const sent = await fetch(`http://127.0.0.1:${httpPort}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: otlpJson('checkout', spans),
      });
      assert.strictEqual(sent.status, 200, await sent.text());
      const slos = JSON.parse((await http(httpPort, 'GET', '/api/slos')).body) as {
        slos: Array<{ name: string; sli: number }>;
      };
      const slo = slos.slos.find(s => s.name === 'checkout-availability');
      assert.ok(slo, JSON.stringify(slos));
      assert.strictEqual(slo.sli, 0.9);
      const metrics = parsePrometheusText((await http(metricsPort, 'GET', '/metrics')).body);
      assert.strictEqual(
        sampleValue(metrics, 'slo_events_total', {
          slo_name: 'checkout-availability',
          slo_outcome: 'bad',
        }),
        1
      );
      assert.match(child.stdout(), new RegExp(`http://127\\.0\\.0\\.1:${httpPort}/v1/traces`));
    } finally {
      const end = await child.stop();
      assert.strictEqual(end.code, 0, child.stderr());
    }
    assert.ok(existsSync(path.join(dir, 'burnrate-state.json')), 'the state file was written');
  });

  describe('@burnrate/notify', () => {
    let am: ServerProcess | undefined;
    const hook = new TestReceiver();

    after(async () => {
      await am?.stop();
      await hook.stop();
    });

    it('should deliver the example page to a real Alertmanager and the webhook', async () => {
      await hook.start();
      am = await startAlertmanager(
        dir,
        ['route:', '  receiver: none', 'receivers:', '  - name: none', ''].join('\n')
      );
      const unreachable = `http://127.0.0.1:${await freePort()}`;
      const r = await runIn(
        dir,
        substitute(example('notify'), [
          ['http://alertmanager-0:9093', `http://127.0.0.1:${am.port}`],
          ['http://alertmanager-1:9093', unreachable], // one replica down: the other still gets it
          ['https://hooks.slack.com/services/T000/B000/XXXX', `${hook.url}/hook`],
        ])
      );
      assert.strictEqual(r.status, 0, r.stderr);
      assert.match(r.stdout, /^4 alerts changed state \{ page: true, ticket: true \}$/m);
      const alerts = JSON.parse((await http(am.port, 'GET', '/api/v2/alerts')).body) as Array<{
        labels: Record<string, string>;
        annotations: Record<string, string>;
      }>;
      const mine = alerts.filter(a => a.labels.slo_name === 'checkout-availability');
      assert.deepStrictEqual(
        mine.map(a => a.labels.severity).sort(),
        ['page', 'page', 'ticket', 'ticket'],
        JSON.stringify(alerts)
      );
      assert.ok(mine.every(a => a.annotations.runbook_url === 'https://runbooks.example/checkout'));
      await hook.waitFor(4);
      const firing = hook.requests.map(
        q => JSON.parse(q.body) as { status?: string; slo?: unknown }
      );
      assert.strictEqual(firing.length, 4, JSON.stringify(firing));
      assert.ok(hook.requests.every(q => q.body.includes('checkout-availability')));
    });
  });

  it('should write the @burnrate/rules example files, print the alert tiers, and pass promtool', async () => {
    const r = await runIn(dir, example('rules'));
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(
      r.stdout.trim(),
      "[ 'page 1h/5m', 'page 6h/30m', 'ticket 1d/2h', 'ticket 3d/6h' ]"
    );
    for (const f of ['slo-rules.yaml', 'slo-rules.k8s.yaml', 'slo-dashboard.json'])
      assert.ok(existsSync(path.join(dir, f)), f);
    const check = spawnSync(PROMTOOL, ['check', 'rules', 'slo-rules.yaml'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.strictEqual(check.status, 0, check.stdout + check.stderr);
    const dashboard = JSON.parse(readFileSync(path.join(dir, 'slo-dashboard.json'), 'utf8')) as {
      title: string;
    };
    assert.strictEqual(dashboard.title, 'Checkout SLOs');
  });
});
