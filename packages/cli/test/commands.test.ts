import * as assert from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadSpec, SloEngine, type SpanView } from '@burnrate/core';
import { slosResponse, startCollector, silentLogger } from '@burnrate/collector';
import { parse } from 'yaml';
import { main } from '../src';
import { capture } from './capture';

const BIN = path.join(__dirname, '..', '..', 'bin', 'burnrate.js');
const DESIGN = path.join(__dirname, '..', '..', '..', 'core', 'test', 'fixtures', 'design.yaml');

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'burnrate-cli-'));
}

/** An HTTP server span of checkout. */
function http(route: string, status: number, endTimeMs: number): SpanView {
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
      writeFileSync(file, JSON.stringify(slosResponse(engine.snapshot(now), now)));
      return file;
    }

    it('should show every SLO from a saved /api/slos', async () => {
      const io = capture();
      assert.strictEqual(await main(['status', '--input', saved(0)], io), 0);
      const lines = io.stdout.trim().split('\n');
      assert.match(lines[0], /^SLO +objective +SLI +budget left +burn 5m/);
      assert.match(lines[1], /^checkout-availability +99\.9 % +100 % +100 % +0\.00 .* healthy$/);
      assert.strictEqual(lines.length, 4);
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
      assert.strictEqual(await main(['gate', '--input', saved(5), '--slo', 'nope'], missing), 2);
      assert.match(missing.stderr, /no SLO named "nope"/);
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

    it('should say where it failed when no collector answers', async () => {
      const io = capture();
      assert.strictEqual(await main(['status', '--url', 'http://127.0.0.1:9/api/slos'], io), 2);
      assert.match(io.stderr, /http:\/\/127\.0\.0\.1:9\/api\/slos: fetch failed/);
    });
  });

  describe('collector', () => {
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
