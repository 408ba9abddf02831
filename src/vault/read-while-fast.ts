import type { FileStat, ListedFile } from './port';

/**
 * Blocking reads where they are faster, for the CLI's model load. When a vault's notes are in the
 * OS's page cache (any run over it in the last while), a blocking read costs one system call
 * after another, while a parallel read makes four trips through libuv's thread pool per note
 * (open, fstat, read, close), each a wake-up across threads: measured on the 2-core bench
 * machine, 427 against 817 ms for 10,000 notes, 1,336 against 2,521 ms for 50,000. On a cold disk
 * it is the other way round: a blocking read waits for the disk alone, where 32 reads in flight
 * keep it busy.
 *
 * So notes are read blocking, in slices of about SLICE_MS; whenever most of the last reads took
 * longer than SLOW_READ_MS, the next batch goes to the parallel reads, and blocking reads are
 * tried again after it. Batches double while the disk stays slow, so a cold vault is read almost
 * all in parallel, and a process that was only busy for a moment (compiling its code at start,
 * collecting garbage) goes back to blocking reads.
 */

/** The longest the event loop waits between two slices (Ctrl-C, progress, a model request in flight). */
export const SLICE_MS = 8;
/** A read from memory takes 25–40 µs on the bench machine; one that waits for an SSD, 100 or more. */
export const SLOW_READ_MS = 0.1;
/** The fewest reads judged at once: on a disk that needs 10 ms a read, 80 ms of blocking reads. */
export const MIN_SAMPLE = 8;
/** The first batch handed to the parallel reads, and the largest. */
export const FIRST_BATCH = 256;
export const LARGEST_BATCH = 8192;

export interface BlockingReads {
  /** Throws when the note cannot be read this way; the parallel read then reports it. */
  readNow(path: string): { text: string; stat: FileStat };
  /** What becomes of a note read blocking. */
  onRead(file: ListedFile, text: string, stat: FileStat): void;
  /** Reads these notes the other way, in parallel. */
  readInParallel(files: readonly ListedFile[]): Promise<void>;
  yieldNow(): Promise<void>;
  signal?: AbortSignal;
  /** ms; injected by tests. */
  now?: () => number;
}

/**
 * Reads every one of `files`, each one way or the other; a note whose blocking read failed is
 * read in parallel at the end, so that a failure is reported the one way it always was. Stops
 * starting reads once `signal` is aborted.
 */
export async function readWhileFast(files: readonly ListedFile[], reads: BlockingReads): Promise<void> {
  const now = reads.now ?? (() => performance.now());
  const failed: ListedFile[] = [];
  let i = 0;
  let batch = FIRST_BATCH;
  // Reads judged together: those of one slice, or of several when a slice held too few to judge.
  let slowReads = 0;
  let readCount = 0;
  while (i < files.length && !reads.signal?.aborted) {
    const sliceStart = now();
    do {
      const file = files[i++]!;
      const t = now();
      let got: { text: string; stat: FileStat };
      try {
        got = reads.readNow(file.path);
      } catch {
        failed.push(file);
        continue;
      }
      if (now() - t > SLOW_READ_MS) slowReads++;
      readCount++;
      reads.onRead(file, got.text, got.stat);
    } while (i < files.length && now() - sliceStart < SLICE_MS && !reads.signal?.aborted);
    // The median read, not the mean, and of enough reads: the first reads of a process wait for
    // code to compile (the first slice may hold a single read), and any read may be the one a
    // garbage collection pauses.
    if (readCount >= MIN_SAMPLE) {
      if (slowReads * 2 > readCount) {
        await reads.readInParallel(files.slice(i, i + batch));
        i += batch;
        batch = Math.min(batch * 2, LARGEST_BATCH);
      } else {
        batch = FIRST_BATCH;
      }
      slowReads = readCount = 0;
    }
    if (i < files.length) await reads.yieldNow();
  }
  if (failed.length > 0) await reads.readInParallel(failed);
}
