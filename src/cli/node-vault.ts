import { close as closeCb, closeSync, fstat as fstatCb, fstatSync, open as openCb, openSync, promises as fs, read as readCb, readFile as readFileCb, readSync, stat as statCb, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { VaultError, type FileStat, type ListedFile, type VaultPort } from '../vault/port';
import { normalizeVaultPath, PathError } from '../core/layout';
import { atomicWrite, removeStaleTemps, swapIfUnchanged, TEMP_FILE } from './atomic-write';

/**
 * After the swap, how long the replaced text stays open to catch a write that an editor started
 * just before it (such a write lands in the old text, not the new one).
 */
const SWAP_GRACE_MS = 15;

function errnoKind(err: unknown): VaultError['kind'] {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'not-found';
    case 'EEXIST':
      return 'exists';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no-space';
    default:
      return 'io';
  }
}

function describe(kind: VaultError['kind'], rel: string, err: unknown): string {
  switch (kind) {
    case 'not-found':
      return `No such file: ${rel}`;
    case 'exists':
      return `Already exists: ${rel}`;
    case 'read-only':
      return `Not allowed to write ${rel} (read-only or no permission)`;
    case 'no-space':
      return `No space left on the disk while writing ${rel}`;
    default:
      return `Could not access ${rel}: ${(err as Error).message}`;
  }
}

/*
 * The callback forms of readFile and stat: measured on 10k notes, fs.promises.readFile took
 * 2.5× as long (it opens a FileHandle and reads in chunks); these stay off the event loop too.
 */
function readFast(abs: string): Promise<Buffer> {
  return new Promise((resolve, reject) => readFileCb(abs, (err, buf) => (err ? reject(err) : resolve(buf))));
}

/**
 * Buffers a read borrows and gives back once its text is decoded (the text is a copy): most notes
 * fit one, so loading 10,000 notes allocates a few dozen buffers, not 10,000 for the collector to
 * track. A larger file gets a buffer of its own.
 */
const SCRATCH_BYTES = 64 * 1024;
const spareBuffers: Buffer[] = [];

function borrowBuffer(size: number): Buffer {
  return size <= SCRATCH_BYTES ? (spareBuffers.pop() ?? Buffer.allocUnsafeSlow(SCRATCH_BYTES)) : Buffer.allocUnsafeSlow(size);
}

function returnBuffer(buf: Buffer): void {
  // 64 is more than the reads a load has in flight (32).
  if (buf.length === SCRATCH_BYTES && spareBuffers.length < 64) spareBuffers.push(buf);
}

/**
 * The file's text (`decode` of its bytes) and the stat it was read with, in the same four calls
 * readFile makes (open, fstat, read, close): the index's freshness key costs no extra system call
 * per note. `decode` runs before the bytes' buffer is lent to the next read.
 */
function readStatFast<T>(abs: string, decode: (bytes: Buffer) => T): Promise<{ value: T; st: Stats }> {
  return new Promise((resolve, reject) => {
    openCb(abs, 'r', (err, fd) => {
      if (err) return reject(err);
      const fail = (e: Error): void => closeCb(fd, () => reject(e));
      fstatCb(fd, (err2, st) => {
        if (err2) return fail(err2);
        const size = st.size;
        const buf = borrowBuffer(size);
        const finish = (length: number): void =>
          closeCb(fd, (e) => {
            let value: T;
            try {
              if (e) throw e;
              value = decode(buf.subarray(0, length));
            } catch (e4) {
              return reject(e4 instanceof Error ? e4 : new Error(String(e4)));
            } finally {
              returnBuffer(buf);
            }
            resolve({ value, st });
          });
        const readFrom = (off: number): void => {
          if (off >= size) return finish(size);
          readCb(fd, buf, off, size - off, off, (e3, n) => {
            if (e3) {
              returnBuffer(buf);
              return fail(e3);
            }
            // The file shrank since fstat: keep what is there.
            if (n === 0) return finish(off);
            readFrom(off + n);
          });
        };
        readFrom(0);
      });
    });
  });
}

/** readStatFast in blocking calls: no trip through the thread pool per call. */
function readStatNow<T>(abs: string, decode: (bytes: Buffer) => T): { value: T; st: Stats } {
  const fd = openSync(abs, 'r');
  try {
    const st = fstatSync(fd);
    const buf = borrowBuffer(st.size);
    try {
      let off = 0;
      while (off < st.size) {
        const n = readSync(fd, buf, off, st.size - off, off);
        if (n === 0) break;
        off += n;
      }
      return { value: decode(buf.subarray(0, off)), st };
    } finally {
      returnBuffer(buf);
    }
  } finally {
    closeSync(fd);
  }
}

