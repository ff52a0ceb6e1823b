'use strict';
/**
 * `npm run demo`: the checkout example, instrumented through
 * `node --require @burnrate/register`, with a demo spec of short windows
 * (examples/demo/burnrate.yaml); bounded traffic from a second process with an
 * incident in the middle (errors and a slow search); the SLO numbers read
 * live from the service's own Prometheus endpoint every second; and a burnrate
 * collector receiving the service's traces over OTLP, whose status page (the
 * URL is printed) shows the budget burn during the incident.
 *
 * Runs DEMO_SECONDS (default 120) seconds, or until Ctrl-C, and leaves no
 * process behind. On a terminal it redraws a table; otherwise it prints plain
 * lines.
 */
const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const SECONDS = Math.max(3, Number(process.env.DEMO_SECONDS || 120));
const RATE = Number(process.env.DEMO_RATE || 20);
const TTY = Boolean(process.stdout.isTTY) && process.env.TERM !== 'dumb';
const SHORT_WINDOWS = ['30s', '1m', '2m', '5m', '10m'];

const children = new Set();
let stopping = false;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function get(port, urlPath) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', c => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function start(args, env, name) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.name = name;
  child.output = '';
  child.stdout.setEncoding('utf8').on('data', c => (child.output += c));
  child.stderr.setEncoding('utf8').on('data', c => (child.output += c));
  child.exited = new Promise(resolve => child.once('exit', (code, signal) => resolve({ code, signal })));
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function waitFor(port, urlPath, child, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${child.name} ended before it answered:\n${child.output}`);
    }
    try {
      await get(port, urlPath);
      return;
    } catch {
      await new Promise(r => setTimeout(r, 100));
    }
  }
  throw new Error(`${child.name} did not answer on port ${port} within ${timeoutMs} ms`);
}

/** slo name → { objective, sli, remaining, burn: {window: rate}, page, ticket, good, bad } */
function readSlos(text) {
  const slos = new Map();
  const line = /^(slo_[a-z_]+)\{([^}]*)\} (\S+)$/;
  for (const l of text.split('\n')) {
    const m = line.exec(l);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map(x => [x[1], x[2]]));
    if (!labels.slo_name) continue;
    const s = slos.get(labels.slo_name) || { burn: {}, good: 0, bad: 0 };
    slos.set(labels.slo_name, s);
    const v = Number(m[3]);
    switch (m[1]) {
      case 'slo_objective': s.objective = v; break;
      case 'slo_sli': s.sli = v; break;
      case 'slo_error_budget_remaining': s.remaining = v; break;
      case 'slo_burn_rate': s.burn[labels.slo_window] = v; break;
      case 'slo_alert_firing': s[labels.slo_severity] = v; break;
      case 'slo_events_total': s[labels.slo_outcome] = v; break;
    }
  }
  return slos;
}

const pct = (v, digits = 2) => (v === undefined ? '-' : `${(v * 100).toFixed(digits)}%`);
const num = v => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

function table(slos) {
  const head = ['SLO', 'objective', 'SLI', 'budget left', ...SHORT_WINDOWS.map(w => `burn ${w}`), 'alerts', 'good/bad'];
  const rows = [...slos].map(([name, s]) => [
    name,
    pct(s.objective, 1),
    pct(s.sli),
    pct(s.remaining, 1),
    ...SHORT_WINDOWS.map(w => num(s.burn[w])),
    s.page ? 'PAGE' : s.ticket ? 'ticket' : 'ok',
    `${s.good}/${s.bad}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const fmt = r => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(head), ...rows.map(fmt)].join('\n');
}

function plain(elapsed, phase, slos) {
  return [...slos]
    .map(
      ([name, s]) =>
        `t=${elapsed}s phase=${phase} slo=${name} sli=${pct(s.sli)} budget_left=${pct(s.remaining, 1)} ` +
        SHORT_WINDOWS.map(w => `burn_${w}=${num(s.burn[w])}`).join(' ') +
        ` page=${s.page ? 1 : 0} ticket=${s.ticket ? 1 : 0} good=${s.good} bad=${s.bad}`
    )
    .join('\n');
}

async function stopChildren() {
  for (const child of children) child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
  }, 3000);
  await Promise.all([...children].map(c => c.exited));
  clearTimeout(timer);
}

async function main() {
  const [appPort, metricsPort] = [await freePort(), await freePort()];
  const [pagePort, grpcPort, collectorMetricsPort] = [await freePort(), await freePort(), await freePort()];
  const collector = start(
    [
      'packages/cli/bin/burnrate.js',
      'collector',
      '--config',
      path.join(__dirname, 'burnrate.yaml'),
      '--http-port',
      String(pagePort),
      '--grpc-port',
      String(grpcPort),
      '--metrics-port',
      String(collectorMetricsPort),
    ],
    {},
    'burnrate collector'
  );
  await waitFor(pagePort, '/readyz', collector);
  const pageUrl = `http://127.0.0.1:${pagePort}/`;
  const service = start(
    ['--require', '@burnrate/register', 'examples/checkout/server.js'],
    {
      PORT: String(appPort),
      OTEL_SERVICE_NAME: 'checkout',
      BURNRATE_CONFIG: path.join(__dirname, 'burnrate.yaml'),
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      // the service's traces also go to the collector, which draws the status page
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${pageUrl}v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: '500',
    },
    'checkout service'
  );
  await waitFor(appPort, '/healthz', service);
  await waitFor(metricsPort, '/metrics', service);
  console.log(`burnrate demo: checkout on http://127.0.0.1:${appPort}, metrics on http://127.0.0.1:${metricsPort}/metrics`);
  console.log(`burnrate demo: status page on ${pageUrl} (open it to watch the budget burn during the incident)`);
  console.log(`running ${SECONDS}s (DEMO_SECONDS), incident from ${Math.round(SECONDS * 0.25)}s to ${Math.round(SECONDS * 0.6)}s; Ctrl-C stops`);
  const traffic = start([path.join(__dirname, 'traffic.js'), String(appPort), String(SECONDS), String(RATE)], {}, 'traffic');
  const startedAt = Date.now();
  let phase = 'starting';
  traffic.stdout.on('data', () => {
    const phases = traffic.output.match(/phase (\w+)/g);
    if (phases) phase = phases[phases.length - 1].slice(6);
  });

  let last = '';
  while (!stopping && Date.now() - startedAt < SECONDS * 1000) {
    await new Promise(r => setTimeout(r, 1000));
    if (stopping) break;
    let slos;
    try {
      slos = readSlos((await get(metricsPort, '/metrics')).body);
    } catch (e) {
      console.log(`scrape failed: ${e.message}`);
      continue;
    }
    const elapsed = Math.round((Date.now() - startedAt) / 1000);
    if (TTY) {
      last = `burnrate demo — ${elapsed}s of ${SECONDS}s, traffic: ${phase}   (status page: ${pageUrl}, metrics: http://127.0.0.1:${metricsPort}/metrics)\n\n${table(slos)}\n`;
      process.stdout.write(`\x1b[H\x1b[2J${last}`);
    } else {
      last = plain(elapsed, phase, slos);
      console.log(last);
    }
  }
  await shutdown(0);
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await stopChildren();
  console.log(code === 0 ? 'burnrate demo: done, every process stopped' : 'burnrate demo: stopped');
  process.exit(code);
}

process.once('SIGINT', () => void shutdown(130));
process.once('SIGTERM', () => void shutdown(143));
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

main().catch(async err => {
  console.error(`burnrate demo: ${err.message}`);
  stopping = true;
  await stopChildren();
  process.exit(1);
});
