import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PathError } from '../../src/core/layout';
import { sha256Hex } from '../../src/core/fingerprint';
import { ChangedSinceRead, JOURNAL_HEADING, JournalDamaged, UndoRefused } from '../../src/journal';
import type { VaultPort } from '../../src/vault/port';
import { snapshot } from '../support/temp-vault';
import { CrashingDataFolder, journalFixture, type JournalFixture } from './helpers';

// Every byte a careless round trip would lose: a BOM, CRLF line ends, trailing spaces and tabs,
// an emoji (a surrogate pair), a combining accent left decomposed, no final newline.
const TRICKY = '\uFEFF---\r\ndomain: "[[Kubernetes]]"\r\n---\r\n# Pods 🚀  \r\n\r\nCafe\u0301 \t\r\n- item  \r\nlast line without newline   ';
const EDITED = '\uFEFF---\r\ndomain: "[[Kubernetes]]"\r\n---\r\n# Pods 🚀\n\nRewritten by the agent.\n';

const NOTE = 'Notes/Kubernetes pods.md';
const DOMAIN = 'Kubernetes.md';

let fx: JournalFixture;

beforeEach(() => {
  fx = journalFixture();
  fx.put(DOMAIN, '---\ngroundwork: domain\nconfidence: high\n---\n# Kubernetes\n');
});

afterEach(() => fx.cleanup());

function change(over: Partial<Parameters<ReturnType<JournalFixture['journal']>['apply']>[0]> = {}) {
  return {
    path: NOTE,
    expectedBefore: TRICKY as string | null,
    after: EDITED,
    domain: DOMAIN,
    task: 'Tighten the intro',
    by: 'agent' as const,
    ...over,
  };
}

