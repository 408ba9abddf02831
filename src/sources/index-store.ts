import type { VaultModel } from '../core/vault-model';
import { DataLockTimeout, withDataLock } from '../vault/data-lock';
import type { DataFolder, FileStat, ListedFile, VaultPort } from '../vault/port';
import { readWhileFast } from '../vault/read-while-fast';
import { isSourceEligible } from './eligibility';
import { FullTextIndex, INDEX_FORMAT, INDEX_VERSION, IndexDamaged, indexableText, splitLines, type Pause } from './fulltext-index';

/**
 * The full-text index as a cache in the data folder (DESIGN §5): loaded when it is there and
 * readable, brought up to date by re-reading only the notes whose size or mtime changed (and
 * dropping the ones gone or no longer eligible), and saved again when that changed anything.
 * A damaged file, or one of another format version, is rebuilt from the notes, never trusted.
 *
 * On disk it is a small head file naming a save (a random generation) and its number of parts,
 * and the parts, each about PART_CHARS of the index's lines. No step ever holds the whole index
 * as one text: at 50k notes that text is ~35 MB, and reading, decoding or writing it in one
 * piece blocked the plugin for hundreds of milliseconds and cost the CLI its size twice over in
 * memory. A save writes its parts under a new generation, then the head, then removes the parts
 * of earlier saves, so a crash at any point leaves the previous save readable.
 */

/** The head: format, version, generation and number of parts. */
export const INDEX_FILE = 'index/fulltext.jsonl';
const PART_CHARS = 1 << 20;
const PART_FILE = /^index\/fulltext-([0-9a-f]{8,32})-(\d+)\.jsonl$/;
const partFile = (gen: string, i: number): string => `index/fulltext-${gen}-${i}.jsonl`;
/**
 * The data folder's lock over the index: the plugin, the CLI and the MCP server each load and
 * save it, and a reader must never see one writer's file while another replaces it.
 */
export const INDEX_LOCK = 'index';

export interface IndexRefresh {
  /** Notes read and indexed again (new or changed). */
  indexed: number;
  /** Notes dropped (deleted, or no longer eligible). */
  removed: number;
  /** Notes whose saved entry was still current. */
  kept: number;
}

export interface OpenIndexResult extends IndexRefresh {
  index: FullTextIndex;
  /** How the saved index was found: used, absent, or rebuilt because it was damaged or outdated. */
  loaded: 'loaded' | 'absent' | 'rebuilt';
  /** Why a saved index was not used (its damage), for progress lines. */
  problem?: string;
  saved: boolean;
}

/**
 * Re-reads what changed: a note is indexed again when it is eligible and its stamp differs from
 * the index's (or is unknown, -1), and removed when it is gone or no longer eligible.
 */
