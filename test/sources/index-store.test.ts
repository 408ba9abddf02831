import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { FullTextIndex, INDEX_VERSION } from '../../src/sources/fulltext-index';
import { buildIndex, INDEX_FILE, openIndex } from '../../src/sources/index-store';
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
  return { ...v, data, file: path.join(data.root, INDEX_FILE) };
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
    // Parsing in slices (as the plugin does) reads the same index.
    const sliced = await FullTextIndex.parse(readFileSync(v.file, 'utf8'), slicer(0, () => new Promise((r) => setTimeout(r, 0))).pause);
    expect(observable(sliced)).toEqual(observable(fresh));
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

  it('a damaged, cut-short or other-version file is rebuilt, never trusted', async () => {
    const v = await setup();
    await openIndex(v.vault, v.data, v.model, OUT);
    const good = readFileSync(v.file, 'utf8');
    const fresh = observable(await buildIndex(v.vault, v.model, OUT));
    const damages: [string, string][] = [
      ['garbage', 'not json at all\n'],
      ['cut short', good.slice(0, Math.floor(good.length / 2))],
      ['other version', good.replace(`"version":${INDEX_VERSION}`, `"version":${INDEX_VERSION + 1}`)],
      ['a posting out of range', good.replace(/\[(\d+),(\d+)\]/, '[99999999,$2]')],
      ['empty', ''],
    ];
    for (const [what, text] of damages) {
      writeFileSync(v.file, text);
      const r = await openIndex(v.vault, v.data, v.model, OUT);
      expect(r.loaded, what).toBe('rebuilt');
      expect(r.problem, what).toBeTruthy();
      expect(observable(r.index), what).toEqual(fresh);
      expect(r.saved, what).toBe(true);
      expect((await FullTextIndex.parse(readFileSync(v.file, 'utf8'))).size, what).toBe(r.index.size);
    }
  });
});
