/**
 * The CLI reads notes blocking while that is faster (src/vault/read-while-fast.ts). Which way a
 * note is read must never change what is read: the same text, stat or refusal for every kind of
 * file, and the same model whichever way each note went. Real folders, the real NodeVault.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeVault } from '../../src/cli/node-vault';
import { loadModel } from '../../src/vault/load-model';
import type { VaultModel } from '../../src/core/vault-model';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function awkwardVault(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'groundwork-blocking-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const w = (rel: string, data: string | Buffer): void => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), data);
  };
  w('Domain.md', '---\ngroundwork: domain\nconfidence: high\ninclude: ["Notes/"]\n---\n# Domain\n');
  w('Notes/Plain.md', '---\ntags: [a]\n---\nSee [[Domain]].\n');
  w('Notes/Empty.md', '');
  w('Notes/Bom.md', '\uFEFF---\ndomain: "[[Domain]]"\n---\nA byte-order mark first.\n');
  // Larger than a lent read buffer (64 KB): read into a buffer of its own.
  w('Notes/Large.md', `# Large\n\n${'A line that links [[Plain]] and goes on. '.repeat(4000)}\n`);
  w('Notes/Binary.md', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]));
  w('Notes/Latin-1.md', Buffer.from('caf\xe9 au lait\n', 'latin1'));
  w('Notes/Unicode ü.md', 'Ünïcödé [[Domain]]\n');
  symlinkSync(path.join(dir, 'Notes', 'Plain.md'), path.join(dir, 'Notes', 'Linked.md'));
  symlinkSync(path.join(dir, 'Notes', 'Gone.md'), path.join(dir, 'Notes', 'Dangling.md'));
  mkdirSync(path.join(dir, 'Notes', 'Folder.md'));
  return dir;
}

/** What a read gave: the text and its stat, or the refusal's kind and message. */
function outcome(read: () => { text: string; stat: unknown }): unknown {
  try {
    return read();
  } catch (err) {
    return { error: (err as { kind?: string }).kind, message: (err as Error).message };
  }
}

function records(model: VaultModel): unknown[] {
  return [...model.all()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

describe('blocking reads in the CLI', () => {
  it('give every kind of file the text, stat or refusal the parallel read gives', async () => {
    const dir = awkwardVault();
    const vault = new NodeVault(dir);
    const names = ['Domain.md', 'Plain.md', 'Empty.md', 'Bom.md', 'Large.md', 'Binary.md', 'Latin-1.md', 'Unicode ü.md', 'Linked.md', 'Dangling.md', 'Folder.md', 'Missing.md'];
    for (const name of names) {
      const rel = name === 'Domain.md' ? name : `Notes/${name}`;
      let parallel: unknown;
      try {
        parallel = await vault.readWithStat(rel);
      } catch (err) {
        parallel = { error: (err as { kind?: string }).kind, message: (err as Error).message };
      }
      expect(outcome(() => vault.readWithStatNow(rel)), rel).toEqual(parallel);
    }
    // The refusals are there to compare, not read as text.
    expect(outcome(() => vault.readWithStatNow('Notes/Binary.md'))).toMatchObject({ error: 'not-text' });
    expect(outcome(() => vault.readWithStatNow('Notes/Latin-1.md'))).toMatchObject({ error: 'not-text' });
    expect(outcome(() => vault.readWithStatNow('Notes/Dangling.md'))).toMatchObject({ error: 'not-found' });
    expect(outcome(() => vault.readWithStatNow('Notes/Bom.md'))).toMatchObject({ text: expect.stringMatching(/^\uFEFF---/) });
    // The path is checked as every read's is.
    expect(() => vault.readWithStatNow('../outside.md')).toThrow();
  });

  it('build the model that parallel reads build', async () => {
    const dir = awkwardVault();
    const parallel = await loadModel(new NodeVault(dir), 'Groundwork');
    const blocking = await loadModel(new NodeVault(dir), 'Groundwork', { yieldNow: () => new Promise((resolve) => setImmediate(resolve)) });
    expect(records(blocking)).toEqual(records(parallel));
    expect(records(blocking).length).toBe(10);
    expect(blocking.computeMap()).toEqual(parallel.computeMap());
  });
});
