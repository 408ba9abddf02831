import { linkNameKey, type LinkResolver } from './links';

/**
 * Every note's outgoing links resolved, and the backlinks they make, kept from one question to
 * the next. Resolving every link of every note took the scout ~0.3 s at 10k notes and over 1 s
 * at 50k on each research run; in the plugin the model lives on, so only what changed since is
 * resolved again:
 *
 * - a note whose text changed: its own links (the model calls `invalidate`);
 * - a note created, deleted or renamed: the links whose resolution can change, which are only
 *   those carrying its name (`LinkResolver` picks among the paths with the link's name). Adding a
 *   path can take over any link with that name, resolved or not; removing one changes only the
 *   links that resolved to it, since the others' best candidate is still there and still best.
 *
 * A source's entry keeps every link's resolution, its own path included, so that a note linking
 * to its own name is revisited when another note of that name appears; the `domain` property's
 * links are among a note's links, so membership reads them from here too. The backlink index is
 * built on the first question that needs it and kept whole from then on.
 */
interface Entry {
  resolved: (string | null)[];
  missing: string[];
}

const NONE: string[] = [];
const NOTHING: Entry = { resolved: [], missing: NONE };

export class LinkGraph {
  /** Source path → where each of its links resolves (in the order of its record's links), and the names of those resolving nowhere. */
  private readonly out = new Map<string, Entry>();
  /** Target path → the sources whose entry resolves a link to it (the inverse of `out`). */
  private readonly back = new Map<string, string[]>();
  /** Link name → sources with a link of that name that resolved to nothing. */
  private readonly unresolved = new Map<string, string[]>();
  /** Once `ready` was called: sources that still need an entry for the backlinks to be whole. */
  private pending: Set<string> | null = null;
  /**
   * Until then: link name → the sources with a link of that name, so that the backlinks of one
   * note resolve only the sources that could link to it (a one-shot run asks about a few dozen
   * notes; resolving every link of 50,000 notes for them took ~0.9 s). Dropped on any change.
   */
  private byName: Map<string, string[]> | null = null;

  constructor(
    private readonly resolver: LinkResolver,
    /** A note's link targets as written, or undefined when there is no such note. */
    private readonly linksOf: (path: string) => readonly string[] | undefined,
    /** Every note's path, for the first backlink question. */
    private readonly paths: () => Iterable<string>,
  ) {}

  /** The distinct notes a note links to (never itself), in the order its links come. */
  linksFrom(path: string): string[] {
    const out: string[] = [];
    for (const p of (this.out.get(path) ?? this.compute(path)).resolved) if (p !== null && p !== path && !out.includes(p)) out.push(p);
    return out;
  }

  /** Where one of a note's links resolves: from its entry when the note has that link, else resolved now. */
  resolveFrom(path: string, target: string): string | null {
    const entry = this.out.get(path);
    const i = entry ? (this.linksOf(path)?.indexOf(target) ?? -1) : -1;
    // Without an entry, the one link is resolved alone: the note's other links may never be asked about.
    return i < 0 ? this.resolver.resolve(target, path) : entry!.resolved[i]!;
  }

  /**
   * The notes linking to a note (never itself), sorted. Call `ready` first where the first
   * question may come on a large vault: without it, this one resolves every pending note at once.
   */
  backlinksTo(path: string): string[] {
    if (this.pending === null) return this.backlinksByName(path);
    this.drainNow();
    const list = this.back.get(path);
    if (!list) return [];
    list.sort();
    return list.includes(path) ? list.filter((p) => p !== path) : list.slice();
  }

  /** How many notes link to a note (itself left out). */
  backlinkCount(path: string): number {
    if (this.pending === null) return this.backlinksByName(path).length;
    this.drainNow();
    const list = this.back.get(path);
    return list ? list.length - (list.includes(path) ? 1 : 0) : 0;
  }

  /** Brings the backlinks up to date, giving the event loop back every few hundred notes. */
  async ready(pause?: () => Promise<void>): Promise<void> {
    const pending = this.startBacklinks();
    let n = 0;
    for (const p of pending) {
      pending.delete(p);
      if (!this.out.has(p)) this.compute(p);
      if (pause && ++n % 500 === 0) await pause();
    }
  }

  /** A note's text changed: its links are resolved again when next asked. */
  invalidate(path: string): void {
    this.byName = null;
    this.drop([path]);
  }

