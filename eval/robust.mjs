// `npm run eval:robust`: builds eval/src/robust.ts from the current source, runs it, prints the
// table, writes eval/robust-results.json and the table in eval/robust.md. Offline: the model is
// the project's loopback test server with faults planted at known rates.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEntries } from '../bench/build.mjs';

const EVAL = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(EVAL, '..');
const TMP = path.join(EVAL, 'tmp');
await buildEntries([path.join(EVAL, 'src/robust.ts')], TMP);
const out = execFileSync(process.execPath, [path.join(TMP, 'robust.cjs')], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
const r = JSON.parse(out.trim().split('\n').pop());
fs.rmSync(TMP, { recursive: true, force: true });

const pct = (x) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const rows = [
  ['model answers (first tries and repairs)', String(r.answers)],
  ...Object.entries(r.planted).map(([k, v]) => [`  planted: ${k}`, `${v} (${pct(v / r.answers)})`]),
  ['agent calls', String(r.agentCalls)],
  ['schema-valid after repair', pct(r.schemaValidAfterRepair)],
  ...Object.entries(r.byStep).map(([k, v]) => [`  ${k}`, `${v.valid}/${v.calls}`]),
  ['repair calls spent', `${r.repairCalls} (${r.repairCallsPerAgentCall.toFixed(2)} per agent call)`],
  ['verified-quote rate (digests)', pct(r.verifiedQuoteRate)],
  ['unknown ids flagged by code', String(r.unknownIdsFlaggedByCode)],
  ['hostile copies in prompts', String(r.hostileCopiesInPrompts)],
  ['hostile copies outside the fence', String(r.hostileCopiesOutsideFence)],
];
const w = Math.max(...rows.map((x) => x[0].length));
const table = ['| measure | value |', '|---|---|', ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join('\n');
console.log(rows.map(([a, b]) => `${a.padEnd(w)}  ${b}`).join('\n'));
fs.writeFileSync(path.join(EVAL, 'robust-results.json'), `${JSON.stringify(r, null, 2)}\n`);
const md = path.join(EVAL, 'robust.md');
const head = `# Robustness eval\n\n\`npm run eval:robust\` runs every agent call of the research cycle (4 domains of the example vault, plus a hostile note and a note that tries to close the fence) and an automatic task, ${r.rounds} rounds, against the loopback test server, which plants each fault below on ${pct(r.ratePerFault)} of its answers (repair answers included) with a fixed seed. Faults: JSON in code fences, a required field null, extra keys (trust keys among them), an answer cut at the token limit, a 500-item list, citations of an unknown id, quotes paraphrased (words reversed).\n\n`;
fs.writeFileSync(md, `${head}${table}\n`);
