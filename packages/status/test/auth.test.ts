import * as assert from 'node:assert';
import { bearerTokenMatches } from '../src/auth';

describe('bearerTokenMatches', () => {
  it('should accept the token and refuse anything else, whatever its length', () => {
    assert.strictEqual(bearerTokenMatches('Bearer s3cret', 's3cret'), true);
    assert.strictEqual(bearerTokenMatches('bearer   s3cret ', 's3cret'), true);
    for (const h of [
      'Bearer s3cre',
      'Bearer s3cret!',
      'Bearer ',
      'Basic s3cret',
      's3cret',
      '',
      undefined,
    ])
      assert.strictEqual(bearerTokenMatches(h, 's3cret'), false, String(h));
  });
});
