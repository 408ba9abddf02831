import { parseNote } from '../core/frontmatter';
import { basename } from '../core/layout';
import type { NoteRecord } from '../core/note-record';
import { isSourceEligible } from './eligibility';
import { guessLanguage } from './language';
import { noteTitle } from './note-title';
import { GroundworkError } from '../core/errors';

export { isSourceEligible } from './eligibility';

/**
 * The scout's full-text index: BM25 over each note's name, aliases, headings and opening text.
 *
 * Its own compact inverted index rather than MiniSearch's: MiniSearch keeps a Map per term and
 * field and took 137 MB of heap at 10k notes (633 MB at 50k), and its JSON has to be parsed in
 * one blocking piece. Here a posting is one small integer (document id × 16 + term frequency) in
 * a plain array per term (an Int32Array once it is long), ids only ever grow (so every list stays
 * sorted and delta-encodes well), and a removed note is a tombstone until the next save compacts
 * the lists. The index keeps no
 * note text: only terms, lengths, and each note's size, mtime and language, so that a saved
 * index tells which notes changed since (see index-store.ts).
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

/** What the index remembers of a note's file, to tell whether it changed since it was indexed. */
export interface IndexStamp {
  size: number;
  mtime: number;
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
const K1 = 1.2;
const B = 0.75;
/** A title term counts as this many body occurrences. */
const TITLE_WEIGHT = 3;
const MAX_TF = 15;

const WORDS = /[\p{L}\p{M}\p{N}]+/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** A word as the index keeps it, or null for noise: lowercase, plural `s` dropped. */
function processTerm(word: string): string | null {
  const t = word.toLowerCase();
  if (t.length < 2 || t.length > 40 || STOP_WORDS.has(t) || /^\d+$/.test(t)) return null;
  // "adapters" finds "adapter": the one suffix worth folding for names and headings.
  if (t.length > 4 && t.endsWith('s') && !/(ss|us|is)$/.test(t) && !CJK.test(t)) return t.slice(0, -1);
  return t;
}

/**
 * The terms of a text, in order. CJK runs are written without spaces, so they are indexed as
 * overlapping pairs of characters, which is how search engines without a dictionary read them.
 */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(WORDS)) {
    const w = m[0];
    if (CJK.test(w)) {
      if (w.length === 1) continue;
      for (let i = 0; i + 1 < w.length; i++) out.push(w.slice(i, i + 2));
      continue;
    }
    const t = processTerm(w);
    if (t !== null) out.push(t);
  }
  return out;
}

export class IndexDamaged extends GroundworkError {
  constructor(message: string) {
    super(message);
    this.name = 'IndexDamaged';
  }
}

/**
 * The file format's version: a file of another version is rebuilt, never read. 4: each term's
 * postings are one string of base-64 varints (3 kept them as JSON arrays of numbers).
 */
export const INDEX_VERSION = 4;
export const INDEX_FORMAT = 'groundwork-fulltext';
const DOCS_PER_LINE = 1000;
const POSTINGS_PER_LINE = 20_000;
/** Lists at least this long are packed into an Int32Array; shorter ones cost less as arrays. */
const PACK_FROM = 16;

/**
 * A long list: its postings in an Int32Array with room to grow, doubled when full as a JS array
 * grows, but at 4 bytes a posting, off the JS heap, and written in place. A list grown as a JS
 * array, as before, left each outgrown copy on the old-generation heap: a cold build at 50k notes
 * peaked at 534 MB, most of it such copies waiting for a full collection. A view per appended
 * posting instead cost 17% more time.
 */
class PackedList {
  constructor(
    public buf: Int32Array,
    public length: number,
  ) {}

  static of(values: ArrayLike<number>, room = values.length): PackedList {
    const buf = new Int32Array(Math.max(room, values.length));
    buf.set(values);
    return new PackedList(buf, values.length);
  }

  push(p: number): void {
    if (this.length === this.buf.length) {
      const grown = new Int32Array(Math.max(PACK_FROM * 2, this.length * 2));
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.length++] = p;
  }
}

