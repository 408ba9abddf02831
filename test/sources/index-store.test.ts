import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { FullTextIndex, INDEX_VERSION } from '../../src/sources/fulltext-index';
import { buildIndex, INDEX_FILE, loadIndex, openIndex, saveIndex } from '../../src/sources/index-store';
import { slicer } from '../../src/sources/slicer';
import { loadModel } from '../../src/vault/load-model';
import { rankingVault } from '../support/ranking-vault';
import { LORA_VAULT, OUT, vaultWith, writeNotes } from './helpers';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function setup() {
  const v = await vaultWith({ ...LORA_VAULT, ...rankingVault('https://example.org/x') });
  cleanups.push(v.cleanup);
  const data = new NodeDataFolder(path.join(v.dir, '.obsidian', 'plugins', 'groundwork'));
  return { ...v, data, file: path.join(data.root, INDEX_FILE), indexDir: path.join(data.root, 'index') };
}

/** The saved parts, in order, as absolute paths (the head names their generation and count). */
function parts(indexDir: string): string[] {
  const head = JSON.parse(readFileSync(path.join(indexDir, 'fulltext.jsonl'), 'utf8')) as { gen: string; parts: number };
  return Array.from({ length: head.parts }, (_, i) => path.join(indexDir, `fulltext-${head.gen}-${i}.jsonl`));
}

/** A pause that gives the event loop back every time, counting how often. */
function countingPause() {
  const s = slicer(0, () => new Promise((r) => setTimeout(r, 0)));
  let calls = 0;
  return {
    pause: async () => {
      calls++;
      await s.pause();
    },
    get calls() {
      return calls;
    },
  };
}

const QUERIES = ['low-rank adaptation', 'bases filters formulas views', 'formatting headings lists', 'LoRA rank selection', 'plugin'];

/** What the scout can observe of an index: its notes with their stamps and languages, and its answers. */
function observable(index: FullTextIndex) {
  const docs = [...index.indexedPaths()].sort().map((p) => [p, index.stamp(p), index.langOf(p)]);
  const answers = QUERIES.map((q) => index.search(q, { limit: 20 }).map((h) => [h.path, h.score.toFixed(9)]));
  return { docs, answers };
}

