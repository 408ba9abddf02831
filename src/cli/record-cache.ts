import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { NoteRecord } from '../core/note-record';
import type { FileStat, ListedFile } from '../vault/port';
import type { RecordStore } from '../vault/load-model';
import { PieceByPieceWrite } from './atomic-write';
import { BUILD_ID } from './build-id';
import type { NodeVault } from './node-vault';

/**
 * The note records of the CLI's last run over this vault, so a run reads only the notes that
 * changed since: `map` on 10,000 unchanged notes then costs a stat per note, not a read and a
 * parse (the one cost of `map` that grows with the vault). Kept in the plugin's data folder as
 * `cache/note-records.bin`, in V8's own serialization (every value a frontmatter can hold comes
 * back exactly; JSON would turn `.nan` into null), in frames of 1,000 notes so that neither a
 * write nor a read ever holds the whole file's bytes at once.
 *
 * The frames are written while the model loads, as soon as 1,000 notes are known and the file is
 * known to change: a serialized frame lives outside the JS heap until the collector frees it, and
 * at the end of a load (all of the model alive, little else allocated) 28 MB of them waited for a
 * collection, 20–40 MB of a 50k-note map's peak RSS. During the load, the young collections the
 * load runs anyway free each one soon after it is written.
 *
 * Never trusted as it is:
 * - a record is used only when its note's size, mtime, ctime and inode are those its text was
 *   read with; ctime cannot be set back, so a rewrite that kept size and mtime is still seen;
 * - a note read within a few seconds of its last change is not kept (a coarse file clock could
 *   hide a second change in the same tick: git's "racily clean" case);
 * - notes with a role (domain notes, generated notes, proposals) are never kept: trust and modes
 *   are read from the note itself on every run;
 * - a file of another format, another build (src/cli/build-id.ts: sources and parsers), another
 *   config folder, or one cut short (no trailer counting its notes) or damaged anywhere is
 *   ignored whole and written anew.
 *
 * No lock: it is only a cache whose every entry is checked against the disk, so whichever
 * process writes last leaves a file that is as safe to read as any other (the write is atomic).
 */

const FILE = 'cache/note-records.bin';
const FORMAT = 4;
/** Notes changed this recently when read are read again next time. */
const RACY_MS = 3000;
/** Notes per frame: what is serialized (or deserialized) at once, ~0.6 MB, not the whole file. */
const FRAME_NOTES = 1000;

/** The first frame. */
interface Header {
  format: number;
  build: string;
  configDir: string;
}

/** The last frame: how many notes the frames between hold (none or fewer: the file was cut short). */
interface Trailer {
  notes: number;
}

/**
 * [size, mtime, ctime, inode, record], each frame between header and trailer an array of these:
 * numbers, not one string (formatting 10,000 stats' times cost ~40 ms a run), and the path only
 * in the record.
 */
type Kept = [number, number, number, number, NoteRecord];

/** A frame: its payload's length (4 bytes, little-endian), then the payload, V8-serialized. */
function writeFrame(out: PieceByPieceWrite, value: unknown): void {
  const payload = serialize(value);
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32LE(payload.length, 0);
  out.write(length);
  out.write(payload);
}

/** The file's frames, deserialized one at a time; throws on a frame cut short. */
async function* readFrames(file: string): AsyncGenerator<unknown> {
  const fh = await fs.open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const length = Buffer.alloc(4);
    let at = 0;
    while (at < size) {
      if ((await fh.read(length, 0, 4, at)).bytesRead !== 4) throw new Error('cut short');
      const n = length.readUInt32LE(0);
      if (n > size - at - 4) throw new Error('cut short');
      const payload = Buffer.allocUnsafe(n);
      if ((await fh.read(payload, 0, n, at + 4)).bytesRead !== n) throw new Error('cut short');
      at += 4 + n;
      yield deserialize(payload);
    }
  } finally {
    await fh.close();
  }
}

/** Enough of a record's shape that code reading it cannot trip over a damaged one. */
function looksLikeRecord(r: unknown): r is NoteRecord {
  if (typeof r !== 'object' || r === null) return false;
  const x = r as Record<string, unknown>;
  return (
    typeof x.path === 'string' &&
    x.role === null &&
    typeof x.trust === 'object' &&
    x.trust !== null &&
    Array.isArray((x.trust as { invalid?: unknown }).invalid) &&
    (x.frontmatter === null || (typeof x.frontmatter === 'object' && !Array.isArray(x.frontmatter))) &&
    ['domainLinks', 'links', 'tags', 'include', 'problems', 'routines'].every((k) => Array.isArray(x[k]) && (x[k] as unknown[]).every((v) => k === 'include' || k === 'routines' || typeof v === 'string')) &&
    typeof x.bodyChars === 'number' &&
    typeof x.size === 'number' &&
    typeof x.mtime === 'number'
  );
}

