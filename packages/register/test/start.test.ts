import * as assert from 'node:assert';
import { readRegisterConfig } from '../src';

describe('readRegisterConfig', () => {
  it('should default to ./burnrate.yaml, Prometheus on 127.0.0.1:9464 and no trace exporter', () => {
    const c = readRegisterConfig({}, '/srv/app');
    assert.strictEqual(c.specPath, '/srv/app/burnrate.yaml');
    assert.deepStrictEqual(c.metricsExporters, ['prometheus']);
    assert.strictEqual(c.prometheusHost, '127.0.0.1');
    assert.strictEqual(c.prometheusPort, 9464);
    assert.deepStrictEqual(c.tracesExporters, []);
    assert.strictEqual(c.serviceName, undefined);
  });

  it('should read the OTEL_* and BURNRATE_CONFIG variables', () => {
    const c = readRegisterConfig(
      {
        BURNRATE_CONFIG: 'conf/slo.yaml',
        OTEL_METRICS_EXPORTER: 'prometheus, otlp,console',
        OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0',
        OTEL_EXPORTER_PROMETHEUS_PORT: '9999',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_SERVICE_NAME: 'checkout',
      },
      '/srv/app'
    );
    assert.strictEqual(c.specPath, '/srv/app/conf/slo.yaml');
    assert.deepStrictEqual(c.metricsExporters, ['prometheus', 'otlp', 'console']);
    assert.strictEqual(c.prometheusHost, '0.0.0.0');
    assert.strictEqual(c.prometheusPort, 9999);
    assert.deepStrictEqual(c.tracesExporters, ['otlp']);
    assert.strictEqual(c.otlpTracesProtocol, 'grpc');
    assert.strictEqual(c.serviceName, 'checkout');
  });

  it('should turn metrics off with none', () => {
    assert.deepStrictEqual(
      readRegisterConfig({ OTEL_METRICS_EXPORTER: 'none' }).metricsExporters,
      []
    );
    assert.deepStrictEqual(
      readRegisterConfig({ OTEL_TRACES_EXPORTER: 'none' }).tracesExporters,
      []
    );
  });

  it('should name the variable and the value it does not understand', () => {
    assert.throws(
      () => readRegisterConfig({ OTEL_METRICS_EXPORTER: 'prometheus,statsd' }),
      /OTEL_METRICS_EXPORTER: unsupported exporter "statsd"/
    );
    assert.throws(
      () => readRegisterConfig({ OTEL_EXPORTER_PROMETHEUS_PORT: '99999' }),
      /OTEL_EXPORTER_PROMETHEUS_PORT: .*"99999"/
    );
    assert.throws(
      () => readRegisterConfig({ OTEL_TRACES_EXPORTER: 'jaeger' }),
      /OTEL_TRACES_EXPORTER: unsupported exporter "jaeger"/
    );
  });

  it('should read the BURNRATE_* notification variables, and refuse bad ones by name', () => {
    const c = readRegisterConfig({
      BURNRATE_ALERTMANAGER_URL: 'http://am-0:9093,http://am-1:9093',
      BURNRATE_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
      BURNRATE_WEBHOOK_FORMAT: 'slack',
      BURNRATE_ALERT_EVALUATION_INTERVAL: '5s',
    });
    assert.deepStrictEqual(c.notifications, {
      alertmanagers: [{ url: 'http://am-0:9093' }, { url: 'http://am-1:9093' }],
      webhooks: [{ url: 'https://hooks.slack.com/services/T/B/X', format: 'slack' }],
      alertEvaluationIntervalMs: 5_000,
    });
    assert.deepStrictEqual(readRegisterConfig({}).notifications, {});
    assert.throws(
      () =>
        readRegisterConfig({ BURNRATE_WEBHOOK_URL: 'http://x/', BURNRATE_WEBHOOK_FORMAT: 'teams' }),
      /BURNRATE_WEBHOOK_FORMAT: must be json or slack, got "teams"/
    );
  });
});