export async function refreshIndex(
  index: FullTextIndex,
  vault: VaultPort,
  model: VaultModel,
  outputFolder: string,
  opts: {
    concurrency?: number;
    pause?: Pause;
    onProgress?: (done: number, total: number) => void;
    /** As loadModel's: with it, a port that can read blocking is read that way while that is faster. */
    yieldNow?: () => Promise<void>;
  } = {},
): Promise<IndexRefresh> {
  const stale: ListedFile[] = [];
  let kept = 0;
  let removed = 0;
  let seen = 0;
  for (const r of model.all()) {
    if (opts.pause && ++seen % 500 === 0) await opts.pause();
    if (!isSourceEligible(r, outputFolder)) {
      if (index.has(r.path)) {
        index.remove(r.path);
        removed++;
      }
      continue;
    }
    const s = index.stamp(r.path);
    if (s && r.mtime >= 0 && s.size === r.size && s.mtime === r.mtime) kept++;
    else stale.push({ path: r.path });
  }
  for (const p of [...index.indexedPaths()]) {
    if (opts.pause && ++seen % 500 === 0) await opts.pause();
    if (!model.get(p)) {
      index.remove(p);
      removed++;
    }
  }
  let done = 0;
  const finish = (): void => {
    done++;
    if (opts.onProgress && (done % 2000 === 0 || done === stale.length)) opts.onProgress(done, stale.length);
  };
  // Left out rather than stopping the build: the map reports an unreadable note already.
  const leaveOut = (path: string): void => {
    index.remove(path);
    finish();
  };
  const indexText = (path: string, text: string, stat: FileStat | null): void => {
    try {
      const { title, body, lang } = indexableText(path, text);
      index.upsert(path, title, body, { size: stat?.size ?? -1, mtime: stat?.mtime ?? -1, lang });
    } catch {
      return leaveOut(path);
    }
    finish();
  };
  const readInParallel = async (files: readonly ListedFile[]): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const path = files[next++]!.path;
        let got: { text: string; stat: FileStat | null } | null;
        try {
          got = vault.readWithStat ? await vault.readWithStat(path) : { text: await vault.read(path), stat: null };
        } catch {
          got = null;
        }
        if (got) indexText(path, got.text, got.stat);
        else leaveOut(path);
        if (opts.pause) await opts.pause();
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 16, files.length) }, worker));
  };
  const readNow = vault.readWithStatNow?.bind(vault);
  if (readNow && opts.yieldNow) {
    await readWhileFast(stale, { readNow, onRead: (file, text, stat) => indexText(file.path, text, stat), readInParallel, yieldNow: opts.yieldNow });
  } else {
    await readInParallel(stale);
  }
  return { indexed: stale.length, removed, kept };
}

/** Builds an index from nothing, reading every eligible note once. */
export async function buildIndex(vault: VaultPort, model: VaultModel, outputFolder: string, opts: { concurrency?: number; pause?: Pause } = {}): Promise<FullTextIndex> {
  const index = new FullTextIndex();
  await refreshIndex(index, vault, model, outputFolder, opts);
  return index;
}

interface Head {
  gen: string;
  parts: number;
}

function readHead(text: string): Head {
  let head: { format?: unknown; version?: unknown; gen?: unknown; parts?: unknown };
  try {
    const first = splitLines(text).next();
    head = JSON.parse(first.done ? '' : first.value) as typeof head;
  } catch {
    throw new IndexDamaged('unreadable head');
  }
  if (head?.format !== INDEX_FORMAT) throw new IndexDamaged('not a Groundwork full-text index');
  if (head.version !== INDEX_VERSION) throw new IndexDamaged(`index version ${String(head.version)}, expected ${INDEX_VERSION}`);
  if (typeof head.gen !== 'string' || !/^[0-9a-f]{8,32}$/.test(head.gen) || typeof head.parts !== 'number' || !Number.isInteger(head.parts) || head.parts < 1) throw new IndexDamaged('bad head');
  return { gen: head.gen, parts: head.parts };
}

function partTag(line: string): { gen?: unknown; part?: unknown } | null {
  try {
    return JSON.parse(line) as { gen?: unknown; part?: unknown } | null;
  } catch {
    return null;
  }
}