describe('the saved full-text index', () => {
  it('reloaded from disk, it answers exactly as a fresh build does', async () => {
    const v = await setup();
    const first = await openIndex(v.vault, v.data, v.model, OUT);
    expect(first).toMatchObject({ loaded: 'absent', saved: true, kept: 0 });
    expect(first.indexed).toBeGreaterThan(50);
    const again = await openIndex(v.vault, v.data, await loadModel(v.vault, OUT), OUT);
    expect(again).toMatchObject({ loaded: 'loaded', indexed: 0, removed: 0, kept: first.indexed, saved: false });
    const fresh = await buildIndex(v.vault, v.model, OUT);
    expect(observable(again.index)).toEqual(observable(fresh));
    // Loading in slices (as the plugin does) reads the same index, and gives the event loop back as it goes.
    const p = countingPause();
    const sliced = await loadIndex(v.data, p.pause);
    expect(observable(sliced.index!)).toEqual(observable(fresh));
    expect(p.calls).toBeGreaterThanOrEqual(2);
  });

  it('built as the CLI builds it (blocking reads while they are fast), it equals the parallel build, awkward notes left out alike', async () => {
    const v = await setup();
    writeFileSync(path.join(v.dir, 'Binary.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    writeFileSync(path.join(v.dir, 'Latin-1.md'), Buffer.from('caf\xe9 au lait\n', 'latin1'));
    const model = await loadModel(v.vault, OUT);
    const parallel = await buildIndex(v.vault, model, OUT);
    const blocking = await openIndex(v.vault, v.data, model, OUT, { yieldNow: () => new Promise((r) => setImmediate(r)) });
    expect(observable(blocking.index)).toEqual(observable(parallel));
    expect(blocking.index.has('Binary.md')).toBe(false);
    expect(blocking.index.has('Latin-1.md')).toBe(false);
  });

  it('built in slices as the plugin builds it, it equals the one-shot build, and it yields as it goes', async () => {
    const v = await setup();
    const p = countingPause();
    const sliced = await openIndex(v.vault, v.data, v.model, OUT, { pause: p.pause, concurrency: 4 });
    const oneShot = await buildIndex(v.vault, v.model, OUT);
    expect(observable(sliced.index)).toEqual(observable(oneShot));
    // At least once per note read, and more for the save.
    expect(p.calls).toBeGreaterThan(sliced.indexed);
    expect(observable((await loadIndex(v.data)).index!)).toEqual(observable(oneShot));
  });

  it('is saved in parts of about a megabyte, and a save leaves only its own parts', async () => {
    const v = await setup();
    const big: Record<string, string> = {};
    // ~3,000 notes of distinct words: several parts.
    for (let i = 0; i < 3000; i++) big[`Many/Note ${i}.md`] = `Note ${i}: ${Array.from({ length: 60 }, (_, j) => `w${(i * 61 + j * 7) % 9973}x${j}`).join(' ')}\n`;
    writeNotes(v.dir, big);
    const model = await loadModel(v.vault, OUT);
    await openIndex(v.vault, v.data, model, OUT);
    const first = parts(v.indexDir);
    expect(first.length).toBeGreaterThan(1);
    for (const f of first) expect(readFileSync(f, 'utf8').length).toBeLessThan(1.5 * 2 ** 20);
    writeNotes(v.dir, { 'Many/Note 7.md': 'A different note now.\n' });
    const again = await openIndex(v.vault, v.data, await loadModel(v.vault, OUT), OUT);
    expect(again.saved).toBe(true);
    const second = parts(v.indexDir);
    expect(readdirSync(v.indexDir).sort()).toEqual(['fulltext.jsonl', ...second.map((f) => path.basename(f))].sort());
    expect(second.some((f) => first.includes(f))).toBe(false);
  });

  it('an edit arriving while a save is under way waits for it: the saved index stays whole, the edit is kept', async () => {
    const v = await setup();
    const { index } = await openIndex(v.vault, v.data, v.model, OUT);
    const before = observable(index);
    index.upsert('Scratch.md', 'Scratch', 'scratch words', { size: 1, mtime: 1 });
    let calls = 0;
    // As an Obsidian event would, between two slices of the save.
    const pause = async (): Promise<void> => {
      if (++calls === 1) {
        index.upsert('New.md', 'New', 'quokka zyzzyva habitat', { size: 2, mtime: 2 });
        index.remove('Adapters.md');
        index.remove('Scratch.md');
      }
      await new Promise((r) => setTimeout(r, 0));
    };
    expect(await saveIndex(v.data, index, pause)).toBe(true);
    const saved = (await loadIndex(v.data)).index!;
    expect(saved.has('Scratch.md')).toBe(true);
    expect(saved.has('New.md')).toBe(false);
    // In memory, the edits came in once the save was done, and wait for the next save.
    expect(index.has('New.md')).toBe(true);
    expect(index.has('Adapters.md')).toBe(false);
    expect(index.has('Scratch.md')).toBe(false);
    expect(index.dirty).toBe(true);
    expect(index.search('quokka zyzzyva', { limit: 5 }).map((h) => h.path)).toEqual(['New.md']);
    await saveIndex(v.data, index);
    const after = (await loadIndex(v.data)).index!;
    expect(observable(after)).toEqual(observable(index));
    expect(observable(after)).not.toEqual(before);
  });

  it('re-reads only the notes whose size or mtime changed, and forgets deleted ones', async () => {
    const v = await setup();
    await openIndex(v.vault, v.data, v.model, OUT);
    writeNotes(v.dir, { 'Misc/Cooking.md': 'Bread needs flour, water, salt and low-rank adaptation.\n', 'New.md': 'A new note on low-rank adapters.\n' });
    // Same size, new mtime: still re-read.
    const same = path.join(v.dir, 'Adapters.md');
    utimesSync(same, new Date(), new Date(Date.now() + 5000));
    rmSync(path.join(v.dir, 'Prefix tuning.md'));
    const model = await loadModel(v.vault, OUT);
    const r = await openIndex(v.vault, v.data, model, OUT);
    expect(r).toMatchObject({ loaded: 'loaded', indexed: 3, removed: 1, saved: true });
    expect(r.index.has('Prefix tuning.md')).toBe(false);
    expect(r.index.search('bread flour', { limit: 5 }).map((h) => h.path)).toEqual(['Misc/Cooking.md']);
    expect(observable(r.index)).toEqual(observable(await buildIndex(v.vault, model, OUT)));
  });

  it('a damaged, cut-short, incomplete or other-version save is rebuilt, never trusted', async () => {
    const v = await setup();
    await openIndex(v.vault, v.data, v.model, OUT);
    const fresh = observable(await buildIndex(v.vault, v.model, OUT));
    type Saved = { head: string; part: string; text: string };
    const damages: [string, (c: Saved) => void][] = [
      ['garbage head', () => writeFileSync(v.file, 'not json at all\n')],
      ['empty head', () => writeFileSync(v.file, '')],
      ['other version', (c) => writeFileSync(v.file, c.head.replace(`"version":${INDEX_VERSION}`, `"version":${INDEX_VERSION + 1}`))],
      ['an earlier format (one file)', () => writeFileSync(v.file, `${JSON.stringify({ format: 'groundwork-fulltext', version: 2, docs: 0, terms: 0 })}\n${JSON.stringify({ end: true, docs: 0, terms: 0 })}\n`)],
      ['a part cut short', (c) => writeFileSync(c.part, c.text.slice(0, Math.floor(c.text.length / 2)))],
      ['a part missing', (c) => rmSync(c.part)],
      ['a part of another save', (c) => writeFileSync(c.part, c.text.replace(/"gen":"[0-9a-f]+"/, '"gen":"0123456789abcdef"'))],
      // A term's postings: `"term",count,"varints"`; a first gap far past the last note.
      ['a posting out of range', (c) => writeFileSync(c.part, c.text.replace(/("[^"]*",\d+,")/, '$1____D'))],
      ['a posting list shorter than its count', (c) => writeFileSync(c.part, c.text.replace(/("[^"]*",)(\d+)(,")/, (_m, a: string, n: string, b: string) => `${a}${Number(n) + 1}${b}`))],
      ['a posting list with a digit that is not one', (c) => writeFileSync(c.part, c.text.replace(/("[^"]*",\d+,")/, '$1*'))],
    ];
    for (const [what, damage] of damages) {
      const [part] = parts(v.indexDir);
      damage({ head: readFileSync(v.file, 'utf8'), part: part!, text: readFileSync(part!, 'utf8') });
      const r = await openIndex(v.vault, v.data, v.model, OUT);
      expect(r.loaded, what).toBe('rebuilt');
      expect(r.problem, what).toBeTruthy();
      expect(observable(r.index), what).toEqual(fresh);
      expect(r.saved, what).toBe(true);
      expect((await loadIndex(v.data)).index?.size, what).toBe(r.index.size);
    }
  });
});

