'use strict';
/**
 * A small "checkout" service on plain node:http, with no OpenTelemetry setup of
 * its own. Start it instrumented without touching the code:
 *
 *   node --require @burnrate/register examples/checkout/server.js
 *
 * or through instrumented.js (NodeSDK + SloSpanProcessor in code).
 *
 * Routes: POST /api/orders, GET /api/orders/:id, GET /api/search, GET /healthz.
 * Plain node:http has no router, so the service sets `http.route` on the active
 * span, and `app.payload.valid` on POST /api/orders.
 *
 * Behaviour for tests and demos, per request (query) or for the whole process (env):
 *   ?fail=1      answer 500                    CHECKOUT_FAIL_RATE=0.1  fail that share
 *   ?delay=250   answer after 250 ms           CHECKOUT_DELAY_MS=50    delay every request
 * POST /api/orders with a body that is not JSON or lacks `items` is answered 400
 * with `app.payload.valid = false`. PORT (default 8080) and HOST (default
 * 127.0.0.1) set where it listens; it prints `listening on http://HOST:PORT`.
 */
const http = require('node:http');
const { trace } = require('@opentelemetry/api');

const orders = new Map();
let nextId = 1;

const failRate = Number(process.env.CHECKOUT_FAIL_RATE || 0);
const baseDelayMs = Number(process.env.CHECKOUT_DELAY_MS || 0);

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', chunk => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseOrder(text) {
  try {
    const order = JSON.parse(text);
    return order && Array.isArray(order.items) && order.items.length > 0 ? order : undefined;
  } catch {
    return undefined;
  }
}

async function handle(req, res, url, span) {
  const method = req.method;
  const path = url.pathname;
  if (method === 'GET' && path === '/healthz') {
    span?.setAttribute('http.route', '/healthz');
    return send(res, 200, { ok: true });
  }
  if (path === '/api/orders' && method === 'POST') {
    span?.setAttribute('http.route', '/api/orders');
    const order = parseOrder(await readBody(req));
    span?.setAttribute('app.payload.valid', order !== undefined);
    if (order === undefined) return send(res, 400, { error: 'expected a JSON body with a non-empty items list' });
    const id = String(nextId++);
    orders.set(id, { id, items: order.items });
    return send(res, 201, { id });
  }
  const match = /^\/api\/orders\/([^/]+)$/.exec(path);
  if (match && method === 'GET') {
    span?.setAttribute('http.route', '/api/orders/:id');
    const order = orders.get(match[1]);
    return order ? send(res, 200, order) : send(res, 404, { error: `no order ${match[1]}` });
  }
  if (path === '/api/search' && method === 'GET') {
    span?.setAttribute('http.route', '/api/search');
    const q = url.searchParams.get('q') || '';
    const hits = [...orders.values()].filter(o => JSON.stringify(o.items).includes(q)).slice(0, 10);
    return send(res, 200, { q, hits: hits.map(o => o.id) });
  }
  return send(res, 404, { error: `no route ${method} ${path}` });
}

const server = http.createServer((req, res) => {
  const span = trace.getActiveSpan();
  const url = new URL(req.url || '/', 'http://checkout.local');
  const delay = Number(url.searchParams.get('delay') || 0) + baseDelayMs;
  const fail = url.searchParams.get('fail') === '1' || (failRate > 0 && Math.random() < failRate);
  const run = () => {
    if (fail) {
      // Route first, so that the failure is attributed to its route.
      if (url.pathname === '/api/search') span?.setAttribute('http.route', '/api/search');
      else if (url.pathname === '/api/orders') span?.setAttribute('http.route', '/api/orders');
      else if (url.pathname.startsWith('/api/orders/')) span?.setAttribute('http.route', '/api/orders/:id');
      return send(res, 500, { error: 'injected failure' });
    }
    handle(req, res, url, span).catch(err => send(res, 500, { error: String(err && err.message) }));
  };
  if (delay > 0) setTimeout(run, Math.min(delay, 30_000));
  else run();
});

const port = Number(process.env.PORT || 8080);
const host = process.env.HOST || '127.0.0.1';
server.listen(port, host, () => {
  const address = server.address();
  console.log(`listening on http://${host}:${address.port}`);
});

module.exports = { server };
