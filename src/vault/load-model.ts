import { abortError } from '../core/abort';
import { analyzeNote, unreadableRecord, type NoteRecord } from '../core/note-record';
import { VaultModel } from '../core/vault-model';
import { VaultError, type ListedFile, type VaultPort } from './port';

/** Reads every note once into a VaultModel; a note that cannot be read becomes a problem, not a stop. */
export async function loadModel(
  vault: VaultPort,
  outputFolder: string,
  opts: {
    concurrency?: number;
    onProgress?: (done: number, total: number) => void;
    files?: readonly ListedFile[];
    /** Ctrl-C: no further note is read, and the load rejects with an abort error. */
    signal?: AbortSignal;
  } = {},
): Promise<VaultModel> {
  const model = new VaultModel(outputFolder);
  // A caller that listed the vault already (to start on one note first) passes its listing.
  const files = opts.files ?? (await vault.listNotes());
  const concurrency = opts.concurrency ?? 32;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length && !opts.signal?.aborted) {
      const file = files[next++]!;
      model.set(await readRecord(vault, file.path));
      done++;
      opts.onProgress?.(done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  if (opts.signal?.aborted) throw abortError(opts.signal);
  return model;
}

export async function readRecord(vault: VaultPort, path: string): Promise<NoteRecord> {
  try {
    if (vault.readWithStat) {
      const { text, stat } = await vault.readWithStat(path);
      return analyzeNote(path, text, stat);
    }
    return analyzeNote(path, await vault.read(path));
  } catch (err) {
    if (err instanceof VaultError && err.kind === 'not-text') return unreadableRecord(path, 'Not a text file (binary content in a .md file)');
    const message = err instanceof Error ? err.message : String(err);
    return unreadableRecord(path, `Could not read the note: ${message}`);
  }
}
