'use strict';
/**
 * The checkout service with burnrate registered in code: NodeSDK with the
 * SloSpanProcessor and a Prometheus endpoint. Run it with
 *
 *   node examples/checkout/instrumented.js
 *
 * and read http://127.0.0.1:9464/metrics. METRICS_PORT moves the endpoint,
 * BURNRATE_CONFIG the spec (default: burnrate.yaml beside this file).
 */
const path = require('node:path');
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { SloSpanProcessor } = require('@burnrate/otel');

const metricsPort = Number(process.env.METRICS_PORT || 9464);

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME || 'checkout',
  spanProcessors: [
    new SloSpanProcessor({ spec: process.env.BURNRATE_CONFIG || path.join(__dirname, 'burnrate.yaml') }),
  ],
  metricReaders: [
    new PrometheusExporter({ host: '127.0.0.1', port: metricsPort }),
  ],
  instrumentations: [
    // Prometheus scrapes are not checkout traffic: keep them out of the SLOs.
    new HttpInstrumentation({ ignoreIncomingRequestHook: req => req.socket.localPort === metricsPort }),
  ],
});
sdk.start();

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    sdk.shutdown().finally(() => process.exit(0));
  });
}

// The SDK patches node:http when it is first required, so the app comes after.
require('./server');
