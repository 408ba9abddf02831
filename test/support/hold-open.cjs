'use strict';
/*
 * Preloaded into a CLI child (`node --require test/support/hold-open.cjs`): `fs.open` of the file
 * named by GROUNDWORK_TEST_HOLD_OPEN waits until the child's stdin ends. The model load opens
 * every note this way, so while the test keeps stdin open the vault is provably not read in
 * full (a blocking `fs.openSync` of a held note fails, and the load reads it the other way): the test can see what the run does before its model is loaded, without any timing.
 * Says `hold-open: holding <path>` on stderr when it holds the file and `hold-open: released`
 * when it lets go. GROUNDWORK_TEST_HOLD_OPEN=* holds every .md file, and at exit the process
 * then says `hold-open: opened <n> notes`: how far a run got in reading the vault. Nothing else
 * of the process changes.
 */
const fs = require('node:fs');
const path = require('node:path');

const every = process.env.GROUNDWORK_TEST_HOLD_OPEN === '*';
const target = process.env.GROUNDWORK_TEST_HOLD_OPEN && !every ? path.resolve(process.env.GROUNDWORK_TEST_HOLD_OPEN) : null;
if (target || every) {
  const realOpen = fs.open;
  let released = false;
  const held = [];
  process.stdin.on('data', () => {});
  process.stdin.on('end', () => {
    released = true;
    process.stderr.write('hold-open: released\n');
    for (const go of held.splice(0)) go();
  });
  let opened = 0;
  if (every) process.on('exit', () => process.stderr.write(`hold-open: opened ${opened} notes\n`));
  fs.open = function open(file, ...rest) {
    const note = typeof file === 'string' && file.endsWith('.md');
    if (note) opened++;
    if (!released && typeof file === 'string' && (every ? note : path.resolve(file) === target)) {
      if (!every || opened === 1) process.stderr.write(`hold-open: holding ${file}\n`);
      held.push(() => realOpen.call(fs, file, ...rest));
      return;
    }
    return realOpen.call(fs, file, ...rest);
  };
  const realOpenSync = fs.openSync;
  fs.openSync = function openSync(file, ...rest) {
    if (!released && typeof file === 'string' && (every ? file.endsWith('.md') : path.resolve(file) === target)) {
      throw Object.assign(new Error(`hold-open: ${file} is held; open it without blocking`), { code: 'EAGAIN' });
    }
    return realOpenSync.call(fs, file, ...rest);
  };
}
