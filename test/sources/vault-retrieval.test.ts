import { afterEach, describe, expect, it } from 'vitest';
import { analyzeNote } from '../../src/core/note-record';
import { FullTextIndex, isSourceEligible, syncNote } from '../../src/sources/fulltext-index';
import { buildIndex } from '../../src/sources/index-store';
import { domainQuery, gatherVaultCandidates, readNoteSource } from '../../src/sources/vault-retrieval';
import { LORA_VAULT, OUT, vaultWith, writeNotes } from './helpers';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function loraVault(extra: Record<string, string> = {}) {
  const v = await vaultWith({ ...LORA_VAULT, ...extra });
  cleanups.push(v.cleanup);
  const index = await buildIndex(v.vault, v.model, OUT);
  return { ...v, index };
}

describe('isSourceEligible', () => {
  const rec = (path: string, text: string) => analyzeNote(path, text);
  it('keeps person notes and domain notes, drops low-confidence generated notes and the output folder', () => {
    expect(isSourceEligible(rec('a.md', 'plain'), OUT)).toBe(true);
    expect(isSourceEligible(rec('D.md', '---\ngroundwork: domain\nconfidence: low\n---\nx'), OUT)).toBe(true);
    expect(isSourceEligible(rec('Groundwork/D/D distillate.md', '---\ngroundwork: distillate\nconfidence: low\n---\nx'), OUT)).toBe(false);
    expect(isSourceEligible(rec('Groundwork/D/D distillate.md', '---\ngroundwork: distillate\n---\nx'), OUT)).toBe(false);
    expect(isSourceEligible(rec('Groundwork/D/D distillate.md', '---\ngroundwork: distillate\nconfidence: nonsense\n---\nx'), OUT)).toBe(false);
    expect(isSourceEligible(rec('Groundwork/loose.md', 'person note in the output folder'), OUT)).toBe(false);
    expect(isSourceEligible(rec('Other/s.md', '---\ngroundwork: sources\nconfidence: LOW\n---\nx'), OUT)).toBe(false);
  });
  it('lets a generated note in once the person raised its confidence', () => {
    expect(isSourceEligible(rec('Groundwork/D/D distillate.md', '---\ngroundwork: distillate\nconfidence: medium\n---\nx'), OUT)).toBe(true);
    expect(isSourceEligible(rec('Groundwork/loose.md', '---\nconfidence: High\n---\nx'), OUT)).toBe(true);
    expect(isSourceEligible(rec('Groundworks/not-inside.md', 'x'), OUT)).toBe(true);
  });
});

describe('FullTextIndex', () => {
  it('finds by body and title, ranks, and honours limit and exclude', () => {
    const idx = new FullTextIndex();
    idx.upsert('a.md', 'Gradient descent', 'Optimizers and learning rates.');
    idx.upsert('b.md', 'Bread', 'Flour and water; the learning curve of sourdough.');
    idx.upsert('c.md', 'c', 'Nothing related.');
    expect(idx.search('gradient', { limit: 5 }).map((h) => h.path)).toEqual(['a.md']);
    expect(idx.search('learning', { limit: 5 }).map((h) => h.path).sort()).toEqual(['a.md', 'b.md']);
    expect(idx.search('learning', { limit: 1 })).toHaveLength(1);
    expect(idx.search('learning', { limit: 5, exclude: (p) => p === 'a.md' }).map((h) => h.path)).toEqual(['b.md']);
    expect(idx.search('the of and', { limit: 5 })).toEqual([]);
    expect(idx.search('', { limit: 5 })).toEqual([]);
  });

  it('updates incrementally: upsert replaces, remove forgets, rename moves the entry', () => {
    const idx = new FullTextIndex();
    idx.upsert('a.md', 'a', 'alpha particles');
    idx.upsert('a.md', 'a', 'beta decay');
    expect(idx.search('alpha', { limit: 5 })).toEqual([]);
    expect(idx.search('beta', { limit: 5 }).map((h) => h.path)).toEqual(['a.md']);
    idx.rename('a.md', 'physics/a2.md');
    expect(idx.search('beta', { limit: 5 }).map((h) => h.path)).toEqual(['physics/a2.md']);
    expect(idx.has('a.md')).toBe(false);
    idx.remove('physics/a2.md');
    expect(idx.search('beta', { limit: 5 })).toEqual([]);
    expect(idx.size).toBe(0);
    idx.remove('never-there.md');
    idx.rename('never-there.md', 'x.md');
    expect(idx.size).toBe(0);
  });

  it('syncNote indexes a generated note once its confidence is raised, and drops it when lowered', () => {
    const idx = new FullTextIndex();
    const path = 'Groundwork/D/D distillate.md';
    const low = '---\ngroundwork: distillate\nconfidence: low\n---\nquaternion rotations';
    const high = low.replace('confidence: low', 'confidence: high');
    syncNote(idx, analyzeNote(path, low), low, OUT);
    expect(idx.has(path)).toBe(false);
    syncNote(idx, analyzeNote(path, high), high, OUT);
    expect(idx.search('quaternion', { limit: 5 }).map((h) => h.path)).toEqual([path]);
    syncNote(idx, analyzeNote(path, low), low, OUT);
    expect(idx.search('quaternion', { limit: 5 })).toEqual([]);
  });

  it('is built only from notes that may be fed to agents', async () => {
    const { index } = await loraVault();
    expect(index.has('Misc/Cooking.md')).toBe(true);
    expect(index.has('LoRA.md')).toBe(true);
    expect(index.has('Groundwork/LoRA/LoRA distillate.md')).toBe(false);
    expect(index.has('Groundwork/Scratch.md')).toBe(false);
    expect(index.has('Elsewhere/Moved sources.md')).toBe(false);
    expect(index.has('Groundwork/LoRA/LoRA critique.md')).toBe(true);
  });
});

