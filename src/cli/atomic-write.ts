import { closeSync, fstatSync, linkSync, mkdirSync, openSync, promises as fs, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { cutToBytes } from '../core/layout';

/** The longest file name most file systems take, in bytes. */
const MAX_FILE_NAME_BYTES = 255;

/**
 * A sibling name for a temp file: hidden, unique, and recognizable by the stale-file sweep. The
 * note's own name is cut (by bytes, never inside a character) so the temp name fits where the
 * note's name does: a note named with 250 bytes must stay writable.
 */
export function siblingName(absPath: string, suffix: 'tmp' | 'held'): string {
  const tail = `.${randomBytes(6).toString('hex')}.${suffix}`;
  const room = MAX_FILE_NAME_BYTES - 1 - Buffer.byteLength(tail);
  return path.join(path.dirname(absPath), `.${cutToBytes(path.basename(absPath), room)}${tail}`);
}

/** Temp files this module leaves only when killed mid-write: `.<name>.<12 hex>.tmp`. */
export const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** Temp files older than this were left by a killed process: a live write keeps one for milliseconds. */
export const STALE_TEMP_MS = 10 * 60_000;

/** Removes the stale temp files among `paths` (absolute); anything else, or anything fresh, stays. */
export async function removeStaleTemps(paths: string[]): Promise<void> {
  const now = Date.now();
  for (const abs of paths) {
    if (!TEMP_FILE.test(path.basename(abs))) continue;
    try {
      if (now - (await fs.stat(abs)).mtimeMs > STALE_TEMP_MS) await fs.rm(abs, { force: true });
    } catch {
      // Gone already, or not ours to remove: either way nothing to do.
    }
  }
}

/** Every stale temp file under a folder (the plugin's data folder: small), removed. */
export async function sweepStaleTemps(dir: string): Promise<void> {
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
      else if (e.isFile() && TEMP_FILE.test(e.name)) found.push(path.join(d, e.name));
    }
  };
  await walk(dir);
  await removeStaleTemps(found);
}

/**
 * Writes through a temp file in the same folder and renames it over the target, so a reader (or
 * a crash) sees either the old bytes or the new ones, never half a file.
 */
export async function atomicWrite(absPath: string, data: string | Uint8Array, opts: { exclusive?: boolean } = {}): Promise<void> {
  await fs.mkdir(path.dirname(absPath), { recursive: true });
  const tmp = siblingName(absPath, 'tmp');
  try {
    await fs.writeFile(tmp, data, { flag: 'wx' });
    if (opts.exclusive) {
      // link() fails if the target exists, which rename() would silently replace.
      await fs.link(tmp, absPath);
      await fs.unlink(tmp);
    } else {
      await fs.rename(tmp, absPath);
    }
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * atomicWrite for a file written piece by piece while its content is still being made (the
 * record cache, frame by frame during a model load): blocking writes to a temp file in the same
 * folder, renamed over the target by `commit`, removed by `abandon`. Until `commit` a reader sees
 * the old file; a process killed meanwhile leaves a temp file for the stale-file sweep.
 */
export class PieceByPieceWrite {
  private constructor(
    private readonly target: string,
    private readonly tmp: string,
    private fd: number | null,
  ) {}

  static open(absPath: string): PieceByPieceWrite {
    mkdirSync(path.dirname(absPath), { recursive: true });
    const tmp = siblingName(absPath, 'tmp');
    return new PieceByPieceWrite(absPath, tmp, openSync(tmp, 'wx'));
  }

  write(bytes: Uint8Array): void {
    if (this.fd === null) throw new Error('written after commit or abandon');
    for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }

  commit(): void {
    if (this.fd === null) throw new Error('committed after commit or abandon');
    const fd = this.fd;
    this.fd = null;
    try {
      closeSync(fd);
      renameSync(this.tmp, this.target);
    } catch (err) {
      this.removeTemp();
      throw err;
    }
  }

  /** Drops what was written; the target stays as it was. Never throws. */
  abandon(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Closed or not, the temp file goes.
      }
      this.fd = null;
    }
    this.removeTemp();
  }

  private removeTemp(): void {
    try {
      unlinkSync(this.tmp);
    } catch {
      // Already gone.
    }
  }
}