describe('postings through a save and a load', () => {
  /** Every note's score for each word, as the index answers. */
  const scores = (index: FullTextIndex, words: string[], paths: string[]) => words.map((w) => [...index.scores(w, paths)].sort());

  it('keep long lists, far gaps and high term frequencies, and take edits after the load as before it', async () => {
    const index = new FullTextIndex();
    const paths: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const p = `n${i}.md`;
      paths.push(p);
      // `common` in every note (a packed list), `rare` in a few far apart, `often` repeated past the frequency cap.
      const body = `common ${i % 997 === 0 ? 'rare ' : ''}${i === 2999 ? 'often '.repeat(40) : ''}`;
      index.upsert(p, `Note ${i}`, body, { size: i, mtime: 1_700_000_000_000 + i, lang: 'en' });
    }
    index.remove('n5.md');
    await index.compact();
    const loaded = await FullTextIndex.parse(await index.serialize());
    const words = ['common', 'rare', 'often', 'note'];
    expect(scores(loaded, words, paths)).toEqual(scores(index, words, paths));
    for (const i of [1, 2998, 3000]) {
      for (const ix of [index, loaded]) ix.upsert(`n${i}.md`, `Note ${i}`, 'common rare edited', { lang: 'en' });
    }
    paths.push('n3000.md');
    expect(scores(loaded, [...words, 'edited'], paths)).toEqual(scores(index, [...words, 'edited'], paths));
    expect(await loaded.serialize()).toBe(await index.serialize());
  });

  it('a long list cut short by removals, and one grown past its room, answer as a fresh build of the same notes', async () => {
    const index = new FullTextIndex();
    const fresh = new FullTextIndex();
    const paths = Array.from({ length: 40 }, (_, i) => `n${i}.md`);
    // `shrinks` is in 20 notes (a packed list) until 12 of them go; `grows` in 2, then in all 40.
    for (const [i, p] of paths.entries()) index.upsert(p, `Note ${i}`, `${i < 20 ? 'shrinks ' : ''}${i < 2 ? 'grows' : ''}`, { lang: 'en' });
    await index.compact();
    for (const i of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) index.remove(paths[i]!);
    for (const [i, p] of paths.entries()) {
      if (i >= 12) index.upsert(p, `Note ${i}`, `${i < 20 ? 'shrinks ' : ''}grows`, { lang: 'en' });
      if (i >= 12) fresh.upsert(p, `Note ${i}`, `${i < 20 ? 'shrinks ' : ''}grows`, { lang: 'en' });
    }
    const words = ['shrinks', 'grows', 'note'];
    // Tombstones count in document frequencies until a compaction, as they always did.
    await index.compact();
    expect(scores(index, words, paths)).toEqual(scores(fresh, words, paths));
    // The same notes and the same postings per term (terms are listed in the order they came).
    const saved = (text: string) => {
      const [header, docs, ...rest] = text.trimEnd().split('\n');
      const termRows = rest.slice(0, -1).flatMap((line) => {
        const row = JSON.parse(line) as unknown[];
        return Array.from({ length: row.length / 3 }, (_, i) => JSON.stringify(row.slice(i * 3, i * 3 + 3)));
      });
      return { header, docs, terms: termRows.sort() };
    };
    expect(saved(await index.serialize())).toEqual(saved(await fresh.serialize()));
    const loaded = await FullTextIndex.parse(await index.serialize());
    expect(scores(loaded, words, paths)).toEqual(scores(fresh, words, paths));
  });
});