/** The lines of every part in order, each part checked to belong to this save. */
async function* partLines(data: DataFolder, head: Head): AsyncGenerator<string> {
  for (let i = 0; i < head.parts; i++) {
    let text: string | null;
    try {
      text = await data.read(partFile(head.gen, i));
    } catch (err) {
      throw new IndexDamaged(`could not read part ${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (text === null) throw new IndexDamaged(`part ${i + 1} of ${head.parts} is missing`);
    const lines = splitLines(text);
    text = null;
    const first = lines.next();
    const tag = first.done ? null : partTag(first.value);
    if (tag?.gen !== head.gen || tag.part !== i) throw new IndexDamaged(`part ${i + 1} is not of this save`);
    yield* lines;
  }
}

/** The saved index, or why there is none to use. Read under the index lock: no save runs meanwhile. */
export async function loadIndex(data: DataFolder, pause?: Pause): Promise<{ index: FullTextIndex | null; problem?: string }> {
  try {
    return await withDataLock(data, INDEX_LOCK, async () => {
      let text: string | null;
      try {
        text = await data.read(INDEX_FILE);
      } catch (err) {
        return { index: null, problem: `could not read it: ${err instanceof Error ? err.message : String(err)}` };
      }
      if (text === null) return { index: null };
      return { index: await FullTextIndex.parse(partLines(data, readHead(text)), pause) };
    });
  } catch (err) {
    if (err instanceof IndexDamaged) return { index: null, problem: err.message };
    if (err instanceof DataLockTimeout) return { index: null, problem: err.message };
    throw err;
  }
}

function newGeneration(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Writes the index part by part, then the head naming them, then drops earlier saves' parts. */
async function writeParts(data: DataFolder, index: FullTextIndex, pause?: Pause): Promise<void> {
  const gen = newGeneration();
  let parts = 0;
  let chunk: string[] = [];
  let chars = 0;
  const flush = async (): Promise<void> => {
    await data.write(partFile(gen, parts), `${JSON.stringify({ gen, part: parts })}\n${chunk.join('\n')}\n`);
    parts++;
    chunk = [];
    chars = 0;
  };
  for await (const line of index.lines(pause)) {
    chunk.push(line);
    chars += line.length;
    if (chars >= PART_CHARS) await flush();
  }
  if (chunk.length > 0) await flush();
  await data.write(INDEX_FILE, `${JSON.stringify({ format: INDEX_FORMAT, version: INDEX_VERSION, gen, parts })}\n`);
  for (const name of await data.list('index/')) {
    const m = PART_FILE.exec(name);
    if (m && m[1] !== gen) await data.remove(name);
  }
}

/** Writes the index (under the index lock) when it changed since loaded or saved. */
export async function saveIndex(data: DataFolder, index: FullTextIndex, pause?: Pause): Promise<boolean> {
  if (!index.dirty) return false;
  index.dirty = false;
  try {
    await withDataLock(data, INDEX_LOCK, () => writeParts(data, index, pause));
    return true;
  } catch (err) {
    index.dirty = true;
    throw err;
  }
}

/** Load (or start empty), refresh from the notes, save when anything changed. */
export async function openIndex(
  vault: VaultPort,
  data: DataFolder,
  model: VaultModel,
  outputFolder: string,
  opts: { concurrency?: number; pause?: Pause; onProgress?: (message: string) => void; yieldNow?: () => Promise<void> } = {},
): Promise<OpenIndexResult> {
  const { index: saved, problem } = await loadIndex(data, opts.pause);
  const index = saved ?? new FullTextIndex();
  const loaded = saved ? 'loaded' : problem ? 'rebuilt' : 'absent';
  if (problem) opts.onProgress?.(`The saved full-text index is not usable (${problem}); rebuilding it`);
  // A file with nothing wrong in it but built by another outputFolder setting still only holds
  // eligible notes by that setting: refresh re-checks eligibility note by note.
  if (loaded === 'rebuilt' || !saved) index.dirty = true;
  const refresh = await refreshIndex(index, vault, model, outputFolder, {
    concurrency: opts.concurrency,
    pause: opts.pause,
    onProgress: (d, t) => opts.onProgress?.(`Indexing notes ${d}/${t}`),
    yieldNow: opts.yieldNow,
  });
  // Replaced notes leave tombstones that still count in term frequencies: drop them now.
  await index.compact(opts.pause);
  let wrote = false;
  try {
    wrote = await saveIndex(data, index, opts.pause);
  } catch (err) {
    // A cache that cannot be saved costs the next run time, never this run its result.
    opts.onProgress?.(`Could not save the full-text index: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { index, loaded, problem, saved: wrote, ...refresh };
}