type Postings = number[] | PackedList;

const valuesOf = (list: Postings): ArrayLike<number> & { [i: number]: number } => (Array.isArray(list) ? list : list.buf);

/*
 * Postings on disk: per term, one string of varints, each posting the gap to the previous id
 * (minus one) × 16 + its term frequency (minus one), 5 bits a character and a sixth that says
 * another character follows. A string per term instead of an array of numbers: loading parses
 * ~1.5 characters a posting into the packed list directly, with no array of boxed numbers to
 * collect afterwards, and the file is about half as long.
 */
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DIGIT_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) DIGIT_OF[DIGITS.charCodeAt(i)] = i;
const DIGIT_CODES = Uint8Array.from(DIGITS, (c) => c.charCodeAt(0));

function encodePostings(list: Postings): string {
  // Up to 7 characters a posting (ids below 2^27).
  const codes = new Uint8Array(list.length * 7);
  const values = valuesOf(list);
  let w = 0;
  let prev = -1;
  for (let j = 0; j < list.length; j++) {
    const id = Math.floor(values[j]! / 16);
    let u = (id - prev - 1) * 16 + ((values[j]! % 16) - 1);
    prev = id;
    while (u >= 32) {
      codes[w++] = DIGIT_CODES[32 | (u & 31)]!;
      u = Math.floor(u / 32);
    }
    codes[w++] = DIGIT_CODES[u]!;
  }
  let out = '';
  for (let i = 0; i < w; i += 8192) out += String.fromCharCode(...codes.subarray(i, Math.min(w, i + 8192)));
  return out;
}

/** The list a term's string holds, checked: n postings, ids rising and below `docs`, frequencies 1–15. */
function decodePostings(s: string, n: number, docs: number): Postings {
  const out = n >= PACK_FROM ? new Int32Array(n) : new Array<number>(n);
  let k = 0;
  let u = 0;
  let scale = 1;
  let prev = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? DIGIT_OF[c]! : -1;
    if (d < 0) throw new IndexDamaged('bad posting');
    u += (d & 31) * scale;
    if (d >= 32) {
      scale *= 32;
      if (scale > 2 ** 30) throw new IndexDamaged('bad posting');
      continue;
    }
    const id = prev + 1 + Math.floor(u / 16);
    const tf = (u % 16) + 1;
    if (id >= docs || tf > MAX_TF || k >= n) throw new IndexDamaged('posting out of order or out of range');
    out[k++] = id * 16 + tf;
    prev = id;
    u = 0;
    scale = 1;
  }
  if (k !== n || scale !== 1) throw new IndexDamaged('a posting list is cut short');
  return Array.isArray(out) ? out : new PackedList(out, n);
}

/** Lets long loops give the event loop back; resolves at once when there is nothing to yield to. */
export type Pause = () => Promise<void>;

export class FullTextIndex {
  private readonly idByPath = new Map<string, number>();
  private paths: (string | null)[] = [];
  private sizes: number[] = [];
  private mtimes: number[] = [];
  private lens: number[] = [];
  private langs: (string | null)[] = [];
  private postings = new Map<string, Postings>();
  private totalLen = 0;
  private dead = 0;
  /** Sliced work in progress (compact, serialize): changes wait in `deferred` until it ends. */
  private busy = 0;
  private deferred: (() => void)[] = [];
  /** Changed since it was loaded or saved. */
  dirty = false;
  /** Each folder's language (folderLanguages), until the next change. */
  private folderLangs: Map<string, string> | null = null;

  get size(): number {
    return this.idByPath.size;
  }

  has(path: string): boolean {
    return this.idByPath.has(path);
  }

  indexedPaths(): IterableIterator<string> {
    return this.idByPath.keys();
  }

  stamp(path: string): IndexStamp | undefined {
    const id = this.idByPath.get(path);
    return id === undefined ? undefined : { size: this.sizes[id]!, mtime: this.mtimes[id]! };
  }

