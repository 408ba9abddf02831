/** MetadataCache: parses notes (frontmatter via `yaml`, links, headings, tags, list items) and resolves links. */
import { parse as yamlParse } from 'yaml';
import type {
  CachedMetadata,
  EmbedCache,
  FrontmatterLinkCache,
  HeadingCache,
  LinkCache,
  ListItemCache,
  Loc,
  TagCache,
} from 'obsidian';
import { Events } from './events';
import { getFrontMatterInfo, getLinkpath, normalizePath, parseLinktext } from './util';
import { TFile, type TAbstractFile, type Vault } from './vault';

function locator(text: string): (offset: number) => Loc {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, col: offset - starts[lo]!, offset };
  };
}

/** Blanks fenced code, inline code and %% comments, keeping offsets and newlines. */
function maskCode(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  let out = text.replace(/^([ \t]*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?(^\1?\2[ \t]*$|(?![\s\S]))/gm, blank);
  out = out.replace(/%%[\s\S]*?%%/g, blank);
  out = out.replace(/(`+)[^`\n][\s\S]*?\1/g, blank);
  return out;
}

const WIKILINK = /(!?)\[\[([^[\]\r\n]+?)\]\]/g;
const MDLINK = /(!?)\[([^\]\r\n]*)\]\(<?([^)<>\r\n]+?)>?\)/g;

function wikiRef(inner: string): { link: string; displayText: string } {
  const bar = inner.indexOf('|');
  const target = (bar >= 0 ? inner.slice(0, bar) : inner).trim();
  const alias = bar >= 0 ? inner.slice(bar + 1) : undefined;
  const { path, subpath } = parseLinktext(target);
  const display = alias ?? (subpath ? `${path ? `${path} > ` : ''}${subpath.slice(1).replace(/#/g, ' > ')}` : target);
  return { link: target, displayText: display };
}

/** The metadata Obsidian would compute for a markdown note. */
export function parseMarkdownMetadata(content: string): CachedMetadata {
  const cache: CachedMetadata = {};
  const loc = locator(content);
  const fm = getFrontMatterInfo(content);
  let bodyStart = 0;
  if (fm.exists) {
    const closeEnd = fm.to + 3;
    cache.frontmatterPosition = { start: loc(0), end: loc(closeEnd) };
    bodyStart = fm.contentStart;
    let parsed: unknown;
    try {
      parsed = yamlParse(fm.frontmatter);
    } catch {
      parsed = undefined;
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      cache.frontmatter = parsed;
      const fl: FrontmatterLinkCache[] = [];
      const walk = (key: string, v: unknown) => {
        if (typeof v === 'string') {
          const m = /^\s*\[\[([^[\]\r\n]+?)\]\]\s*$/.exec(v);
          if (m) fl.push({ key, original: v.trim(), ...wikiRef(m[1]!) });
        } else if (Array.isArray(v)) {
          v.forEach((x, i) => walk(`${key}.${i}`, x));
        } else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) walk(`${key}.${k}`, x);
        }
      };
      for (const [k, v] of Object.entries(parsed)) walk(k, v);
      if (fl.length > 0) cache.frontmatterLinks = fl;
    }
  }

  const masked = content.slice(0, bodyStart).replace(/[^\n]/g, ' ') + maskCode(content.slice(bodyStart));
  const links: LinkCache[] = [];
  const embeds: EmbedCache[] = [];
  for (const m of masked.matchAll(WIKILINK)) {
    const start = m.index;
    const end = start + m[0].length;
    const ref = { ...wikiRef(m[2]!), original: content.slice(start, end), position: { start: loc(start), end: loc(end) } };
    (m[1] ? embeds : links).push(ref);
  }
  for (const m of masked.matchAll(MDLINK)) {
    const url = m[3]!.trim();
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) continue;
    let link = url;
    try {
      link = decodeURI(url);
    } catch {
      /* keep the raw url */
    }
    const start = m.index;
    const end = start + m[0].length;
    const ref = { link, displayText: m[2]!, original: content.slice(start, end), position: { start: loc(start), end: loc(end) } };
    (m[1] ? embeds : links).push(ref);
  }
  const byOffset = (a: { position: { start: Loc } }, b: { position: { start: Loc } }) => a.position.start.offset - b.position.start.offset;
  if (links.length > 0) cache.links = links.sort(byOffset);
  if (embeds.length > 0) cache.embeds = embeds.sort(byOffset);

  const headings: HeadingCache[] = [];
  const tags: TagCache[] = [];
  const listItems: ListItemCache[] = [];
  const listStack: { indent: number; line: number }[] = [];
  let listRoot = -1;
  let offset = 0;
  for (const line of masked.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    if (lineStart < bodyStart) continue;
    const h = /^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (h) {
      headings.push({
        heading: h[2]!,
        level: h[1]!.length,
        position: { start: loc(lineStart), end: loc(lineStart + line.length) },
      });
    }
    const li = /^([ \t]*)(?:[-*+]|\d+[.)])(?:[ \t]+|$)(?:\[(.)\](?:[ \t]|$))?/.exec(line);
    if (li && !h) {
      const indent = li[1]!.replace(/\t/g, '    ').length;
      const lineNo = loc(lineStart).line;
      while (listStack.length > 0 && listStack[listStack.length - 1]!.indent >= indent) listStack.pop();
      if (listStack.length === 0 && listRoot < 0) listRoot = lineNo;
      const parent = listStack.length > 0 ? listStack[listStack.length - 1]!.line : -listRoot;
      const item: ListItemCache = { parent, position: { start: loc(lineStart), end: loc(lineStart + line.length) } };
      if (li[2] !== undefined) item.task = li[2];
      listItems.push(item);
      listStack.push({ indent, line: lineNo });
    } else if (line.trim() === '') {
      listStack.length = 0;
      listRoot = -1;
    }
    for (const t of line.matchAll(/(^|[\s(])#([\p{L}\p{N}_/-]*[\p{L}_/-][\p{L}\p{N}_/-]*)/gu)) {
      const start = lineStart + t.index + t[1]!.length;
      const end = start + 1 + t[2]!.length;
      tags.push({ tag: `#${t[2]!}`, position: { start: loc(start), end: loc(end) } });
    }
  }
  if (headings.length > 0) cache.headings = headings;
  if (tags.length > 0) cache.tags = tags;
  if (listItems.length > 0) cache.listItems = listItems;
  return cache;
}

