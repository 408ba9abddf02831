import { afterEach, beforeEach, expect, it } from 'vitest';
import { journalFixture, type JournalFixture } from './helpers';

let fx: JournalFixture;
beforeEach(() => {
  fx = journalFixture();
});
afterEach(() => fx.cleanup());

it('prunes the oldest settled entries beyond the retention with their text files, never an applied one', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const journal = fx.journal({ vault: fx.plainVault, opts: { now: () => new Date((clock += 1000)), retention: { keep: 2, days: 0 } } });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    fx.put(`Notes/N${i}.md`, `v0 ${i}\n`);
    ids.push((await journal.apply({ path: `Notes/N${i}.md`, expectedBefore: `v0 ${i}\n`, after: `v1 ${i}\n`, domain: 'D.md', task: 't', by: 'agent' })).id);
  }
  // Undo the first four: four settled entries, one applied.
  for (const id of ids.slice(0, 4)) await journal.undo(id);
  fx.put('Notes/Last.md', 'v0\n');
  const last = await journal.apply({ path: 'Notes/Last.md', expectedBefore: 'v0\n', after: 'v1\n', domain: 'D.md', task: 't', by: 'agent' });

  const kept = (await journal.list()).map((e) => e.id);
  expect(kept).toEqual([ids[2], ids[3], ids[4], last.id]);
  for (const id of ids.slice(0, 2)) expect(await fx.data.read(`journal/${id}.before`)).toBeNull();
  expect(await fx.data.read(`journal/${ids[4]}.before`)).toBe('v0 4\n');
  // What is kept still undoes.
  await journal.undo(ids[4]);
  expect(fx.bytes('Notes/N4.md').toString()).toBe('v0 4\n');
});

it('keeps settled entries younger than the retention, however many', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const journal = fx.journal({ vault: fx.plainVault, opts: { now: () => new Date((clock += 1000)), retention: { keep: 1, days: 30 } } });
  for (let i = 0; i < 4; i++) {
    fx.put(`Notes/N${i}.md`, `v0 ${i}\n`);
    const e = await journal.apply({ path: `Notes/N${i}.md`, expectedBefore: `v0 ${i}\n`, after: `v1 ${i}\n`, domain: 'D.md', task: 't', by: 'agent' });
    await journal.undo(e.id);
  }
  fx.put('Notes/Last.md', 'v0\n');
  await journal.apply({ path: 'Notes/Last.md', expectedBefore: 'v0\n', after: 'v1\n', domain: 'D.md', task: 't', by: 'agent' });
  expect((await journal.list()).length).toBe(5);
  expect((await fx.data.list('journal/')).filter((n) => n.endsWith('.before')).length).toBe(5);
});
