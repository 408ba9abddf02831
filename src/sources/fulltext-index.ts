import MiniSearch from 'minisearch';
import { parseNote } from '../core/frontmatter';
import { basename } from '../core/layout';
import type { NoteRecord } from '../core/note-record';
import type { VaultModel } from '../core/vault-model';
import type { VaultPort } from '../vault/port';
import { isSourceEligible } from './eligibility';
import { noteTitle } from './note-title';

export { isSourceEligible } from './eligibility';

/**
 * A BM25 full-text index over the vault's notes (MiniSearch), for the scout's "full-text matches".
 * Only the title is stored; bodies are tokenized and dropped, so a large vault costs its terms,
 * not its text. Documents carry a numeric id and the path lives in a side map, which is what
 * makes `rename` cheap: the indexed terms stay, only the path they answer to changes.
 */

export interface FullTextHit {
  path: string;
  score: number;
}

export interface FullTextSearchOptions {
  limit: number;
  /** Paths the caller does not want (ineligible notes, candidates already picked). */
  exclude?: (path: string) => boolean;
}

interface Doc {
  id: number;
  title: string;
  body: string;
}

/*
 * Short function words match nearly every note and would drown the terms that matter when the
 * query is built from a domain note's headings and first lines.
 */
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for from has have how i in is it its of on or that the this to was were what when where which ' +
    'who why will with you your not no do does can we our they their them these those there then than so if into about'
  ).split(' '),
);

/** Hits scoring below this share of the best hit are dropped as noise. */
const MIN_RELATIVE_SCORE = 0.2;

function processTerm(term: string): string | null {
  const t = term.toLowerCase();
  return t.length < 2 || STOP_WORDS.has(t) ? null : t;
}

export class FullTextIndex {
  private readonly search_ = new MiniSearch<Doc>({
    idField: 'id',
    fields: ['title', 'body'],
    storeFields: ['title'],
    processTerm,
    searchOptions: { boost: { title: 2 }, prefix: (term) => term.length >= 6, fuzzy: false, processTerm },
  });
  private readonly idByPath = new Map<string, number>();
  private readonly pathById = new Map<number, string>();
  private nextId = 1;

  get size(): number {
    return this.idByPath.size;
  }

  has(path: string): boolean {
    return this.idByPath.has(path);
  }

  /** Adds the note, or replaces what was indexed for it. */
  upsert(path: string, title: string, body: string): void {
    this.remove(path);
    const id = this.nextId++;
    // The basename is indexed with the title: links and searches name notes by file name.
    const name = basename(path);
    const fullTitle = title === name ? title : `${title} ${name}`;
    this.search_.add({ id, title: fullTitle, body });
    this.idByPath.set(path, id);
    this.pathById.set(id, path);
  }

  remove(path: string): void {
    const id = this.idByPath.get(path);
    if (id === undefined) return;
    this.search_.discard(id);
    this.idByPath.delete(path);
    this.pathById.delete(id);
  }

  /**
   * Moves a note's entry to its new path without re-reading it. Its old file name stays among
   * its title terms until the next `upsert`, which is harmless for ranking.
   */
  rename(oldPath: string, newPath: string): void {
    const id = this.idByPath.get(oldPath);
    if (id === undefined) return;
    this.remove(newPath);
    this.idByPath.delete(oldPath);
    this.idByPath.set(newPath, id);
    this.pathById.set(id, newPath);
  }

  search(query: string, opts: FullTextSearchOptions): FullTextHit[] {
    if (opts.limit <= 0 || query.trim() === '') return [];
    const out: FullTextHit[] = [];
    const results = this.search_.search(query);
    const queryTermCount = new Set(query.split(/\s+/).map((t) => processTerm(t)).filter((t): t is string => t !== null)).size;
    // A note sharing one common word with a long query is noise, not a source: ask for two
    // matched terms (when the query has two) and a score near the best one's.
    const minTerms = Math.min(2, queryTermCount);
    let floor = -1;
    for (const r of results) {
      const path = this.pathById.get(r.id as number);
      if (path === undefined || opts.exclude?.(path)) continue;
      // Relative to the best note the caller can use (the domain note itself is usually excluded).
      if (floor < 0) floor = r.score * MIN_RELATIVE_SCORE;
      if (r.score < floor) break;
      if (new Set(r.queryTerms).size < minTerms) continue;
      out.push({ path, score: r.score });
      if (out.length >= opts.limit) break;
    }
    return out;
  }
}

/** Index text of a note: its title and its body without frontmatter. */
export function indexableText(path: string, text: string): { title: string; body: string } {
  const { body } = parseNote(text);
  return { title: noteTitle(path, body), body: indexedPart(body) };
}

/** How much of a note's text the index reads: enough to say what the note is about. */
export const INDEXED_CHARS = 1500;

/**
 * A note's headings and its first INDEXED_CHARS characters. What a note is about is in its
 * title, headings and opening; indexing whole notes cost 57 s and 1 GB of heap at 50k notes of
 * 1–8 KB (the bench), too much for a plugin that may run on a phone.
 */
function indexedPart(body: string): string {
  if (body.length <= INDEXED_CHARS) return body;
  const headings = body.slice(INDEXED_CHARS).match(/^#{1,6}[ \t].*$/gm) ?? [];
  return `${body.slice(0, INDEXED_CHARS)}\n${headings.join('\n')}`;
}

/**
 * Keeps the index in step with one note that changed (the plugin's modify/create events): it is
 * indexed while the agents may read it and dropped when not, so a generated note enters once
 * the person raises its confidence and leaves again if they lower it.
 */
export function syncNote(index: FullTextIndex, record: NoteRecord, text: string, outputFolder: string): void {
  if (!isSourceEligible(record, outputFolder)) {
    index.remove(record.path);
    return;
  }
  const { title, body } = indexableText(record.path, text);
  index.upsert(record.path, title, body);
}

/**
 * Builds the index from every note the agents may read, reading each one once. A note that
 * cannot be read is left out rather than stopping the build: the map reports it already.
 */
export async function buildIndex(
  vault: VaultPort,
  model: VaultModel,
  outputFolder: string,
  opts: { concurrency?: number } = {},
): Promise<FullTextIndex> {
  const index = new FullTextIndex();
  const paths = [...model.all()].filter((r) => isSourceEligible(r, outputFolder)).map((r) => r.path);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++]!;
      let text: string;
      try {
        text = await vault.read(path);
      } catch {
        continue;
      }
      const { title, body } = indexableText(path, text);
      index.upsert(path, title, body);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 16, paths.length) }, worker));
  return index;
}
