import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { driveItemsApp, ITEMS_FAILING, ITEMS_REQUESTS } from '../helpers/route-app';

const ROOT = resolve(__dirname, '../../..');
const APPS = join(ROOT, 'test', 'install', 'apps');
/** The Express version the user's app installs (any 4.x or 5.x works). */
const EXPRESS = '5.2.1';
/** The register entry of the packed packages (its own package once split from otel). */
const REGISTER = existsSync(join(ROOT, 'packages', 'register', 'package.json'))
  ? '@burnrate/register'
  : '@burnrate/otel/register';

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // the npm cache makes the registry fetches of a second run local
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
    timeout: 600_000,
  });
}

/** Every file under `dir`, relative. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? walk(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]
  );
}

/** Workspaces marked `"private": true`: packed by `npm pack --workspaces`, never installed. */
const PRIVATE: string[] = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).workspaces as string[]
)
  .map(w => JSON.parse(readFileSync(join(ROOT, w, 'package.json'), 'utf8')))
  .filter(p => p.private === true)
  .map(p => p.name as string);

describe('packed tarballs installed like a user', function () {
  this.timeout(900_000);
  let app = '';
  let tarballs: string[] = [];
  const packages: { name: string; dir: string }[] = [];

  before(() => {
    const packs = mkdtempSync(join(tmpdir(), 'burnrate-packs-'));
    // prepack builds each package; the tarballs go outside the repository
    const out = JSON.parse(
      npm(['pack', '--workspaces', '--json', '--pack-destination', packs], ROOT)
    ) as { name: string; filename: string }[];
    // private workspaces (the shared test helpers) are never published: not installed
    const published = out.filter(p => !PRIVATE.includes(p.name));
    tarballs = published.map(p => join(packs, p.filename));
    app = mkdtempSync(join(tmpdir(), 'burnrate-user-app-'));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'user-app', version: '1.0.0', private: true })
    );
    npm(['install', '--prefer-offline', ...tarballs, `express@${EXPRESS}`], app);
    for (const p of published)
      packages.push({ name: p.name, dir: join(app, 'node_modules', ...p.name.split('/')) });
    for (const f of ['express-app.js', 'burnrate.yaml']) copyFileSync(join(APPS, f), join(app, f));
  });

  it('should pack every workspace and install them together from the tarballs alone', () => {
    const workspaces = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).workspaces;
    assert.strictEqual(tarballs.length, workspaces.length - PRIVATE.length);
    assert.deepStrictEqual(PRIVATE, ['@burnrate/test-utils']);
    assert.ok(!app.startsWith(ROOT), 'installed outside the repository');
    // npm ls exits non-zero on anything missing or invalid (peer ranges included)
    const tree = JSON.parse(npm(['ls', '--all', '--json'], app));
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
    for (const { name } of packages) {
      const entry = lock.packages[`node_modules/${name}`];
      assert.ok(entry, `${name} installed`);
      assert.match(entry.resolved, /^file:/, `${name} comes from its tarball`);
      // no second copy of a burnrate package from the registry under another one
      const nested = Object.keys(lock.packages).filter(
        k => k.endsWith(`/node_modules/${name}`) && k !== `node_modules/${name}`
      );
      assert.deepStrictEqual(nested, [], `${name} installed once`);
    }
    assert.ok(tree.dependencies.express);
  });

  it('should ship LICENSE, README, types, and source maps whose sources are shipped', () => {
    for (const { name, dir } of packages) {
      const files = walk(dir);
      assert.ok(files.includes('LICENSE'), `${name} LICENSE`);
      assert.match(readFileSync(join(dir, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
      assert.ok(files.includes('README.md'), `${name} README`);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      assert.strictEqual(pkg.license, 'Apache-2.0');
      assert.strictEqual(pkg.repository?.type, 'git', `${name} repository`);
      assert.ok(existsSync(join(dir, pkg.types)), `${name} types ${pkg.types}`);
      const maps = files.filter(f => f.endsWith('.map'));
      assert.ok(maps.length > 0, `${name} has source maps`);
      for (const m of maps) {
        const map = JSON.parse(readFileSync(join(dir, m), 'utf8'));
        for (const s of map.sources)
          assert.ok(existsSync(resolve(dir, dirname(m), s)), `${name}/${m} names ${s}`);
      }
      assert.ok(!files.some(f => f.startsWith('build/test/')), `${name} ships no tests`);
    }
  });

  it("should count an Express app's parameterised routes exactly through register, no code change", async () => {
    const counts = await driveItemsApp({
      app: join(app, 'express-app.js'),
      cwd: app,
      register: REGISTER,
      spec: join(app, 'burnrate.yaml'),
    });
    assert.strictEqual(counts.good, ITEMS_REQUESTS - ITEMS_FAILING, counts.stderr);
    assert.strictEqual(counts.bad, ITEMS_FAILING, counts.stderr);
    assert.strictEqual(counts.latencyGood, ITEMS_REQUESTS, counts.stderr);
  });

  it('should run the CLI installed from its tarball', () => {
    const version = JSON.parse(
      readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')
    ).version;
    assert.strictEqual(npm(['exec', '--', 'burnrate', '--version'], app).trim(), version);
    assert.match(
      npm(['exec', '--', 'burnrate', 'validate', 'burnrate.yaml'], app),
      /burnrate\.yaml: 2 SLOs valid/
    );
  });
});
