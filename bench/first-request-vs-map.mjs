// Start → first model request vs `map --json`, interleaved, on vaults you already have: cheaper
// than `npm run bench` when only this figure matters (e.g. comparing two builds of the CLI).
//
//   node bench/first-request-vs-map.mjs --vault DIR --domain NAME [--runs 5] [--cli LABEL=PATH]...
//
// Each --cli is a CLI bundle's bin wrapper (bench/tmp/cli/groundwork.cjs as run.mjs builds it);
// bench/tmp/bin/first-request.cjs must exist (run.mjs --keep, or bench/build.mjs). Warm the
// vault's index first (one `research --dry-run`), as run.mjs does. Each round runs `map` once and
// each CLI's first request once, in that order, with the 1-minute load average before each;
// prints one JSON object with medians. Only prints figures.
import { execFileSync, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const vault = opt('--vault');
const domain = opt('--domain');
const runs = Number(opt('--runs') ?? 5);
const clis = args.flatMap((a, i) => (a === '--cli' ? [args[i + 1]] : [])).map((s) => {
  const eq = s.indexOf('=');
  return eq > 0 ? { label: s.slice(0, eq), path: s.slice(eq + 1) } : { label: s, path: s };
});
if (!vault || !domain || clis.length === 0) {
  process.stderr.write('usage: node bench/first-request-vs-map.mjs --vault DIR --domain NAME [--runs N] --cli LABEL=PATH [--cli ...]\n');
  process.exit(2);
}
const firstRequestBin = opt('--first-request') ?? path.join(BENCH, 'tmp', 'bin', 'first-request.cjs');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = () => Math.round(os.loadavg()[0] * 100) / 100;

function mapMs(cli) {
  const t = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [cli, 'map', vault, '--json'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (res.status !== 0) throw new Error(`map exited ${res.status}: ${res.stderr.slice(-1000)}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function firstRequestMs(cli) {
  const out = execFileSync(process.execPath, [firstRequestBin, cli, vault, domain, '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()).medianMs;
}

const rounds = [];
for (let i = 0; i < runs; i++) {
  const round = { load: load(), map: Math.round(mapMs(clis[0].path)), first: {} };
  for (const c of clis) round.first[c.label] = firstRequestMs(c.path);
  rounds.push(round);
  process.stderr.write(`[round ${i + 1}/${runs}] load ${round.load}: map ${round.map} ms; ${clis.map((c) => `${c.label} ${round.first[c.label]} ms`).join(', ')}\n`);
}
const mapMedian = median(rounds.map((r) => r.map));
const summary = { vault, domain, runs, load: [Math.min(...rounds.map((r) => r.load)), Math.max(...rounds.map((r) => r.load))], mapMs: mapMedian, first: {}, rounds };
for (const c of clis) {
  const m = median(rounds.map((r) => r.first[c.label]));
  summary.first[c.label] = { medianMs: m, vsMap: Math.round((m / mapMedian) * 100) / 100 };
}
process.stdout.write(`${JSON.stringify(summary)}\n`);