describe('apply and undo of a modify', () => {
  it('restores the exact bytes it replaced (BOM, CRLF, trailing spaces, emoji)', async () => {
    fx.put(NOTE, TRICKY);
    const original = fx.bytes(NOTE);
    const journal = fx.journal();

    const entry = await journal.apply(change());
    expect(entry.state).toBe('applied');
    expect(entry.kind).toBe('modify');
    expect(entry.beforeHash).toBe(sha256Hex(TRICKY));
    expect(entry.afterHash).toBe(sha256Hex(EDITED));
    expect(fx.bytes(NOTE).equals(Buffer.from(EDITED, 'utf8'))).toBe(true);

    // The replaced text is stored verbatim beside the index, which holds no content.
    expect(await fx.data.read(`journal/${entry.id}.before`)).toBe(TRICKY);
    expect(await fx.data.read(`journal/${entry.id}.after`)).toBe(EDITED);
    expect(await fx.data.read('journal/index.json')).not.toContain('Rewritten');
    expect(await journal.contents(entry.id)).toEqual({ before: TRICKY, after: EDITED });

    const undone = await journal.undo(entry.id);
    expect(undone.state).toBe('undone');
    expect(undone.undoneAt).toBeTruthy();
    expect(fx.bytes(NOTE).equals(original)).toBe(true);
    expect((await journal.get(entry.id))?.state).toBe('undone');
  });

  it('restores exact bytes through NodeVault as the CLI uses it (CRLF, trailing spaces, emoji, no BOM)', async () => {
    const text = TRICKY.slice(1);
    fx.put(NOTE, text);
    const journal = fx.journal({ vault: fx.plainVault });
    const after = EDITED.slice(1);
    const entry = await journal.apply(change({ expectedBefore: text, after }));
    expect(fx.bytes(NOTE).equals(Buffer.from(after, 'utf8'))).toBe(true);
    await journal.undo(entry.id);
    expect(fx.bytes(NOTE).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('undo without an id undoes the newest applied change', async () => {
    fx.put(NOTE, TRICKY);
    fx.put('Notes/Other.md', 'other\n');
    const journal = fx.journal();
    await journal.apply(change());
    const second = await journal.apply(change({ path: 'Notes/Other.md', expectedBefore: 'other\n', after: 'other, edited\n' }));

    expect((await journal.undo()).id).toBe(second.id);
    expect(fx.bytes('Notes/Other.md').toString('utf8')).toBe('other\n');
    await journal.undo();
    expect(fx.bytes(NOTE).equals(Buffer.from(TRICKY, 'utf8'))).toBe(true);
    await expect(journal.undo()).rejects.toThrow(/Nothing to undo/);
  });
});

describe('apply and undo of a create', () => {
  it('creates the note, and undo moves it to the trash', async () => {
    const journal = fx.journal();
    const created = 'Groundwork/Kubernetes/New note.md';
    const entry = await journal.apply(change({ path: created, expectedBefore: null, after: TRICKY }));
    expect(entry.kind).toBe('create');
    expect(entry.beforeHash).toBeNull();
    expect(fx.bytes(created).equals(Buffer.from(TRICKY, 'utf8'))).toBe(true);

    await journal.undo(entry.id);
    expect(fx.exists(created)).toBe(false);
    const trashed = fx.trashed();
    expect(trashed).toHaveLength(1);
    expect(trashed[0]!.equals(Buffer.from(TRICKY, 'utf8'))).toBe(true);
  });

  it('refuses to create over an existing note and leaves it untouched', async () => {
    fx.put(NOTE, TRICKY);
    const before = fx.bytes(NOTE);
    const journal = fx.journal();
    await expect(journal.apply(change({ expectedBefore: null }))).rejects.toBeInstanceOf(ChangedSinceRead);
    expect(fx.bytes(NOTE).equals(before)).toBe(true);
    const [entry] = await journal.list();
    expect(entry?.state).toBe('failed');
    await expect(journal.undo(entry!.id)).rejects.toThrow(/never applied/);
  });
});

describe('undo refuses, writing nothing', () => {
  it('when the person edited the note after the change', async () => {
    fx.put(NOTE, TRICKY);
    const journal = fx.journal();
    const entry = await journal.apply(change());
    fx.put(NOTE, `${EDITED}A line the person added.\n`);
    const before = snapshot(fx.dir);

    const err = await journal.undo(entry.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UndoRefused);
    expect((err as Error).message).toContain(`${NOTE} changed since the change`);
    expect((err as Error).message).toContain('undo would lose those edits');
    expect(snapshot(fx.dir)).toEqual(before);
    expect((await journal.get(entry.id))?.state).toBe('applied');
  });

  it('when the entry was already undone', async () => {
    fx.put(NOTE, TRICKY);
    const journal = fx.journal();
    const entry = await journal.apply(change());
    await journal.undo(entry.id);
    const before = snapshot(fx.dir);
    await expect(journal.undo(entry.id)).rejects.toThrow(UndoRefused);
    await expect(journal.undo(entry.id)).rejects.toThrow(/already undone/);
    expect(snapshot(fx.dir)).toEqual(before);
  });

  it('for an older change while a newer applied change to the same note is not undone, naming it', async () => {
    fx.put(NOTE, TRICKY);
    const journal = fx.journal();
    const first = await journal.apply(change());
    const second = await journal.apply(change({ expectedBefore: EDITED, after: `${EDITED}More.\n`, task: 'Add more' }));
    const before = snapshot(fx.dir);

    const err = await journal.undo(first.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UndoRefused);
    expect((err as Error).message).toContain(second.id);
    expect(snapshot(fx.dir)).toEqual(before);

    // In order, both undo, and the note is back to its first bytes.
    await journal.undo(second.id);
    await journal.undo(first.id);
    expect(fx.bytes(NOTE).equals(Buffer.from(TRICKY, 'utf8'))).toBe(true);
  });

  it('for an unknown entry', async () => {
    await expect(fx.journal().undo('20990101T000000Z-0000')).rejects.toThrow(/No journal entry/);
  });
});

describe('apply refuses', () => {
  it('with ChangedSinceRead when the note changed since the agent read it: note untouched, entry failed', async () => {
    fx.put(NOTE, `${TRICKY} and a person's edit`);
    const before = fx.bytes(NOTE);
    const journal = fx.journal();
    const err = await journal.apply(change()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChangedSinceRead);
    expect((err as ChangedSinceRead).path).toBe(NOTE);
    expect(fx.bytes(NOTE).equals(before)).toBe(true);
    const entries = await journal.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.state).toBe('failed');
  });

  it('with ChangedSinceRead when the note was deleted since it was read', async () => {
    const journal = fx.journal();
    await expect(journal.apply(change())).rejects.toBeInstanceOf(ChangedSinceRead);
    expect(fx.exists(NOTE)).toBe(false);
    expect((await journal.list())[0]?.state).toBe('failed');
  });

  it('paths that are not normalized vault paths, or inside the config folder, before writing anything', async () => {
    fx.put(NOTE, TRICKY);
    const journal = fx.journal();
    const before = snapshot(fx.dir);
    for (const p of ['../outside.md', '/abs.md', 'Notes//Kubernetes pods.md', './Notes/Kubernetes pods.md', 'Notes\\x.md', '.obsidian/app.json', '.obsidian/plugins/groundwork/journal/index.json', 'Groundwork/Journal.md']) {
      await expect(journal.apply(change({ path: p }))).rejects.toBeInstanceOf(PathError);
    }
    expect(snapshot(fx.dir)).toEqual(before);
  });
});

describe('persistence and crashes', () => {
  it('survives a new Journal instance, which can undo what the first applied', async () => {
    fx.put(NOTE, TRICKY);
    const first = fx.journal();
    const a = await first.apply(change());
    const b = await first.apply(change({ path: 'Groundwork/Kubernetes/Created.md', expectedBefore: null, after: 'new\n', by: 'accept', proposal: 'Groundwork/Inbox/Proposal.md' }));

    const second = fx.journal();
    const listed = await second.list();
    expect(listed).toEqual(await first.list());
    expect(listed.map((e) => e.id)).toEqual([a.id, b.id]);
    expect(listed[1]).toMatchObject({ by: 'accept', proposal: 'Groundwork/Inbox/Proposal.md', state: 'applied' });
    await second.undo(a.id);
    expect(fx.bytes(NOTE).equals(Buffer.from(TRICKY, 'utf8'))).toBe(true);
  });

  it('settles an entry left pending after the note changed as applied, on the next list()', async () => {
    fx.put(NOTE, TRICKY);
    // The pending index write succeeds; the one marking it applied "crashes".
    const crashing = new CrashingDataFolder(fx.data, 1);
    await expect(fx.journal({ data: crashing }).apply(change())).rejects.toThrow('simulated crash');
    expect(fx.bytes(NOTE).equals(Buffer.from(EDITED, 'utf8'))).toBe(true);
    expect(JSON.parse((await fx.data.read('journal/index.json'))!).entries[0].state).toBe('pending');

    const journal = fx.journal();
    const [entry] = await journal.list();
    expect(entry?.state).toBe('applied');
    expect(JSON.parse((await fx.data.read('journal/index.json'))!).entries[0].state).toBe('applied');
    await journal.undo(entry!.id);
    expect(fx.bytes(NOTE).equals(Buffer.from(TRICKY, 'utf8'))).toBe(true);
  });

  it('settles an entry left pending before the note changed as failed, on the next list()', async () => {
    fx.put(NOTE, TRICKY);
    // The note write dies, and so does the index write that would mark the entry failed.
    const dying: VaultPort = Object.assign(Object.create(fx.vault) as VaultPort, {
      process: () => Promise.reject(new Error('simulated crash')),
    });
    const crashing = new CrashingDataFolder(fx.data, 1);
    await expect(fx.journal({ vault: dying, data: crashing }).apply(change())).rejects.toThrow('simulated crash');
    expect(JSON.parse((await fx.data.read('journal/index.json'))!).entries[0].state).toBe('pending');

    const [entry] = await fx.journal().list();
    expect(entry?.state).toBe('failed');
    expect(fx.bytes(NOTE).equals(Buffer.from(TRICKY, 'utf8'))).toBe(true);
  });

  it('leaves a damaged index as it is and says so', async () => {
    await fx.data.write('journal/index.json', '{"version":1,"entries":[{"id":');
    await expect(fx.journal().list()).rejects.toBeInstanceOf(JournalDamaged);
    expect(await fx.data.read('journal/index.json')).toBe('{"version":1,"entries":[{"id":');
  });

  it('serializes concurrent applies: unique ids, sortable in the order applied', async () => {
    const fixed = new Date('2026-11-29T17:05:01.000Z');
    const journal = fx.journal({ opts: { now: () => fixed } });
    const paths = Array.from({ length: 6 }, (_, i) => `Groundwork/Kubernetes/N${i}.md`);
    const entries = await Promise.all(paths.map((p) => journal.apply(change({ path: p, expectedBefore: null, after: `${p}\n` }))));
    const ids = (await journal.list()).map((e) => e.id);
    expect(new Set(ids).size).toBe(6);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => /^20261129T170501Z-[0-9a-f]{4}$/.test(id))).toBe(true);
    expect(entries.map((e) => e.path)).toEqual(paths);
  });
});