function isKept(e: unknown): e is Kept {
  return Array.isArray(e) && e.length === 5 && typeof e[0] === 'number' && typeof e[1] === 'number' && typeof e[2] === 'number' && typeof e[3] === 'number' && looksLikeRecord(e[4]);
}

export class RecordCache implements RecordStore {
  /** Entries this run keeps (taken or read), and those of them not written yet. */
  private keeping = 0;
  private unwritten: Kept[] = [];
  private written = 0;
  /** The new file, open from the first frame written; null before, and for good once it failed. */
  private out: PieceByPieceWrite | null = null;
  private failed = false;
  private changed = false;

  private constructor(
    private readonly vault: NodeVault,
    private readonly file: string,
    private readonly kept: Map<string, Kept>,
    private readonly now: () => number,
  ) {}

  /** The cache of this vault's data folder (`dataRoot`), empty when there is none or it cannot be used. */
  static async open(vault: NodeVault, dataRoot: string, now: () => number = Date.now): Promise<RecordCache> {
    const file = path.join(dataRoot, ...FILE.split('/'));
    const kept = new Map<string, Kept>();
    try {
      let header: Partial<Header> | null = null;
      let trailer: Partial<Trailer> | null = null;
      let count = 0;
      for await (const frame of readFrames(file)) {
        if (header === null) {
          header = frame ?? {};
          if (header.format !== FORMAT || header.build !== BUILD_ID || header.configDir !== vault.configDir) break;
          continue;
        }
        if (trailer !== null) throw new Error('a frame after the trailer');
        if (!Array.isArray(frame)) {
          trailer = frame ?? {};
          continue;
        }
        for (const entry of frame as unknown[]) {
          count++;
          if (isKept(entry)) kept.set(entry[4].path, entry);
        }
      }
      if (trailer?.notes !== count) kept.clear();
    } catch {
      // Missing, damaged, or from a node that serializes otherwise: every note is read, and the file written anew.
      kept.clear();
    }
    return new RecordCache(vault, file, kept, now);
  }

  take(file: ListedFile): NoteRecord | undefined {
    const entry = this.kept.get(file.path);
    if (!entry) return undefined;
    const st = this.vault.statNow(file.path);
    if (!st || !st.isFile() || st.size !== entry[0] || st.mtimeMs !== entry[1] || st.ctimeMs !== entry[2] || st.ino !== entry[3]) return undefined;
    this.keep(entry);
    return entry[4];
  }

  put(record: NoteRecord, stat: FileStat): void {
    const { size, mtime, ctime, ino } = stat;
    const racy = Math.max(mtime, ctime ?? Infinity) > this.now() - RACY_MS;
    if (ctime === undefined || ino === undefined || record.role !== null || racy) {
      if (this.kept.has(record.path)) this.changed = true;
      return;
    }
    this.changed = true;
    this.keep([size, mtime, ctime, ino, record]);
  }

  private keep(entry: Kept): void {
    this.keeping++;
    if (this.failed) return;
    this.unwritten.push(entry);
    // Before anything changed, the file may well stay as it is: nothing is written yet.
    if (this.changed && this.unwritten.length >= FRAME_NOTES) this.writeFrames();
  }

  /** Writes the unwritten entries in whole frames, and with `all` the last, short one too. */
  private writeFrames(all = false): void {
    if (this.failed) return;
    try {
      if (this.out === null) {
        this.out = PieceByPieceWrite.open(this.file);
        writeFrame(this.out, { format: FORMAT, build: BUILD_ID, configDir: this.vault.configDir } satisfies Header);
      }
      while (this.unwritten.length >= FRAME_NOTES || (all && this.unwritten.length > 0)) {
        const frame = this.unwritten.splice(0, FRAME_NOTES);
        writeFrame(this.out, frame);
        this.written += frame.length;
      }
    } catch {
      // A cache that cannot be written (read-only vault, full disk) costs the next run its speed,
      // never this run its result.
      this.abandon();
    }
  }

  /** Writes the rest of the file and puts it in place, when it differs from the file there. */
  save(): void {
    // Notes that were kept but not taken are gone or changed.
    if (!this.changed && this.keeping === this.kept.size) return;
    this.writeFrames(true);
    if (this.out === null) return;
    try {
      writeFrame(this.out, { notes: this.written } satisfies Trailer);
      this.out.commit();
    } catch {
      // See writeFrames: only a cache.
      this.out.abandon();
    }
    this.out = null;
  }

  /** A load that did not finish (Ctrl-C, a failure) leaves the file there as it was; nothing more is written. */
  abandon(): void {
    this.failed = true;
    this.unwritten = [];
    this.out?.abandon();
    this.out = null;
  }
}