describe('gatherVaultCandidates', () => {
  it('offers the domain note first, then members, links and backlinks 2 hops out and full-text matches, best score first', async () => {
    const { vault, model, index } = await loraVault();
    const got = await gatherVaultCandidates({ vault, model, index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 50 });
    const paths = got.map((c) => c.path);
    expect(got[0]).toEqual({ path: 'LoRA.md', reason: 'domain note', score: 1 });
    const reasonOf = (p: string) => got.find((c) => c.path === p)?.reason;
    expect(reasonOf('Notes/QLoRA.md')).toBe('member');
    expect(reasonOf('Notes/Rank experiments.md')).toBe('member');
    expect(reasonOf('Adapters.md')).toBe('link');
    expect(reasonOf('Journal/2024-05-01.md')).toBe('backlink');
    // 2 hops: a link of a link, a backlink of a backlink.
    expect(reasonOf('Prefix tuning.md')).toBe('link');
    expect(reasonOf('Journal/2024-05-02.md')).toBe('backlink');
    // Full text: no link reaches it, its words do (low-rank, rank selection).
    expect(reasonOf('Misc/Matrix factorization.md')).toBe('full-text');
    const scores = got.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // Nearer beats farther when neither says more about the domain.
    expect(paths.indexOf('Adapters.md')).toBeLessThan(paths.indexOf('Prefix tuning.md'));
    expect(paths.indexOf('Journal/2024-05-01.md')).toBeLessThan(paths.indexOf('Journal/2024-05-02.md'));
    expect(paths).not.toContain('Misc/Cooking.md');
    // Excluded: low-confidence generated notes and the output folder, even though they link to the domain.
    expect(paths).not.toContain('Groundwork/LoRA/LoRA distillate.md');
    expect(paths).not.toContain('Groundwork/Scratch.md');
    expect(paths).not.toContain('Elsewhere/Moved sources.md');
    // The domain's own critique, raised to medium by the person, is a source again, labelled as what it is.
    expect(reasonOf('Groundwork/LoRA/LoRA critique.md')).toBe('critique');
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('does not walk through a note the agents may not read', async () => {
    const { vault, model, index } = await loraVault({
      'Groundwork/LoRA/LoRA sources.md': '---\ngroundwork: sources\nconfidence: low\n---\nSee [[Hidden behind agent output]] for [[LoRA]].\n',
      'Hidden behind agent output.md': 'zzz unrelated words only\n',
    });
    const got = await gatherVaultCandidates({ vault, model, index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 50 });
    expect(got.map((c) => c.path)).not.toContain('Hidden behind agent output.md');
  });

  it('gives the event loop back during its walk over a large vault (a model that lives on), and ranks exactly as a one-shot run', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 1200; i++) many[`Many/Note ${i}.md`] = `Note ${i} links [[Note ${(i * 7) % 1200}]] and [[LoRA]].\n`;
    const one = await loraVault(many);
    // One-shot: only the links that can reach the notes asked about are resolved (backlinks by name).
    const whole = await gatherVaultCandidates({ vault: one.vault, model: one.model, index: one.index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 30 });
    // A model of its own that lives on: the first walk resolves every note's links, and that is what yields.
    const { vault, model, index } = await loraVault(many);
    let pauses = 0;
    const pause = async (): Promise<void> => {
      pauses++;
      await new Promise((r) => setTimeout(r, 0));
    };
    const sliced = await gatherVaultCandidates({ vault, model, index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 30, pause, wholeLinkIndex: true });
    expect(sliced).toEqual(whole);
    expect(pauses).toBeGreaterThanOrEqual(2);
    // The model keeps what it resolved: a second run on it has no links left to walk (only the member scan pauses).
    const first = pauses;
    pauses = 0;
    expect(await gatherVaultCandidates({ vault, model, index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 30, pause, wholeLinkIndex: true })).toEqual(whole);
    expect(pauses).toBeLessThan(first);
  });

  it('ranks on a model changed since its last run as on a fresh model of the same notes', async () => {
    const changed = await loraVault();
    await gatherVaultCandidates({ vault: changed.vault, model: changed.model, index: changed.index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 50 });
    // A new note linking the domain, and a note of another folder taking over a name some notes link to.
    const late = { 'Late.md': 'Low-rank adaptation notes, see [[LoRA]].\n' };
    writeNotes(changed.dir, late);
    changed.model.set(analyzeNote('Late.md', late['Late.md']));
    changed.index.upsert('Late.md', 'Late', late['Late.md']);
    const after = await gatherVaultCandidates({ vault: changed.vault, model: changed.model, index: changed.index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 50 });
    const fresh = await loraVault(late);
    expect(after).toEqual(await gatherVaultCandidates({ vault: fresh.vault, model: fresh.model, index: fresh.index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 50 }));
    expect(after.find((c) => c.path === 'Late.md')?.reason).toBe('backlink');
  });

  it('cuts at limit, best first', async () => {
    const { vault, model, index } = await loraVault();
    const all = await gatherVaultCandidates({ vault, model, index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 50 });
    const got = await gatherVaultCandidates({ vault, model, index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 3 });
    expect(got).toEqual(all.slice(0, 3));
    expect(await gatherVaultCandidates({ vault, model, index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 0 })).toEqual([]);
  });

  it('sees a note the index learned about after it was built', async () => {
    const v = await loraVault();
    writeNotes(v.dir, { 'Late.md': 'Adaptation with low-rank updates, written later.\n' });
    v.model.set(analyzeNote('Late.md', 'Adaptation with low-rank updates, written later.\n'));
    v.index.upsert('Late.md', 'Late', 'Adaptation with low-rank updates, written later.');
    const got = await gatherVaultCandidates({ vault: v.vault, model: v.model, index: v.index, domainPath: 'LoRA.md', outputFolder: OUT, limit: 50 });
    expect(got.find((c) => c.path === 'Late.md')?.reason).toBe('full-text');
  });
});

