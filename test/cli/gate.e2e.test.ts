import * as assert from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '@burnrate/core';
import { silentLogger, startCollector, type RunningCollector } from '@burnrate/collector';
import { generateRules } from '@burnrate/rules';
import { main, type CliIo } from 'burnrate';
import { freePort, http } from '../helpers/child';
import { otlpJson, startPrometheus, type ServerProcess } from '../helpers/servers';

/**
 * Two SLOs, a composite of them and a policy with actions, contacts and
 * exceptions. Traffic: cart 2 bad of 500 at 99 % (burn 0.4, 60 % left: attention
 * under this policy), pay 3 bad of 1,000 at 99.9 % (burn 3, −200 % left:
 * exhausted), checkout = (2 × cart + pay) / 3 consumed.
 */
const SPEC_TEXT = `
slos:
  - { name: cart, service: cart, objective: 99, window: 28d, sli: { good: { status: ok } } }
  - { name: pay, service: pay, objective: 99.9, window: 28d, sli: { good: { status: ok } } }
composites:
  - name: checkout
    components: [{ slo: cart, weight: 2 }, { slo: pay, weight: 1 }]
policy:
  statuses:
    attention: { remainingBelow: 0.7 }
    exhausted: { action: Freeze feature releases until the budget is back, contacts: [payments-lead] }
  exceptions:
    - { changeType: security-fix, allows: approve }
    - { changeType: rollback, allows: review, statuses: [critical, exhausted] }
  contacts: ["#checkout-oncall"]
`;

function capture(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    errIsTty: false,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}

