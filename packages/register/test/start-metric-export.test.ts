import * as assert from 'node:assert';
import { readRegisterConfig } from '../src';

describe('readRegisterConfig', () => {
  describe('OTEL_METRIC_EXPORT_INTERVAL and OTEL_METRIC_EXPORT_TIMEOUT', () => {
    it('should default to a 60 s interval and a 30 s timeout', () => {
      const c = readRegisterConfig({}, '/srv/app');
      assert.strictEqual(c.metricExportIntervalMs, 60_000);
      assert.strictEqual(c.metricExportTimeoutMs, 30_000);
    });

    it('should read both, in milliseconds', () => {
      const c = readRegisterConfig({
        OTEL_METRIC_EXPORT_INTERVAL: '500',
        OTEL_METRIC_EXPORT_TIMEOUT: '250',
      });
      assert.strictEqual(c.metricExportIntervalMs, 500);
      assert.strictEqual(c.metricExportTimeoutMs, 250);
    });

    it('should cap the timeout at the interval', () => {
      assert.strictEqual(
        readRegisterConfig({ OTEL_METRIC_EXPORT_INTERVAL: '500' }).metricExportTimeoutMs,
        500
      );
      const c = readRegisterConfig({
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_METRIC_EXPORT_TIMEOUT: '5000',
      });
      assert.strictEqual(c.metricExportTimeoutMs, 1000);
    });

    it('should name the variable and the value it does not understand', () => {
      assert.throws(
        () => readRegisterConfig({ OTEL_METRIC_EXPORT_INTERVAL: 'soon' }),
        /OTEL_METRIC_EXPORT_INTERVAL: must be a positive number of milliseconds, got "soon"/
      );
      assert.throws(
        () => readRegisterConfig({ OTEL_METRIC_EXPORT_TIMEOUT: '0' }),
        /OTEL_METRIC_EXPORT_TIMEOUT: must be a positive number of milliseconds, got "0"/
      );
    });
  });
});
