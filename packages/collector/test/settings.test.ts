import * as assert from 'node:assert';
import { parseSpec } from '@burnrate/core';
import { collectorOptionsFrom } from '../src/settings';

describe('collectorOptionsFrom', () => {
  const spec = parseSpec(`
slos:
  - { name: a, objective: 99, window: 1d, sli: { spans: { kind: any }, good: { status: ok } } }
collector:
  host: 0.0.0.0
  httpPort: 14318
  grpcPort: 14317
  stateFile: state/burnrate.json
  snapshotInterval: 30s
  maxBodySize: 8MiB
  token: t
  tls: { cert: tls/cert.pem, key: /etc/key.pem }
`);

  it('should take the spec settings, resolving relative paths against the spec directory', () => {
    const o = collectorOptionsFrom(spec, {}, '/etc/burnrate');
    assert.deepStrictEqual(
      { ...o, spec: undefined },
      {
        spec: undefined,
        host: '0.0.0.0',
        httpPort: 14318,
        grpcPort: 14317,
        stateFile: '/etc/burnrate/state/burnrate.json',
        snapshotIntervalMs: 30_000,
        maxBodyBytes: 8 * 1024 * 1024,
        token: 't',
        tls: { cert: '/etc/burnrate/tls/cert.pem', key: '/etc/key.pem' },
      }
    );
    assert.strictEqual(o.spec, spec);
  });

  it('should let flags win, key by key, including disabling a port', () => {
    const o = collectorOptionsFrom(
      spec,
      { host: '127.0.0.1', grpcPort: false, stateFile: 'x.json', metricsPort: 0 },
      '/etc/burnrate'
    );
    assert.strictEqual(o.host, '127.0.0.1');
    assert.strictEqual(o.grpcPort, false);
    assert.strictEqual(o.httpPort, 14318);
    assert.strictEqual(o.stateFile, 'x.json');
    assert.strictEqual(o.metricsPort, 0);
  });

  describe('notifications', () => {
    const withReceivers = parseSpec(`
slos:
  - { name: a, objective: 99, window: 1d, sli: { spans: { kind: any }, good: { status: ok } } }
collector:
  alertmanagers: [http://am-0:9093, { url: http://am-1:9093, token: t }]
  webhooks:
    - { url: https://hooks.slack.com/services/T/B/X }
    - { url: https://ops.example/hook, format: json, timeout: 2s, retries: 1 }
  alertEvaluationInterval: 5s
  alertResendInterval: 30s
`);

    it('should read alertmanagers, webhooks and the intervals from the spec', () => {
      const o = collectorOptionsFrom(withReceivers);
      assert.deepStrictEqual(o.alertmanagers, [
        { url: 'http://am-0:9093' },
        { url: 'http://am-1:9093', token: 't' },
      ]);
      assert.deepStrictEqual(o.webhooks, [
        { url: 'https://hooks.slack.com/services/T/B/X' },
        { url: 'https://ops.example/hook', format: 'json', timeoutMs: 2_000, retries: 1 },
      ]);
      assert.strictEqual(o.alertEvaluationIntervalMs, 5_000);
      assert.strictEqual(o.alertResendIntervalMs, 30_000);
    });

    it('should let --alertmanager-url and --webhook-url lists replace the spec lists', () => {
      const o = collectorOptionsFrom(withReceivers, {
        webhooks: [{ url: 'http://127.0.0.1:9/hook' }],
      });
      assert.deepStrictEqual(o.webhooks, [{ url: 'http://127.0.0.1:9/hook' }]);
      assert.strictEqual(o.alertmanagers?.length, 2);
    });

    it('should refuse a bad receiver, naming its path and value', () => {
      const bad = parseSpec(`
slos:
  - { name: a, objective: 99, window: 1d, sli: { spans: { kind: any }, good: { status: ok } } }
collector:
  webhooks: [{ url: https://ops.example/hook, format: teams }]
`);
      assert.throws(
        () => collectorOptionsFrom(bad),
        /collector\.webhooks\[0\]\.format: must be json or slack, got "teams"/
      );
      assert.throws(
        () =>
          parseSpec(
            'slos:\n  - { name: a, objective: 99, window: 1d, sli: { good: { status: ok } } }\ncollector:\n  alertmanagers: 9093\n'
          ),
        /collector\.alertmanagers: must be a list of URLs or receiver objects, got 9093/
      );
    });
  });
});