describe('domainQuery', () => {
  it('takes the name, headings and first lines, without markup or URLs', () => {
    const q = domainQuery('LoRA.md', '# LoRA\n\nLow-rank [[adaptation]].\nsecond line of the paragraph\n\n## Rank selection\n\nhttps://x.org/y\n```\ncode words\n```\n');
    expect(q).toContain('LoRA');
    expect(q).toContain('Low-rank');
    expect(q).toContain('adaptation');
    expect(q).toContain('Rank selection');
    expect(q).not.toContain('second line');
    expect(q).not.toContain('https');
    expect(q).not.toContain('code words');
    expect(q).not.toMatch(/[[\]]/);
  });
});

describe('readNoteSource', () => {
  it('gives the body without frontmatter, the first heading as title, a fingerprint and the cap', async () => {
    const { vault } = await loraVault({ 'Long.md': `---\ntags: [x]\n---\n${'word '.repeat(200)}\n` });
    const s = await readNoteSource(vault, 'LoRA.md', 'domain note', 10_000);
    expect(s).toMatchObject({ kind: 'note', ref: 'LoRA.md', title: 'LoRA', reason: 'domain note' });
    expect(s.text).not.toContain('groundwork: domain');
    expect(s.text).toContain('Low-rank adaptation');
    expect(s.fingerprint).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(s.error).toBeUndefined();

    const plain = await readNoteSource(vault, 'Adapters.md', 'link');
    expect(plain.title).toBe('Adapters');

    const long = await readNoteSource(vault, 'Long.md', 'full-text', 100);
    expect(long.text.length).toBeLessThan(140);
    expect(long.text).toContain('cut at 100 characters');
    expect(long.text).not.toContain('tags');
  });

  it('reports a missing note instead of throwing', async () => {
    const { vault } = await loraVault();
    const s = await readNoteSource(vault, 'Gone.md', 'link');
    expect(s).toMatchObject({ kind: 'note', ref: 'Gone.md', text: '', error: 'note not found' });
  });
});