function stamp(rel: string, st: Stats): FileStat {
  return { path: rel, size: st.size, mtime: st.mtimeMs, ctime: st.ctimeMs, ino: st.ino };
}

function statFast(abs: string): Promise<Stats> {
  return new Promise((resolve, reject) => statCb(abs, (err, st) => (err ? reject(err) : resolve(st))));
}

/** The Vault port over a folder on disk, for the CLI, the tests and the benchmarks. */
export class NodeVault implements VaultPort {
  readonly root: string;
  private realRoot: Promise<string> | null = null;

  constructor(
    root: string,
    readonly configDir = '.obsidian',
  ) {
    this.root = path.resolve(root);
  }

  private abs(rel: string): string {
    const clean = normalizeVaultPath(rel, this.configDir);
    // Joined by hand: a normalized path has nothing for path.join to resolve (every read comes here).
    const base = this.root.endsWith(path.sep) ? this.root : this.root + path.sep;
    return base + (path.sep === '/' ? clean : clean.split('/').join(path.sep));
  }

  /**
   * Where a write to `rel` really lands, symbolic links resolved: a linked note is written
   * through its link (which stays a link), and a path whose real location is outside the vault,
   * or inside its config folder, is refused before anything is written.
   */
  private async writablePath(rel: string): Promise<string> {
    const abs = this.abs(rel);
    this.realRoot ??= fs.realpath(this.root);
    const root = await this.realRoot;
    const rest: string[] = [];
    let probe = abs;
    for (;;) {
      let real: string;
      try {
        real = await fs.realpath(probe);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if ((code === 'ENOENT' || code === 'ENOTDIR') && probe !== this.root) {
          rest.unshift(path.basename(probe));
          probe = path.dirname(probe);
          continue;
        }
        throw this.wrap(rel, err);
      }
      const full = path.join(real, ...rest);
      const inside = path.relative(root, full);
      if (inside === '' || inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
        throw new PathError(`Refused to write ${rel}: through a symbolic link it leads outside the vault (${full})`);
      }
      const realRel = inside.split(path.sep).join('/');
      if (realRel.split('/')[0] === this.configDir) {
        throw new PathError(`Refused to write ${rel}: through a symbolic link it leads into the config folder (${realRel})`);
      }
      return full;
    }
  }

  private wrap(rel: string, err: unknown): VaultError {
    if (err instanceof VaultError) return err;
    const kind = errnoKind(err);
    return new VaultError(kind, rel, describe(kind, rel, err));
  }

  private async walk(dirRel: string, filter: (name: string) => boolean): Promise<ListedFile[]> {
    const out: ListedFile[] = [];
    const temps: string[] = [];
    const visit = async (rel: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(rel ? path.join(this.root, ...rel.split('/')) : this.root, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw this.wrap(rel || '.', err);
      }
      const subdirs: string[] = [];
      const links: string[] = [];
      for (const e of entries) {
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        if (e.isFile() && TEMP_FILE.test(e.name)) temps.push(childRel);
        if (e.name.startsWith('.')) continue; // the config folder, .git, .trash: not the vault's notes
        if (e.isDirectory()) subdirs.push(childRel);
        else if (e.isFile() && filter(e.name)) out.push({ path: childRel.normalize('NFC') });
        else if (e.isSymbolicLink() && filter(e.name)) links.push(childRel);
      }
      // Only links need a stat, to tell a linked note from a linked folder.
      for (const f of links) {
        try {
          if ((await statFast(path.join(this.root, ...f.split('/')))).isFile()) out.push({ path: f.normalize('NFC') });
        } catch {
          // Listed anyway (a dangling link): reading it reports the problem by name.
          out.push({ path: f.normalize('NFC') });
        }
      }
      for (const d of subdirs) await visit(d);
    };
    await visit(dirRel);
    // Temp files a killed write left (`.<note>.md.<hex>.tmp`): found by the listing, removed once stale.
    await removeStaleTemps(temps.map((rel) => path.join(this.root, ...rel.split('/'))));
    return out;
  }

  listNotes(): Promise<ListedFile[]> {
    return this.walk('', (n) => n.toLowerCase().endsWith('.md'));
  }

  listFiles(folder: string): Promise<ListedFile[]> {
    return this.walk(normalizeVaultPath(folder, this.configDir), () => true);
  }

  async read(rel: string): Promise<string> {
    let buf: Buffer;
    try {
      buf = await readFast(this.abs(rel));
    } catch (err) {
      throw this.wrap(rel, err);
    }
    return this.decode(rel, buf);
  }

