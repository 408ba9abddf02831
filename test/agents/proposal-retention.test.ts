import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { NodeVault } from '../../src/cli/node-vault';
import { pruneProposalRecords, readProposalRecord, setStatus, writeProposal } from '../../src/agents/proposals';
import { tempVault } from '../support/temp-vault';

let dir: string;
let cleanup: () => void;
let vault: NodeVault;
let data: NodeDataFolder;
beforeEach(() => {
  ({ dir, cleanup } = tempVault());
  mkdirSync(path.join(dir, 'Notes'), { recursive: true });
  writeFileSync(path.join(dir, 'Notes', 'A.md'), 'text\n');
  vault = new NodeVault(dir);
  data = new NodeDataFolder(path.join(dir, '.obsidian', 'plugins', 'groundwork'));
});
afterEach(() => cleanup());

function propose(day: number): Promise<string> {
  return writeProposal(vault, data, 'Groundwork', {
    domain: 'D.md',
    mode: 'propose',
    task: `task ${day}`,
    options: [{ title: 'T', rationale: '', kind: 'append-section', target: 'Notes/A.md', heading: 'H', content: 'x' }],
    baseHashes: { 'Notes/A.md': null },
    now: new Date(Date.UTC(2026, 0, 1 + day)).toISOString(),
  });
}

it('removes the records of old handled proposals beyond the newest kept, never a pending one', async () => {
  // Ten proposals, one a day: 0–5 handled (accepted, rejected, or the note deleted), 6 pending, 7–9 handled.
  const paths: string[] = [];
  for (let day = 0; day < 10; day++) paths.push(await propose(day));
  for (const i of [0, 2, 4, 7, 8]) await setStatus(vault, paths[i]!, 'accepted');
  for (const i of [1, 3, 9]) await setStatus(vault, paths[i]!, 'rejected');
  await vault.trash(paths[5]!);
  // Proposal 6 stays pending; 10 records on disk.
  expect((await data.list('proposals/')).length).toBe(10);

  // Keep the newest 3 handled ones, and anything younger than 30 days at day 40 (days 10+).
  const now = new Date(Date.UTC(2026, 0, 41));
  const removed = await pruneProposalRecords(vault, data, now, { keep: 3, days: 30 });

  // Handled: 0,1,2,3,4,5,7,8,9 (9 records); the newest 3 (7,8,9) are kept, the other 6 removed.
  expect(removed).toBe(6);
  const left = await Promise.all(paths.map(async (p) => (await readProposalRecord(data, p)) !== null));
  expect(left).toEqual([false, false, false, false, false, false, true, true, true, true]);
  // The pending one is whole, so it can still be accepted.
  expect((await readProposalRecord(data, paths[6]!))?.task).toBe('task 6');
  // Proposal notes themselves are the person's: none was touched.
  for (const i of [0, 1, 2, 3, 4, 6, 7, 8, 9]) expect(await vault.stat(paths[i]!)).not.toBeNull();
});

it('keeps every record younger than the retention, however many', async () => {
  const paths: string[] = [];
  for (let day = 0; day < 6; day++) paths.push(await propose(day));
  for (const p of paths) await setStatus(vault, p, 'rejected');
  const removed = await pruneProposalRecords(vault, data, new Date(Date.UTC(2026, 0, 20)), { keep: 2, days: 30 });
  expect(removed).toBe(0);
  expect((await data.list('proposals/')).length).toBe(6);
});

it('with the default retention (500, 90 days) a small store is left whole', async () => {
  const p = await propose(0);
  await setStatus(vault, p, 'accepted');
  expect(await pruneProposalRecords(vault, data, new Date(Date.UTC(2027, 0, 1)))).toBe(0);
  expect(await readProposalRecord(data, p)).not.toBeNull();
  // The lock was released: nothing is left in locks/.
  expect(await data.list('locks/')).toEqual([]);
});
