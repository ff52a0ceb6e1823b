import * as assert from 'node:assert';
import { isLoopbackHost } from '../src/loopback';

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
