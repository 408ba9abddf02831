/** TAbstractFile/TFile/TFolder, a FileSystemAdapter and a Vault backed by a real folder on disk. */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { DataWriteOptions, ListedFiles, Stat } from 'obsidian';
import { Events } from './events';
import { normalizePath } from './util';

export abstract class TAbstractFile {
  vault: Vault;
  path = '';
  name = '';
  parent: TFolder | null = null;

  constructor(vault: Vault, path: string) {
    this.vault = vault;
    this._setPath(path);
  }

  /** @internal */
  _setPath(path: string): void {
    this.path = path;
    this.name = path === '/' ? '' : path.slice(path.lastIndexOf('/') + 1);
  }
}

export interface FileStats {
  ctime: number;
  mtime: number;
  size: number;
}

export class TFile extends TAbstractFile {
  stat: FileStats = { ctime: 0, mtime: 0, size: 0 };
  basename = '';
  extension = '';

  constructor(vault: Vault, path: string) {
    super(vault, path);
    // Field initializers ran after the base constructor's _setPath; compute the name parts again.
    this._setPath(path);
  }

  override _setPath(path: string): void {
    super._setPath(path);
    const dot = this.name.lastIndexOf('.');
    this.basename = dot > 0 ? this.name.slice(0, dot) : this.name;
    this.extension = dot > 0 ? this.name.slice(dot + 1) : '';
  }
}

export class TFolder extends TAbstractFile {
  children: TAbstractFile[] = [];

  isRoot(): boolean {
    return this.path === '/';
  }
}

