import * as assert from 'node:assert';
import { bearerTokenMatches } from '../../src/transport/auth';
import { isLoopbackHost } from '../../src/collector';

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

describe('isLoopbackHost', () => {
  it('should know every loopback address, and nothing else', () => {
    for (const h of [
      '127.0.0.1',
      '127.0.0.2',
      '127.255.0.9',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
      'localhost',
    ])
      assert.strictEqual(isLoopbackHost(h), true, h);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '::ffff:10.0.0.1', 'example.com'])
      assert.strictEqual(isLoopbackHost(h), false, h);
  });
});
