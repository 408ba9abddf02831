#!/usr/bin/env node
'use strict';
const argv = process.argv.slice(2);
// The hook runs before every tool call of an outside agent: its own small bundle starts fastest.
// Every other command loads the CLI's entry, which loads the chunks that command imports.
const cli = argv[0] === 'hook' ? Promise.resolve(require('../dist/hook.cjs')) : import('../dist/cli.mjs');
cli.then((m) => m.main(argv)).then((code) => {
  process.exitCode = code;
});