/**
 * Obsidian's MetadataCache over a Vault. The initial index is built synchronously at construction;
 * afterwards every vault event is handled asynchronously, in order: the note is re-read and parsed,
 * `changed` fires, links are re-resolved, then `resolve` and `resolved` fire. `whenSettled()`
 * resolves once every queued update has run.
 */
export class MetadataCache extends Events {
  resolvedLinks: Record<string, Record<string, number>> = {};
  unresolvedLinks: Record<string, Record<string, number>> = {};
  private caches = new Map<string, CachedMetadata>();
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  /** Errors thrown while updating the cache (they are also rethrown asynchronously). */
  readonly errors: unknown[] = [];

  constructor(private readonly vault: Vault) {
    super();
    for (const file of vault.getMarkdownFiles()) this.caches.set(file.path, parseMarkdownMetadata(vault.readSync(file)));
    this.resolveAll();
    vault.on('create', (f: TAbstractFile) => this.onChange(f));
    vault.on('modify', (f: TAbstractFile) => this.onChange(f));
    vault.on('delete', (f: TAbstractFile) => this.onDelete(f));
    vault.on('rename', (f: TAbstractFile, oldPath: string) => this.onRename(f, oldPath));
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.pending++;
    this.queue = this.queue
      .then(task)
      .catch((err: unknown) => {
        this.errors.push(err);
        setTimeout(() => {
          throw err;
        }, 0);
      })
      .finally(() => {
        this.pending--;
      });
  }

  private onChange(f: TAbstractFile): void {
    if (!(f instanceof TFile) || f.extension !== 'md') return;
    this.enqueue(async () => {
      if (this.vault.getAbstractFileByPath(f.path) !== f) return;
      const data = await this.vault.cachedRead(f);
      const cache = parseMarkdownMetadata(data);
      this.caches.set(f.path, cache);
      this.trigger('changed', f, data, cache);
      this.resolveAll();
      this.trigger('resolve', f);
      this.trigger('resolved');
    });
  }

  private onDelete(f: TAbstractFile): void {
    if (!(f instanceof TFile)) return;
    const prev = this.caches.get(f.path) ?? null;
    this.caches.delete(f.path);
    this.enqueue(() => {
      if (f.extension === 'md') this.trigger('deleted', f, prev);
      this.resolveAll();
      this.trigger('resolved');
    });
  }

