'use strict';
/**
 * Bounded demo traffic against the checkout service, run as a child process by
 * run.js: `node traffic.js <port> <seconds> [rate]`. About `rate` requests per
 * second (default 20, at most 10 in flight) for `seconds`, with an incident in
 * the middle: from 25 % to 60 % of the run, some orders and reads fail (500) and
 * searches take 700 ms. Prints `phase <name>` when the phase changes and a
 * `sent <n>` summary at the end. Deterministic: no randomness.
 */
const http = require('node:http');

const port = Number(process.argv[2]);
const seconds = Number(process.argv[3]);
const rate = Math.min(Number(process.argv[4] || 20), 100);
if (!(port > 0) || !(seconds > 0)) {
  console.error('usage: node traffic.js <port> <seconds> [rate]');
  process.exit(2);
}

const startedAt = Date.now();
const endAt = startedAt + seconds * 1000;
const maxRequests = Math.ceil(seconds * rate);
const maxInFlight = 10;
const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
let sent = 0;
let inFlight = 0;
let phase = '';

function phaseAt(now) {
  const f = (now - startedAt) / (endAt - startedAt);
  if (f < 0.25) return 'normal';
  if (f < 0.6) return 'incident';
  return 'recovery';
}

function request(method, path, body) {
  inFlight++;
  const req = http.request({ host: '127.0.0.1', port, method, path, agent }, res => {
    res.resume();
    res.on('end', () => inFlight--);
  });
  req.setTimeout(5000, () => req.destroy());
  req.on('error', () => inFlight--);
  req.end(body);
}

function next(n, p) {
  const incident = p === 'incident';
  switch (n % 5) {
    case 0:
      return ['POST', `/api/orders${incident && n % 25 === 0 ? '?fail=1' : ''}`, JSON.stringify({ items: [{ sku: `sku-${n}` }] })];
    case 1:
      return ['POST', `/api/orders${incident && n % 10 === 1 ? '?fail=1' : ''}`, n % 50 === 1 ? 'not json' : JSON.stringify({ items: [{ sku: 'x' }] })];
    case 2:
      return ['GET', `/api/orders/${1 + (n % 40)}${incident && n % 20 === 2 ? '?fail=1' : ''}`];
    case 3:
      return ['GET', `/api/search?q=sku${incident ? '&delay=700' : ''}`];
    default:
      return ['GET', n % 10 === 4 ? '/healthz' : `/api/orders/${1 + (n % 40)}`];
  }
}

const timer = setInterval(() => {
  const now = Date.now();
  if (now >= endAt || sent >= maxRequests) {
    clearInterval(timer);
    console.log(`sent ${sent}`);
    agent.destroy();
    return;
  }
  const p = phaseAt(now);
  if (p !== phase) {
    phase = p;
    console.log(`phase ${p}`);
  }
  if (inFlight >= maxInFlight) return;
  const [method, path, body] = next(sent, p);
  sent++;
  request(method, path, body);
}, Math.max(1, Math.floor(1000 / rate)));

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
