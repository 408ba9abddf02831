// Routine figures: node bench/routines.mjs [runs]. Builds main.js and the bench entries, prints JSON.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEntries } from './build.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const TMP = path.join(BENCH, 'tmp');
execFileSync(process.execPath, [path.join(ROOT, 'esbuild.config.mjs'), 'production'], { cwd: ROOT, stdio: 'inherit' });
await buildEntries(['routines', 'recheck-tokens'].map((n) => path.join(BENCH, 'src', `${n}.ts`)), path.join(TMP, 'bin'));
const run = (name, args) => JSON.parse(execFileSync(process.execPath, [path.join(TMP, 'bin', `${name}.cjs`), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
const latency = run('routines', [path.join(ROOT, 'main.js'), ROOT, process.argv[2] ?? '9']);
const tokens = run('recheck-tokens', [ROOT]);
process.stdout.write(`${JSON.stringify({ newNoteLatency: latency, recheckTokens: tokens }, null, 2)}\n`);
