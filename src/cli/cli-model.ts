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
  // The cache's new file is written during the load: a signal that ends the process meanwhile
  // (map and check let Ctrl-C kill them) must not leave it half-written beside the old one.
  const onSignal = (signal: NodeJS.Signals): void => {
    cache.abandon();
    if (process.listenerCount(signal) > 1) return; // the command stops itself (opts.signal)
    stopHearing();
    process.kill(process.pid, signal);
  };
  const stopHearing = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let model: VaultModel;
  try {
    model = await loadModel(vault, outputFolder, { files, store: cache, onProgress: opts.onProgress, signal: opts.signal, yieldNow: () => new Promise((resolve) => setImmediate(resolve)) });
  } catch (err) {
    // Ctrl-C, or a failure: what was written of the new file is dropped, the old one stays.
    cache.abandon();
    throw err;
  } finally {
    stopHearing();
  }
  cache.save();
  return model;
}
