// `node bench/prompt-tokens.mjs`: prompt tokens per agent step (scout digest, distiller, critic)
// on the example vault (or, with `eval`, the eval corpus), counted with a real tokenizer from the test server's recorded requests.
// Prints figures only.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEntries } from './build.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const OUT = path.join(BENCH, 'tmp', 'prompt-tokens');
await buildEntries([path.join(BENCH, 'src/prompt-tokens.ts')], OUT);
const r = JSON.parse(execFileSync(process.execPath, [path.join(OUT, 'prompt-tokens.cjs'), ROOT, ...process.argv.slice(2)], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop());
const rows = Object.entries(r).map(([step, s]) => `${step.padEnd(16)} calls ${String(s.calls).padStart(3)}  total ${String(s.total).padStart(7)}  mean ${String(s.mean).padStart(6)}  max ${String(s.max).padStart(6)}`);
console.log(rows.join('\n'));
console.log(JSON.stringify(r));
