import * as assert from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadSpec, SloEngine, type SpanView } from '@burnrate/core';
import { slosResponse, startCollector, silentLogger } from '@burnrate/collector';
import { parse } from 'yaml';
import { main } from '../src';
import { notificationFlags } from '../src/commands/collector';
import { capture } from './capture';

const BIN = path.join(__dirname, '..', '..', 'bin', 'burnrate.js');
const DESIGN = path.join(__dirname, '..', '..', '..', 'core', 'test', 'fixtures', 'design.yaml');

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'burnrate-cli-'));
}

/** An HTTP server span of checkout. */
function http(route: string, status: number, endTimeMs: number, traceId?: string): SpanView {
  const [method, r] = route.split(' ');
  const attrs: Record<string, unknown> = {
    'http.request.method': method,
    'http.route': r,
    'http.response.status_code': status,
    'app.payload.valid': true,
  };
  return {
    kind: 1,
    name: route,
    endTimeMs,
    durationMs: 20,
    statusCode: status >= 500 ? 2 : 0,
    serviceName: 'checkout',
    serviceVersion: '2.4.1',
    traceId,
    spanId: traceId?.slice(0, 16),
    attribute: k => attrs[k] as never,
  };
}

describe('burnrate CLI commands', () => {
  describe('rules', () => {
    it('should print Prometheus rule groups for every SLO', async () => {
      const io = capture();
      assert.strictEqual(await main(['rules', DESIGN], io), 0);
      const doc = parse(io.stdout);
      assert.deepStrictEqual(
        doc.groups
          .map((g: { name: string }) => g.name)
          .filter((n: string) => n.endsWith('availability')).length > 0,
        true
      );
      const alerts = doc.groups.flatMap(
        (g: { rules: { alert?: string; labels?: Record<string, string> }[] }) =>
          g.rules.filter(r => r.alert !== undefined)
      );
      assert.ok(
        alerts.some((a: { labels?: Record<string, string> }) => a.labels?.severity === 'page')
      );
    });

    it('should wrap the groups in a PrometheusRule and write to a file', async () => {
      const out = path.join(tmp(), 'rules.yaml');
      const io = capture();
      assert.strictEqual(
        await main(['rules', DESIGN, '--format', 'prometheus-operator', '-o', out], io),
        0
      );
      const doc = parse(readFileSync(out, 'utf8'));
      assert.strictEqual(doc.kind, 'PrometheusRule');
      assert.ok(doc.spec.groups.length > 0);
      assert.match(io.stderr, /wrote prometheus-operator rules to /);
    });

    it('should refuse an unknown format and a bad spec', async () => {
      const io = capture();
      assert.strictEqual(await main(['rules', DESIGN, '--format', 'thanos'], io), 2);
      assert.match(io.stderr, /--format must be prometheus or prometheus-operator, got "thanos"/);
      const bad = path.join(tmp(), 'bad.yaml');
      writeFileSync(bad, 'slos: []\n');
      const io2 = capture();
      assert.strictEqual(await main(['rules', bad], io2), 1);
      assert.match(io2.stderr, /slos: must be a non-empty list of SLOs/);
    });
  });

  describe('--scrape-interval', () => {
    const SPEC = `
slos:
  - { name: month, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
  - { name: day, objective: 99.9, window: 1d, sli: { good: { status: ok } } }
`;
    function specFile(): string {
      const file = path.join(tmp(), 'burnrate.yaml');
      writeFileSync(file, SPEC);
      return file;
    }

    it('should warn on stderr when a short window is under four scrape intervals', async () => {
      const file = specFile();
      // 1m (Prometheus's default): the 28 d SLO's 5m short window is over 4m, the 1 d SLO's are not
      const io = capture();
      assert.strictEqual(await main(['rules', file], io), 0);
      assert.ok(parse(io.stdout).groups.length >= 2);
      const warnings = io.stderr.split('\n').filter(l => l.startsWith('warning: '));
      assert.ok(warnings.length > 0, io.stderr);
      assert.ok(
        warnings.every(w => w.includes('slos[1] (day)')),
        io.stderr
      );
      assert.match(io.stderr, /is under four scrape intervals \(4 × 1m = 4m\)/);
      assert.match(io.stderr, /page 2m(8s571ms)?\/(1m|10s714ms)/);
      // at 15 s the 28 d SLO is fine; at 2 m its 5 m short window is not
      const fast = capture();
      assert.strictEqual(await main(['rules', file, '--scrape-interval', '15s'], fast), 0);
      assert.doesNotMatch(fast.stderr, /slos\[0\]/);
      const slow = capture();
      assert.strictEqual(await main(['rules', file, '--scrape-interval', '2m'], slow), 0);
      assert.match(
        slow.stderr,
        /warning: slos\[0\] \(month\): short window 5m \(page 1h\/5m\) is under four scrape intervals \(4 × 2m = 8m\)/
      );
    });

    it('should make validate say the same', async () => {
      const file = specFile();
      const rules = capture();
      await main(['rules', file, '--scrape-interval', '2m'], rules);
      const io = capture();
      assert.strictEqual(await main(['validate', file, '--scrape-interval', '2m'], io), 0);
      assert.match(io.stdout, /2 SLOs valid/);
      assert.strictEqual(io.stderr, rules.stderr.replace(/^wrote.*\n/m, ''));
      assert.ok(io.stderr.length > 0);
    });

    it('should refuse a bad duration, naming the flag', async () => {
      const io = capture();
      assert.strictEqual(await main(['rules', specFile(), '--scrape-interval', 'often'], io), 2);
      assert.match(
        io.stderr,
        /--scrape-interval must be a duration such as 15s, 30s or 1m, got "often"/
      );
      const v = capture();
      assert.strictEqual(await main(['validate', specFile(), '--scrape-interval', '0s'], v), 2);
      assert.match(v.stderr, /--scrape-interval must be a duration/);
    });

    it("should set every group's evaluation interval with --interval", async () => {
      const io = capture();
      assert.strictEqual(await main(['rules', specFile(), '--interval', '30s'], io), 0);
      const groups = parse(io.stdout).groups as Array<{ interval?: string }>;
      assert.ok(groups.length >= 2 && groups.every(g => g.interval === '30s'), io.stdout);
      const bad = capture();
      assert.strictEqual(await main(['rules', specFile(), '--interval', 'soon'], bad), 2);
      assert.match(bad.stderr, /--interval must be a duration/);
    });
  });

  describe('validate', () => {
    it('should describe a journey SLO by its entry, mustSucceed and decision wait', async () => {
      const file = path.join(tmp(), 'journey.yaml');
      writeFileSync(
        file,
        `slos:
  - name: checkout-journey
    service: web
    objective: 99.5
    window: 28d
    sli:
      trace:
        entry: { routes: ["POST /checkout"] }
        mustSucceed: [ { service: payments }, { service: stock } ]
        decisionWait: 10s
      good: { status: ok, latency: 2s }
`
      );
      const io = capture();
      assert.strictEqual(await main(['validate', file], io), 0);
      assert.match(
        io.stdout,
        /checkout-journey: 99.5 % over 28d rolling; service web, journeys entered by server spans, 1 route, 2 must succeed, decision wait 10s; good: status, latency ≤ 2s;/
      );
    });
  });

  describe('dashboard', () => {
    it('should print a Grafana dashboard', async () => {
      const io = capture();
      assert.strictEqual(await main(['dashboard', DESIGN], io), 0);
      const d = JSON.parse(io.stdout);
      assert.ok(Array.isArray(d.panels) && d.panels.length > 0);
      assert.ok(d.schemaVersion >= 39);
    });
  });

  describe('status and gate', () => {
    const now = Date.UTC(2026, 5, 1, 12);
    function saved(badPer1000: number): string {
      const engine = new SloEngine({ spec: loadSpec(DESIGN), clock: { now: () => now } });
      for (let i = 0; i < 1000; i++)
        engine.record(http('POST /api/orders', i < badPer1000 ? 503 : 201, now - i * 1000));
      const file = path.join(tmp(), 'slos.json');
      const explanations = engine.states.map(s => engine.explain(s.slo.name, now)!);
      writeFileSync(file, JSON.stringify(slosResponse(engine.snapshot(now), now, explanations)));
      return file;
    }

    it('should show every SLO from a saved /api/slos', async () => {
      const io = capture();
      assert.strictEqual(await main(['status', '--input', saved(0)], io), 0);
      const lines = io.stdout.trim().split('\n');
      assert.match(lines[0], /^SLO +objective +window +SLI +budget left +burn rates +exhausts in/);
      assert.match(
        lines[1],
        /^checkout-availability +99\.9 % +28d +100 % +100 % +5m 0\.00 {2}30m 0\.00 {2}1h 0\.00 {2}2h 0\.00 {2}6h 0\.00 {2}1d 0\.00 {2}3d 0\.00 .* healthy +-$/
      );
      assert.strictEqual(lines.length, 4);
    });

    it('should show the top offender of each SLO', async () => {
      const io = capture();
      assert.strictEqual(await main(['status', '--input', saved(5)], io), 0);
      const line = io.stdout.split('\n').find(l => l.startsWith('checkout-availability'));
      assert.match(line!, / 503 POST \/api\/orders \(status, 2\.4\.1\) 100%$/);
    });

    it("should show each SLO's own windows, shortest first, and JSON without float noise", async () => {
      const report = (name: string, window: string, burnRates: Record<string, number>) => ({
        name,
        service: null,
        objective: 0.99,
        window,
        eligible: 10,
        good: 10,
        bad: 0,
        sli: 1,
        budget: 0.1,
        remaining: 1,
        burnRates,
        timeToExhaustionSeconds: null,
        firing: { page: false, ticket: false },
        status: 'healthy',
        events: { good: 10, bad: 0 },
      });
      const file = path.join(tmp(), 'slos.json');
      writeFileSync(
        file,
        JSON.stringify({
          time: '2026-06-01T12:00:00.000Z',
          slos: [
            report('a', '28d', { '1h': 0.5, '5m': 0.25, '30m': 1, '6h': 0, '1d': 0, '3d': 0 }),
            report('b', '1d', { '3m': 1 - 0.99999, '1h': 14.4 }),
          ],
        })
      );
      const io = capture();
      assert.strictEqual(await main(['status', '--input', file], io), 0);
      const lines = io.stdout.trim().split('\n');
      assert.match(
        lines[1],
        / 5m 0\.25 {2}30m 1\.00 {2}1h 0\.50 {2}6h 0\.00 {2}1d 0\.00 {2}3d 0\.00 /
      );
      assert.match(lines[2], /^b +99 % +1d .* 3m 0\.00 {2}1h 14\.40 /);
      const json = capture();
      assert.strictEqual(await main(['status', '--input', file, '--json'], json), 0);
      assert.ok(json.stdout.includes('"3m": 0.00001,'), json.stdout);
      assert.ok(json.stdout.includes('"budget": 0.1,'));
    });

    it('should not approve an SLO without data unless --allow-no-data', async () => {
      // issue #10: dead instrumentation read 100 % healthy and gate approved
      const clock = { t: now - 2 * 3_600_000, now: () => clock.t };
      const engine = new SloEngine({ spec: loadSpec(DESIGN), clock });
      clock.t = now;
      for (let i = 0; i < 100; i++) engine.record(http('POST /api/orders', 201, now));
      const file = path.join(tmp(), 'slos.json');
      const explanations = engine.states.map(s => engine.explain(s.slo.name, now)!);
      writeFileSync(file, JSON.stringify(slosResponse(engine.snapshot(now), now, explanations)));
      const status = capture();
      assert.strictEqual(await main(['status', '--input', file], status), 0);
      assert.match(status.stdout, /\norders-latency .* no-data\s/);
      const io = capture();
      assert.strictEqual(await main(['gate', '--input', file, '--json'], io), 1);
      const out = JSON.parse(io.stdout);
      assert.strictEqual(out.decision, 'defer');
      const latency = out.slos.find((s: { slo: string }) => s.slo === 'orders-latency');
      assert.strictEqual(latency.decision, 'defer');
      assert.match(latency.reasons.join('; '), /status no-data/);
      const allowed = capture();
      assert.strictEqual(await main(['gate', '--input', file, '--allow-no-data'], allowed), 0);
      assert.match(allowed.stdout, /decision: approve \(pass/);
    });

    it('should approve a healthy service and block an exhausted one', async () => {
      const ok = capture();
      assert.strictEqual(await main(['gate', '--input', saved(0)], ok), 0);
      assert.match(ok.stdout, /decision: approve \(pass/);
      // 5 bad of 1000 at 99.9 %: budget 1, remaining -4 → exhausted → block
      const bad = capture();
      assert.strictEqual(await main(['gate', '--input', saved(5), '--json'], bad), 1);
      const out = JSON.parse(bad.stdout);
      assert.strictEqual(out.decision, 'block');
      assert.strictEqual(
        out.slos.find((s: { slo: string }) => s.slo === 'checkout-availability').decision,
        'block'
      );
      assert.strictEqual(
        out.slos.find((s: { slo: string }) => s.slo === 'orders-latency').decision,
        'approve'
      );
    });

    it('should gate on named SLOs only', async () => {
      const io = capture();
      assert.strictEqual(
        await main(['gate', '--input', saved(5), '--slo', 'orders-latency'], io),
        0
      );
      const missing = capture();
      assert.strictEqual(
        await main(['gate', '--input', saved(5), '--slo', 'orders-latncy'], missing),
        1
      );
      assert.strictEqual(
        missing.stderr,
        'burnrate: no SLO named "orders-latncy" (did you mean "orders-latency"?)\n'
      );
    });

    it('should read a running collector over HTTP', async () => {
      const collector = await startCollector({
        spec: DESIGN,
        httpPort: 0,
        grpcPort: false,
        metricsPort: false,
        logger: silentLogger,
      });
      try {
        const t = Date.now();
        for (let i = 0; i < 100; i++) collector.engine.record(http('GET /api/orders/:id', 200, t));
        const io = capture();
        const url = `http://127.0.0.1:${collector.httpPort}/api/slos`;
        assert.strictEqual(await main(['gate', '--url', url, '--json'], io), 0);
        assert.strictEqual(JSON.parse(io.stdout).decision, 'approve');
        const status = capture();
        assert.strictEqual(await main(['status', '--url', url, '--json'], status), 0);
        assert.strictEqual(JSON.parse(status.stdout).slos[0].eligible, 100);
      } finally {
        await collector.close();
      }
    });

    it('should explain an SLO of a running collector in words and JSON', async () => {
      const collector = await startCollector({
        spec: DESIGN,
        httpPort: 0,
        grpcPort: false,
        metricsPort: false,
        logger: silentLogger,
      });
      try {
        const t = Date.now();
        const sent: string[] = [];
        for (let i = 0; i < 200; i++) {
          const bad = i % 4 === 0;
          const id = (i + 1).toString(16).padStart(32, '0');
          if (bad) sent.push(id);
          collector.engine.record(http('GET /api/orders/:id', bad ? 503 : 200, t, id));
        }
        const base = `http://127.0.0.1:${collector.httpPort}`;
        const text = capture();
        assert.strictEqual(
          await main(['explain', 'checkout-availability', '--url', base], text),
          0
        );
        assert.match(text.stdout, /^checkout-availability is /);
        assert.ok(
          text.stdout.includes('1. 100% (50) 503 on GET /api/orders/:id (status, version 2.4.1)'),
          text.stdout
        );
        const json = capture();
        const slos = `${base}/api/slos`;
        assert.strictEqual(
          await main(['explain', 'checkout-availability', '--url', slos, '--json'], json),
          0
        );
        const e = JSON.parse(json.stdout);
        assert.strictEqual(e.slo, 'checkout-availability');
        assert.deepStrictEqual(
          e.top.map((o: Record<string, unknown>) => [
            o.route,
            o.code,
            o.reason,
            o.version,
            o.bad,
            o.share,
          ]),
          [['GET /api/orders/:id', 503, 'status', '2.4.1', 50, 1]]
        );
        assert.deepStrictEqual(e.traceIds, sent.slice(-5).reverse());
        const status = capture();
        assert.strictEqual(await main(['status', '--url', slos], status), 0);
        assert.match(status.stdout, /503 GET \/api\/orders\/:id \(status, 2\.4\.1\) 100%/);
        const missing = capture();
        assert.strictEqual(
          await main(['explain', 'checkout-availabilty', '--url', base], missing),
          1
        );
        assert.match(
          missing.stderr,
          /no SLO named "checkout-availabilty" at http:\/\/127\.0\.0\.1:\d+\/api\/slos \(did you mean "checkout-availability"\?\)/
        );
      } finally {
        await collector.close();
      }
    });

    it('should send the bearer token of --token-file or BURNRATE_TOKEN to a collector that requires one', async () => {
      const collector = await startCollector({
        spec: DESIGN,
        httpPort: 0,
        grpcPort: false,
        metricsPort: false,
        logger: silentLogger,
        token: 'cli-s3cret',
      });
      const saved = process.env.BURNRATE_TOKEN;
      delete process.env.BURNRATE_TOKEN;
      try {
        const t = Date.now();
        for (let i = 0; i < 40; i++)
          collector.engine.record(http('GET /api/orders/:id', i < 2 ? 503 : 200, t));
        const base = `http://127.0.0.1:${collector.httpPort}`;
        const dir = tmp();
        const good = path.join(dir, 'token');
        writeFileSync(good, 'cli-s3cret\nsecond line ignored\n');
        const wrong = path.join(dir, 'wrong');
        writeFileSync(wrong, 'not-it\n');
        const commands: string[][] = [
          ['status', '--url', `${base}/api/slos`, '--json'],
          ['gate', '--url', `${base}/api/slos`, '--allow', 'block', '--json'],
          ['explain', 'checkout-availability', '--url', base, '--json'],
          ['report', '--period', '7d', '--url', base, '--format', 'json'],
        ];
        for (const args of commands) {
          const refused = capture();
          assert.strictEqual(await main(args, refused), 1, `${args[0]} without a token`);
          assert.match(
            refused.stderr,
            /HTTP 401 \(a bearer token is required: give --token-file FILE or set BURNRATE_TOKEN\)/,
            args[0]
          );
          const wrongToken = capture();
          assert.strictEqual(await main([...args, '--token-file', wrong], wrongToken), 1);
          assert.match(wrongToken.stderr, /HTTP 401 \(the bearer token was refused\)/, args[0]);
          const withFile = capture();
          assert.strictEqual(await main([...args, '--token-file', good], withFile), 0, args[0]);
          process.env.BURNRATE_TOKEN = 'cli-s3cret';
          const withEnv = capture();
          assert.strictEqual(await main(args, withEnv), 0, `${args[0]} with BURNRATE_TOKEN`);
          delete process.env.BURNRATE_TOKEN;
          assert.strictEqual(withEnv.stdout.length > 0, true);
          if (args[0] === 'status') {
            const slo = JSON.parse(withFile.stdout).slos[0];
            assert.deepStrictEqual(
              [slo.name, slo.eligible, slo.bad],
              ['checkout-availability', 40, 2]
            );
          }
          if (args[0] === 'explain') assert.strictEqual(JSON.parse(withEnv.stdout).top[0].bad, 2);
        }
        const both = capture();
        assert.strictEqual(
          await main(
            ['report', '--period', '7d', '--url', base, '--token-file', good, '--token', 'x'],
            both
          ),
          2
        );
        assert.match(both.stderr, /give one of --token and --token-file, not both/);
        const missingFile = capture();
        assert.strictEqual(
          await main(
            ['status', '--url', base, '--token-file', path.join(dir, 'none')],
            missingFile
          ),
          2
        );
        assert.match(missingFile.stderr, /--token-file: cannot read .*none/);
      } finally {
        if (saved === undefined) delete process.env.BURNRATE_TOKEN;
        else process.env.BURNRATE_TOKEN = saved;
        await collector.close();
      }
    });

    it('should say where it failed when no collector answers', async () => {
      const io = capture();
      assert.strictEqual(await main(['status', '--url', 'http://127.0.0.1:9/api/slos'], io), 1);
      assert.match(io.stderr, /http:\/\/127\.0\.0\.1:9\/api\/slos: fetch failed/);
    });
  });

  describe('collector', () => {
    it('should turn repeated --alertmanager-url and --webhook-url flags into receivers', () => {
      assert.deepStrictEqual(
        notificationFlags({
          alertmanagerUrls: ['http://am-0:9093', 'http://am-1:9093'],
          alertmanagerHeaders: ['X-Scope-OrgID: team-a'],
          webhookUrls: ['https://hooks.example/a'],
          webhookFormat: 'slack',
          webhookToken: 's3cret',
          alertEvaluationInterval: '5s',
        }),
        {
          alertmanagers: [
            { url: 'http://am-0:9093', headers: { 'X-Scope-OrgID': 'team-a' } },
            { url: 'http://am-1:9093', headers: { 'X-Scope-OrgID': 'team-a' } },
          ],
          webhooks: [{ url: 'https://hooks.example/a', token: 's3cret', format: 'slack' }],
          alertEvaluationIntervalMs: 5_000,
        }
      );
      assert.deepStrictEqual(notificationFlags({}), {});
    });

    it('should refuse a bad notification flag with exit code 2', async () => {
      const io = capture();
      assert.strictEqual(
        await main(
          [
            'collector',
            '--config',
            DESIGN,
            '--webhook-url',
            'http://x/',
            '--webhook-format',
            'xml',
          ],
          io
        ),
        2
      );
      assert.match(io.stderr, /--webhook-format must be json or slack, got "xml"/);
      const io2 = capture();
      assert.strictEqual(
        await main(
          [
            'collector',
            '--config',
            DESIGN,
            '--alertmanager-url',
            'ftp://am',
            '--http-port',
            '0',
            '--grpc-port',
            'off',
            '--metrics-port',
            'off',
          ],
          io2
        ),
        1
      );
      assert.match(io2.stderr, /alertmanagers\[0\]\.url: must be http:\/\/ or https:\/\//);
    });

    it('should refuse a bad spec before listening, naming the path', () => {
      const bad = path.join(tmp(), 'bad.yaml');
      writeFileSync(
        bad,
        'slos:\n  - name: x\n    objective: 99\n    window: 28d\n    sli: { good: { latency: soon } }\n'
      );
      const r = spawnSync(process.execPath, [BIN, 'collector', '--config', bad], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.strictEqual(r.status, 1);
      assert.match(r.stderr, /slos\[0\]\.sli\.good\.latency: must be a duration/);
    });

    it('should serve until SIGTERM, then save its state and exit 0', async () => {
      const dir = tmp();
      const state = path.join(dir, 'state.json');
      const child = spawn(
        process.execPath,
        [
          BIN,
          'collector',
          '--config',
          DESIGN,
          '--http-port',
          '0',
          '--grpc-port',
          '0',
          '--metrics-port',
          '0',
          '--state-file',
          state,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] }
      );
      let stderr = '';
      child.stderr.on('data', d => (stderr += d));
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${stderr}`)), 20_000);
        child.stderr.on('data', () => {
          const m = /OTLP\/HTTP http:\/\/127\.0\.0\.1:(\d+)\/v1\/traces/.exec(stderr);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.strictEqual(res.status, 200);
      const code = await new Promise<number | null>(resolve => {
        child.on('exit', c => resolve(c));
        child.kill('SIGTERM');
      });
      assert.strictEqual(code, 0, stderr);
      assert.match(stderr, /SIGTERM, saving state and stopping/);
      assert.ok(JSON.parse(readFileSync(state, 'utf8')));
    });
  });
});

describe('burnrate collector lifecycle', () => {
  /** Starts `burnrate collector` through `sh`, as npx does; resolves when it listens. */
  async function startViaShell(state: string, extra: string[] = []) {
    const args = [
      BIN,
      'collector',
      '--config',
      DESIGN,
      '--http-port',
      '0',
      '--grpc-port',
      'off',
      '--metrics-port',
      'off',
      '--state-file',
      state,
      ...extra,
    ];
    const quoted = [process.execPath, ...args].map(a => `'${a}'`).join(' ');
    // like `npm exec`'s shell: the collector is a child of sh, not sh itself
    const sh = spawn('/bin/sh', ['-c', `${quoted} & echo "pid $!" >&2; wait`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    sh.stderr.on('data', d => (stderr += d));
    const { pid, port } = await new Promise<{ pid: number; port: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${stderr}`)), 30_000);
      sh.stderr.on('data', () => {
        const p = /pid (\d+)/.exec(stderr);
        const m = /OTLP\/HTTP http:\/\/127\.0\.0\.1:(\d+)\/v1\/traces/.exec(stderr);
        if (p && m) {
          clearTimeout(timer);
          resolve({ pid: Number(p[1]), port: Number(m[1]) });
        }
      });
    });
    return { sh, pid, port, stderr: () => stderr };
  }

  function alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  it('should save its state and exit when the shell that started it exits on SIGTERM (npx)', async () => {
    const state = path.join(tmp(), 'state.json');
    const { sh, pid, port, stderr } = await startViaShell(state);
    try {
      assert.strictEqual((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
      await new Promise(resolve => {
        sh.on('exit', resolve);
        sh.kill('SIGTERM');
      });
      const deadline = Date.now() + 20_000;
      while (alive(pid) && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
      assert.strictEqual(alive(pid), false, stderr());
      assert.match(
        stderr(),
        /the process that started it \(\d+\) exited, saving state and stopping/
      );
      assert.ok(JSON.parse(readFileSync(state, 'utf8')));
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('should refuse a state folder that does not exist, before listening', () => {
    const state = path.join(tmp(), 'missing', 'state.json');
    const r = spawnSync(
      process.execPath,
      [BIN, 'collector', '--config', DESIGN, '--http-port', '0', '--state-file', state],
      { encoding: 'utf8', timeout: 30_000 }
    );
    assert.strictEqual(r.status, 1);
    assert.strictEqual(
      r.stderr,
      `burnrate: state file ${state}: folder ${path.dirname(state)} does not exist (create it, or choose another --state-file / collector.stateFile)\n`
    );
  });

  it('should refuse a state folder it cannot write', async () => {
    // /proc takes no new files, even as root
    const io = capture();
    assert.strictEqual(
      await main(
        ['collector', '--config', DESIGN, '--http-port', '0', '--state-file', '/proc/state.json'],
        io
      ),
      1
    );
    assert.match(
      io.stderr,
      /^burnrate: state file \/proc\/state\.json: folder \/proc is not writable/
    );
  });

  it('should name the flag to change when a port is in use, in one line', async () => {
    const state = path.join(tmp(), 'state.json');
    const first = await startViaShell(state);
    try {
      const r = spawnSync(
        process.execPath,
        [
          BIN,
          'collector',
          '--config',
          DESIGN,
          '--http-port',
          String(first.port),
          '--grpc-port',
          'off',
          '--metrics-port',
          'off',
        ],
        { encoding: 'utf8', timeout: 30_000 }
      );
      assert.strictEqual(r.status, 1);
      const last = r.stderr.trim().split('\n').pop();
      assert.strictEqual(
        last,
        `burnrate: cannot listen for OTLP/HTTP on 127.0.0.1:${first.port}: the port is in use; set another port with --http-port (collector.httpPort), or off`
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    } finally {
      process.kill(first.pid, 'SIGTERM');
      const deadline = Date.now() + 20_000;
      while (alive(first.pid) && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
    }
  });
});
