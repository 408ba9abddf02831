// `npm run bench`: builds what it measures from the current source into bench/tmp/, runs every
// benchmark in its own child process, prints a table, writes bench/results.json and the table in
// bench/README.md (between the results markers). Only prints figures: nothing here asserts on time.
//
//   node bench/run.mjs [--quick] [--sizes 1000,10000,50000] [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import esbuild from 'esbuild';
import { plugin as pluginOptions, cli as cliOptions } from '../esbuild.config.mjs';
import { buildEntries } from './build.mjs';
import { generateVault } from './vault-gen.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const TMP = path.join(BENCH, 'tmp');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');
// Only the vault-scale figures (map, index, research at scale): skips onload and the research pipeline.
const onlyScale = args.includes('--only-scale');
const sizesArg = args[args.indexOf('--sizes') + 1];
const SIZES = args.includes('--sizes') ? sizesArg.split(',').map(Number) : quick ? [1000, 10000] : [1000, 10000, 50000];
const started = Date.now();

const log = (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r1 = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function nodeJson(script, argv, nodeFlags = []) {
  const out = execFileSync(process.execPath, [...nodeFlags, script, ...argv], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}

// ---------------------------------------------------------------- build
// Exactly the options esbuild.config.mjs ships with, only written elsewhere (and with a metafile).
async function build() {
  fs.mkdirSync(path.join(TMP, 'bin'), { recursive: true });
  const plugin = await esbuild.build({ ...pluginOptions, absWorkingDir: ROOT, outfile: path.join(TMP, 'plugin', 'main.js'), logLevel: 'warning', metafile: true });
  // The CLI as dist/cli.mjs and its chunks, with a bin wrapper like bin/groundwork.cjs.
  await esbuild.build({ ...cliOptions, absWorkingDir: ROOT, outdir: path.join(TMP, 'cli'), logLevel: 'warning' });
  fs.writeFileSync(path.join(TMP, 'cli', 'groundwork.cjs'), "'use strict';\nimport('./cli.mjs').then((cli) => cli.main(process.argv.slice(2))).then((code) => { process.exitCode = code; });\n");
  await buildEntries(['model', 'research', 'onload', 'large-vault', 'link-walk', 'scout-precision', 'first-request'].map((n) => path.join(BENCH, 'src', `${n}.ts`)), path.join(TMP, 'bin'));
  return plugin.metafile;
}

function pluginSize(metafile) {
  const mainJs = path.join(TMP, 'plugin', 'main.js');
  const bytes = fs.statSync(mainJs).size;
  const out = Object.values(metafile.outputs)[0];
  const byPkg = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = m ? m[1] : input.startsWith('src/') ? `src/${input.split('/')[1]}` : input.replace(/^empty:/, '(empty) ');
    byPkg.set(key, (byPkg.get(key) ?? 0) + bytesInOutput);
  }
  const deps = [...byPkg].sort((a, b) => b[1] - a[1]).map(([name, b]) => ({ name, bytes: b }));
  return { bytes, deps };
}

// ---------------------------------------------------------------- vault scale (child processes)
const hasTime = fs.existsSync('/usr/bin/time');

/** Wall time (ms) and peak RSS (MB) of one child process. */
function measure(cmd) {
  const full = hasTime ? ['/usr/bin/time', ['-v', process.execPath, ...cmd]] : [process.execPath, ['--import', pathToFileURL(path.join(BENCH, 'maxrss.mjs')).href, ...cmd]];
  const t = process.hrtime.bigint();
  const res = spawnSync(full[0], full[1], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (res.status !== 0) throw new Error(`${cmd.join(' ')} exited ${res.status}: ${res.stderr.slice(-2000)}`);
  const m = hasTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr) : /BENCH_MAXRSS_KB=(\d+)/.exec(res.stderr);
  return { ms, rssMB: m ? Number(m[1]) / 1024 : NaN, stdout: res.stdout };
}

function scale(size) {
  const dir = fs.mkdtempSync(path.join(TMP, `vault-${size}-`));
  try {
    let t = Date.now();
    const g = generateVault(dir, size);
    log(`${size}: generated ${g.notes} notes, ${r1(g.bytes / 2 ** 20)} MB in ${Date.now() - t} ms`);
    const runs = size >= 50000 ? 3 : 5;
    const cli = path.join(TMP, 'cli', 'groundwork.cjs');
    // The CLI's record cache (src/cli/record-cache.ts): removed for a first run, kept for a second.
    const recordCache = path.join(dir, '.obsidian', 'plugins', 'groundwork', 'cache', 'note-records.bin');
    // It keeps no note changed within 3 s of its read: the vault must be older than that first.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3500);
    const map = [];
    const mapWarm = [];
    const read = [];
    const readBlocking = [];
    // Interleaved so a burst of noise on this machine hits every side.
    for (let i = 0; i < runs; i++) {
      fs.rmSync(recordCache, { force: true });
      const m = measure([cli, 'map', dir, '--json']);
      const domains = JSON.parse(m.stdout).domains.length;
      if (domains !== g.domains) throw new Error(`map found ${domains} domains, expected ${g.domains}`);
      if (!fs.existsSync(recordCache)) throw new Error('map wrote no record cache: the second run would not be one');
      map.push(m);
      read.push(measure([path.join(BENCH, 'read-all.mjs'), dir]));
      readBlocking.push(measure([path.join(BENCH, 'read-all.mjs'), dir, '--blocking']));
      const w = measure([cli, 'map', dir, '--json']);
      if (w.stdout !== m.stdout) throw new Error('map from the record cache printed other bytes than a first run');
      mapWarm.push(w);
    }
    log(`${size}: map ${r1(median(map.map((x) => x.ms)), 0)} ms, from the record cache ${r1(median(mapWarm.map((x) => x.ms)), 0)} ms, vs read ${r1(median(read.map((x) => x.ms)), 0)} ms (blocking ${r1(median(readBlocking.map((x) => x.ms)), 0)} ms)`);
    // research at scale: a cold dry run (no record cache, no index) builds and saves both; warm ones load them.
    const domain = JSON.parse(map[0].stdout).domains[0].name;
    fs.rmSync(recordCache, { force: true });
    const coldDry = measure([cli, 'research', dir, domain, '--dry-run']);
    const warmDry = [];
    for (let i = 0; i < runs; i++) warmDry.push(measure([cli, 'research', dir, domain, '--dry-run']));
    log(`${size}: research --dry-run cold ${r1(coldDry.ms, 0)} ms, warm ${r1(median(warmDry.map((x) => x.ms)), 0)} ms`);
    const firstRequest = nodeJson(path.join(TMP, 'bin', 'first-request.cjs'), [cli, dir, domain, '3']);
    log(`${size}: first model request after ${firstRequest.medianMs} ms`);
    const large = nodeJson(path.join(TMP, 'bin', 'large-vault.cjs'), [dir], ['--expose-gc']);
    log(`${size}: index build ${large.cli.buildMs} ms, load ${large.cli.loadMs} ms; plugin slice ${large.plugin.buildLongestSliceMs} ms`);
    const links = nodeJson(path.join(TMP, 'bin', 'link-walk.cjs'), [dir, size >= 50000 ? '3' : '5'], ['--expose-gc']);
    log(`${size}: link walk, every link resolved ${links.beforeMs} ms; on the live model after an edit ${links.afterEditMs} ms, a create ${links.afterCreateMs} ms`);
    t = Date.now();
    const model = nodeJson(path.join(TMP, 'bin', 'model.cjs'), [dir, '50', size >= 50000 ? '5' : '20'], ['--expose-gc']);
    log(`${size}: in-process model/index/query in ${Date.now() - t} ms`);
    const mapMs = median(map.map((x) => x.ms));
    const warmMs = median(mapWarm.map((x) => x.ms));
    const readMs = median(read.map((x) => x.ms));
    const mapRss = median(map.map((x) => x.rssMB));
    const warmRss = median(mapWarm.map((x) => x.rssMB));
    const readRss = median(read.map((x) => x.rssMB));
    return {
      size,
      notes: g.notes,
      domains: g.domains,
      generated: g.generated,
      megabytes: r1(g.bytes / 2 ** 20),
      runs,
      map: { medianMs: r1(mapMs, 0), rssMB: r1(mapRss, 0), allMs: map.map((x) => r1(x.ms, 0)) },
      mapWarm: { medianMs: r1(warmMs, 0), rssMB: r1(warmRss, 0), allMs: mapWarm.map((x) => r1(x.ms, 0)) },
      readAll: { medianMs: r1(readMs, 0), rssMB: r1(readRss, 0), allMs: read.map((x) => r1(x.ms, 0)) },
      readAllBlocking: { medianMs: r1(median(readBlocking.map((x) => x.ms)), 0), rssMB: r1(median(readBlocking.map((x) => x.rssMB)), 0), allMs: readBlocking.map((x) => r1(x.ms, 0)) },
      research: {
        domain,
        coldDryRun: { ms: r1(coldDry.ms, 0), rssMB: r1(coldDry.rssMB, 0) },
        warmDryRun: { medianMs: r1(median(warmDry.map((x) => x.ms)), 0), rssMB: r1(median(warmDry.map((x) => x.rssMB)), 0), allMs: warmDry.map((x) => r1(x.ms, 0)) },
        // Both from their caches: the stricter of the two comparisons.
        warmVsMap: r1(median(warmDry.map((x) => x.ms)) / warmMs, 2),
        firstRequest,
      },
      index: large,
      links,
      timeRatio: r1(mapMs / readMs, 2),
      rssRatio: r1(mapRss / readRss, 2),
      warmTimeRatio: r1(warmMs / readMs, 2),
      warmRssRatio: r1(warmRss / readRss, 2),
      model,
    };
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- table
function writeReadmeTable(results, md) {
  const readme = path.join(BENCH, 'README.md');
  if (!fs.existsSync(readme)) return;
  const text = fs.readFileSync(readme, 'utf8');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b <= a) return;
  const stamp = `Run ${results.date.slice(0, 16).replace('T', ' ')} UTC at ${results.commit}, node ${results.machine.node}, ${results.machine.cpus} cores, ${results.totalSeconds} s in all.`;
  fs.writeFileSync(readme, `${text.slice(0, a + start.length)}\n${stamp}\n\n${md}\n${text.slice(b)}`);
}

function table(res) {
  const R = res.research;
  const ok = (v, goal) => (v <= goal ? 'met' : '**missed**');
  const rows = !R ? [] : [
    ['Research, cold: wall / model-busy (median)', `${R.cold.wallMs} / ${R.cold.busyMs} ms = **${R.cold.ratio}** (each run: ${R.cold.ratios.join(', ')})`, '≤ 1.10', ok(R.cold.ratio, 1.1)],
    ['Research, cold: idle model before the first call / between calls / after the last', `${R.cold.beforeFirstRequestMs} / ${R.cold.gapsMs} / ${R.cold.afterLastRequestMs} ms`, '', ''],
    ['Research, cold: peak concurrency, calls, tokens', `${R.cold.peakConcurrency}, ${R.cold.calls} (${R.cold.digestCalls} digests), ${R.cold.tokens.total}`, '', ''],
    ['Research, warm: digest calls (calls, wall)', `**${R.warm.digestCalls}** (${R.warm.calls}, ${R.warm.wallMs} ms)`, '0', R.warm.digestCalls === 0 ? 'met' : '**missed**'],
  ];
  for (const s of res.scale) {
    rows.push([`${s.size / 1000}k notes: \`map --json\` vs reading every file (time): a first run (no record cache)`, `${s.map.medianMs} vs ${s.readAll.medianMs} ms = **${s.timeRatio}×**`, '≤ 2×', ok(s.timeRatio, 2)]);
    rows.push([`${s.size / 1000}k notes: same, peak RSS`, `${s.map.rssMB} vs ${s.readAll.rssMB} MB = **${s.rssRatio}×**`, '≤ 2×', ok(s.rssRatio, 2)]);
    if (s.readAllBlocking) {
      const b = s.readAllBlocking.medianMs;
      rows.push([`${s.size / 1000}k notes: reading every file one blocking read after another (time): \`map\` first / second run against it`, `${b} ms: ${r1(s.map.medianMs / b, 2)}× / ${s.mapWarm ? r1(s.mapWarm.medianMs / b, 2) : '–'}×`, '', '']);
    }
    if (s.mapWarm) {
      rows.push([`${s.size / 1000}k notes: \`map --json\` vs reading every file (time): a second run (notes unchanged, from the record cache)`, `${s.mapWarm.medianMs} vs ${s.readAll.medianMs} ms = **${s.warmTimeRatio}×**`, '≤ 2×', ok(s.warmTimeRatio, 2)]);
      rows.push([`${s.size / 1000}k notes: same, peak RSS`, `${s.mapWarm.rssMB} vs ${s.readAll.rssMB} MB = **${s.warmRssRatio}×**`, '≤ 2×', ok(s.warmRssRatio, 2)]);
    }
  }
  for (const s of res.scale) {
    const e = s.model.edit;
    rows.push([
      `${s.size / 1000}k notes: map update after one frontmatter edit (analyze + computeMap)`,
      `**${e.medianMs} ms** (p90 ${e.p90Ms}; analyze ${e.analyzeMedianMs}, computeMap ${e.computeMapMedianMs})`,
      s.size === 10000 ? '≤ 20 ms' : '',
      s.size === 10000 ? ok(e.medianMs, 20) : '',
    ]);
  }
  for (const s of res.scale) {
    rows.push([`${s.size / 1000}k notes: heap per NoteRecord as analyzeNote returns it / with its links copied`, `${s.model.bytesPerRecord} / ${s.model.bytesPerRecordLinksCopied} B`, '', '']);
  }
  for (const s of res.scale) {
    rows.push([`${s.size / 1000}k notes: full-text index build (time, heap)`, `${s.model.index.buildMs} ms, ${s.model.index.heapMB} MB`, '', '']);
    rows.push([`${s.size / 1000}k notes: scout query: index.search / gatherVaultCandidates (median)`, `${s.model.query.searchMedianMs} / ${s.model.query.gatherCandidatesMedianMs} ms`, '', '']);
  }
  for (const s of res.scale) {
    const k = `${s.size / 1000}k notes`;
    const I = s.index;
    const Rs = s.research;
    rows.push([`${k}: full-text index, cold build vs warm load (CLI, in-process)`, `${I.cli.buildMs} ms (${I.cli.buildHeapMB} MB heap) vs **${I.cli.loadMs} ms** (${I.cli.loadHeapMB} MB); file ${I.cli.fileMB} MB`, '', '']);
    const mapBase = s.mapWarm ?? s.map;
    if (s.mapWarm) {
      // Against both of map's runs: the goal was set when map read every note, as its first run still does.
      const vsFirst = r1(Rs.warmDryRun.medianMs / s.map.medianMs, 2);
      rows.push([
        `${k}: warm \`research --dry-run\` (index and records from their caches) vs \`map --json\`, its first run / its second run (time)`,
        `${Rs.warmDryRun.medianMs} vs ${s.map.medianMs} / ${s.mapWarm.medianMs} ms = **${vsFirst}×** / **${Rs.warmVsMap}×** (cold, index and records built: ${Rs.coldDryRun.ms} ms)`,
        '≤ 2×',
        `${ok(vsFirst, 2)} / ${ok(Rs.warmVsMap, 2)}`,
      ]);
    } else rows.push([`${k}: warm \`research --dry-run\` vs \`map --json\` (time)`, `${Rs.warmDryRun.medianMs} vs ${mapBase.medianMs} ms = **${Rs.warmVsMap}×** (cold, index built: ${Rs.coldDryRun.ms} ms)`, '≤ 2×', ok(Rs.warmVsMap, 2)]);
    rows.push([`${k}: warm \`research --dry-run\` peak RSS`, `**${Rs.warmDryRun.rssMB} MB** (cold ${Rs.coldDryRun.rssMB} MB)`, s.size === 50000 ? '≤ 300 MB' : '', s.size === 50000 ? ok(Rs.warmDryRun.rssMB, 300) : '']);
    // #14 sets this goal at 10k and 50k notes; at 1k both are mostly the process's start.
    const firstGoal = s.size >= 10000;
    if (s.mapWarm) {
      rows.push([
        `${k}: CLI \`research\` start → first model request vs \`map --json\`, its first run / its second run`,
        `**${Rs.firstRequest.medianMs}** vs ${s.map.medianMs} / ${s.mapWarm.medianMs} ms`,
        firstGoal ? '≤ map' : '',
        firstGoal ? `${ok(Rs.firstRequest.medianMs, s.map.medianMs)} / ${ok(Rs.firstRequest.medianMs, s.mapWarm.medianMs)}` : '',
      ]);
    } else rows.push([`${k}: CLI \`research\` start → first model request vs \`map --json\``, `**${Rs.firstRequest.medianMs}** vs ${mapBase.medianMs} ms`, firstGoal ? '≤ map' : '', firstGoal ? ok(Rs.firstRequest.medianMs, mapBase.medianMs) : '']);
    const cpu = I.plugin.buildLongestSliceCpuMs ?? null;
    rows.push([
      `${k}: plugin index build, longest main-thread slice (build / load of the saved file)`,
      `wall **${I.plugin.buildLongestSliceMs} ms** / ${I.plugin.loadLongestSliceMs} ms` + (cpu === null ? '' : `; main thread's CPU **${cpu} ms** / ${I.plugin.loadLongestSliceCpuMs} ms`) + ` (build ${I.plugin.buildMs} ms, load ${I.plugin.loadMs} ms)` +
        (I.plugin.buildMajorGcs === undefined ? '' : `; major GCs ${I.plugin.buildMajorGcs} / ${I.plugin.loadMajorGcs}, longest ${I.plugin.buildLongestMajorGcMs} / ${I.plugin.loadLongestMajorGcMs} ms`),
      '≤ 50 ms',
      ok(Math.max(I.plugin.buildLongestSliceMs, I.plugin.loadLongestSliceMs), 50) + (cpu === null ? '' : ` (CPU: ${ok(Math.max(cpu, I.plugin.loadLongestSliceCpuMs), 50)})`),
    ]);
  }
  for (const s of res.scale) {
    const L = s.links;
    if (!L) continue;
    rows.push([
      `${s.size / 1000}k notes: scout's link walk (every note's links and backlinks): every link resolved (each run before) / the model's first walk / on the live model after an edit, a create, a rename, a delete`,
      `${L.beforeMs} / ${L.firstMs} / **${L.afterEditMs}, ${L.afterCreateMs}, ${L.afterRenameMs}, ${L.afterDeleteMs} ms**`,
      '',
      '',
    ]);
    rows.push([`${s.size / 1000}k notes: ranking (gatherVaultCandidates, no full-text hits) on a fresh model / on the live one`, `${L.rankFreshMs} / **${L.rankLiveMs} ms**`, '', '']);
  }
  if (res.precision) rows.push(['Scout precision on the ranking vault (5 sources: on-topic share of the notes picked)', `**${r1(res.precision.precision, 2)}** (${res.precision.picked.length} notes; the unreachable URL listed, took no slot: ${res.precision.usable} usable)`, '', '']);
  if (R) {
    const P = res.plugin;
    rows.push(['Plugin: main.js minified', `**${r1(P.bytes / 1024)} KB**`, '≤ 400 KB', ok(P.bytes, 400 * 1024)]);
    rows.push(['Plugin: largest parts', P.deps.slice(0, 6).map((d) => `${d.name} ${r1(d.bytes / 1024)} KB`).join(', '), '', '']);
    rows.push(['Plugin: `onload()` before layout-ready (median of fresh loads)', `**${res.onload.onloadMedianMs} ms** (p90 ${res.onload.onloadP90Ms}; eval of main.js ${res.onload.evalMedianMs})`, '≤ 5 ms', ok(res.onload.onloadMedianMs, 5)]);
    const c = R.cold.byRole;
    rows.push(['Tokens per source digest (prompt + completion)', `${c.scout.promptPerCall} + ${c.scout.completionPerCall}`, '', '']);
    rows.push(['Tokens per distillate (prompt + completion)', `${c.distiller.promptPerCall} + ${c.distiller.completionPerCall}`, '', '']);
    // The caps are whatever research.ts measured (the last is DEFAULT_MAX_CHARS, which has moved).
    const caps = Object.keys(R.caps);
    rows.push([`Digest prompt tokens for the 12 sources at cap ${caps.join(' / ')} chars`, caps.map((k) => `${R.caps[k].digestPromptTokens}`).join(' / '), '', '']);
  }
  const lines = ['| figure | value | goal | |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)];
  return lines.join('\n');
}

// ---------------------------------------------------------------- main
async function main() {
  fs.mkdirSync(TMP, { recursive: true });
  log('building plugin, CLI and bench entries into bench/tmp/');
  const metafile = await build();
  const plugin = pluginSize(metafile);
  log(`main.js ${plugin.bytes} bytes`);
  const onload = onlyScale ? null : nodeJson(path.join(TMP, 'bin', 'onload.cjs'), [path.join(TMP, 'plugin', 'main.js'), ROOT, '20']);
  if (onload) log(`onload median ${onload.onloadMedianMs} ms`);
  const research = onlyScale ? null : nodeJson(path.join(TMP, 'bin', 'research.cjs'), [quick ? '3' : '5', TMP]);
  if (research) log(`research cold ratio ${research.cold.ratio}, warm digest calls ${research.warm.digestCalls}`);
  const precision = nodeJson(path.join(TMP, 'bin', 'scout-precision.cjs'), []);
  log(`scout precision ${precision.precision}`);
  const scaleResults = [];
  for (const size of SIZES) scaleResults.push(scale(size));
  const totalS = r1((Date.now() - started) / 1000, 0);
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const results = {
    date: new Date().toISOString(),
    commit,
    machine: { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGB: r1(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, rss: hasTime ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS' },
    totalSeconds: totalS,
    plugin,
    onload,
    research,
    precision,
    scale: scaleResults,
  };
  const md = table(results);
  fs.writeFileSync(path.join(BENCH, onlyScale ? 'results-scale.json' : 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (!quick && !onlyScale && !args.includes('--sizes')) writeReadmeTable(results, md);
  process.stdout.write(`${md}\n\nbench/results.json written; ${totalS} s in all.\n`);
  if (!keep) for (const d of ['plugin', 'cli', 'bin']) fs.rmSync(path.join(TMP, d), { recursive: true, force: true });
}

/** `--table-from FILE`: the table of a saved results file, written into README.md as a run would. */
function tableFrom(file) {
  const results = JSON.parse(fs.readFileSync(file, 'utf8'));
  const md = table(results);
  writeReadmeTable(results, md);
  process.stdout.write(`${md}\n`);
}

const tableFromAt = args.indexOf('--table-from');
(tableFromAt >= 0 ? Promise.resolve().then(() => tableFrom(args[tableFromAt + 1])) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
