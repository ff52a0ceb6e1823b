#!/usr/bin/env node
// Keeps the publishing fields of every packages/*/package.json alike:
// prepack build, LICENSE copy, files (with src/ for the source maps), repository.
// Run after adding a package: node scripts/package-fields.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const REPOSITORY = 'git+https://github.com/burnrate/burnrate.git';
for (const dir of fs.readdirSync(path.join(root, 'packages'))) {
  const file = path.join(root, 'packages', dir, 'package.json');
  if (!fs.existsSync(file)) continue;
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  pkg.repository = { type: 'git', url: REPOSITORY, directory: `packages/${dir}` };
  // a clean build: no output of a source since removed ends up in the tarball
  pkg.scripts = {
    ...(pkg.scripts ?? {}),
    prepack: "node -e \"require('fs').rmSync('build',{recursive:true,force:true})\" && tsc -b",
  };
  const files = new Set(pkg.files ?? ['build/src', 'README.md']);
  // the source maps point at ../../src/*.ts: ship the sources they name
  for (const f of ['build/src', 'src', 'README.md', 'LICENSE']) files.add(f);
  pkg.files = [...files];
  for (const deps of [pkg.peerDependencies]) {
    if (deps && deps['@opentelemetry/api']) deps['@opentelemetry/api'] = '^1.3.0';
  }
  fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  fs.copyFileSync(path.join(root, 'LICENSE'), path.join(root, 'packages', dir, 'LICENSE'));
}
