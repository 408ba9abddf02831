/**
 * Links as Obsidian reads them: `[[target#heading|alias]]` in the body and in frontmatter string
 * values, and markdown links to local notes. Resolution follows Obsidian: a path (with or
 * without `.md`), else a basename, preferring the source's folder, then the shortest path.
 */

import { parentFolder } from './layout';

const MD_LINK = /\[[^\]\n]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

/** `Name#heading|alias` → `Name`; empty when the link only points inside the note. */
export function linkTarget(inner: string): string {
  // One slice instead of two split() arrays: `map` runs this for every link of every note.
  let end = inner.indexOf('|');
  if (end < 0) end = inner.length;
  const hash = inner.indexOf('#');
  if (hash >= 0 && hash < end) end = hash;
  return (end === inner.length ? inner : inner.slice(0, end)).trim();
}

/**
 * The inside of each `[[…]]` and `![[…]]` in a text, in order, exactly as /!?\[\[([^\]
]+?)\]\]/g matches them
 * (at least one character, no `]` and no line break inside). An indexOf loop instead of the regex:
 * each match then costs one slice, not a match array (links were the largest part of `map`'s own
 * work per note).
 */
function eachWikilink(text: string, found: (inner: string) => void): void {
  let at = text.indexOf('[[');
  while (at !== -1) {
    let i = at + 2;
    for (let c = text.charCodeAt(i); i < text.length && c !== 93 && c !== 10; c = text.charCodeAt(++i));
    if (i > at + 2 && text.charCodeAt(i) === 93 && text.charCodeAt(i + 1) === 93) {
      found(text.slice(at + 2, i));
      at = text.indexOf('[[', i + 2);
    } else at = text.indexOf('[[', at + 1);
  }
}

/** The target of a frontmatter link value (`"[[X]]"`), or null when the value is not a link. */
export function parseLinkValue(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^\s*\[\[([^\]\n]+)\]\]\s*$/.exec(value);
  if (!m?.[1]) return null;
  const t = linkTarget(m[1]);
  return t === '' ? null : t;
}

