/**
 * The persistent full-text index on one generated vault (argv[2]), in-process, run with
 * --expose-gc: a cold build (no saved file) as the CLI does it, then a warm open (the saved file
 * loaded, every note's size and mtime checked, nothing re-read), then the same two as the plugin
 * runs them (LiveModel.ensureIndex: slices of 10 ms, 4 reads at once, yielding through a timer),
 * with the longest main-thread slice measured by an event-loop lag probe (wall time, and the main
 * thread's CPU time within it). Heap figures count array buffers too. Prints one JSON object.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import { NodeVault } from '../../src/cli/node-vault';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { loadModel } from '../../src/vault/load-model';
import { INDEX_FILE, openIndex } from '../../src/sources/index-store';
import { slicer } from '../../src/sources/slicer';
import { gc, round } from './stats';

const OUT = 'Groundwork';

/** The main thread's time on a CPU so far (ns), from Linux's schedstat; null elsewhere. */
function mainThreadCpuNs(): number | null {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

/**
 * The longest stretch the event loop was blocked while `work` ran, from a 1 ms timer chain: as
 * wall time, and as the main thread's own CPU time within that stretch. On a loaded machine the
 * wall figure also counts the time the thread waited for a core (other processes' turn); the
 * CPU figure is the work Groundwork did in one piece, which is what a person typing would wait
 * behind on a machine with a core to spare.
 */
async function withLagProbe<T>(work: () => Promise<T>): Promise<{ result: T; longestBlockMs: number; longestBlockCpuMs: number | null; majorGcs: number; longestMajorGcMs: number }> {
  // Major collections of the whole heap: the pause a person would feel that no yield can split.
  let majorGcs = 0;
  let longestMajorGc = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (((e as { detail?: { kind?: number } }).detail)?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      majorGcs++;
      longestMajorGc = Math.max(longestMajorGc, e.duration);
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  let longest = 0;
  let longestCpu = 0;
  let last = performance.now();
  let lastCpu = mainThreadCpuNs();
  let running = true;
  const tick = (): void => {
    const now = performance.now();
    const cpu = mainThreadCpuNs();
    longest = Math.max(longest, now - last);
    if (cpu !== null && lastCpu !== null) longestCpu = Math.max(longestCpu, (cpu - lastCpu) / 1e6);
    last = now;
    lastCpu = cpu;
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const result = await work();
  running = false;
  // Entries arrive asynchronously: let the last ones in.
  await new Promise((r) => setTimeout(r, 10));
  gcs.disconnect();
  return { result, longestBlockMs: longest, longestBlockCpuMs: lastCpu === null ? null : longestCpu, majorGcs, longestMajorGcMs: longestMajorGc };
}

/** Heap and array buffers (packed posting lists live outside the JS heap). */
const heapNow = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const vault = new NodeVault(dir);
  const model = await loadModel(vault, OUT);
  const fresh = (): NodeDataFolder => new NodeDataFolder(fs.mkdtempSync(path.join(os.tmpdir(), 'gw-index-')));

  const cliData = fresh();
  // In a function of its own, so that neither CLI index is alive while the plugin's is built.
  const cli = await (async () => {
    gc();
    let heap0 = heapNow();
    let t = performance.now();
    const cold = await openIndex(vault, cliData, model, OUT);
    const buildMs = performance.now() - t;
    gc();
    const buildHeapMB = (heapNow() - heap0) / 2 ** 20;
    // The head and its parts.
    const indexDir = path.dirname(path.join(cliData.root, INDEX_FILE));
    const fileMB = fs.readdirSync(indexDir).reduce((sum, f) => sum + fs.statSync(path.join(indexDir, f)).size, 0) / 2 ** 20;
    const notes = cold.index.size;
    cold.index.dirty = false;

    gc();
    heap0 = heapNow();
    t = performance.now();
    const warm = await openIndex(vault, cliData, model, OUT);
    const loadMs = performance.now() - t;
    gc();
    const loadHeapMB = (heapNow() - heap0) / 2 ** 20;
    if (warm.loaded !== 'loaded' || warm.indexed !== 0) throw new Error(`warm open re-read ${warm.indexed} notes (${warm.loaded})`);
    return { notes, buildMs, buildHeapMB, loadMs, loadHeapMB, fileMB };
  })();
  gc();

  // As the plugin runs it: fresh data folder (a first build), then a load of what it saved.
  const pluginData = fresh();
  const yieldNow = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
  const s1 = slicer(10, yieldNow);
  let t = performance.now();
  const pb = await withLagProbe(() => openIndex(vault, pluginData, model, OUT, { pause: s1.pause, concurrency: 4 }));
  const pluginBuildMs = performance.now() - t;
  const s2 = slicer(10, yieldNow);
  t = performance.now();
  const pl = await withLagProbe(() => openIndex(vault, pluginData, model, OUT, { pause: s2.pause, concurrency: 4 }));
  const pluginLoadMs = performance.now() - t;

  for (const d of [cliData, pluginData]) fs.rmSync(d.root, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({
      notes: cli.notes,
      cli: { buildMs: round(cli.buildMs, 0), buildHeapMB: round(cli.buildHeapMB, 1), loadMs: round(cli.loadMs, 0), loadHeapMB: round(cli.loadHeapMB, 1), fileMB: round(cli.fileMB, 1) },
      plugin: {
        buildMs: round(pluginBuildMs, 0),
        buildLongestSliceMs: round(pb.longestBlockMs, 1),
        buildLongestSliceCpuMs: pb.longestBlockCpuMs === null ? null : round(pb.longestBlockCpuMs, 1),
        buildSlicerLongestMs: round(s1.longestMs, 1),
        buildMajorGcs: pb.majorGcs,
        buildLongestMajorGcMs: round(pb.longestMajorGcMs, 1),
        loadMs: round(pluginLoadMs, 0),
        loadLongestSliceMs: round(pl.longestBlockMs, 1),
        loadLongestSliceCpuMs: pl.longestBlockCpuMs === null ? null : round(pl.longestBlockCpuMs, 1),
        loadMajorGcs: pl.majorGcs,
        loadLongestMajorGcMs: round(pl.longestMajorGcMs, 1),
        loaded: pl.result.loaded,
      },
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