function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function isHidden(path: string): boolean {
  return path.split('/').some((seg) => seg.startsWith('.'));
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

let tmpCounter = 0;

/** Writes through a temporary file in the same folder, then renames it over the target. */
function writeAtomic(full: string, data: string | Uint8Array, options?: DataWriteOptions): void {
  const tmp = `${full}.${process.pid}.${++tmpCounter}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, full);
  applyTimes(full, options);
}

function applyTimes(full: string, options?: DataWriteOptions): void {
  if (options?.mtime !== undefined) {
    const t = new Date(options.mtime);
    fs.utimesSync(full, t, t);
  }
}

function statOf(full: string): Stat | null {
  try {
    const s = fs.statSync(full);
    return {
      type: s.isDirectory() ? 'folder' : 'file',
      ctime: Math.round(s.birthtimeMs || s.ctimeMs),
      mtime: Math.round(s.mtimeMs),
      size: s.size,
    };
  } catch {
    return null;
  }
}

/**
 * The DataAdapter over the vault folder. Writes that touch indexed (non-hidden) paths are noticed by
 * the vault right after, as Obsidian's file watcher would, so `create`/`modify`/`delete` fire.
 */
export class FileSystemAdapter {
  constructor(
    private readonly basePath: string,
    private readonly vault: Vault,
  ) {}

  getName(): string {
    return nodePath.basename(this.basePath);
  }
  getBasePath(): string {
    return this.basePath;
  }
  getFullPath(normalizedPath: string): string {
    const p = normalizePath(normalizedPath);
    return p === '/' ? this.basePath : nodePath.join(this.basePath, ...p.split('/'));
  }
  getFilePath(normalizedPath: string): string {
    return `file://${this.getFullPath(normalizedPath)}`;
  }
  getResourcePath(normalizedPath: string): string {
    return `app://local/${this.getFullPath(normalizedPath)}`;
  }

  private notice(path: string): void {
    const p = normalizePath(path);
    if (!isHidden(p)) this.vault.syncFromDisk(p);
  }

  async exists(normalizedPath: string, sensitive?: boolean): Promise<boolean> {
    const full = this.getFullPath(normalizedPath);
    if (!fs.existsSync(full)) return false;
    if (!sensitive) return true;
    return fs.readdirSync(nodePath.dirname(full)).includes(nodePath.basename(full));
  }
  async stat(normalizedPath: string): Promise<Stat | null> {
    return statOf(this.getFullPath(normalizedPath));
  }
  async list(normalizedPath: string): Promise<ListedFiles> {
    const p = normalizePath(normalizedPath);
    const full = this.getFullPath(p);
    const files: string[] = [];
    const folders: string[] = [];
    for (const ent of fs.readdirSync(full, { withFileTypes: true })) {
      const child = p === '/' ? ent.name : `${p}/${ent.name}`;
      if (ent.isDirectory()) folders.push(child);
      else files.push(child);
    }
    return { files: files.sort(), folders: folders.sort() };
  }
  async read(normalizedPath: string): Promise<string> {
    return fs.readFileSync(this.getFullPath(normalizedPath), 'utf8');
  }
  async readBinary(normalizedPath: string): Promise<ArrayBuffer> {
    return toArrayBuffer(fs.readFileSync(this.getFullPath(normalizedPath)));
  }
  async write(normalizedPath: string, data: string, options?: DataWriteOptions): Promise<void> {
    const full = this.getFullPath(normalizedPath);
    fs.mkdirSync(nodePath.dirname(full), { recursive: true });
    writeAtomic(full, data, options);
    this.notice(normalizedPath);
  }
  async writeBinary(normalizedPath: string, data: ArrayBuffer, options?: DataWriteOptions): Promise<void> {
    const full = this.getFullPath(normalizedPath);
    fs.mkdirSync(nodePath.dirname(full), { recursive: true });
    writeAtomic(full, new Uint8Array(data), options);
    this.notice(normalizedPath);
  }
  async append(normalizedPath: string, data: string, options?: DataWriteOptions): Promise<void> {
    const full = this.getFullPath(normalizedPath);
    fs.appendFileSync(full, data);
    applyTimes(full, options);
    this.notice(normalizedPath);
  }
  async appendBinary(normalizedPath: string, data: ArrayBuffer, options?: DataWriteOptions): Promise<void> {
    const full = this.getFullPath(normalizedPath);
    fs.appendFileSync(full, new Uint8Array(data));
    applyTimes(full, options);
    this.notice(normalizedPath);
  }
  async process(normalizedPath: string, fn: (data: string) => string, options?: DataWriteOptions): Promise<string> {
    const full = this.getFullPath(normalizedPath);
    const next = fn(fs.readFileSync(full, 'utf8'));
    writeAtomic(full, next, options);
    this.notice(normalizedPath);
    return next;
  }
  async mkdir(normalizedPath: string): Promise<void> {
    fs.mkdirSync(this.getFullPath(normalizedPath), { recursive: true });
    this.notice(normalizedPath);
  }
  async trashSystem(normalizedPath: string): Promise<boolean> {
    await this.trashLocal(normalizedPath);
    return true;
  }
  async trashLocal(normalizedPath: string): Promise<void> {
    const p = normalizePath(normalizedPath);
    const trashDir = this.getFullPath('.trash');
    fs.mkdirSync(trashDir, { recursive: true });
    const base = nodePath.basename(p);
    let dest = nodePath.join(trashDir, base);
    for (let i = 1; fs.existsSync(dest); i++) dest = nodePath.join(trashDir, `${base} ${i}`);
    fs.renameSync(this.getFullPath(p), dest);
    this.notice(p);
  }
  async rmdir(normalizedPath: string, recursive: boolean): Promise<void> {
    fs.rmSync(this.getFullPath(normalizedPath), { recursive });
    this.notice(normalizedPath);
  }
  async remove(normalizedPath: string): Promise<void> {
    fs.rmSync(this.getFullPath(normalizedPath));
    this.notice(normalizedPath);
  }
  async rename(normalizedPath: string, normalizedNewPath: string): Promise<void> {
    const to = this.getFullPath(normalizedNewPath);
    if (fs.existsSync(to)) throw new Error('Destination file already exists!');
    fs.mkdirSync(nodePath.dirname(to), { recursive: true });
    fs.renameSync(this.getFullPath(normalizedPath), to);
    this.notice(normalizedPath);
    this.notice(normalizedNewPath);
  }
  async copy(normalizedPath: string, normalizedNewPath: string): Promise<void> {
    const to = this.getFullPath(normalizedNewPath);
    if (fs.existsSync(to)) throw new Error('Destination file already exists!');
    fs.cpSync(this.getFullPath(normalizedPath), to, { recursive: true });
    this.notice(normalizedNewPath);
  }
}

/**
 * Obsidian's Vault over a real folder. The index is scanned at construction; hidden paths (any
 * segment starting with '.', so the config folder and .trash) are not indexed, as in Obsidian, but
 * stay reachable through `adapter`. Operations write to disk synchronously inside the async method,
 * then fire the vault event.
 */
