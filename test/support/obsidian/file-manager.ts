/** FileManager: frontmatter processing, renames that update links, markdown links, trash. */
import { parse as yamlParse, stringify as yamlStringify } from 'yaml';
import type { DataWriteOptions, Reference } from 'obsidian';
import type { MetadataCache } from './metadata';
import { getFrontMatterInfo, normalizePath, parseLinktext } from './util';
import { TFile, TFolder, type TAbstractFile, type Vault } from './vault';

interface PendingRef {
  source: TFile;
  ref: Reference & { position?: { start: { offset: number }; end: { offset: number } } };
  target: TFile;
  inFrontmatter: boolean;
}

export class FileManager {
  /** Obsidian's "Automatically update internal links" setting. */
  updateLinksOnRename = true;
  /** Obsidian's "Default location for new notes": the vault root, or `folder` (below). */
  newFileLocation: 'root' | 'current' | 'folder' = 'root';
  newFileFolderPath = '/';

  constructor(
    private readonly vault: Vault,
    private readonly metadataCache: MetadataCache,
  ) {}

  getNewFileParent(sourcePath: string, newFilePath?: string): TFolder {
    void newFilePath;
    if (this.newFileLocation === 'current') {
      const src = this.vault.getAbstractFileByPath(sourcePath);
      const parent = src instanceof TFolder ? src : src?.parent;
      if (parent) return parent;
    }
    if (this.newFileLocation === 'folder') {
      const folder = this.vault.getFolderByPath(this.newFileFolderPath);
      if (folder) return folder;
    }
    return this.vault.getRoot();
  }

