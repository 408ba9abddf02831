import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/core/fingerprint';
import { UndoRefused } from '../../src/journal';
import { journalFixture, type JournalFixture } from './helpers';

/*
 * Journal.expect: the note's bytes are journaled before another program (an agent's own tool,
 * let through by the Claude Code hook) writes it; the written text is recorded when the note
 * next changes, so undo restores the bytes from before, exactly.
 */

const TRICKY = '\uFEFF---\r\ndomain: "[[Kubernetes]]"\r\n---\r\n# Pods 🚀  \r\n\r\nCafe\u0301 \t\r\nlast line without newline   ';
const NOTE = 'Notes/Kubernetes pods.md';
const change = { path: NOTE, domain: 'Kubernetes.md', task: 'Edit: Notes/Kubernetes pods.md', author: 'Claude Code (hook)' };

let fx: JournalFixture;
beforeEach(() => {
  fx = journalFixture();
  fx.put(NOTE, TRICKY);
});
afterEach(() => fx.cleanup());

describe('journaling ahead of another program’s write', () => {
  it('records the text written after the entry, then undo restores the bytes from before', async () => {
    const journal = fx.journal();
    const entry = await journal.expect(change);
    expect(entry).toMatchObject({ state: 'pending', awaiting: true, kind: 'modify', author: 'Claude Code (hook)', beforeHash: sha256Hex(TRICKY) });
    // Nothing was written yet: undo has nothing applied to undo.
    await expect(journal.undo()).rejects.toThrow(UndoRefused);

    fx.put(NOTE, 'Rewritten by the agent.\n');
    const [settled] = await fx.journal().list();
    expect(settled).toMatchObject({ id: entry.id, state: 'applied', afterHash: sha256Hex('Rewritten by the agent.\n') });
    expect(settled!.awaiting).toBeUndefined();
    expect(await journal.contents(entry.id)).toEqual({ before: TRICKY, after: 'Rewritten by the agent.\n' });

    await fx.journal().undo();
    expect(fx.bytes(NOTE)).toEqual(Buffer.from(TRICKY, 'utf8'));
  });

  it('asked twice before the write, keeps one entry; a chain of writes undoes newest first', async () => {
    const journal = fx.journal();
    const a = await journal.expect(change);
    expect((await journal.expect(change)).id).toBe(a.id);
    fx.put(NOTE, 'one\n');
    const b = await journal.expect(change);
    expect(b.id).not.toBe(a.id);
    fx.put(NOTE, 'two\n');
    const list = await journal.list();
    expect(list.map((e) => e.state)).toEqual(['applied', 'applied']);
    await journal.undo();
    expect(fx.bytes(NOTE).toString()).toBe('one\n');
    await journal.undo();
    expect(fx.bytes(NOTE)).toEqual(Buffer.from(TRICKY, 'utf8'));
  });

  it('a note the program creates: undo moves it to the trash', async () => {
    const journal = fx.journal();
    const e = await journal.expect({ ...change, path: 'Notes/New.md' });
    expect(e).toMatchObject({ kind: 'create', beforeHash: null });
    fx.put('Notes/New.md', 'fresh\n');
    const undone = await journal.undo();
    expect(undone.id).toBe(e.id);
    expect(fx.exists('Notes/New.md')).toBe(false);
    expect(fx.trashed().map((b) => b.toString())).toEqual(['fresh\n']);
  });

  it('gives up waiting after ten minutes without a change, so a later edit is never taken for the program’s', async () => {
    let now = new Date('2026-12-01T10:00:00Z');
    const journal = fx.journal({ opts: { now: () => now } });
    const e = await journal.expect(change);
    now = new Date('2026-12-01T10:09:00Z');
    expect((await journal.list())[0]).toMatchObject({ id: e.id, state: 'pending', awaiting: true });
    now = new Date('2026-12-01T10:11:00Z');
    expect((await journal.list())[0]).toMatchObject({ id: e.id, state: 'failed' });
    fx.put(NOTE, 'the person, much later\n');
    expect((await journal.list())[0]!.state).toBe('failed');
    await expect(journal.undo()).rejects.toThrow(/Nothing to undo/);
  });
});
