import { abortError } from '../core/abort';
import { analyzeNote, unreadableRecord, type NoteRecord } from '../core/note-record';
import { VaultModel } from '../core/vault-model';
import { VaultError, type FileStat, type ListedFile, type VaultPort } from './port';
import { readWhileFast } from './read-while-fast';

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
    /**
     * Gives the event loop back (the CLI: setImmediate). With it, a port that can read without
     * waiting (readWithStatNow) is read that way while its reads stay fast (./read-while-fast.ts).
     */
    yieldNow?: () => Promise<void>;
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
  let done = listed.length - files.length;
  if (done > 0) opts.onProgress?.(done, listed.length);
  const keep = (record: NoteRecord, stat: FileStat | null): void => {
    model.set(record);
    if (store && stat) store.put(record, stat);
    done++;
    opts.onProgress?.(done, listed.length);
  };
  const concurrency = opts.concurrency ?? 32;
  const readInParallel = async (batch: readonly ListedFile[]): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batch.length && !opts.signal?.aborted) {
        const file = batch[next++]!;
        const { record, stat } = await readRecordAndStat(vault, file.path);
        keep(record, stat);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
  };
  const readNow = vault.readWithStatNow?.bind(vault);
  if (readNow && opts.yieldNow) {
    await readWhileFast(files, {
      readNow,
      onRead: (file, text, stat) => {
        const read = analyzed(file.path, text, stat);
        keep(read.record, read.stat);
      },
      readInParallel,
      yieldNow: opts.yieldNow,
      signal: opts.signal,
    });
  } else {
    await readInParallel(files);
  }
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
      return analyzed(path, text, stat);
    }
    return analyzed(path, await vault.read(path), null);
  } catch (err) {
    return failedRead(path, err);
  }
}

/** A note read, analyzed; the stat is kept only with a record made from the text. */
function analyzed(path: string, text: string, stat: FileStat | null): { record: NoteRecord; stat: FileStat | null } {
  try {
    return { record: analyzeNote(path, text, stat ?? undefined), stat };
  } catch (err) {
    return failedRead(path, err);
  }
}

function failedRead(path: string, err: unknown): { record: NoteRecord; stat: null } {
  if (err instanceof VaultError && err.kind === 'not-text') return { record: unreadableRecord(path, 'Not a text file (binary content in a .md file)'), stat: null };
  const message = err instanceof Error ? err.message : String(err);
  return { record: unreadableRecord(path, `Could not read the note: ${message}`), stat: null };
}