  /**
   * Parses the frontmatter with `yaml` (throws on malformed YAML, like Obsidian), lets `fn` mutate
   * it, then writes it back re-serialized (so formatting and comments may change, like Obsidian).
   * The whole read-modify-write is one atomic Vault.process.
   */
  async processFrontMatter(file: TFile, fn: (frontmatter: any) => void, options?: DataWriteOptions): Promise<void> {
    await this.vault.process(
      file,
      (content) => {
        const info = getFrontMatterInfo(content);
        let obj: Record<string, unknown> = {};
        if (info.exists) {
          const parsed: unknown = yamlParse(info.frontmatter);
          if (parsed !== null && parsed !== undefined) {
            if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`Frontmatter is not a mapping in ${file.path}`);
            obj = parsed as Record<string, unknown>;
          }
        }
        fn(obj);
        const body = info.exists ? content.slice(info.contentStart) : content;
        if (Object.keys(obj).length === 0) return info.exists ? body : content;
        const eol = content.includes('\r\n') ? '\r\n' : '\n';
        const yaml = yamlStringify(obj, { lineWidth: 0 }).replace(/\n/g, eol);
        return `---${eol}${yaml}---${eol}${body}`;
      },
      options,
    );
  }

  /** Renames, then rewrites the links that pointed at the file (or at files inside the folder). */
  async renameFile(file: TAbstractFile, newPath: string): Promise<void> {
    await this.metadataCache.whenSettled();
    const targets = new Set<TFile>();
    if (file instanceof TFile) targets.add(file);
    else if (file instanceof TFolder) {
      const stack: TAbstractFile[] = [...file.children];
      while (stack.length > 0) {
        const f = stack.pop()!;
        if (f instanceof TFile) targets.add(f);
        else if (f instanceof TFolder) stack.push(...f.children);
      }
    }
    const pending: PendingRef[] = [];
    if (this.updateLinksOnRename) {
      for (const source of this.vault.getMarkdownFiles()) {
        const cache = this.metadataCache.getFileCache(source);
        if (!cache) continue;
        const check = (ref: PendingRef['ref'], inFrontmatter: boolean) => {
          const { path } = parseLinktext(ref.link);
          if (path === '') return;
          const dest = this.metadataCache.getFirstLinkpathDest(path, source.path);
          if (dest && targets.has(dest)) pending.push({ source, ref, target: dest, inFrontmatter });
        };
        for (const ref of [...(cache.links ?? []), ...(cache.embeds ?? [])]) check(ref, false);
        for (const ref of cache.frontmatterLinks ?? []) check(ref, true);
      }
    }
    await this.vault.rename(file, normalizePath(newPath));
    const bySource = new Map<TFile, PendingRef[]>();
    for (const p of pending) bySource.set(p.source, [...(bySource.get(p.source) ?? []), p]);
    for (const [source, refs] of bySource) {
      if (this.vault.getAbstractFileByPath(source.path) !== source) continue;
      await this.vault.process(source, (content) => {
        let out = content;
        const body = refs.filter((r) => !r.inFrontmatter && r.ref.position).sort((a, b) => b.ref.position!.start.offset - a.ref.position!.start.offset);
        for (const r of body) {
          const { start, end } = r.ref.position!;
          if (out.slice(start.offset, end.offset) !== r.ref.original) continue;
          out = out.slice(0, start.offset) + this.relink(r, source.path) + out.slice(end.offset);
        }
        const fm = refs.filter((r) => r.inFrontmatter);
        if (fm.length > 0) {
          const info = getFrontMatterInfo(out);
          if (info.exists) {
            let yaml = info.frontmatter;
            for (const r of fm) yaml = yaml.split(r.ref.original).join(this.relink(r, source.path));
            out = out.slice(0, info.from) + yaml + out.slice(info.to);
          }
        }
        return out;
      });
    }
  }

  private relink(r: PendingRef, sourcePath: string): string {
    const original = r.ref.original;
    const embed = original.startsWith('!');
    const { subpath } = parseLinktext(r.ref.link);
    if (/^!?\[\[/.test(original)) {
      const inner = original.replace(/^!?\[\[/, '').replace(/\]\]$/, '');
      const bar = inner.indexOf('|');
      const alias = bar >= 0 ? inner.slice(bar) : '';
      return `${embed ? '!' : ''}[[${this.metadataCache.fileToLinktext(r.target, sourcePath)}${subpath}${alias}]]`;
    }
    const text = /^!?\[([^\]]*)\]/.exec(original)?.[1] ?? '';
    return `${embed ? '!' : ''}[${text}](${encodeURI(r.target.path)}${subpath})`;
  }

  /** A wikilink (an embed for non-markdown files), using the shortest linktext that resolves. */
  generateMarkdownLink(file: TFile, sourcePath: string, subpath?: string, alias?: string): string {
    const linktext = this.metadataCache.fileToLinktext(file, sourcePath);
    const embed = file.extension !== 'md' ? '!' : '';
    return `${embed}[[${linktext}${subpath ?? ''}${alias ? `|${alias}` : ''}]]`;
  }

  /**
   * Follows the person's "Deleted files" setting, as Obsidian does (`vault.trashOption`, a test
   * helper for the `trashOption` of app.json): `system` (Obsidian's default; there is no system
   * trash here, so the file goes to `.trash`, as Obsidian falls back when the system trash fails),
   * `local` (`.trash`), or `none` (deleted for good).
   */
  async trashFile(file: TAbstractFile): Promise<void> {
    if (this.vault.trashOption === 'none') await this.vault.delete(file, true);
    else await this.vault.trash(file, this.vault.trashOption === 'system');
  }

  /** No person to ask in tests: answers yes and trashes the file. */
  async promptForDeletion(file: TAbstractFile): Promise<boolean> {
    await this.trashFile(file);
    return true;
  }

  async getAvailablePathForAttachment(filename: string, sourcePath?: string): Promise<string> {
    const parent = this.getNewFileParent(sourcePath ?? '');
    const dot = filename.lastIndexOf('.');
    const base = dot > 0 ? filename.slice(0, dot) : filename;
    const ext = dot > 0 ? filename.slice(dot) : '';
    const prefix = parent.isRoot() ? '' : `${parent.path}/`;
    let candidate = `${prefix}${filename}`;
    for (let i = 1; this.vault.getAbstractFileByPath(candidate); i++) candidate = `${prefix}${base} ${i}${ext}`;
    return candidate;
  }
}