  private onRename(f: TAbstractFile, oldPath: string): void {
    if (!(f instanceof TFile)) return;
    const prev = this.caches.get(oldPath);
    this.caches.delete(oldPath);
    if (f.extension === 'md') this.caches.set(f.path, prev ?? {});
    this.enqueue(async () => {
      if (f.extension === 'md' && !prev && this.vault.getAbstractFileByPath(f.path) === f) {
        this.caches.set(f.path, parseMarkdownMetadata(await this.vault.cachedRead(f)));
      }
      this.resolveAll();
      this.trigger('resolved');
    });
  }

  /** Test helper: resolves when every queued cache update has run (including ones queued meanwhile). */
  async whenSettled(): Promise<void> {
    while (this.pending > 0) await this.queue;
  }

  /** True when no update is queued. */
  get isSettled(): boolean {
    return this.pending === 0;
  }

  getFileCache(file: TFile): CachedMetadata | null {
    return this.caches.get(file.path) ?? null;
  }

  getCache(path: string): CachedMetadata | null {
    return this.caches.get(normalizePath(path)) ?? null;
  }

  /**
   * Obsidian's resolution: '' is the source itself; './' and '../' are relative to the source;
   * then the exact vault path (with or without '.md'); else the files with that name (a note by
   * basename), whose path ends with the linkpath, the shortest path first. Case-insensitive.
   */
  getFirstLinkpathDest(linkpath: string, sourcePath: string): TFile | null {
    let p = getLinkpath(linkpath).trim();
    if (p === '') return this.vault.getFileByPath(sourcePath);
    if (p.startsWith('./') || p.startsWith('../')) {
      const dir = sourcePath.includes('/') ? sourcePath.slice(0, sourcePath.lastIndexOf('/')).split('/') : [];
      for (const seg of p.split('/')) {
        if (seg === '..') dir.pop();
        else if (seg !== '.') dir.push(seg);
      }
      p = dir.join('/');
    }
    p = normalizePath(p);
    const files = this.vault.getFiles();
    const exact =
      this.vault.getFileByPath(p) ??
      this.vault.getFileByPath(`${p}.md`) ??
      files.find((f) => f.path.toLowerCase() === p.toLowerCase()) ??
      files.find((f) => f.extension === 'md' && f.path.toLowerCase() === `${p}.md`.toLowerCase());
    if (exact) return exact;
    const lower = p.toLowerCase();
    const name = lower.slice(lower.lastIndexOf('/') + 1);
    const candidates = files.filter((f) => {
      const nameMatch = f.name.toLowerCase() === name || (f.extension === 'md' && f.basename.toLowerCase() === name);
      if (!nameMatch) return false;
      if (!lower.includes('/')) return true;
      const fp = f.path.toLowerCase();
      return fp.endsWith(`/${lower}`) || (f.extension === 'md' && fp.endsWith(`/${lower}.md`));
    });
    candidates.sort((a, b) => a.path.length - b.path.length || a.path.localeCompare(b.path));
    return candidates[0] ?? null;
  }

  /** The shortest linktext that resolves to `file` from `sourcePath` ("shortest path when possible"). */
  fileToLinktext(file: TFile, sourcePath: string, omitMdExtension = true): string {
    const omit = omitMdExtension && file.extension === 'md';
    const name = omit ? file.basename : file.name;
    if (this.getFirstLinkpathDest(name, sourcePath) === file) return name;
    return omit ? file.path.slice(0, -3) : file.path;
  }

  private resolveAll(): void {
    const resolved: Record<string, Record<string, number>> = {};
    const unresolved: Record<string, Record<string, number>> = {};
    for (const file of this.vault.getMarkdownFiles()) {
      const r: Record<string, number> = {};
      const u: Record<string, number> = {};
      const cache = this.caches.get(file.path);
      const refs = [...(cache?.links ?? []), ...(cache?.embeds ?? []), ...(cache?.frontmatterLinks ?? [])];
      for (const ref of refs) {
        const path = getLinkpath(ref.link);
        if (path === '') continue;
        const dest = this.getFirstLinkpathDest(path, file.path);
        if (dest) r[dest.path] = (r[dest.path] ?? 0) + 1;
        else u[path] = (u[path] ?? 0) + 1;
      }
      resolved[file.path] = r;
      unresolved[file.path] = u;
    }
    this.resolvedLinks = resolved;
    this.unresolvedLinks = unresolved;
  }
}