export class Vault extends Events {
  adapter: FileSystemAdapter;
  configDir: string;
  /** Test helper: the person's "Deleted files" setting (`trashOption` in app.json), which FileManager.trashFile follows. */
  trashOption: 'system' | 'local' | 'none' = 'system';
  /** @internal */
  fileMap: Record<string, TAbstractFile> = {};
  private root: TFolder;
  private known = new Map<string, { mtime: number; size: number }>();

  constructor(basePath: string, configDir = '.obsidian') {
    super();
    this.configDir = configDir;
    this.adapter = new FileSystemAdapter(nodePath.resolve(basePath), this);
    this.root = new TFolder(this, '/');
    this.fileMap['/'] = this.root;
    this.scanFolder(this.root);
  }

  static recurseChildren(root: TFolder, cb: (file: TAbstractFile) => unknown): void {
    const stack: TAbstractFile[] = [root];
    while (stack.length > 0) {
      const f = stack.pop()!;
      cb(f);
      if (f instanceof TFolder) stack.push(...f.children);
    }
  }

  private full(path: string): string {
    return this.adapter.getFullPath(path);
  }

  private scanFolder(folder: TFolder): void {
    const entries = fs.readdirSync(this.full(folder.path), { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const ent of entries) {
      if (ent.name.startsWith('.')) continue;
      const path = folder.isRoot() ? ent.name : `${folder.path}/${ent.name}`;
      if (ent.isDirectory()) {
        const sub = this.attach(new TFolder(this, path)) as TFolder;
        this.scanFolder(sub);
      } else if (ent.isFile()) {
        this.attach(new TFile(this, path));
      }
    }
  }

  private attach(file: TAbstractFile): TAbstractFile {
    const parent = this.fileMap[parentPath(file.path)] as TFolder;
    file.parent = parent;
    parent.children.push(file);
    this.fileMap[file.path] = file;
    if (file instanceof TFile) this.refreshStat(file);
    return file;
  }

  private detachFile(file: TAbstractFile): void {
    if (file.parent) file.parent.children = file.parent.children.filter((c) => c !== file);
    delete this.fileMap[file.path];
    this.known.delete(file.path);
  }

  private refreshStat(file: TFile): void {
    const s = statOf(this.full(file.path));
    if (!s) return;
    file.stat = { ctime: s.ctime, mtime: s.mtime, size: s.size };
    this.known.set(file.path, { mtime: s.mtime, size: s.size });
  }

  private requireParent(path: string): TFolder {
    const parent = this.fileMap[parentPath(path)];
    if (!(parent instanceof TFolder)) throw new Error(`Parent folder does not exist: ${parentPath(path)} (create it first with createFolder)`);
    return parent;
  }

  private checkPath(path: string): string {
    const p = normalizePath(path);
    if (p === '/' || p.split('/').some((s) => s === '..' || s === '.')) throw new Error(`Invalid path: ${path}`);
    return p;
  }

  getName(): string {
    return this.adapter.getName();
  }
  getRoot(): TFolder {
    return this.root;
  }
  getAbstractFileByPath(path: string): TAbstractFile | null {
    return this.fileMap[normalizePath(path)] ?? null;
  }
  getFileByPath(path: string): TFile | null {
    const f = this.getAbstractFileByPath(path);
    return f instanceof TFile ? f : null;
  }
  getFolderByPath(path: string): TFolder | null {
    const f = this.getAbstractFileByPath(path);
    return f instanceof TFolder ? f : null;
  }
  getAllLoadedFiles(): TAbstractFile[] {
    return Object.values(this.fileMap);
  }
  getAllFolders(includeRoot?: boolean): TFolder[] {
    return Object.values(this.fileMap).filter((f): f is TFolder => f instanceof TFolder && (includeRoot || !f.isRoot()));
  }
  getFiles(): TFile[] {
    return Object.values(this.fileMap).filter((f): f is TFile => f instanceof TFile);
  }
  getMarkdownFiles(): TFile[] {
    return this.getFiles().filter((f) => f.extension === 'md');
  }
  getResourcePath(file: TFile): string {
    return `${this.adapter.getResourcePath(file.path)}?${file.stat.mtime}`;
  }

  async create(path: string, data: string, options?: DataWriteOptions): Promise<TFile> {
    return this.createFile(path, data, options);
  }
  async createBinary(path: string, data: ArrayBuffer, options?: DataWriteOptions): Promise<TFile> {
    return this.createFile(path, new Uint8Array(data), options);
  }
  private createFile(path: string, data: string | Uint8Array, options?: DataWriteOptions): TFile {
    const p = this.checkPath(path);
    if (this.fileMap[p] || fs.existsSync(this.full(p))) throw new Error('File already exists.');
    this.requireParent(p);
    writeAtomic(this.full(p), data, options);
    const file = this.attach(new TFile(this, p)) as TFile;
    this.trigger('create', file);
    return file;
  }

  async createFolder(path: string): Promise<TFolder> {
    const p = this.checkPath(path);
    if (this.fileMap[p]) throw new Error('Folder already exists.');
    const segments = p.split('/');
    let created: TFolder | null = null;
    for (let i = 1; i <= segments.length; i++) {
      const sub = segments.slice(0, i).join('/');
      const existing = this.fileMap[sub];
      if (existing instanceof TFolder) continue;
      if (existing) throw new Error(`A file is in the way: ${sub}`);
      fs.mkdirSync(this.full(sub), { recursive: true });
      created = this.attach(new TFolder(this, sub)) as TFolder;
      this.trigger('create', created);
    }
    return created!;
  }

  async read(file: TFile): Promise<string> {
    return fs.readFileSync(this.full(file.path), 'utf8');
  }
  async cachedRead(file: TFile): Promise<string> {
    return this.read(file);
  }
  async readBinary(file: TFile): Promise<ArrayBuffer> {
    return toArrayBuffer(fs.readFileSync(this.full(file.path)));
  }
  /** @internal synchronous read for the metadata cache's initial index. */
  readSync(file: TFile): string {
    return fs.readFileSync(this.full(file.path), 'utf8');
  }

  private requireLive(file: TAbstractFile): void {
    if (this.fileMap[file.path] !== file) throw new Error(`File no longer exists: ${file.path}`);
  }

  async modify(file: TFile, data: string, options?: DataWriteOptions): Promise<void> {
    this.requireLive(file);
    writeAtomic(this.full(file.path), data, options);
    this.refreshStat(file);
    this.trigger('modify', file);
  }
  async modifyBinary(file: TFile, data: ArrayBuffer, options?: DataWriteOptions): Promise<void> {
    this.requireLive(file);
    writeAtomic(this.full(file.path), new Uint8Array(data), options);
    this.refreshStat(file);
    this.trigger('modify', file);
  }
  async append(file: TFile, data: string, options?: DataWriteOptions): Promise<void> {
    this.requireLive(file);
    fs.appendFileSync(this.full(file.path), data);
    applyTimes(this.full(file.path), options);
    this.refreshStat(file);
    this.trigger('modify', file);
  }
  async appendBinary(file: TFile, data: ArrayBuffer, options?: DataWriteOptions): Promise<void> {
    this.requireLive(file);
    fs.appendFileSync(this.full(file.path), new Uint8Array(data));
    applyTimes(this.full(file.path), options);
    this.refreshStat(file);
    this.trigger('modify', file);
  }

  /** Read, transform and write with nothing in between (temp file + rename); returns the new text. */
  async process(file: TFile, fn: (data: string) => string, options?: DataWriteOptions): Promise<string> {
    this.requireLive(file);
    const full = this.full(file.path);
    const next = fn(fs.readFileSync(full, 'utf8'));
    if (typeof next !== 'string') throw new TypeError('Vault.process: fn must return a string');
    writeAtomic(full, next, options);
    this.refreshStat(file);
    this.trigger('modify', file);
    return next;
  }

  private descendants(file: TAbstractFile): TAbstractFile[] {
    const out: TAbstractFile[] = [];
    if (file instanceof TFolder) for (const c of file.children) out.push(...this.descendants(c), c);
    return out;
  }

  private forget(file: TAbstractFile): void {
    const all = [...this.descendants(file), file];
    for (const f of all) this.detachFile(f);
    for (const f of all) this.trigger('delete', f);
  }

  async delete(file: TAbstractFile, force?: boolean): Promise<void> {
    this.requireLive(file);
    if (file instanceof TFolder && file.isRoot()) throw new Error('Cannot delete the vault root');
    const full = this.full(file.path);
    if (file instanceof TFolder) {
      const hidden = fs.readdirSync(full).some((n) => n.startsWith('.'));
      if (hidden && !force) throw new Error(`Folder has hidden children: ${file.path}`);
      fs.rmSync(full, { recursive: true });
    } else {
      fs.rmSync(full);
    }
    this.forget(file);
  }

  /** Moves to `<vault>/.trash` (no system trash in tests), then fires `delete`. */
  async trash(file: TAbstractFile, system: boolean): Promise<void> {
    void system;
    this.requireLive(file);
    const trashDir = this.full('.trash');
    fs.mkdirSync(trashDir, { recursive: true });
    let dest = nodePath.join(trashDir, file.name);
    for (let i = 1; fs.existsSync(dest); i++) dest = nodePath.join(trashDir, `${file.name} ${i}`);
    fs.renameSync(this.full(file.path), dest);
    this.forget(file);
  }

  async rename(file: TAbstractFile, newPath: string): Promise<void> {
    this.requireLive(file);
    const p = this.checkPath(newPath);
    if (p === file.path) return;
    if (this.fileMap[p] || fs.existsSync(this.full(p))) throw new Error('Destination file already exists!');
    const newParent = this.requireParent(p);
    fs.renameSync(this.full(file.path), this.full(p));
    const moved = [file, ...this.descendants(file)];
    const oldPaths = moved.map((f) => f.path);
    for (const f of moved) {
      delete this.fileMap[f.path];
      this.known.delete(f.path);
    }
    if (file.parent) file.parent.children = file.parent.children.filter((c) => c !== file);
    file.parent = newParent;
    newParent.children.push(file);
    const oldRoot = file.path;
    for (const f of moved) {
      f._setPath(f === file ? p : p + f.path.slice(oldRoot.length));
      this.fileMap[f.path] = f;
      if (f instanceof TFile) this.refreshStat(f);
    }
    moved.forEach((f, i) => this.trigger('rename', f, oldPaths[i]));
  }

  async copy<T extends TAbstractFile>(file: T, newPath: string): Promise<T> {
    this.requireLive(file);
    const p = this.checkPath(newPath);
    if (this.fileMap[p]) throw new Error('Destination file already exists!');
    this.requireParent(p);
    fs.cpSync(this.full(file.path), this.full(p), { recursive: true });
    this.syncFromDisk(p);
    return this.fileMap[p] as unknown as T;
  }

  /**
   * Test helper (what Obsidian's file watcher does): compares the index with the disk at `path`
   * (or the whole vault) and fires `create`, `modify` and `delete` for what changed outside the vault.
   */
  syncFromDisk(path?: string): void {
    const p = path === undefined ? '/' : normalizePath(path);
    if (p !== '/' && isHidden(p)) return;
    const existing = this.fileMap[p];
    const s = statOf(this.full(p));
    if (!s) {
      if (existing && existing !== this.root) this.forget(existing);
      return;
    }
    if (existing && (s.type === 'folder') !== existing instanceof TFolder) {
      this.forget(existing);
      this.syncFromDisk(p);
      return;
    }
    if (!existing) {
      // Make sure the parents are indexed first.
      if (p !== '/' && !this.fileMap[parentPath(p)]) this.syncFromDisk(parentPath(p));
      const added = this.attach(s.type === 'folder' ? new TFolder(this, p) : new TFile(this, p));
      this.trigger('create', added);
      if (added instanceof TFolder) this.syncChildren(added);
      return;
    }
    if (existing instanceof TFile) {
      const before = this.known.get(p);
      // An explicit path always counts as modified (same-size edits within one mtime tick).
      if (path !== undefined || !before || before.mtime !== s.mtime || before.size !== s.size) {
        this.refreshStat(existing);
        this.trigger('modify', existing);
      }
      return;
    }
    this.syncChildren(existing as TFolder);
  }

  private syncChildren(folder: TFolder): void {
    const onDisk = fs
      .readdirSync(this.full(folder.path))
      .filter((n) => !n.startsWith('.'))
      .map((n) => (folder.isRoot() ? n : `${folder.path}/${n}`));
    for (const child of folder.children.slice()) if (!onDisk.includes(child.path)) this.forget(child);
    for (const child of onDisk.sort()) {
      const known = this.fileMap[child];
      if (known instanceof TFile) {
        const before = this.known.get(child);
        const s = statOf(this.full(child));
        if (s && (!before || before.mtime !== s.mtime || before.size !== s.size)) {
          this.refreshStat(known);
          this.trigger('modify', known);
        }
      } else {
        this.syncFromDisk(child);
      }
    }
  }
}
