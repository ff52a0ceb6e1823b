#!/usr/bin/env node
'use strict';
const { main } = require('../build/src/main');
main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  err => {
    // main turns every error into a message and an exit code; this is a last resort
    process.stderr.write(`burnrate: ${err && err.message ? err.message : err}\n`);
    process.exitCode = 1;
  }
);
