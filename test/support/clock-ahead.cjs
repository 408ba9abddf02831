'use strict';
/*
 * Preloaded into a CLI child (`NODE_OPTIONS=--require test/support/clock-ahead.cjs`): the
 * process's clock reads one hour ahead, so notes a test wrote a moment ago are not "changed just
 * now" to the record cache (src/cli/record-cache.ts keeps no note read within seconds of its last
 * change). The files' own times are untouched.
 */
const realNow = Date.now;
Date.now = () => realNow() + 3_600_000;
