import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COMMANDS, main, usage } from '../src';
import { capture } from './capture';

const BIN = path.join(__dirname, '..', '..', 'bin', 'burnrate.js');
const PKG = path.join(__dirname, '..', '..', 'package.json');
const DESIGN = path.join(__dirname, '..', '..', '..', 'core', 'test', 'fixtures', 'design.yaml');

describe('burnrate CLI behaviour', () => {
  describe('--version', () => {
    it("should print the package's version and exit 0", async () => {
      const io = capture();
      assert.strictEqual(await main(['--version'], io), 0);
      assert.strictEqual(io.stdout, `${JSON.parse(readFileSync(PKG, 'utf8')).version}\n`);
      assert.strictEqual(io.stderr, '');
    });
  });

  describe('help', () => {
    it('should list every command and exit 0', async () => {
      const io = capture();
      assert.strictEqual(await main(['help'], io), 0);
      for (const c of COMMANDS) assert.match(io.stdout, new RegExp(`^  ${c.name} +\\S`, 'm'));
      assert.strictEqual(io.stdout, usage());
    });

    it('should give the same help for help COMMAND and COMMAND --help, exit 0', async () => {
      for (const c of COMMANDS) {
        const a = capture();
        const b = capture();
        const h = capture();
        assert.strictEqual(await main(['help', c.name], a), 0);
        assert.strictEqual(await main([c.name, '--help'], b), 0);
        assert.strictEqual(await main([c.name, '-h'], h), 0);
        assert.strictEqual(a.stdout, b.stdout);
        assert.strictEqual(a.stdout, h.stdout);
        assert.ok(a.stdout.startsWith(`Usage: burnrate ${c.name}`), a.stdout);
        for (const flag of Object.keys(c.flags)) assert.ok(a.stdout.includes(`--${flag}`), flag);
        assert.match(a.stdout, /Exit: 0/);
      }
    });

    it('should prefer --help to a bad flag', async () => {
      const io = capture();
      assert.strictEqual(await main(['budget', '--nope', '--help'], io), 0);
      assert.match(io.stdout, /^Usage: burnrate budget/);
    });

    it('should print usage on stderr and exit 2 without a command', async () => {
      const io = capture();
      assert.strictEqual(await main([], io), 2);
      assert.strictEqual(io.stdout, '');
      assert.strictEqual(io.stderr, usage());
    });
  });

  describe('did you mean', () => {
    it('should suggest the closest command', async () => {
      const io = capture();
      assert.strictEqual(await main(['stauts'], io), 2);
      assert.strictEqual(
        io.stderr,
        'burnrate: unknown command "stauts" (did you mean status?); see burnrate help\n'
      );
      const far = capture();
      assert.strictEqual(await main(['frobnicate'], far), 2);
      assert.strictEqual(far.stderr, 'burnrate: unknown command "frobnicate"; see burnrate help\n');
      const help = capture();
      assert.strictEqual(await main(['help', 'rulse'], help), 2);
      assert.match(help.stderr, /did you mean rules\?/);
    });

    it('should suggest the closest flag, long or short, and a flag for a stray word', async () => {
      const long = capture();
      assert.strictEqual(await main(['budget', '--objectve', '99'], long), 2);
      assert.strictEqual(
        long.stderr,
        'burnrate: budget: unknown flag --objectve (did you mean --objective?); see burnrate budget --help\n'
      );
      const short = capture();
      assert.strictEqual(await main(['budget', '-x'], short), 2);
      assert.match(
        short.stderr,
        /^burnrate: budget: unknown flag -x; see burnrate budget --help\n$/
      );
      const stray = capture();
      assert.strictEqual(await main(['status', 'json'], stray), 2);
      assert.match(stray.stderr, /unexpected argument "json" \(did you mean --json\?\)/);
      const option = capture();
      assert.strictEqual(await main(['--verison'], option), 2);
      assert.match(option.stderr, /unknown option --verison \(did you mean --version\?\)/);
    });

    it('should take short flags as their long names', async () => {
      const io = capture();
      assert.strictEqual(await main(['budget', '-o', '99', '-w', '7d', '--json'], io), 0);
      assert.strictEqual(JSON.parse(io.stdout).window, '7d');
    });

    it('should name a flag that lacks its value', async () => {
      const io = capture();
      assert.strictEqual(await main(['budget', '--objective'], io), 2);
      assert.match(
        io.stderr,
        /^burnrate: budget: Option '-o, --objective <value>' argument missing/
      );
      assert.strictEqual(io.stderr.split('\n').length, 2);
    });
  });

  describe('errors', () => {
    it('should report a missing spec file as missing, exit 1, for every command reading one', async () => {
      for (const args of [
        ['validate', '/no/such/burnrate.yaml'],
        ['rules', '/no/such/burnrate.yaml'],
        ['dashboard', '/no/such/burnrate.yaml'],
        ['collector', '--config', '/no/such/burnrate.yaml'],
      ]) {
        const io = capture();
        assert.strictEqual(await main(args, io), 1, args.join(' '));
        assert.strictEqual(io.stderr, 'burnrate: /no/such/burnrate.yaml: no such spec file\n');
      }
    });

    it('should say an output folder does not exist in one line, and the stack only with --debug', () => {
      const out = path.join(mkdtempSync(path.join(tmpdir(), 'burnrate-cli-')), 'no', 'rules.yaml');
      const r = spawnSync(process.execPath, [BIN, 'rules', DESIGN, '-o', out], {
        encoding: 'utf8',
      });
      assert.strictEqual(r.status, 1);
      assert.strictEqual(
        r.stderr,
        `burnrate: cannot write ${out}: no such directory ${path.dirname(out)}\n`
      );
      const debug = spawnSync(process.execPath, [BIN, 'rules', DESIGN, '-o', out, '--debug'], {
        encoding: 'utf8',
      });
      assert.strictEqual(debug.status, 1);
      assert.match(debug.stderr, /^CliError: cannot write .*\n +at /);
    });

    it('should keep an unexpected error to one line, pointing at --debug', async () => {
      const io = capture();
      io.out = () => {
        throw new TypeError('stdout went away');
      };
      assert.strictEqual(await main(['budget'], io), 1);
      assert.strictEqual(io.stderr, 'burnrate: stdout went away (run with --debug for details)\n');
    });
  });
});
