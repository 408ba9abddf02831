import { abortError } from '../core/abort';
import { analyzeNote, unreadableRecord, type NoteRecord } from '../core/note-record';
import { VaultModel } from '../core/vault-model';
import { VaultError, type FileStat, type ListedFile, type VaultPort } from './port';

/**
 * Records kept from an earlier run (the CLI keeps them in the data folder): `take` hands back a
 * note's record only when the note is provably unchanged since it was read, `put` hears of every
 * note read now, with the stat its read saw.
 */
export interface RecordStore {
  take(file: ListedFile): NoteRecord | undefined;
  put(record: NoteRecord, stat: FileStat): void;
}

/** Reads every note once into a VaultModel; a note that cannot be read becomes a problem, not a stop. */
export async function loadModel(
  vault: VaultPort,
  outputFolder: string,
  opts: {
    concurrency?: number;
    onProgress?: (done: number, total: number) => void;
    files?: readonly ListedFile[];
    store?: RecordStore;
    /** Ctrl-C: no further note is read, and the load rejects with an abort error. */
    signal?: AbortSignal;
  } = {},
): Promise<VaultModel> {
  const model = new VaultModel(outputFolder);
  // A caller that listed the vault already (to start on one note first) passes its listing.
  const listed = opts.files ?? (await vault.listNotes());
  const store = opts.store;
  let files = listed;
  if (store) {
    const unread: ListedFile[] = [];
    for (const f of listed) {
      const kept = store.take(f);
      if (kept) model.set(kept);
      else unread.push(f);
    }
    files = unread;
  }
  const concurrency = opts.concurrency ?? 32;
  let next = 0;
  let done = listed.length - files.length;
  if (done > 0) opts.onProgress?.(done, listed.length);
  const worker = async (): Promise<void> => {
    while (next < files.length && !opts.signal?.aborted) {
      const file = files[next++]!;
      const { record, stat } = await readRecordAndStat(vault, file.path);
      model.set(record);
      if (store && stat) store.put(record, stat);
      done++;
      opts.onProgress?.(done, listed.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  if (opts.signal?.aborted) throw abortError(opts.signal);
  return model;
}

export async function readRecord(vault: VaultPort, path: string): Promise<NoteRecord> {
  return (await readRecordAndStat(vault, path)).record;
}

/** A note's record and the stat its text was read with (null when the note could not be read). */
export async function readRecordAndStat(vault: VaultPort, path: string): Promise<{ record: NoteRecord; stat: FileStat | null }> {
  try {
    if (vault.readWithStat) {
      const { text, stat } = await vault.readWithStat(path);
      return { record: analyzeNote(path, text, stat), stat };
    }
    return { record: analyzeNote(path, await vault.read(path)), stat: null };
  } catch (err) {
    if (err instanceof VaultError && err.kind === 'not-text') return { record: unreadableRecord(path, 'Not a text file (binary content in a .md file)'), stat: null };
    const message = err instanceof Error ? err.message : String(err);
    return { record: unreadableRecord(path, `Could not read the note: ${message}`), stat: null };
  }
}
