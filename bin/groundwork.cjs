#!/usr/bin/env node
'use strict';
const argv = process.argv.slice(2);
// The hook runs before every tool call of an outside agent: its own small bundle starts faster.
const bundle = argv[0] === 'hook' ? '../dist/hook.cjs' : '../dist/cli.cjs';
require(bundle).main(argv).then((code) => {
  process.exitCode = code;
});
