import * as assert from 'node:assert';
import { checkJsonBody, FUZZ_NOW_MS } from './fuzz-properties';

/** Cases the long fuzz runs found, kept in CI. */
describe('reliability: fuzz regressions', () => {
  it('should count a JSON span whose attributes are null (found by npm run fuzz, seed 1245014128)', () => {
    const end = BigInt(FUZZ_NOW_MS - 5_000) * 1_000_000n;
    const span = {
      name: 'x',
      kind: 3, // CLIENT: eligible for the fixture's client-calls SLO without attributes
      startTimeUnixNano: String(end - 1_000_000n),
      endTimeUnixNano: String(end),
      attributes: null,
    };
    const body = Buffer.from(
      JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [span, { ...span, attributes: [] }] }] }],
      })
    );
    // checkJsonBody compares the classification with the JSON.parse reference
    const result = checkJsonBody(body);
    assert.strictEqual(result.error, '');
    assert.strictEqual(result.accepted, 2);
  });
});