interface GateJson {
  decision: string;
  pass: boolean;
  slos: Array<{
    slo: string;
    status: string;
    decision: string;
    rule: string;
    threshold: string;
    remaining: number;
    action?: string;
    contacts: string[];
    reasons: string[];
  }>;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Runs `burnrate gate ARGS --json`; returns the exit code and the answer. */
async function gate(args: string[]): Promise<{ code: number; out: GateJson; text: string }> {
  const io = capture();
  const code = await main(['gate', ...args, '--json'], io);
  assert.strictEqual(io.stderr, '');
  const text = capture();
  await main(['gate', ...args], text);
  return { code, out: JSON.parse(io.stdout) as GateJson, text: text.stdout };
}

/** What must agree between sources: every SLO's status, decision and deciding rule. */
function essence(g: GateJson): unknown {
  return {
    decision: g.decision,
    pass: g.pass,
    slos: g.slos.map(s => [s.slo, s.status, s.decision, s.rule, s.threshold]),
  };
}

describe('burnrate gate from a collector, a snapshot and a real Prometheus', function () {
  this.timeout(180_000);
  let dir = '';
  let collector: RunningCollector | undefined;
  let prom: ServerProcess | undefined;

  afterEach(async () => {
    await prom?.stop();
    await collector?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should give the same policy answer on the same data, explaining itself', async () => {
    dir = mkdtempSync(join(tmpdir(), 'burnrate-gate-e2e-'));
    const specFile = join(dir, 'burnrate.yaml');
    writeFileSync(specFile, SPEC_TEXT);
    const spec = parseSpec(SPEC_TEXT);
    writeFileSync(join(dir, 'rules.yaml'), generateRules(spec, { interval: '1s' }));
    const metricsPort = await freePort();
    collector = await startCollector({
      spec: specFile,
      httpPort: 0,
      grpcPort: false,
      metricsPort,
      metricsHost: '127.0.0.1',
      logger: silentLogger,
    });
    prom = await startPrometheus(
      dir,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'rule_files: [rules.yaml]',
        'scrape_configs:',
        `  - { job_name: burnrate, static_configs: [ { targets: ["127.0.0.1:${metricsPort}"] } ] }`,
        '',
      ].join('\n')
    );
    const promUrl = `http://127.0.0.1:${prom.port}`;
    const query = async (expr: string) => {
      const r = await http(prom!.port, 'GET', `/api/v1/query?query=${encodeURIComponent(expr)}`);
      return (JSON.parse(r.body) as { data: { result: Array<{ value: [number, string] }> } }).data
        .result;
    };
    // a few scrapes of the zero counters first: rate() then counts every event that follows
    const zeroBy = Date.now() + 30_000;
    while (
      (await query('count_over_time(slo_events_total{slo_name="pay"}[1m])')).length < 2 ||
      Number((await query('min(count_over_time(slo_events_total[1m]))'))[0]?.value[1] ?? 0) < 3
    ) {
      assert.ok(Date.now() < zeroBy, `no scrapes of the collector:\n${prom.log().slice(-2000)}`);
      await sleep(250);
    }

    const post = async (service: string, total: number, bad: number) => {
      const spans = Array.from({ length: total }, (_, i) => ({
        route: '/x',
        status: i < bad ? 503 : 200,
      }));
      const res = await fetch(`http://127.0.0.1:${collector!.httpPort}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: otlpJson(service, spans),
        signal: AbortSignal.timeout(10_000),
      });
      assert.strictEqual(res.status, 200, await res.text());
    };
    await post('cart', 500, 2);
    await post('pay', 1000, 3);

    // the collector against the hand computation
    const api = await fetch(`http://127.0.0.1:${collector.httpPort}/api/slos`);
    const doc = (await api.json()) as {
      slos: Array<{
        name: string;
        remaining: number;
        status: string;
        burnRates: Record<string, number>;
        composite?: { components: Array<{ slo: string; weight: number }>; statusFrom: string };
      }>;
    };
    const byName = new Map(doc.slos.map(s => [s.name, s]));
    const near = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);
    near(byName.get('cart')!.remaining, 0.6, 'cart');
    near(byName.get('pay')!.remaining, -2, 'pay');
    const checkout = byName.get('checkout')!;
    // consumed (2 × 0.4 + 1 × 3) / 3; burn (2 × 0.4 + 3) / 3 in every window
    near(checkout.remaining, 1 - 3.8 / 3, 'checkout remaining');
    near(checkout.burnRates['1h'], 3.8 / 3, 'checkout burn 1h');
    assert.deepStrictEqual(
      checkout.composite!.components.map(c => [c.slo, c.weight]),
      [
        ['cart', 2],
        ['pay', 1],
      ]
    );
    assert.deepStrictEqual(
      doc.slos.map(s => [s.name, s.status]),
      [
        ['cart', 'attention'],
        ['pay', 'exhausted'],
        ['checkout', 'exhausted'],
      ]
    );
    const snapshot = join(dir, 'slos.json');
    writeFileSync(snapshot, JSON.stringify(doc));
    // status shows the policy's actions and contacts too
    const status = capture();
    assert.strictEqual(await main(['status', '--input', snapshot], status), 0);
    assert.match(
      status.stdout,
      /\npay \(exhausted\): Freeze feature releases until the budget is back\. Contacts: payments-lead, #checkout-oncall\.\n/
    );
    assert.match(status.stdout, /\ncheckout +99\.3 % +28d .* exhausted +- *\n/);

    // Prometheus: wait until the rules have seen the traffic
    const settledBy = Date.now() + 60_000;
    for (;;) {
      const codes = await query('slo:status:code');
      const remaining = await query('slo:error_budget_remaining:ratio{slo_name="checkout"}');
      if (
        codes.length === 3 &&
        remaining.length === 1 &&
        Math.abs(Number(remaining[0].value[1]) - (1 - 3.8 / 3)) < 1e-9
      )
        break;
      assert.ok(Date.now() < settledBy, `rules did not settle:\n${prom.log().slice(-2000)}`);
      await sleep(500);
    }

    const url = `http://127.0.0.1:${collector.httpPort}/api/slos`;
    for (const extra of [[], ['--change-type', 'security-fix'], ['--change-type', 'rollback']]) {
      const fromCollector = await gate(['--url', url, ...extra]);
      const fromSnapshot = await gate(['--input', snapshot, ...extra]);
      const fromPrometheus = await gate(['--prometheus', promUrl, '--spec', specFile, ...extra]);
      assert.deepStrictEqual(essence(fromSnapshot.out), essence(fromCollector.out), `${extra}`);
      assert.deepStrictEqual(essence(fromPrometheus.out), essence(fromCollector.out), `${extra}`);
      assert.strictEqual(fromPrometheus.code, fromCollector.code);
      for (const s of fromPrometheus.out.slos)
        near(s.remaining, byName.get(s.slo)!.remaining, `prometheus ${s.slo}`);
      if (extra.length === 0) {
        // pay exhausted: block, by the policy's rule for exhausted
        assert.strictEqual(fromCollector.code, 1);
        assert.deepStrictEqual(essence(fromCollector.out), {
          decision: 'block',
          pass: false,
          slos: [
            [
              'cart',
              'attention',
              'review',
              'policy.statuses.attention.allows',
              'policy.statuses.attention.remainingBelow',
            ],
            [
              'pay',
              'exhausted',
              'block',
              'policy.statuses.exhausted.allows',
              'policy.statuses.exhausted.remainingAtMost',
            ],
            ['checkout', 'exhausted', 'block', 'policy.statuses.exhausted.allows', ''],
          ],
        });
        const pay = fromPrometheus.out.slos.find(s => s.slo === 'pay')!;
        assert.strictEqual(pay.action, 'Freeze feature releases until the budget is back');
        assert.deepStrictEqual(pay.contacts, ['payments-lead', '#checkout-oncall']);
        assert.match(
          fromPrometheus.text,
          /checkout +block +status exhausted: most restrictive component pay is exhausted; exhausted allows block \(policy\.statuses\.exhausted\.allows\)/
        );
        assert.match(
          fromCollector.text,
          /pay \(exhausted\): Freeze feature releases until the budget is back\. Contacts: payments-lead, #checkout-oncall\./
        );
        assert.match(fromCollector.text, /decision: block \(fail: allowed up to review\)/);
      } else if (extra[1] === 'security-fix') {
        assert.strictEqual(fromCollector.code, 0);
        assert.deepStrictEqual(
          fromCollector.out.slos.map(s => [s.decision, s.rule]),
          [
            ['approve', 'policy.exceptions[0]'],
            ['approve', 'policy.exceptions[0]'],
            ['approve', 'policy.exceptions[0]'],
          ]
        );
      } else {
        // rollback: review on exhausted by the exception, cart's own review
        assert.strictEqual(fromCollector.code, 0);
        assert.deepStrictEqual(
          fromCollector.out.slos.map(s => [s.decision, s.rule]),
          [
            ['review', 'policy.statuses.attention.allows'],
            ['review', 'policy.exceptions[1]'],
            ['review', 'policy.exceptions[1]'],
          ]
        );
      }
    }
  });
});
