import type { VaultModel } from '../core/vault-model';
import { withDataLock } from '../vault/data-lock';
import type { DataFolder, VaultPort } from '../vault/port';
import { isSourceEligible } from './eligibility';
import { FullTextIndex, IndexDamaged, indexableText, type Pause } from './fulltext-index';

/**
 * The full-text index as a cache in the data folder (DESIGN §5): loaded when it is there and
 * readable, brought up to date by re-reading only the notes whose size or mtime changed (and
 * dropping the ones gone or no longer eligible), and saved again when that changed anything.
 * A damaged file, or one of another format version, is rebuilt from the notes, never trusted.
 */

export const INDEX_FILE = 'index/fulltext.jsonl';
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
  opts: { concurrency?: number; pause?: Pause; onProgress?: (done: number, total: number) => void } = {},
): Promise<IndexRefresh> {
  const stale: string[] = [];
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
    else stale.push(r.path);
  }
  for (const p of [...index.indexedPaths()]) {
    if (opts.pause && ++seen % 500 === 0) await opts.pause();
    if (!model.get(p)) {
      index.remove(p);
      removed++;
    }
  }
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < stale.length) {
      const path = stale[next++]!;
      try {
        const { text, stat } = vault.readWithStat ? await vault.readWithStat(path) : { text: await vault.read(path), stat: null };
        const { title, body, lang } = indexableText(path, text);
        index.upsert(path, title, body, { size: stat?.size ?? -1, mtime: stat?.mtime ?? -1, lang });
      } catch {
        // Left out rather than stopping the build: the map reports an unreadable note already.
        index.remove(path);
      }
      done++;
      if (opts.onProgress && (done % 2000 === 0 || done === stale.length)) opts.onProgress(done, stale.length);
      if (opts.pause) await opts.pause();
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 16, stale.length) }, worker));
  return { indexed: stale.length, removed, kept };
}

/** Builds an index from nothing, reading every eligible note once. */
export async function buildIndex(vault: VaultPort, model: VaultModel, outputFolder: string, opts: { concurrency?: number; pause?: Pause } = {}): Promise<FullTextIndex> {
  const index = new FullTextIndex();
  await refreshIndex(index, vault, model, outputFolder, opts);
  return index;
}

/** The saved index, or why there is none to use. */
export async function loadIndex(data: DataFolder, pause?: Pause): Promise<{ index: FullTextIndex | null; problem?: string }> {
  let text: string | null;
  try {
    text = await withDataLock(data, INDEX_LOCK, () => data.read(INDEX_FILE));
  } catch (err) {
    return { index: null, problem: `could not read it: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (text === null) return { index: null };
  try {
    return { index: await FullTextIndex.parse(text, pause) };
  } catch (err) {
    if (err instanceof IndexDamaged) return { index: null, problem: err.message };
    throw err;
  }
}

/** Writes the index (atomically, through the data folder) when it changed since loaded or saved. */
export async function saveIndex(data: DataFolder, index: FullTextIndex, pause?: Pause): Promise<boolean> {
  if (!index.dirty) return false;
  index.dirty = false;
  try {
    const text = await index.serialize(pause);
    await withDataLock(data, INDEX_LOCK, () => data.write(INDEX_FILE, text));
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
  opts: { concurrency?: number; pause?: Pause; onProgress?: (message: string) => void } = {},
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
