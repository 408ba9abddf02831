import { afterEach, beforeEach, expect, it } from 'vitest';
import * as path from 'node:path';
import { GeneratedNotes } from '../../src/agents/generated-notes';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { NodeVault } from '../../src/cli/node-vault';
import { tempVault } from '../support/temp-vault';
import { bundleChild, runChild } from '../support/child-process';

const CHILD = path.resolve(__dirname, '../support/child-ops.ts');

let vault: { dir: string; cleanup: () => void };
beforeEach(() => {
  vault = tempVault();
});
afterEach(() => vault.cleanup());

it('three processes writing generated notes at once keep every record, so a re-run never mistakes them for edits', async () => {
  const bundle = bundleChild(CHILD);
  const each = 12;
  const runs = await Promise.all(['a', 'b', 'c'].map((prefix) => runChild(bundle, { op: 'generated', vault: vault.dir, prefix, n: each })));
  for (const r of runs) expect(r.stderr).toBe('');
  const notes = new GeneratedNotes(new NodeVault(vault.dir), new NodeDataFolder(path.join(vault.dir, '.obsidian', 'plugins', 'groundwork')), 'Groundwork');
  const outcomes: string[] = [];
  for (const prefix of ['a', 'b', 'c']) {
    for (let i = 0; i < each; i++) {
      // A re-run with a new text: Groundwork's own unedited note is replaced, never turned into a proposal.
      outcomes.push((await notes.write(`Groundwork/${prefix}-${i}.md`, `second run ${prefix} ${i}\n`, { domainPath: 'D.md', task: 'research', now: new Date().toISOString() })).outcome);
    }
  }
  const wronglyEdited = outcomes.filter((o) => o !== 'replaced').length;
  expect(wronglyEdited).toBe(0);
});
