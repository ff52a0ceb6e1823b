import * as assert from 'node:assert';
import { DeliveryQueue, resolveTarget } from '../src/delivery-queue';
import { closedPort, TestReceiver } from '@burnrate/test-utils';

const quiet = { warn: () => {} };

describe('DeliveryQueue', () => {
  let receiver: TestReceiver;
  beforeEach(async () => {
    receiver = new TestReceiver();
    await receiver.start();
  });
  afterEach(() => receiver.stop());

  describe('resolveTarget', () => {
    it('should fill defaults, append the path and turn a token into a bearer header', () => {
      const t = resolveTarget(
        { url: 'http://am:9093/', token: 's3cret', headers: { 'X-Scope-OrgID': 'a' } },
        'alertmanagers[0]',
        '/api/v2/alerts'
      );
      assert.strictEqual(t.url.href, 'http://am:9093/api/v2/alerts');
      assert.deepStrictEqual(t.headers, { 'X-Scope-OrgID': 'a', authorization: 'Bearer s3cret' });
      assert.strictEqual(t.timeoutMs, 5_000);
      assert.strictEqual(t.retries, 3);
      assert.strictEqual(t.queueSize, 100);
    });

    it('should refuse a bad URL, scheme or bound with the place and the value', () => {
      assert.throws(() => resolveTarget({ url: 'not a url' }, 'webhooks[1]'), {
        message: 'webhooks[1].url: not a URL: "not a url"',
      });
      assert.throws(() => resolveTarget({ url: 'ftp://x/' }, 'webhooks[0]'), /must be http/);
      assert.throws(
        () => resolveTarget({ url: 'http://x/', queueSize: 0 }, 'webhooks[0]'),
        /webhooks\[0\]\.queueSize: must be at least 1, got 0/
      );
      assert.throws(
        () => resolveTarget({ url: 'http://x/', retries: 1.5 }, 'webhooks[0]'),
        /webhooks\[0\]\.retries: must be a whole number/
      );
    });
  });

  describe('.enqueue', () => {
    it('should deliver bodies in order with the headers', async () => {
      const q = new DeliveryQueue(
        'webhook',
        resolveTarget({ url: receiver.url + '/hook', token: 't' }, 'w'),
        quiet
      );
      q.enqueue('{"n":1}');
      q.enqueue('{"n":2}');
      await q.idle();
      assert.deepStrictEqual(receiver.json(), [{ n: 1 }, { n: 2 }]);
      assert.strictEqual(receiver.requests[0].path, '/hook');
      assert.strictEqual(receiver.requests[0].headers.authorization, 'Bearer t');
      assert.strictEqual(receiver.requests[0].headers['content-type'], 'application/json');
      assert.strictEqual(q.counts.sent, 2);
    });

    it('should retry a 500 with backoff, then drop the message and count it', async () => {
      receiver.mode = 500;
      const q = new DeliveryQueue(
        'webhook',
        resolveTarget({ url: receiver.url, retries: 2, backoffMs: 50 }, 'w'),
        quiet
      );
      q.enqueue('{}');
      await q.idle();
      assert.strictEqual(receiver.requests.length, 3);
      assert.strictEqual(q.counts.retries, 2);
      assert.deepStrictEqual(q.counts.dropped, {
        queue_full: 0,
        failed: 1,
        rejected: 0,
        shutdown: 0,
      });
      // backoff 50 ms then 100 ms, ±20 %
      const gaps = [1, 2].map(i => receiver.requests[i].atMs - receiver.requests[i - 1].atMs);
      assert.ok(gaps[0] >= 35 && gaps[1] >= 75, `gaps ${gaps}`);
    });

    it('should not retry a 400 (the receiver refuses the message)', async () => {
      receiver.mode = 400;
      const q = new DeliveryQueue(
        'webhook',
        resolveTarget({ url: receiver.url, backoffMs: 1 }, 'w'),
        quiet
      );
      q.enqueue('{}');
      await q.idle();
      assert.strictEqual(receiver.requests.length, 1);
      assert.strictEqual(q.counts.dropped.rejected, 1);
    });

    it('should give up on a receiver that hangs after the timeout', async () => {
      receiver.mode = 'hang';
      const q = new DeliveryQueue(
        'webhook',
        resolveTarget({ url: receiver.url, timeoutMs: 200, retries: 1, backoffMs: 10 }, 'w'),
        quiet
      );
      const started = Date.now();
      q.enqueue('{}');
      await q.idle();
      const took = Date.now() - started;
      assert.strictEqual(receiver.requests.length, 2);
      assert.strictEqual(q.counts.dropped.failed, 1);
      assert.ok(took >= 400 && took < 3_000, `took ${took} ms`);
    });

    it('should drop what does not fit the queue while a receiver is down, and return at once', async () => {
      const port = await closedPort();
      const q = new DeliveryQueue(
        'webhook',
        resolveTarget(
          { url: `http://127.0.0.1:${port}/`, queueSize: 3, retries: 1, backoffMs: 20 },
          'w'
        ),
        quiet
      );
      const started = process.hrtime.bigint();
      let accepted = 0;
      for (let i = 0; i < 1000; i++) if (q.enqueue(`{"i":${i}}`)) accepted++;
      const tookMs = Number(process.hrtime.bigint() - started) / 1e6;
      assert.strictEqual(accepted, 3);
      assert.strictEqual(q.length, 3);
      assert.strictEqual(q.counts.dropped.queue_full, 997);
      assert.ok(tookMs < 200, `1000 enqueues took ${tookMs} ms`);
      await q.idle();
      assert.strictEqual(q.counts.dropped.failed, 3);
      assert.strictEqual(q.counts.retries, 3);
      assert.strictEqual(q.length, 0);
    });
  });

  describe('.shutdown', () => {
    it('should stop retrying and count what is left as dropped by shutdown', async () => {
      receiver.mode = 'hang';
      const q = new DeliveryQueue(
        'webhook',
        resolveTarget({ url: receiver.url, timeoutMs: 10_000, retries: 5 }, 'w'),
        quiet
      );
      q.enqueue('{"a":1}');
      q.enqueue('{"a":2}');
      await receiver.waitFor(1);
      const started = Date.now();
      await q.shutdown(100);
      assert.ok(Date.now() - started < 1_000);
      assert.strictEqual(q.counts.dropped.shutdown, 2);
      assert.strictEqual(q.enqueue('{}'), false);
      assert.strictEqual(q.counts.dropped.shutdown, 3);
    });
  });
});