/** The text without fenced code blocks and inline code, where links and tags are not read. */
export function stripCode(body: string): string {
  // Most notes have no code at all; skipping two whole-text replaces for them is most of the
  // time `map` spends here.
  if (!body.includes('`') && !body.includes('~~~')) return body;
  return body.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Every link target in a note, body and frontmatter, in order, duplicates kept out. */
export function extractLinks(body: string, frontmatter: Record<string, unknown> | null): string[] {
  return linksOutsideCode(stripCode(body), frontmatter);
}

/** extractLinks for a body that stripCode already took the code out of. */
export function linksOutsideCode(text: string, frontmatter: Record<string, unknown> | null): string[] {
  const out = new Set<string>();
  const add = (inner: string): void => {
    const t = linkTarget(inner);
    if (t) out.add(t);
  };
  const scan = (s: string): void => eachWikilink(s, add);
  if (frontmatter) {
    const visit = (v: unknown): void => {
      if (typeof v === 'string') scan(v);
      else if (Array.isArray(v)) v.forEach(visit);
    };
    Object.values(frontmatter).forEach(visit);
  }
  scan(text);
  if (!text.includes('](')) return [...out];
  for (const m of text.matchAll(MD_LINK)) {
    const href = m[1] ?? '';
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#')) continue;
    const t = linkTarget(safeDecode(href));
    if (t) out.add(t);
  }
  return [...out];
}

function stripMd(p: string): string {
  return p.toLowerCase().endsWith('.md') ? p.slice(0, -3) : p;
}

/**
 * The lowercase name (last segment, without `.md`) that a link target or a note path is found
 * by. A link's resolution depends only on the notes that carry its name, so a note created,
 * deleted or renamed can only change how links with its name resolve.
 */
export function linkNameKey(targetOrPath: string): string {
  const key = stripMd(targetOrPath.replace(/^\/+/, '')).toLowerCase();
  return key.slice(key.lastIndexOf('/') + 1);
}

/** What `LinkResolver.candidates` hands back: every path carrying a name. */
const NO_PATHS: ReadonlySet<string> = new Set();

/**
 * An index from lowercase basename (without `.md`) to the paths carrying it, so a link resolves
 * without scanning every note.
 */
export class LinkResolver {
  private readonly byName = new Map<string, Set<string>>();
  private readonly byPath = new Map<string, string>();

  add(path: string): void {
    const key = stripMd(path).toLowerCase();
    this.byPath.set(key, path);
    const name = key.slice(key.lastIndexOf('/') + 1);
    let set = this.byName.get(name);
    if (!set) this.byName.set(name, (set = new Set()));
    set.add(path);
  }

  remove(path: string): void {
    const key = stripMd(path).toLowerCase();
    this.byPath.delete(key);
    const name = key.slice(key.lastIndexOf('/') + 1);
    const set = this.byName.get(name);
    set?.delete(path);
    if (set?.size === 0) this.byName.delete(name);
  }

  /** The paths whose name is `name` (a linkNameKey). */
  candidates(name: string): ReadonlySet<string> {
    return this.byName.get(name) ?? NO_PATHS;
  }

  /** The path a link from `sourcePath` points to, or null when it is unresolved. */
  resolve(target: string, sourcePath = ''): string | null {
    const want = stripMd(target.replace(/^\/+/, '')).toLowerCase();
    if (want === '') return null;
    const exact = this.byPath.get(want);
    if (exact) return exact;
    const name = want.slice(want.lastIndexOf('/') + 1);
    const candidates = this.byName.get(name);
    if (!candidates || candidates.size === 0) return null;
    const suffix = want.includes('/') ? `/${want}` : null;
    let best: string | null = null;
    const srcFolder = parentFolder(sourcePath);
    for (const p of candidates) {
      const lp = stripMd(p).toLowerCase();
      if (suffix && !lp.endsWith(suffix)) continue;
      if (best === null) {
        best = p;
        continue;
      }
      const sameP = parentFolder(p) === srcFolder;
      const sameB = parentFolder(best) === srcFolder;
      if (sameP !== sameB) {
        if (sameP) best = p;
        continue;
      }
      if (p.length < best.length || (p.length === best.length && p < best)) best = p;
    }
    return best;
  }
}

/**
 * The note a name or a vault-relative path names (the CLI's `<domain>` argument): the path
 * itself, the path with `.md` added, or where a link of that text resolves. Only paths are
 * needed, so a run can find its note from the vault's listing before any note is read.
 */
export function findNotePath(nameOrPath: string, exists: (path: string) => boolean, resolver: LinkResolver): string | null {
  if (exists(nameOrPath)) return nameOrPath;
  if (exists(`${nameOrPath}.md`)) return `${nameOrPath}.md`;
  return resolver.resolve(nameOrPath);
}

/**
 * findNotePath over a plain listing. Only the paths that contain the name (lowercased, `.md`
 * dropped) can be the answer, so only those are indexed: an index of a 50k-note listing takes
 * longer than reading the one note it finds.
 */
export function findNotePathIn(nameOrPath: string, paths: Iterable<string>): string | null {
  const lower = nameOrPath.toLowerCase();
  const name = (lower.endsWith('.md') ? lower.slice(0, -3) : lower).slice(lower.lastIndexOf('/') + 1);
  const listed = new Set<string>();
  const resolver = new LinkResolver();
  for (const p of paths) {
    if (!p.toLowerCase().includes(name)) continue;
    listed.add(p);
    resolver.add(p);
  }
  return findNotePath(nameOrPath, (p) => listed.has(p), resolver);
}

/** The link text for a note path: its path without `.md`, which resolves whatever else shares its name. */
export function linkPath(path: string): string {
  return path.replace(/\.md$/i, '');
}

export function wikilink(path: string, label?: string): string {
  return label ? `[[${linkPath(path)}|${label}]]` : `[[${linkPath(path)}]]`;
}

/**
 * Text with its wikilinks as a reader sees them: `[[Groundwork/X sources#S3|S3]]` → `S3`,
 * `[[Notes/Rank notes]]` → `Rank notes`. For the terminal and other plain-text places.
 */
export function plainWikilinks(text: string): string {
  return text.replace(/!?\[\[([^\]\n]+?)\]\]/g, (_m, inner: string) => {
    const bar = inner.indexOf('|');
    if (bar >= 0) return inner.slice(bar + 1).replace(/\\$/, '');
    const target = inner.split('#')[0]!.replace(/\\$/, '');
    const heading = inner.includes('#') ? inner.slice(inner.indexOf('#') + 1) : '';
    const name = target.slice(target.lastIndexOf('/') + 1).replace(/\.md$/i, '');
    return name || heading;
  });
}
