import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { NoteRecord } from '../core/note-record';
import type { FileStat, ListedFile } from '../vault/port';
import type { RecordStore } from '../vault/load-model';
import { atomicWrite } from './atomic-write';
import { BUILD_ID } from './build-id';
import type { NodeVault } from './node-vault';

/**
 * The note records of the CLI's last run over this vault, so a run reads only the notes that
 * changed since: `map` on 10,000 unchanged notes then costs a stat per note, not a read and a
 * parse (the one cost of `map` that grows with the vault). Kept in the plugin's data folder as
 * `cache/note-records.bin`, in V8's own serialization (every value a frontmatter can hold comes
 * back exactly; JSON would turn `.nan` into null).
 *
 * Never trusted as it is:
 * - a record is used only when its note's size, mtime, ctime and inode are those its text was
 *   read with; ctime cannot be set back, so a rewrite that kept size and mtime is still seen;
 * - a note read within a few seconds of its last change is not kept (a coarse file clock could
 *   hide a second change in the same tick: git's "racily clean" case);
 * - notes with a role (domain notes, generated notes, proposals) are never kept: trust and modes
 *   are read from the note itself on every run;
 * - a file of another format, another build (src/cli/build-id.ts: sources and parsers), another
 *   config folder, or one that cannot be read whole is ignored and written anew.
 *
 * No lock: it is only a cache whose every entry is checked against the disk, so whichever
 * process writes last leaves a file that is as safe to read as any other (the write is atomic).
 */

const FILE = 'cache/note-records.bin';
const FORMAT = 2;
/** Notes changed this recently when read are read again next time. */
const RACY_MS = 3000;

interface CacheFile {
  format: number;
  build: string;
  configDir: string;
  /** [path, size, mtime, ctime, inode, record]: numbers, not one string (formatting 10,000 stats' times cost ~40 ms a run). */
  notes: [string, number, number, number, number, NoteRecord][];
}

interface Kept {
  size: number;
  mtime: number;
  ctime: number;
  ino: number;
  record: NoteRecord;
}

/** Enough of a record's shape that code reading it cannot trip over a damaged one. */
function looksLikeRecord(r: unknown, p: string): r is NoteRecord {
  if (typeof r !== 'object' || r === null) return false;
  const x = r as Record<string, unknown>;
  return (
    x.path === p &&
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

export class RecordCache implements RecordStore {
  private readonly next = new Map<string, Kept>();
  private changed: boolean;
  /** What the last run kept and this one took unchanged, and what it read. */
  readonly counts = { kept: 0, read: 0 };

  private constructor(
    private readonly vault: NodeVault,
    private readonly file: string,
    private readonly kept: Map<string, Kept>,
    private readonly now: () => number,
  ) {
    this.changed = false;
  }

  /** The cache of this vault's data folder (`dataRoot`), empty when there is none or it cannot be used. */
  static async open(vault: NodeVault, dataRoot: string, now: () => number = Date.now): Promise<RecordCache> {
    const file = path.join(dataRoot, ...FILE.split('/'));
    const kept = new Map<string, Kept>();
    try {
      const parsed = deserialize(await fs.readFile(file)) as Partial<CacheFile> | null;
      if (parsed && parsed.format === FORMAT && parsed.build === BUILD_ID && parsed.configDir === vault.configDir && Array.isArray(parsed.notes)) {
        for (const entry of parsed.notes) {
          if (!Array.isArray(entry) || entry.length !== 6) continue;
          const [p, size, mtime, ctime, ino, record] = entry as unknown[];
          if (typeof p !== 'string' || typeof size !== 'number' || typeof mtime !== 'number' || typeof ctime !== 'number' || typeof ino !== 'number') continue;
          if (looksLikeRecord(record, p)) kept.set(p, { size, mtime, ctime, ino, record });
        }
      }
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
    if (!st || !st.isFile() || st.size !== entry.size || st.mtimeMs !== entry.mtime || st.ctimeMs !== entry.ctime || st.ino !== entry.ino) return undefined;
    this.next.set(file.path, entry);
    this.counts.kept++;
    return entry.record;
  }

  put(record: NoteRecord, stat: FileStat): void {
    this.counts.read++;
    const { size, mtime, ctime, ino } = stat;
    const racy = Math.max(mtime, ctime ?? Infinity) > this.now() - RACY_MS;
    if (ctime === undefined || ino === undefined || record.role !== null || racy) {
      if (this.kept.has(record.path)) this.changed = true;
      return;
    }
    this.next.set(record.path, { size, mtime, ctime, ino, record });
    this.changed = true;
  }

  /**
   * Writes what this run kept and read, when it differs from the file. A cache that cannot be
   * written (read-only vault, full disk) costs the next run its speed, never this run its result.
   */
  async save(): Promise<void> {
    // Notes that were kept but not taken are gone or changed.
    if (!this.changed && this.next.size === this.kept.size) return;
    const notes: CacheFile['notes'] = [];
    for (const [p, k] of this.next) notes.push([p, k.size, k.mtime, k.ctime, k.ino, k.record]);
    const file: CacheFile = { format: FORMAT, build: BUILD_ID, configDir: this.vault.configDir, notes };
    try {
      await atomicWrite(this.file, serialize(file));
    } catch {
      // See above: only a cache.
    }
  }
}
