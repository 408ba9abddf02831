import { afterEach, beforeEach, expect, it } from 'vitest';
import * as path from 'node:path';
import { sha256Hex } from '../../src/core/fingerprint';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { NodeVault } from '../../src/cli/node-vault';
import { Journal } from '../../src/journal';
import { tempVault } from '../support/temp-vault';
import { bundleChild, runChild } from '../support/child-process';

const CHILD = path.resolve(__dirname, '../support/child-ops.ts');

let vault: { dir: string; cleanup: () => void };
beforeEach(() => {
  vault = tempVault();
});
afterEach(() => vault.cleanup());

it('keeps every entry when several processes journal at once (plugin and CLI share the data folder)', async () => {
  const bundle = bundleChild(CHILD);
  const processes = 4;
  const each = 10;
  const runs = await Promise.all(Array.from({ length: processes }, (_, p) => runChild(bundle, { op: 'journal', vault: vault.dir, prefix: `p${p}`, n: each })));
  for (const r of runs) expect(r.stderr).toBe('');
  const nodeVault = new NodeVault(vault.dir);
  const journal = new Journal(nodeVault, new NodeDataFolder(path.join(vault.dir, '.obsidian', 'plugins', 'groundwork')), { outputFolder: 'Groundwork' });
  const entries = await journal.list();
  const reported = runs.flatMap((r) => (JSON.parse(r.stdout) as { ids: string[] }).ids);
  expect(reported).toHaveLength(processes * each);
  // Every applied change has its entry, and each entry matches the note it wrote.
  expect(entries.map((e) => e.id).sort()).toEqual([...reported].sort());
  for (const e of entries) {
    expect(e.state).toBe('applied');
    expect(sha256Hex(await nodeVault.read(e.path))).toBe(e.afterHash);
  }
});
