// `node bench/hook.mjs [notes] [runs]`: the Claude Code hook's decision latency on a generated vault
// (default 10,000 notes) with the example vault's domains added (one of each mode). Prints the
// in-process time of a whole decision (median, p95) per decision, and the wall time of the hook as
// Claude Code runs it (a new `node` process per decision): through the bin, which loads the hook's
// own bundle (dist/hook.cjs), next to the same call through the whole CLI (dist/cli.mjs, which loads
// the hook from its chunks, as the bin would without the hook's bundle) and a bare `node -e 0`, interleaved
// so that the machine's load weighs on all three alike; and the bytes of the hook's bundle and the CLI's entry.
// Only prints figures.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import esbuild from 'esbuild';
import { cli as cliOptions, hook as hookOptions } from '../esbuild.config.mjs';
import { buildEntries } from './build.mjs';
import { generateVault } from './vault-gen.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const TMP = path.join(BENCH, 'tmp', 'hook');
const notes = Number(process.argv[2] ?? 10000);
const runs = Number(process.argv[3] ?? 40);
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const r1 = (x) => Math.round(x * 10) / 10;

fs.rmSync(TMP, { recursive: true, force: true });
fs.mkdirSync(TMP, { recursive: true });
// The shipped layout: bin/groundwork.cjs next to dist/ with the hook's bundle and the CLI (its
// entry and chunks), built as `npm run build` does.
const bundles = { cli: path.join(TMP, 'dist', 'cli.mjs'), hook: path.join(TMP, 'dist', 'hook.cjs') };
await esbuild.build({ ...cliOptions, absWorkingDir: ROOT, outdir: path.join(TMP, 'dist'), logLevel: 'warning' });
await esbuild.build({ ...hookOptions, absWorkingDir: ROOT, outfile: bundles.hook, logLevel: 'warning' });
fs.mkdirSync(path.join(TMP, 'bin'));
fs.copyFileSync(path.join(ROOT, 'bin', 'groundwork.cjs'), path.join(TMP, 'bin', 'groundwork.cjs'));
fs.writeFileSync(path.join(TMP, 'whole-cli.cjs'), "'use strict';\nimport('./dist/cli.mjs').then((cli) => cli.main(process.argv.slice(2))).then((code) => { process.exitCode = code; });\n");
await buildEntries([path.join(BENCH, 'src', 'hook.ts')], TMP);
const vault = path.join(TMP, 'vault');
generateVault(vault, notes);
fs.cpSync(path.join(ROOT, 'examples', 'vault'), vault, { recursive: true });
const targets = { allow: 'Notes/Blog deploy checklist.md', ask: 'Projects/Staging cluster runbook.md', deny: 'Notes/Adapter rank experiments.md' };

const inProcess = JSON.parse(execFileSync(process.execPath, [path.join(TMP, 'hook.cjs'), vault, String(runs), JSON.stringify(targets)], { encoding: 'utf8' }).trim());

const wall = (args, input) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const procRuns = Math.max(5, Math.round(runs / 2));
const allowInput = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: { file_path: path.join(vault, targets.allow), old_string: '# ', new_string: '#  ', replace_all: true } });
const hookArgs = ['hook', 'claude-code', '--vault', vault];
const bare = [];
const ownWall = [];
const wholeWall = [];
for (let i = 0; i < procRuns; i++) {
  bare.push(wall(['-e', '0'], ''));
  ownWall.push(wall([path.join(TMP, 'bin', 'groundwork.cjs'), ...hookArgs], allowInput));
  wholeWall.push(wall([path.join(TMP, 'whole-cli.cjs'), ...hookArgs], allowInput));
}
const kb = (file) => `${Math.round(fs.statSync(file).size / 1024)} KB`;
const fmt = (xs) => `median ${r1(quantile(xs, 0.5))} ms, p95 ${r1(quantile(xs, 0.95))} ms`;
console.log(`Hook on ${notes} notes, ${runs} decisions each, node ${process.version}, load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log(`  first decision (builds the cache): ${inProcess.coldMs} ms`);
for (const k of Object.keys(targets)) console.log(`  ${k}: median ${inProcess[k].medianMs} ms, p95 ${inProcess[k].p95Ms} ms (in process)`);
console.log(`  whole process, allow, through the bin (dist/hook.cjs, ${kb(bundles.hook)}): ${fmt(ownWall)}`);
console.log(`  whole process, allow, through the whole CLI (dist/cli.mjs, entry ${kb(bundles.cli)} + the chunks it loads): ${fmt(wholeWall)}`);
console.log(`  bare "node -e 0": ${fmt(bare)}`);
if (!process.argv.includes('--keep')) fs.rmSync(TMP, { recursive: true, force: true });
