import * as assert from 'node:assert';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ReadableSpanView } from '../src';

describe('ReadableSpanView', () => {
  describe('times', () => {
    const at = (endTime: unknown, duration: unknown) => {
      const view = new ReadableSpanView();
      view.span = { endTime, duration, attributes: {}, resource: { attributes: {} } } as never;
      return [view.endTimeMs, view.durationMs];
    };

    it('should convert [seconds, nanoseconds] to milliseconds', () => {
      assert.deepStrictEqual(
        at([1_700_000_000, 250_000_000], [0, 1_500_000]),
        [1_700_000_000_250, 1.5]
      );
    });

    it('should give NaN for anything else', () => {
      for (const bad of [undefined, ['1', 2], 5, null]) {
        const [end, duration] = at(bad, bad);
        assert.ok(Number.isNaN(end), String(bad));
        assert.ok(Number.isNaN(duration), String(bad));
      }
    });
  });

  it('should read own attributes only: constructor or toString are absent unless the span has them', () => {
    const view = new ReadableSpanView();
    view.span = {
      endTime: [1, 0],
      duration: [0, 1],
      attributes: { 'app.tier': 'gold' },
      resource: { attributes: {} },
    } as never;
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__'])
      assert.strictEqual(view.attribute(key), undefined, key);
    assert.strictEqual(view.attribute('app.tier'), 'gold');
    view.span = {
      endTime: [1, 0],
      duration: [0, 1],
      attributes: { constructor: 'set by the app' },
      resource: { attributes: {} },
    } as never;
    assert.strictEqual(view.attribute('constructor'), 'set by the app');
  });

  it('should read the span it points at without copying', () => {
    const view = new ReadableSpanView();
    const attributes = { 'http.route': '/a' };
    view.span = {
      name: 'GET',
      kind: 1,
      endTime: [10, 0],
      duration: [0, 2_000_000],
      status: { code: 2 },
      attributes,
      resource: { attributes: { 'service.name': 'svc' } },
    } as unknown as ReadableSpan;
    assert.strictEqual(view.kind, 1);
    assert.strictEqual(view.name, 'GET');
    assert.strictEqual(view.endTimeMs, 10_000);
    assert.strictEqual(view.durationMs, 2);
    assert.strictEqual(view.statusCode, 2);
    assert.strictEqual(view.serviceName, 'svc');
    assert.strictEqual(view.attribute('http.route'), '/a');
    attributes['http.route'] = '/b';
    assert.strictEqual(view.attribute('http.route'), '/b');
    view.span = undefined;
    assert.strictEqual(view.attribute('http.route'), undefined);
    assert.strictEqual(view.kind, -1);
  });
});
