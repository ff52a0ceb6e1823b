import * as assert from 'node:assert';
import {
  LABEL_TRUNCATED_MARKER,
  MAX_LABEL_VALUE_BYTES,
  parseSpec,
  SloEngine,
  truncateLabelValue,
} from '../src';
import { http } from './span-view';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('truncateLabelValue', () => {
  it('should return values of up to 256 bytes as they are', () => {
    for (const v of ['', 'GET /api/orders/:id', 'x'.repeat(256), 'é'.repeat(128), '😀'.repeat(64)])
      assert.strictEqual(truncateLabelValue(v), v);
  });

  it('should cut longer values to 256 bytes, marker included, on a character boundary', () => {
    const cases = ['x'.repeat(257), 'é'.repeat(129), '😀'.repeat(65), `a${'😀'.repeat(100)}`];
    for (const v of cases) {
      const t = truncateLabelValue(v);
      assert.ok(t.endsWith(LABEL_TRUNCATED_MARKER), t);
      assert.ok(bytes(t) <= MAX_LABEL_VALUE_BYTES, `${bytes(t)} bytes`);
      assert.ok(bytes(t) > MAX_LABEL_VALUE_BYTES - 4, `${bytes(t)} bytes: as long as fits`);
      const kept = t.slice(0, -LABEL_TRUNCATED_MARKER.length);
      assert.ok(v.startsWith(kept));
      assert.ok(!/[\ud800-\udbff]$/.test(kept), 'no half surrogate pair');
    }
    assert.strictEqual(bytes(truncateLabelValue('x'.repeat(1 << 20))), 256);
  });
});

describe('label values in the attribution ledger', () => {
  it('should keep megabyte routes as one truncated key (regression: /metrics held them whole)', () => {
    const spec = parseSpec(`
slos:
  - name: routes
    objective: 99
    window: 1d
    sli: { good: { status: ok } }
    alerting: { minEvents: 0 }
`);
    const engine = new SloEngine({ spec });
    const prefix = '/'.padEnd(300, 'r');
    for (let i = 0; i < 3; i++)
      engine.record(
        http(`GET ${prefix}${String(i).repeat(1 << 20)}`, 503, { serviceVersion: 'v'.repeat(1000) })
      );
    const top = engine.explain('routes')!.top;
    assert.strictEqual(top.length, 1);
    assert.strictEqual(top[0].bad, 3);
    // the offender names method and route: each a label value of at most 256 bytes
    const route = top[0].route!.replace(/^GET /, '');
    assert.ok(bytes(route) <= MAX_LABEL_VALUE_BYTES, `${bytes(route)} bytes`);
    assert.ok(route.endsWith(LABEL_TRUNCATED_MARKER), route.slice(-20));
    assert.ok(bytes(top[0].version ?? '') <= MAX_LABEL_VALUE_BYTES);
  });
});
