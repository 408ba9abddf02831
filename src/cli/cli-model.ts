import type { VaultModel } from '../core/vault-model';
import { loadModel } from '../vault/load-model';
import type { ListedFile } from '../vault/port';
import { cliDataFolder } from './node-data-folder';
import type { NodeVault } from './node-vault';
import { RecordCache } from './record-cache';

/**
 * The vault's model as every CLI command loads it: notes unchanged since the last run come from
 * the record cache (src/cli/record-cache.ts), the rest are read, blocking while that is faster
 * (src/vault/read-while-fast.ts); the cache is then brought up to date for the next run.
 */
export async function loadCliModel(
  vault: NodeVault,
  outputFolder: string,
  opts: { files?: readonly ListedFile[]; onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<VaultModel> {
  const [files, cache] = await Promise.all([opts.files ?? vault.listNotes(), RecordCache.open(vault, cliDataFolder(vault).root)]);
  let model: VaultModel;
  try {
    model = await loadModel(vault, outputFolder, { files, store: cache, onProgress: opts.onProgress, signal: opts.signal, yieldNow: () => new Promise((resolve) => setImmediate(resolve)) });
  } catch (err) {
    // Ctrl-C, or a failure: what was written of the new file is dropped, the old one stays.
    cache.abandon();
    throw err;
  }
  cache.save();
  return model;
}
