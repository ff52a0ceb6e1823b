import * as assert from 'node:assert';
import {
  notificationSettingsFromEnv,
  parseHeaders,
  readNotificationSettings,
} from '../src/settings';

function read(raw: Record<string, unknown>) {
  const problems: string[] = [];
  const settings = readNotificationSettings(raw, 'collector', (p, m) =>
    problems.push(`${p}: ${m}`)
  );
  return { settings, problems };
}

describe('settings', () => {
  describe('readNotificationSettings', () => {
    it('should read URLs, receiver objects and durations', () => {
      const { settings, problems } = read({
        alertmanagers: [
          'http://am-0:9093',
          { url: 'http://am-1:9093', headers: { 'X-Scope-OrgID': 'a' } },
        ],
        webhooks: [
          {
            url: 'https://hooks.slack.com/services/T/B/X',
            format: 'slack',
            timeout: '2s',
            retries: 1,
            queueSize: 10,
          },
          { url: 'https://ops.example/hook', token: 't0k', backoff: '500ms', maxBackoff: '10s' },
        ],
        alertEvaluationInterval: '5s',
        alertResendInterval: '1m',
      });
      assert.deepStrictEqual(problems, []);
      assert.deepStrictEqual(settings, {
        alertmanagers: [
          { url: 'http://am-0:9093' },
          { url: 'http://am-1:9093', headers: { 'X-Scope-OrgID': 'a' } },
        ],
        webhooks: [
          {
            url: 'https://hooks.slack.com/services/T/B/X',
            format: 'slack',
            timeoutMs: 2_000,
            retries: 1,
            queueSize: 10,
          },
          { url: 'https://ops.example/hook', token: 't0k', backoffMs: 500, maxBackoffMs: 10_000 },
        ],
        alertEvaluationIntervalMs: 5_000,
        alertResendIntervalMs: 60_000,
      });
    });

    it('should name every bad key and value with its path', () => {
      const { problems } = read({
        alertmanagers: 'ftp://am',
        webhooks: [{ url: 'http://x', format: 'xml', retries: -1, colour: 'red' }, 42],
        alertEvaluationInterval: 10,
      });
      assert.deepStrictEqual(problems, [
        'collector.alertmanagers[0]: must be an http:// or https:// URL, got "ftp://am"',
        'collector.webhooks[0].colour: unknown key; expected one of url, headers, token, timeout, retries, queueSize, backoff, maxBackoff, format',
        'collector.webhooks[0].retries: must be an integer ≥ 0, got -1',
        'collector.webhooks[0].format: must be json or slack, got "xml"',
        'collector.webhooks[1]: must be a URL or an object with url, got 42',
        'collector.alertEvaluationInterval: must be a duration such as 10s, got 10',
      ]);
    });
  });

  describe('notificationSettingsFromEnv', () => {
    it('should read the BURNRATE_* variables', () => {
      const problems: string[] = [];
      const s = notificationSettingsFromEnv(
        {
          BURNRATE_ALERTMANAGER_URL: 'http://am-0:9093, http://am-1:9093',
          BURNRATE_ALERTMANAGER_HEADERS: 'X-Scope-OrgID=team%20a',
          BURNRATE_WEBHOOK_URL: 'https://hooks.example/x',
          BURNRATE_WEBHOOK_FORMAT: 'slack',
          BURNRATE_WEBHOOK_TOKEN: 'abc',
          BURNRATE_ALERT_EVALUATION_INTERVAL: '15s',
        },
        (p, m) => problems.push(`${p}: ${m}`)
      );
      assert.deepStrictEqual(problems, []);
      assert.deepStrictEqual(s, {
        alertmanagers: [
          { url: 'http://am-0:9093', headers: { 'X-Scope-OrgID': 'team a' } },
          { url: 'http://am-1:9093', headers: { 'X-Scope-OrgID': 'team a' } },
        ],
        webhooks: [{ url: 'https://hooks.example/x', token: 'abc', format: 'slack' }],
        alertEvaluationIntervalMs: 15_000,
      });
    });

    it('should name the variable of a bad value', () => {
      const problems: string[] = [];
      notificationSettingsFromEnv(
        { BURNRATE_WEBHOOK_URL: 'nope', BURNRATE_ALERT_RESEND_INTERVAL: 'soon' },
        (p, m) => problems.push(`${p}: ${m}`)
      );
      assert.deepStrictEqual(problems, [
        'BURNRATE_WEBHOOK_URL: must be an http:// or https:// URL, got "nope"',
        'BURNRATE_ALERT_RESEND_INTERVAL: must be a duration such as 10s, got "soon"',
      ]);
    });
  });

  describe('parseHeaders', () => {
    it('should read name=value lists and a single Name: value', () => {
      assert.deepStrictEqual(parseHeaders('a=1, b=x%2Cy'), { a: '1', b: 'x,y' });
      assert.deepStrictEqual(parseHeaders('Authorization: Basic dXNlcjpwYXNz'), {
        Authorization: 'Basic dXNlcjpwYXNz',
      });
      assert.strictEqual(parseHeaders('no header here'), undefined);
    });
  });
});