  /** A note's path came into being (created, or the new side of a rename). */
  pathAdded(path: string): void {
    this.byName = null;
    // Nothing resolved yet (a model being loaded): there is nothing the new path could change.
    if (this.out.size === 0) {
      this.pending?.add(path);
      return;
    }
    const name = linkNameKey(path);
    const touched: string[] = [...(this.unresolved.get(name) ?? [])];
    for (const q of this.resolver.candidates(name)) touched.push(...(this.back.get(q) ?? []));
    this.drop(touched);
    this.pending?.add(path);
  }

  /** A note's path is gone (deleted, or the old side of a rename). */
  pathRemoved(path: string): void {
    this.byName = null;
    this.drop([path, ...(this.back.get(path) ?? [])]);
    this.pending?.delete(path);
  }

  /**
   * The backlinks of one note before `ready`: only a link with the note's name can resolve to it
   * (LinkResolver picks among the notes of a link's name), so only the sources with such a link
   * are resolved. The same answer as the whole backlink index gives, sorted, the note itself left out.
   */
  private backlinksByName(path: string): string[] {
    if (!this.byName) {
      const index = new Map<string, string[]>();
      for (const source of this.paths()) {
        const links = this.linksOf(source);
        if (!links) continue;
        let last = '';
        for (const t of links) {
          const name = linkNameKey(t);
          if (name === '' || name === last) continue;
          last = name;
          // Once per source, though its links may carry a name more than once.
          const list = index.get(name);
          if (!list || list[list.length - 1] !== source) addTo(index, name, source);
        }
      }
      this.byName = index;
    }
    const out: string[] = [];
    for (const source of this.byName.get(linkNameKey(path)) ?? NONE) {
      if (source === path) continue;
      if ((this.out.get(source) ?? this.compute(source)).resolved.includes(path)) out.push(source);
    }
    return out.sort();
  }

  private startBacklinks(): Set<string> {
    if (this.pending) return this.pending;
    const pending = new Set<string>();
    for (const p of this.paths()) if (!this.out.has(p)) pending.add(p);
    return (this.pending = pending);
  }

  private drainNow(): void {
    const pending = this.startBacklinks();
    for (const p of pending) if (!this.out.has(p)) this.compute(p);
    pending.clear();
  }

  private compute(source: string): Entry {
    const links = this.linksOf(source);
    if (links === undefined) return NOTHING;
    const resolved = new Array<string | null>(links.length);
    const missing: string[] = [];
    for (let i = 0; i < links.length; i++) {
      const t = links[i]!;
      const p = this.resolver.resolve(t, source);
      resolved[i] = p;
      if (p === null) {
        const name = linkNameKey(t);
        if (name === '' || missing.includes(name)) continue;
        missing.push(name);
        addTo(this.unresolved, name, source);
      } else if (resolved.indexOf(p) === i) addTo(this.back, p, source);
    }
    const entry = { resolved, missing: missing.length === 0 ? NONE : missing };
    this.out.set(source, entry);
    this.pending?.delete(source);
    return entry;
  }

  /** Forgets these sources' entries (and their share of the backlinks); they are resolved again when asked. */
  private drop(sources: Iterable<string>): void {
    const gone = new Set<string>();
    const targets = new Set<string>();
    const names = new Set<string>();
    for (const s of sources) {
      const entry = this.out.get(s);
      if (entry === undefined || gone.has(s)) continue;
      gone.add(s);
      this.out.delete(s);
      for (const t of entry.resolved) if (t !== null) targets.add(t);
      for (const n of entry.missing) names.add(n);
      // Still a note (its text changed, or a link of its name moved): resolved again before the next backlink answer.
      if (this.pending && this.linksOf(s) !== undefined) this.pending.add(s);
    }
    if (gone.size === 0) return;
    // One pass per touched list, not one search per dropped source: a note named like a hub
    // can drop thousands of sources at once.
    removeFrom(this.back, targets, gone);
    removeFrom(this.unresolved, names, gone);
  }
}

/** Appends to the list a key maps to, making it on first use. */
function addTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Takes `gone` out of the lists of these keys; a list left empty goes. */
function removeFrom(map: Map<string, string[]>, keys: Iterable<string>, gone: ReadonlySet<string>): void {
  for (const key of keys) {
    const list = map.get(key);
    if (!list) continue;
    const kept = list.filter((x) => !gone.has(x));
    if (kept.length === 0) map.delete(key);
    else map.set(key, kept);
  }
}
