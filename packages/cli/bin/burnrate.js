#!/usr/bin/env node
'use strict';
const { main } = require('../build/src/main');
main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  err => {
    process.stderr.write(`burnrate: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  }
);
