import * as assert from 'node:assert';
import { AttributeKeys, MAX_KEY_LENGTH } from '../../src/otlp/attribute-keys';

describe('AttributeKeys', () => {
  describe('.idOf', () => {
    it('should give each key one id, from 1, and 0 past the limit or the key length', () => {
      const keys = new AttributeKeys(3);
      assert.strictEqual(keys.idOf('http.route'), 1);
      assert.strictEqual(keys.idOf('http.request.method'), 2);
      assert.strictEqual(keys.idOf('http.route'), 1);
      assert.strictEqual(keys.idOf('x'.repeat(MAX_KEY_LENGTH + 1)), 0);
      assert.strictEqual(keys.idOf('é'), 3);
      assert.strictEqual(keys.idOf('one.too.many'), 0);
      assert.strictEqual(keys.count, 3);
      assert.deepStrictEqual(keys.bytesOf(3), Buffer.from('é', 'utf8'));
    });
  });

  describe('.match', () => {
    it('should find a registered key by its UTF-8 bytes, and only that key', () => {
      const keys = new AttributeKeys();
      const route = keys.idOf('http.route');
      const scheme = keys.idOf('url.scheme'); // same length as http.route
      const accent = keys.idOf('naïve');
      const buf = Buffer.from('..http.route|url.scheme|url.schemf|naïve|http.rout', 'utf8');
      const at = (s: string) => {
        const start = buf.indexOf(s);
        return keys.match(buf, start, start + Buffer.byteLength(s));
      };
      assert.strictEqual(at('http.route'), route);
      assert.strictEqual(at('url.scheme'), scheme);
      assert.strictEqual(at('url.schemf'), 0);
      assert.strictEqual(at('naïve'), accent);
      assert.strictEqual(at('http.rout|'), 0);
      assert.strictEqual(keys.match(buf, 0, 0), 0);
      assert.strictEqual(keys.match(buf, 0, MAX_KEY_LENGTH + 1), 0);
    });
  });
});