function readAllSync(fd: number): Buffer {
  const size = fstatSync(fd).size;
  const buf = Buffer.alloc(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off);
}

export type SwapOutcome = { swapped: true } | { swapped: false; kept?: string };

export interface SwapOptions {
  /** How long the replaced text stays open after the swap to catch a write begun before it. */
  graceMs?: number;
  /** Moves a file that must be kept (a version no one else has) somewhere a person finds it; returns where. */
  keepAside: (abs: string) => Promise<string>;
}

/**
 * Replaces the file with `next` only if it still holds exactly `expected`, without ever
 * destroying bytes written meanwhile by someone else (the person's editor, a sync tool).
 *
 * POSIX has no compare-and-rename, so the check and the swap cannot be one step. Instead the
 * file is swapped with its old content kept under a second name (a hard link taken in the same
 * synchronous step as the rename, so no edit falls between them), and the old content is checked
 * after the swap, again after `graceMs` (a writer that opened the file before the swap writes
 * into the old content, not the new) and once more after its name is gone. If it is not what was
 * expected, an edit landed in the window: the person's text is put back in place, with anything
 * they appended to the new text meanwhile, and the swap reports failure, so the caller starts
 * over on the person's text.
 */
export async function swapIfUnchanged(absPath: string, expected: Buffer, next: string, opts: SwapOptions): Promise<SwapOutcome> {
  const tmp = siblingName(absPath, 'tmp');
  const held = siblingName(absPath, 'held');
  await fs.writeFile(tmp, next, { flag: 'wx' });
  try {
    // Compare first: the common case of an edit made long before is refused without any swap.
    if (!(await fs.readFile(absPath)).equals(expected)) {
      await fs.rm(tmp, { force: true });
      return { swapped: false };
    }
    // No await between these two: whatever is at the path at this instant is what `held` keeps.
    linkSync(absPath, held);
    renameSync(tmp, absPath);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    await fs.rm(held, { force: true });
    throw err;
  }
  const nextBytes = Buffer.from(next, 'utf8');
  const fd = openSync(held, 'r');
  let old: Buffer;
  try {
    old = readAllSync(fd);
    if (old.equals(expected) && (opts.graceMs ?? 0) > 0) {
      await new Promise((r) => setTimeout(r, opts.graceMs));
      old = readAllSync(fd);
    }
    if (old.equals(expected)) {
      unlinkSync(held);
      // Through the still-open descriptor: a write that landed just before the name went.
      old = readAllSync(fd);
      if (old.equals(expected)) return { swapped: true };
      await fs.writeFile(held, old, { flag: 'wx' });
    }
  } finally {
    closeSync(fd);
  }
  return putBack(absPath, held, nextBytes, opts);
}

/**
 * The person's version (in `theirs`) goes back in place of ours. What they appended to ours
 * since the swap is appended to theirs; any other change to ours is a version no one else has,
 * and is kept aside rather than dropped.
 */
async function putBack(absPath: string, theirs: string, nextBytes: Buffer, opts: SwapOptions): Promise<SwapOutcome> {
  const mine = siblingName(absPath, 'held');
  linkSync(absPath, mine);
  renameSync(theirs, absPath);
  const mineBytes = await fs.readFile(mine);
  if (mineBytes.length >= nextBytes.length && mineBytes.subarray(0, nextBytes.length).equals(nextBytes)) {
    if (mineBytes.length > nextBytes.length) await fs.appendFile(absPath, mineBytes.subarray(nextBytes.length));
    await fs.rm(mine, { force: true });
    return { swapped: false };
  }
  return { swapped: false, kept: await opts.keepAside(mine) };
}