  async readWithStat(rel: string): Promise<{ text: string; stat: FileStat }> {
    let got: { value: string; st: Stats };
    try {
      got = await readStatFast(this.abs(rel), (bytes) => this.decode(rel, bytes));
    } catch (err) {
      throw this.wrap(rel, err);
    }
    return { text: got.value, stat: stamp(rel, got.st) };
  }

  readWithStatNow(rel: string): { text: string; stat: FileStat } {
    let got: { value: string; st: Stats };
    try {
      got = readStatNow(this.abs(rel), (bytes) => this.decode(rel, bytes));
    } catch (err) {
      throw this.wrap(rel, err);
    }
    return { text: got.value, stat: stamp(rel, got.st) };
  }

  private decode(rel: string, buf: Buffer): string {
    if (buf.subarray(0, 8192).includes(0)) throw new VaultError('not-text', rel, `Not a text file: ${rel}`);
    // Validated first, then decoded: a fatal TextDecoder took ~12 µs a note on a fresh process
    // (120 ms of a 10k-note `map`), isUtf8 + toString ~1.5 µs. toString keeps a BOM, as it must:
    // dropping it would change the bytes of every note written back.
    if (!isUtf8(buf)) throw new VaultError('not-text', rel, `Not UTF-8 text: ${rel}`);
    return buf.toString('utf8');
  }

  /**
   * A note's stat taken synchronously, or null when it is gone or unreadable: a tight loop of
   * these over every listed note (the record cache's check) beats as many promises.
   */
  statNow(rel: string): Stats | null {
    try {
      return statSync(this.abs(rel), { throwIfNoEntry: false }) ?? null;
    } catch {
      return null;
    }
  }

  async stat(rel: string): Promise<FileStat | null> {
    try {
      const s = await fs.stat(this.abs(rel));
      return s.isFile() ? { path: rel, size: s.size, mtime: s.mtimeMs } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.wrap(rel, err);
    }
  }

  async create(rel: string, content: string): Promise<void> {
    const target = await this.writablePath(rel);
    try {
      await atomicWrite(target, content, { exclusive: true });
    } catch (err) {
      throw this.wrap(rel, err);
    }
  }

  async trash(rel: string): Promise<void> {
    // The link itself goes to the trash, never what it points to; but a note reached through a
    // linked folder outside the vault is not the vault's to move.
    const dir = path.posix.dirname(normalizeVaultPath(rel, this.configDir));
    if (dir !== '.') await this.writablePath(dir);
    const from = this.abs(rel);
    const to = await this.trashName(path.basename(from));
    try {
      await fs.mkdir(path.dirname(to), { recursive: true });
      await fs.rename(from, to);
    } catch (err) {
      throw this.wrap(rel, err);
    }
  }

  private async trashName(base: string): Promise<string> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return path.join(this.root, '.trash', `${stamp} ${base}`);
  }

  /** Moves a competing version found mid-swap into the trash, where a person can find it. */
  private async keepAside(rel: string, abs: string): Promise<string> {
    const to = await this.trashName(`${path.basename(rel, '.md')} (edited while Groundwork wrote it).md`);
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.rename(abs, to);
    return path.relative(this.root, to).split(path.sep).join('/');
  }

  /**
   * Read, transform, and swap in the result only if the file still holds the bytes that were
   * read: an edit made meanwhile (the person's editor, a sync tool) makes it start over on the new
   * text instead of being overwritten. An edit that lands in the instant between the last check
   * and the swap is put back in place (see swapIfUnchanged), so no byte of it is lost.
   */
  async process(rel: string, fn: (current: string) => string): Promise<string> {
    const target = await this.writablePath(rel);
    for (let attempt = 0; attempt < 5; attempt++) {
      let raw: Buffer;
      try {
        raw = await readFast(target);
      } catch (err) {
        throw this.wrap(rel, err);
      }
      const current = this.decode(rel, raw);
      const next = fn(current);
      if (next === current) return current;
      let outcome;
      try {
        outcome = await swapIfUnchanged(target, raw, next, { graceMs: SWAP_GRACE_MS, keepAside: (abs) => this.keepAside(rel, abs) });
      } catch (err) {
        throw this.wrap(rel, err);
      }
      if (outcome.swapped) return next;
      if (outcome.kept) {
        throw new VaultError('changed', rel, `${rel} was edited while Groundwork wrote it: your text is in place, nothing of Groundwork's was applied, and a second version written in the same instant is kept in ${outcome.kept}`);
      }
    }
    throw new VaultError('changed', rel, `${rel} kept changing while Groundwork tried to update it; nothing was written`);
  }
}
