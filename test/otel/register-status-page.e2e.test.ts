/// <reference lib="dom" />
import * as assert from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main, type CliIo } from 'burnrate';
import { launchChromium } from '../helpers/browser';
import { freePort, http, isListening, startNode, waitForHttp, type Child } from '../helpers/child';

const ROOT = resolve(__dirname, '../../..');
const TOKEN = 'register-s3cret';

/** An app whose every request is a server span: 503 on /fail, 200 otherwise. */
const APP =
  "import { createServer } from 'node:http';\n" +
  "createServer((req, res) => { res.statusCode = req.url === '/fail' ? 503 : 200; res.end('ok'); })" +
  ".listen(Number(process.env.PORT), '127.0.0.1');\n";

/** Every server span of the app counts: a request to the status port would count too, unless ignored. */
const SPEC =
  'slos:\n' +
  '  - name: app-availability\n    objective: 90\n    window: 1d\n' +
  '    sli: { good: { status: ok } }\n    alerting: { minEvents: 0 }\n';

function capture(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    errIsTty: false,
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

function get(
  port: number,
  path: string,
  token?: string
): Promise<{ status: number; body: string }> {
  return fetch(`http://127.0.0.1:${port}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  }).then(async r => ({ status: r.status, body: await r.text() }));
}

describe('@burnrate/register status page (BURNRATE_STATUS_PORT)', function () {
  this.timeout(180_000);
  let child: Child | undefined;

  afterEach(async () => {
    await child?.stop();
    child = undefined;
  });

  it('should serve the page and /api/slos with the token, count only the app, and close on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-register-status-'));
    writeFileSync(join(dir, 'app.mjs'), APP);
    writeFileSync(join(dir, 'burnrate.yaml'), SPEC);
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const [appPort, statusPort] = [await freePort(), await freePort()];
    child = startNode(['--import', '@burnrate/register', join(dir, 'app.mjs')], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(appPort),
        BURNRATE_CONFIG: join(dir, 'burnrate.yaml'),
        BURNRATE_STATUS_PORT: String(statusPort),
        BURNRATE_TOKEN_FILE: tokenFile,
        BURNRATE_TOKEN: '',
        OTEL_METRICS_EXPORTER: 'none',
      },
    });
    await waitForHttp(appPort, '/', 30_000, child);
    await waitForHttp(statusPort, '/', 30_000, child);
    assert.match(
      child.stderr(),
      new RegExp(`status page: http://127\\.0\\.0\\.1:${statusPort}/ \\(bearer token set\\)`)
    );
    // 20 app requests (the one of waitForHttp included), 4 of them 503: 16 good, 4 bad
    for (let i = 1; i < 20; i++) await http(appPort, 'GET', i <= 4 ? '/fail' : '/');

    // without the token: the page files, not the numbers
    assert.strictEqual((await get(statusPort, '/')).status, 200);
    for (const path of [
      '/api/slos',
      '/api/slos/app-availability/history',
      '/api/slos/app-availability/explain',
    ]) {
      assert.strictEqual((await get(statusPort, path)).status, 401, path);
      assert.strictEqual((await get(statusPort, path, 'wrong')).status, 401, path);
      assert.strictEqual((await get(statusPort, path, TOKEN)).status, 200, path);
    }
    let slo: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      slo = JSON.parse((await get(statusPort, '/api/slos', TOKEN)).body).slos[0];
      if (slo.eligible === 20) break;
      await new Promise(r => setTimeout(r, 50));
    }
    // by hand: 4 bad of 20 at 90 %: budget 2, remaining 1 − 4/2 = −1, SLI 0.8;
    // the 12 requests to the status port above are not the app's and count nowhere
    assert.deepStrictEqual(
      [slo.name, slo.eligible, slo.good, slo.bad],
      ['app-availability', 20, 16, 4]
    );
    assert.ok(Math.abs((slo.remaining as number) - -1) < 1e-9, String(slo.remaining));
    assert.ok(Math.abs((slo.sli as number) - 0.8) < 1e-9, String(slo.sli));

    // the CLI reads the in-process numbers like a collector's, with the token file
    const status = capture();
    assert.strictEqual(
      await main(
        [
          'status',
          '--url',
          `http://127.0.0.1:${statusPort}/api/slos`,
          '--token-file',
          tokenFile,
          '--json',
        ],
        status
      ),
      0,
      status.stderr
    );
    assert.strictEqual(JSON.parse(status.stdout).slos[0].bad, 4);
    const gate = capture();
    assert.strictEqual(
      await main(['gate', '--url', `http://127.0.0.1:${statusPort}/api/slos`, '--json'], gate),
      1
    );
    assert.match(gate.stderr, /HTTP 401 \(a bearer token is required/);

    // one look in a real browser: the page asks for the token, then lists the SLO
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const foreign: string[] = [];
      page.on('pageerror', e => errors.push((e as Error).message));
      page.on('console', m => {
        // the 401 before the token is typed is expected; anything else is not
        if (m.type() === 'error' && !/401/.test(m.text())) errors.push(m.text());
      });
      page.on('request', r => {
        const u = new URL(r.url());
        if (u.protocol !== 'data:' && u.host !== `127.0.0.1:${statusPort}`) foreign.push(r.url());
      });
      await page.goto(`http://127.0.0.1:${statusPort}/?poll=500`, { waitUntil: 'load' });
      await page.waitForSelector('#auth:not([hidden])', { timeout: 30_000 });
      await page.type('#token', TOKEN);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelectorAll('#slos tbody tr').length === 1, {
        timeout: 30_000,
      });
      const row = await page.$$eval('#slos tbody tr td', tds =>
        tds.map(td => (td as HTMLElement).textContent ?? '')
      );
      assert.strictEqual(row[0], 'app-availability');
      assert.match(row.join(' '), /-100(\.0+)?\s?%/, `budget left in ${JSON.stringify(row)}`);
      assert.deepStrictEqual(errors, []);
      assert.deepStrictEqual(foreign, []);
    } finally {
      await browser.close();
    }
    // the browser's requests did not count either
    const after = JSON.parse((await get(statusPort, '/api/slos', TOKEN)).body).slos[0];
    assert.strictEqual(after.eligible, 20);

    const { signal, code } = await child.stop();
    assert.ok(signal === 'SIGTERM' || code === 143, `ended by ${signal ?? code}`);
    assert.strictEqual(await isListening(statusPort), false);
  });

  it('should say in one line when the status port is in use, and run the app on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-register-status-'));
    writeFileSync(join(dir, 'app.mjs'), APP);
    writeFileSync(join(dir, 'burnrate.yaml'), SPEC);
    const appPort = await freePort();
    const blocker = await import('node:net').then(net => net.createServer().listen(0, '127.0.0.1'));
    await new Promise(r => blocker.once('listening', r));
    const taken = (blocker.address() as { port: number }).port;
    try {
      child = startNode(['--import', '@burnrate/register', join(dir, 'app.mjs')], {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: String(appPort),
          BURNRATE_CONFIG: join(dir, 'burnrate.yaml'),
          BURNRATE_STATUS_PORT: String(taken),
          OTEL_METRICS_EXPORTER: 'none',
        },
      });
      await waitForHttp(appPort, '/', 30_000, child);
      for (let i = 0; i < 100 && !/cannot serve the status page/.test(child.stderr()); i++)
        await new Promise(r => setTimeout(r, 50));
      assert.match(
        child.stderr(),
        new RegExp(
          `burnrate: cannot serve the status page on 127\\.0\\.0\\.1:${taken}: the port is in use; set BURNRATE_STATUS_PORT to a free port`
        )
      );
      assert.strictEqual((await http(appPort, 'GET', '/')).status, 200);
    } finally {
      blocker.close();
    }
  });

  it('should refuse a bad BURNRATE_STATUS_PORT at start, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-register-status-'));
    writeFileSync(join(dir, 'app.mjs'), APP);
    writeFileSync(join(dir, 'burnrate.yaml'), SPEC);
    child = startNode(['--import', '@burnrate/register', join(dir, 'app.mjs')], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(await freePort()),
        BURNRATE_CONFIG: join(dir, 'burnrate.yaml'),
        BURNRATE_STATUS_PORT: 'eighty',
      },
    });
    const { code } = await child.exited;
    assert.strictEqual(code, 1);
    assert.match(child.stderr(), /BURNRATE_STATUS_PORT: must be a port 0-65535, got "eighty"/);
  });
});
