import { normalizePath, TFile, TFolder, type App } from 'obsidian';
import { VaultError, type DataFolder, type FileStat, type LockIdentity, type VaultPort } from '../vault/port';
import { normalizeVaultPath } from '../core/layout';

function statOf(file: TFile): FileStat {
  return { path: file.path, size: file.stat.size, mtime: file.stat.mtime };
}

/** The Vault port over Obsidian's API: background edits go through Vault.process (atomic). */
export class ObsidianVault implements VaultPort {
  constructor(private readonly app: App) {}

  get configDir(): string {
    return this.app.vault.configDir;
  }

  private file(path: string): TFile {
    const f = this.app.vault.getFileByPath(normalizeVaultPath(path, this.configDir));
    if (!f) throw new VaultError('not-found', path, `No such file: ${path}`);
    return f;
  }

  listNotes(): Promise<FileStat[]> {
    return Promise.resolve(this.app.vault.getMarkdownFiles().map(statOf));
  }

  listFiles(folder: string): Promise<FileStat[]> {
    const root = this.app.vault.getFolderByPath(normalizeVaultPath(folder, this.configDir));
    const out: FileStat[] = [];
    const walk = (f: TFolder): void => {
      for (const child of f.children) {
        if (child instanceof TFile) out.push(statOf(child));
        else if (child instanceof TFolder) walk(child);
      }
    };
    if (root) walk(root);
    return Promise.resolve(out);
  }

  async read(path: string): Promise<string> {
    const text = await this.app.vault.cachedRead(this.file(path));
    // Obsidian decodes binary as text with replacement characters; a NUL is never in a note.
    if (text.includes('\u0000')) throw new VaultError('not-text', path, `Not a text file: ${path}`);
    return text;
  }

  async readWithStat(path: string): Promise<{ text: string; stat: FileStat }> {
    const file = this.file(path);
    const text = await this.read(path);
    return { text, stat: statOf(file) };
  }

  stat(path: string): Promise<FileStat | null> {
    const f = this.app.vault.getFileByPath(normalizeVaultPath(path, this.configDir));
    return Promise.resolve(f ? statOf(f) : null);
  }

  async create(path: string, content: string): Promise<void> {
    const clean = normalizeVaultPath(path, this.configDir);
    if (this.app.vault.getAbstractFileByPath(clean)) throw new VaultError('exists', path, `Already exists: ${path}`);
    const folder = clean.includes('/') ? clean.slice(0, clean.lastIndexOf('/')) : '';
    if (folder && !this.app.vault.getFolderByPath(folder)) {
      try {
        await this.app.vault.createFolder(folder);
      } catch {
        // Another write may have created it in between; the create below says if it is really missing.
      }
    }
    await this.app.vault.create(clean, content);
  }

  trash(path: string): Promise<void> {
    // Follows the person's own trash setting (system trash, .trash, or delete).
    return this.app.fileManager.trashFile(this.file(path));
  }

  process(path: string, fn: (current: string) => string): Promise<string> {
    return this.app.vault.process(this.file(path), fn);
  }
}

/** The plugin's own data folder, `<configDir>/plugins/groundwork/`, through the vault adapter. */
export class ObsidianDataFolder implements DataFolder {
  /** Obsidian gives a plugin no process id; a lock it left is taken over once its heartbeat is stale. */
  readonly lockIdentity: LockIdentity = { app: 'obsidian' };

  constructor(
    private readonly app: App,
    private readonly root: string,
  ) {}

  get lockKey(): string {
    return this.root;
  }

  holderGone(): boolean {
    return false;
  }

  /**
   * The adapter's copy refuses an existing destination, which makes it the exclusive create:
   * the content is written under a unique name first, so the lock file is never seen half-written.
   */
  async createExclusive(name: string, data: string): Promise<boolean> {
    const p = this.full(name);
    if (await this.app.vault.adapter.exists(p)) return false;
    await this.ensureFolder(p);
    const tmp = `${p}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}.tmp`;
    await this.app.vault.adapter.write(tmp, data);
    try {
      await this.app.vault.adapter.copy(tmp, p);
      return true;
    } catch (err) {
      if (await this.app.vault.adapter.exists(p)) return false;
      throw err;
    } finally {
      await this.app.vault.adapter.remove(tmp);
    }
  }

  private async ensureFolder(p: string): Promise<void> {
    const dir = p.slice(0, p.lastIndexOf('/'));
    if (!(await this.app.vault.adapter.exists(dir))) await this.app.vault.adapter.mkdir(dir);
  }

  private full(name: string): string {
    if (name.split('/').some((p) => p === '..' || p === '')) throw new Error(`Refused data path: ${name}`);
    return normalizePath(`${this.root}/${name}`);
  }

  async read(name: string): Promise<string | null> {
    const p = this.full(name);
    if (await this.app.vault.adapter.exists(p)) return this.app.vault.adapter.read(p);
    // A crash between removing the old file and renaming the new one leaves only the new one.
    if (await this.app.vault.adapter.exists(`${p}.tmp`)) return this.app.vault.adapter.read(`${p}.tmp`);
    return null;
  }

  async write(name: string, data: string): Promise<void> {
    const p = this.full(name);
    await this.ensureFolder(p);
    // The adapter has no rename-over; write a sibling then swap, so a crash leaves the old file readable.
    const tmp = `${p}.tmp`;
    await this.app.vault.adapter.write(tmp, data);
    if (await this.app.vault.adapter.exists(p)) await this.app.vault.adapter.remove(p);
    await this.app.vault.adapter.rename(tmp, p);
  }

  async remove(name: string): Promise<void> {
    const p = this.full(name);
    if (await this.app.vault.adapter.exists(p)) await this.app.vault.adapter.remove(p);
  }

  async list(prefix = ''): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      if (!(await this.app.vault.adapter.exists(dir))) return;
      const { files, folders } = await this.app.vault.adapter.list(dir);
      for (const f of files) if (!f.endsWith('.tmp')) out.push(f.slice(this.root.length + 1));
      for (const d of folders) await walk(d);
    };
    // Only the prefix's folder can hold names with that prefix: the rest is not walked.
    const slash = prefix.lastIndexOf('/');
    await walk(slash < 0 ? this.root : this.full(prefix.slice(0, slash)));
    return out.filter((n) => n.startsWith(prefix)).sort();
  }
}