  /** The note's language as guessed from its text when indexed (`en`, `de`, `ja`…), or null. */
  langOf(path: string): string | null {
    const id = this.idByPath.get(path);
    return id === undefined ? null : this.langs[id]!;
  }

  /**
   * The note's language, or, when its own text is too short to tell, its folder's: in a vault
   * of translations (`en/`, `fr/`…) a one-line French page sits among French pages.
   */
  languageAt(path: string): string | null {
    return this.langOf(path) ?? this.folderLanguage(path);
  }

  /** The language of the nearest folder above the note that has one (never the vault root's). */
  folderLanguage(path: string): string | null {
    const langs = (this.folderLangs ??= this.folderLanguages());
    for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) {
      const lang = langs.get(path.slice(0, cut));
      if (lang !== undefined) return lang;
    }
    return null;
  }

  /**
   * A folder has a language when at least 3 of the notes below it have one and 2 in 3 of those
   * share it. The root is left out: a mostly English vault says little about one short note.
   */
  private folderLanguages(): Map<string, string> {
    const counts = new Map<string, Map<string, number>>();
    for (const [path, id] of this.idByPath) {
      const lang = this.langs[id];
      if (!lang) continue;
      for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) {
        const folder = path.slice(0, cut);
        let c = counts.get(folder);
        if (!c) counts.set(folder, (c = new Map<string, number>()));
        c.set(lang, (c.get(lang) ?? 0) + 1);
      }
    }
    const out = new Map<string, string>();
    for (const [folder, c] of counts) {
      let total = 0;
      let top: [string, number] = ['', 0];
      for (const [lang, n] of c) {
        total += n;
        if (n > top[1]) top = [lang, n];
      }
      if (total >= 3 && top[1] * 3 >= total * 2) out.set(folder, top[0]);
    }
    return out;
  }

  /** Adds the note, or replaces what was indexed for it. */
  upsert(path: string, title: string, body: string, meta: Partial<IndexStamp> & { lang?: string | null } = {}): void {
    if (this.busy > 0) {
      this.deferred.push(() => this.upsert(path, title, body, meta));
      return;
    }
    this.remove(path);
    const id = this.paths.length;
    const counts = new Map<string, number>();
    // The basename is indexed with the title: links and searches name notes by file name.
    const name = basename(path);
    let len = 0;
    for (const t of terms(title === name ? title : `${title} ${name}`)) {
      counts.set(t, (counts.get(t) ?? 0) + TITLE_WEIGHT);
      len += TITLE_WEIGHT;
    }
    for (const t of terms(body)) {
      counts.set(t, (counts.get(t) ?? 0) + 1);
      len++;
    }
    for (const [t, tf] of counts) {
      const list = this.postings.get(t);
      const p = id * 16 + Math.min(tf, MAX_TF);
      if (!list) this.postings.set(t, [p]);
      else {
        list.push(p);
        if (Array.isArray(list) && list.length >= PACK_FROM) this.postings.set(t, PackedList.of(list, PACK_FROM * 2));
      }
    }
    this.paths.push(path);
    this.sizes.push(meta.size ?? -1);
    this.mtimes.push(meta.mtime ?? -1);
    this.lens.push(len);
    this.langs.push(meta.lang === undefined ? guessLanguage(`${title}\n${body}`) : meta.lang);
    this.idByPath.set(path, id);
    this.totalLen += len;
    this.dirty = true;
    this.folderLangs = null;
  }

  remove(path: string): void {
    if (this.busy > 0) {
      this.deferred.push(() => this.remove(path));
      return;
    }
    const id = this.idByPath.get(path);
    if (id === undefined) return;
    this.idByPath.delete(path);
    this.paths[id] = null;
    this.totalLen -= this.lens[id]!;
    this.dead++;
    this.dirty = true;
    this.folderLangs = null;
  }

  /**
   * Moves a note's entry to its new path without re-reading it. Its old file name stays among
   * its title terms until the next `upsert`, which is harmless for ranking.
   */
  rename(oldPath: string, newPath: string): void {
    if (this.busy > 0) {
      this.deferred.push(() => this.rename(oldPath, newPath));
      return;
    }
    const id = this.idByPath.get(oldPath);
    if (id === undefined) return;
    this.remove(newPath);
    this.idByPath.delete(oldPath);
    this.idByPath.set(newPath, id);
    this.paths[id] = newPath;
    this.dirty = true;
    this.folderLangs = null;
  }

  /**
   * BM25 per live document id for the query's terms, and how many of them it has that are not
   * in most notes; only `only` ids when given.
   */
  private score(query: string, only?: Set<number>): Map<number, { score: number; matched: number }> {
    const out = new Map<number, { score: number; matched: number }>();
    const n = this.idByPath.size;
    if (n === 0) return out;
    const avg = this.totalLen / n || 1;
    for (const t of new Set(terms(query))) {
      const list = this.postings.get(t);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      // A word in most notes of the vault ("note" in a vault of notes) scores, but is no match.
      const telling = n < 8 || list.length * 2 <= n ? 1 : 0;
      const values = valuesOf(list);
      for (let j = 0; j < list.length; j++) {
        const p = values[j]!;
        const id = Math.floor(p / 16);
        if (this.paths[id] === null || (only && !only.has(id))) continue;
        const tf = p % 16;
        const s = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * this.lens[id]!) / avg));
        const acc = out.get(id);
        if (acc) {
          acc.score += s;
          acc.matched += telling;
        } else out.set(id, { score: s, matched: telling });
      }
    }
    return out;
  }

  /**
   * The BM25 score of each given note for the query, and how many of the query's terms it has
   * (absent when it shares no term, or is not indexed).
   */
  scores(query: string, paths: Iterable<string>): Map<string, { score: number; matched: number }> {
    const ids = new Set<number>();
    for (const p of paths) {
      const id = this.idByPath.get(p);
      if (id !== undefined) ids.add(id);
    }
    const out = new Map<string, { score: number; matched: number }>();
    for (const [id, s] of this.score(query, ids)) out.set(this.paths[id]!, s);
    return out;
  }

  search(query: string, opts: FullTextSearchOptions): FullTextHit[] {
    if (opts.limit <= 0 || query.trim() === '') return [];
    // Ties go by path, so that answers do not depend on the order notes were indexed in.
    const results = [...this.score(query)].sort((a, b) => b[1].score - a[1].score || (this.paths[a[0]]! < this.paths[b[0]]! ? -1 : 1));
    // A note sharing one common word with a long query is noise, not a source: ask for two
    // matched terms (when the query has two) and a score near the best one's.
    const minTerms = Math.min(2, new Set(terms(query)).size);
    const out: FullTextHit[] = [];
    let floor = -1;
    for (const [id, r] of results) {
      const path = this.paths[id]!;
      if (opts.exclude?.(path)) continue;
      // Relative to the best note the caller can use (the domain note itself is usually excluded).
      if (floor < 0) floor = r.score * MIN_RELATIVE_SCORE;
      if (r.score < floor) break;
      if (r.matched < minTerms) continue;
      out.push({ path, score: r.score });
      if (out.length >= opts.limit) break;
    }
    return out;
  }

  /** Runs sliced work with changes held back until it ends, then applies them in order. */
  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await work();
    } finally {
      if (--this.busy === 0) for (const change of this.deferred.splice(0)) change();
    }
  }

  /**
   * Drops tombstones and renumbers ids densely, keeping their order (so every list stays
   * sorted), and packs long lists. After it, document frequencies count live notes only, as a
   * fresh build's do.
   */
  compact(pause: Pause = noPause): Promise<void> {
    return this.exclusive(() => this.compactNow(pause));
  }

  private async compactNow(pause: Pause): Promise<void> {
    const dead = this.dead;
    const newId = dead === 0 ? null : new Int32Array(this.paths.length).fill(-1);
    if (newId) {
      const paths: string[] = [];
      const sizes: number[] = [];
      const mtimes: number[] = [];
      const lens: number[] = [];
      const langs: (string | null)[] = [];
      for (let id = 0; id < this.paths.length; id++) {
        if (id % 5000 === 4999) await pause();
        const p = this.paths[id];
        if (p === null || p === undefined) continue;
        newId[id] = paths.length;
        this.idByPath.set(p, paths.length);
        paths.push(p);
        sizes.push(this.sizes[id]!);
        mtimes.push(this.mtimes[id]!);
        lens.push(this.lens[id]!);
        langs.push(this.langs[id]!);
      }
      this.paths = paths;
      this.sizes = sizes;
      this.mtimes = mtimes;
      this.lens = lens;
      this.langs = langs;
    }
    let work = 0;
    for (const [t, list] of this.postings) {
      // Every list counts, one with nothing to do too: at 50k notes the loop alone is long.
      work += 50;
      if (work >= 20_000) {
        work = 0;
        await pause();
      }
      let w = list.length;
      const values = valuesOf(list);
      if (newId) {
        w = 0;
        for (let j = 0; j < list.length; j++) {
          const p = values[j]!;
          const to = newId[Math.floor(p / 16)]!;
          if (to >= 0) values[w++] = to * 16 + (p % 16);
        }
        work += list.length;
      }
      if (w === 0) this.postings.delete(t);
      else if (Array.isArray(list)) {
        list.length = w;
        if (w >= PACK_FROM) {
          this.postings.set(t, PackedList.of(list));
          work += w;
        }
      } else if (w < PACK_FROM) this.postings.set(t, Array.from(list.buf.subarray(0, w)));
      else if (list.buf.length !== w) {
        // The spare room goes: what is kept is what a load of the saved file would hold.
        list.buf = list.buf.slice(0, w);
        list.length = w;
        work += w;
      }
    }
    this.dead = 0;
  }

  /**
   * The index as lines of JSON (a header, the notes, the terms, an end line), so that saving
   * and loading can stop between any two lines. Changes wait until the last line is out.
   */
  async *lines(pause: Pause = noPause): AsyncGenerator<string> {
    this.busy++;
    try {
      await this.compactNow(pause);
      const n = this.paths.length;
      const termCount = this.postings.size;
      yield JSON.stringify({ format: INDEX_FORMAT, version: INDEX_VERSION, docs: n, terms: termCount });
      for (let i = 0; i < n; i += DOCS_PER_LINE) {
        const row: unknown[] = [];
        for (let id = i; id < Math.min(n, i + DOCS_PER_LINE); id++) row.push(this.paths[id], this.sizes[id], this.mtimes[id], this.lens[id], this.langs[id]);
        yield JSON.stringify(row);
        await pause();
      }
      let row: unknown[] = [];
      let count = 0;
      for (const [t, list] of this.postings) {
        row.push(t, list.length, encodePostings(list));
        count += list.length + 4;
        if (count >= POSTINGS_PER_LINE) {
          yield JSON.stringify(row);
          row = [];
          count = 0;
          await pause();
        }
      }
      if (row.length > 0) yield JSON.stringify(row);
      yield JSON.stringify({ end: true, docs: n, terms: termCount });
    } finally {
      if (--this.busy === 0) for (const change of this.deferred.splice(0)) change();
    }
  }

  /** The whole index as one text (tests; saving goes line by line through `lines`). */
  async serialize(pause: Pause = noPause): Promise<string> {
    let out = '';
    for await (const line of this.lines(pause)) out += `${line}\n`;
    return out;
  }

  /**
   * Reads a serialized index, checking everything it relies on: a file of another version, cut
   * short, or with a value of the wrong shape throws IndexDamaged (the caller rebuilds).
   */
  static async parse(text: string | AsyncIterable<string>, pause: Pause = noPause): Promise<FullTextIndex> {
    const lines = typeof text === 'string' ? toAsync(splitLines(text)) : text[Symbol.asyncIterator]();
    const header = json(await lines.next(), 'header') as { format?: unknown; version?: unknown; docs?: unknown; terms?: unknown };
    if (header?.format !== INDEX_FORMAT) throw new IndexDamaged('not a Groundwork full-text index');
    if (header.version !== INDEX_VERSION) throw new IndexDamaged(`index version ${String(header.version)}, expected ${INDEX_VERSION}`);
    const docs = header.docs;
    const termCount = header.terms;
    if (!isCount(docs) || !isCount(termCount)) throw new IndexDamaged('bad header');
    const index = new FullTextIndex();
    while (index.paths.length < docs) {
      const row = json(await lines.next(), 'documents');
      if (!Array.isArray(row) || row.length % 5 !== 0 || row.length === 0) throw new IndexDamaged('bad document line');
      for (let i = 0; i < row.length; i += 5) {
        const [path, size, mtime, len, lang] = row.slice(i, i + 5) as unknown[];
        if (typeof path !== 'string' || typeof size !== 'number' || typeof mtime !== 'number' || !isCount(len) || !(lang === null || typeof lang === 'string')) throw new IndexDamaged('bad document');
        if (index.idByPath.has(path)) throw new IndexDamaged('duplicate document');
        index.idByPath.set(path, index.paths.length);
        index.paths.push(path);
        index.sizes.push(size);
        index.mtimes.push(mtime);
        index.lens.push(len);
        index.langs.push(lang);
        index.totalLen += len;
      }
      await pause();
    }
    if (index.paths.length !== docs) throw new IndexDamaged('document count differs from the header');
    while (index.postings.size < termCount) {
      const row = json(await lines.next(), 'terms');
      if (!Array.isArray(row) || row.length % 3 !== 0 || row.length === 0) throw new IndexDamaged('bad term line');
      for (let i = 0; i < row.length; i += 3) {
        const t = row[i] as unknown;
        const n = row[i + 1] as unknown;
        const enc = row[i + 2] as unknown;
        if (typeof t !== 'string' || !isCount(n) || n === 0 || typeof enc !== 'string') throw new IndexDamaged('bad term');
        if (index.postings.has(t)) throw new IndexDamaged('duplicate term');
        index.postings.set(t, decodePostings(enc, n, docs));
      }
      await pause();
    }
    const end = json(await lines.next(), 'end') as { end?: unknown; docs?: unknown; terms?: unknown };
    if (end?.end !== true || end.docs !== docs || end.terms !== termCount || index.postings.size !== termCount) throw new IndexDamaged('the file is cut short');
    index.dirty = false;
    return index;
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** The lines of a text, without their newlines, one at a time (no array of all of them). */
export function* splitLines(text: string): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    yield text.slice(start, end);
    start = end + 1;
  }
}

async function* toAsync(lines: Iterable<string>): AsyncGenerator<string> {
  yield* lines;
}

function json(next: IteratorResult<string>, what: string): unknown {
  if (next.done) throw new IndexDamaged(`the file is cut short (${what})`);
  try {
    return JSON.parse(next.value);
  } catch {
    throw new IndexDamaged(`unreadable ${what} line`);
  }
}

const noPause: Pause = () => Promise.resolve();

/** Index text of a note: its title (and aliases), its body without frontmatter, and its language. */
export function indexableText(path: string, text: string): { title: string; body: string; lang: string | null } {
  const { body, frontmatter } = parseNote(text);
  const aliases = frontmatter?.aliases;
  const names = (Array.isArray(aliases) ? aliases : [aliases]).filter((a): a is string => typeof a === 'string');
  const title = [noteTitle(path, body), ...names].join(' ');
  const part = indexedPart(body);
  return { title, body: part, lang: guessLanguage(part) };
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
  const { title, body, lang } = indexableText(record.path, text);
  index.upsert(record.path, title, body, { size: record.size, mtime: record.mtime, lang });
}
