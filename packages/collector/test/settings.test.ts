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
});
