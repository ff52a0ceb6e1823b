import * as assert from 'node:assert';
import { parseSpec, SloEngine, type AttributeValue, type SpanView } from '../../src';

/** A server span whose attributes are an own-keys-only lookup (as the collector's views read them). */
function spanWith(attributes: Record<string, AttributeValue>): SpanView {
  return {
    kind: 1,
    name: 'GET /',
    endTimeMs: Date.now(),
    durationMs: 5,
    statusCode: 0,
    serviceName: 'checkout',
    serviceVersion: undefined,
    traceId: undefined,
    spanId: undefined,
    attribute: (key: string) => (Object.hasOwn(attributes, key) ? attributes[key] : undefined),
  };
}

describe('checkAttributes', () => {
  it('should keep a predicate on a key named __proto__ as an own key (regression: it set the prototype)', () => {
    const spec = parseSpec(`
slos:
  - name: proto
    objective: 99
    window: 1d
    sli:
      good:
        attributes: { "__proto__": "yes", constructor: { exists: true } }
`);
    const attrs = spec.slos[0].sli.good.attributes;
    assert.deepStrictEqual(Object.keys(attrs).sort(), ['__proto__', 'constructor']);
    assert.deepStrictEqual(Object.getOwnPropertyDescriptor(attrs, '__proto__')?.value, {
      op: 'equals',
      value: 'yes',
    });
    assert.strictEqual(Object.getPrototypeOf(attrs), Object.prototype);
    // both predicates hold only on spans that carry both keys
    const engine = new SloEngine({ spec });
    engine.record(spanWith({ ['__proto__']: 'yes', constructor: 1 } as never));
    engine.record(spanWith({}));
    engine.record(spanWith({ constructor: 1 }));
    const snap = engine.snapshot()[0];
    assert.deepStrictEqual([snap.good, snap.bad], [1, 2]);
  });
});