describe('the readable Journal.md', () => {
  const JOURNAL_MD = 'Groundwork/Journal.md';

  it('lists entries newest first with wikilinks that resolve to notes in the vault', async () => {
    fx.put(NOTE, TRICKY);
    fx.put('Groundwork/Inbox/Proposal 1.md', '---\ngroundwork: proposal\n---\n');
    const journal = fx.journal();
    const a = await journal.apply(change({ task: 'Split | merge\nthe <b>sections</b> & more' }));
    const b = await journal.apply(
      change({ path: 'Groundwork/Kubernetes/Pods overview.md', expectedBefore: null, after: 'x\n', by: 'accept', proposal: 'Groundwork/Inbox/Proposal 1.md' }),
    );

    const text = fx.bytes(JOURNAL_MD).toString('utf8');
    expect(text.split('\n')[0]).toBe(JOURNAL_HEADING);
    expect(text).not.toMatch(/^---/);
    expect(text).toContain('Split \\| merge<br>the &lt;b>sections&lt;/b> &amp; more');
    const rows = text.split('\n').filter((l) => l.startsWith('| ') && l.includes('`'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(b.id);
    expect(rows[1]).toContain(a.id);
    // Every row has the same number of cells: the escaped task did not split one.
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    expect(new Set(rows.map(cells)).size).toBe(1);

    const links = [...text.matchAll(/\[\[([^\]|]+)\]\]/g)].map((m) => m[1]!);
    expect(links).toEqual(expect.arrayContaining(['Notes/Kubernetes pods', 'Kubernetes', 'Groundwork/Kubernetes/Pods overview', 'Groundwork/Inbox/Proposal 1']));
    for (const link of links) expect(fx.exists(`${link}.md`), link).toBe(true);

    await journal.undo(a.id);
    expect(fx.bytes(JOURNAL_MD).toString('utf8')).toMatch(/\| undone \d{4}-/);
  });

  it('keeps a line a person added to it: an edited journal note is left as is, and the journal keeps working', async () => {
    fx.put(NOTE, TRICKY);
    const journal = fx.journal();
    await journal.apply(change());
    const edited = `${fx.bytes(JOURNAL_MD).toString('utf8')}\nMy remark: the intro change was good.\n`;
    fx.put(JOURNAL_MD, edited);

    const entry = await journal.undo();
    expect(entry.state).toBe('undone');
    expect(fx.bytes(JOURNAL_MD).toString('utf8')).toBe(edited);
    expect(fx.problems.some((p) => p.includes(`${JOURNAL_MD} was not updated: it was edited since Groundwork wrote it`))).toBe(true);
    expect((await journal.get(entry.id))?.state).toBe('undone');
  });

  it('is not overwritten once a person replaced it; the journal keeps working', async () => {
    fx.put(NOTE, TRICKY);
    const journal = fx.journal();
    await journal.apply(change());
    const mine = '# My own notes\r\n\r\nNothing to do with Groundwork.\r\n';
    fx.put(JOURNAL_MD, mine);

    const entry = await journal.undo();
    expect(entry.state).toBe('undone');
    expect(fx.bytes(JOURNAL_MD).equals(Buffer.from(mine, 'utf8'))).toBe(true);
    expect(fx.problems.some((p) => p.includes(JOURNAL_MD))).toBe(true);
  });

  it('is created under the configured output folder', async () => {
    fx.put(NOTE, TRICKY);
    await fx.journal({ opts: { outputFolder: 'Agents/Out' } }).apply(change());
    expect(readFileSync(path.join(fx.dir, 'Agents', 'Out', 'Journal.md'), 'utf8')).toContain(NOTE.replace(/\.md$/, ''));
    expect(fx.exists(JOURNAL_MD)).toBe(false);
  });
});
