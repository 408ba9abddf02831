import { afterEach, beforeEach, expect, it } from 'vitest';
import { NodeVault } from '../../src/cli/node-vault';
import { journalFixture, type JournalFixture } from './helpers';

/** A vault whose process() on one note writes, then "crashes" before returning (a kill -9 there). */
class CrashAfterWrite extends NodeVault {
  constructor(
    root: string,
    private readonly target: string,
  ) {
    super(root);
  }

  override async process(rel: string, fn: (current: string) => string): Promise<string> {
    const written = await super.process(rel, fn);
    if (rel === this.target) throw new Error('simulated crash right after the note was written');
    return written;
  }
}

const NOTE = 'Notes/Pods.md';
let fx: JournalFixture;
beforeEach(() => {
  fx = journalFixture();
});
afterEach(() => fx.cleanup());

const change = (expectedBefore: string, after: string) => ({ path: NOTE, expectedBefore, after, domain: 'K.md', task: 'edit', by: 'agent' as const });

it('a crash between restoring the note and recording the undo does not wedge the note’s history', async () => {
  fx.put(NOTE, 'v0\n');
  const journal = fx.journal({ vault: fx.plainVault });
  const a = await journal.apply(change('v0\n', 'v1\n'));
  const b = await journal.apply(change('v1\n', 'v2\n'));

  const crashing = fx.journal({ vault: new CrashAfterWrite(fx.dir, NOTE) });
  await expect(crashing.undo(b.id)).rejects.toThrow('simulated crash');
  expect(fx.bytes(NOTE).toString()).toBe('v1\n');

  // The next process settles the interrupted undo by the note's text, and the older entry is free.
  const next = fx.journal({ vault: fx.plainVault });
  expect((await next.get(b.id))?.state).toBe('undone');
  const undone = await next.undo();
  expect(undone.id).toBe(a.id);
  expect(fx.bytes(NOTE).toString()).toBe('v0\n');
});

it('an undo interrupted before the note was restored leaves the change applied, and it can be undone again', async () => {
  fx.put(NOTE, 'v0\n');
  const journal = fx.journal({ vault: fx.plainVault });
  const a = await journal.apply(change('v0\n', 'v1\n'));
  class CrashBeforeWrite extends NodeVault {
    override process(): Promise<string> {
      return Promise.reject(new Error('simulated crash before the note was written'));
    }
  }
  await expect(fx.journal({ vault: new CrashBeforeWrite(fx.dir) }).undo(a.id)).rejects.toThrow('simulated crash');
  const next = fx.journal({ vault: fx.plainVault });
  expect((await next.get(a.id))?.state).toBe('applied');
  await next.undo(a.id);
  expect(fx.bytes(NOTE).toString()).toBe('v0\n');
});
