import { freePort, http, startNode, waitForHttp, type Child } from './child';
import { parsePrometheusText, sampleValue } from './prom-text';

/** What the items SLOs counted for the requests {@link driveItemsApp} sends. */
export interface ItemsCounts {
  good: number;
  bad: number;
  latencyGood: number;
  stderr: string;
}

/** The requests: ids 1..20 (7 and 13 answer 503) and 5 health checks. */
export const ITEMS_REQUESTS = 20;
/** Of {@link ITEMS_REQUESTS}, how many the app answers 503. */
export const ITEMS_FAILING = 2;

/**
 * Starts `node --import REGISTER app` (an app of test/install/apps) with the
 * items spec, sends {@link ITEMS_REQUESTS} parameterised requests and five
 * health checks, and reads `slo_events_total` from its Prometheus endpoint
 * until it stops moving. The app is stopped before this resolves.
 */
export async function driveItemsApp(options: {
  app: string;
  cwd: string;
  register: string;
  spec: string;
  env?: NodeJS.ProcessEnv;
}): Promise<ItemsCounts> {
  const [appPort, metricsPort] = [await freePort(), await freePort()];
  const child: Child = startNode(['--import', options.register, options.app], {
    cwd: options.cwd,
    env: {
      ...process.env,
      ...options.env,
      PORT: String(appPort),
      OTEL_SERVICE_NAME: 'shop',
      BURNRATE_CONFIG: options.spec,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
    },
  });
  try {
    await waitForHttp(appPort, '/api/health', 30_000, child);
    for (let id = 1; id <= ITEMS_REQUESTS; id++) await http(appPort, 'GET', `/api/items/${id}`);
    for (let i = 0; i < 4; i++) await http(appPort, 'GET', '/api/health');
    let counts = { good: 0, bad: 0, latencyGood: 0 };
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const samples = parsePrometheusText((await http(metricsPort, 'GET', '/metrics')).body);
      const read = (slo: string, outcome: string) => {
        try {
          return sampleValue(samples, 'slo_events_total', { slo_name: slo, slo_outcome: outcome });
        } catch {
          return 0; // not exported before its first event
        }
      };
      counts = {
        good: read('items-availability', 'good'),
        bad: read('items-availability', 'bad'),
        latencyGood: read('items-latency', 'good'),
      };
      if (counts.good + counts.bad >= ITEMS_REQUESTS) break;
      await new Promise(r => setTimeout(r, 100));
    }
    return { ...counts, stderr: child.stderr() };
  } finally {
    await child.stop();
  }
}
