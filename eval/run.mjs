// `npm run eval`: bundles the planted-error eval (eval/eval.ts) with the same builder as the bench
// into eval/tmp/ and runs it with plain node. Needs nothing but `npm install`.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEntries } from '../bench/build.mjs';

const EVAL = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(EVAL, '..');
const OUT = path.join(EVAL, 'tmp');

await buildEntries([path.join(EVAL, 'eval.ts')], OUT);
const r = spawnSync(process.execPath, [path.join(OUT, 'eval.cjs')], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, GROUNDWORK_EVAL_ROOT: ROOT } });
process.exit(r.status ?? 1);
