import { afterEach, beforeEach, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { NodeVault } from '../../src/cli/node-vault';
import { VaultError } from '../../src/vault/port';
import { tempVault } from '../support/temp-vault';
import { bundleChild, runChild } from '../support/child-process';

const CHILD = path.resolve(__dirname, '../support/child-ops.ts');
const NOTE = 'Notes/Busy.md';

let vault: { dir: string; cleanup: () => void };
beforeEach(() => {
  vault = tempVault();
  mkdirSync(path.join(vault.dir, 'Notes'));
  writeFileSync(path.join(vault.dir, NOTE), '# Busy\n');
});
afterEach(() => vault.cleanup());

it('a person appending from another process while Groundwork rewrites the note loses zero bytes', async () => {
  const bundle = bundleChild(CHILD);
  const lines = 400;
  const person = runChild(bundle, { op: 'append', file: path.join(vault.dir, NOTE), n: lines, tag: 'P' });
  let exited = false;
  void person.then(() => (exited = true));
  const nodeVault = new NodeVault(vault.dir);
  const applied: string[] = [];
  let refused = 0;
  for (let k = 0; !exited; k++) {
    try {
      await nodeVault.process(NOTE, (t) => `${t}G${k}\n`);
      applied.push(`G${k}`);
    } catch (err) {
      if (!(err instanceof VaultError && err.kind === 'changed')) throw err;
      refused++;
    }
  }
  const r = await person;
  expect(r.stderr).toBe('');
  const text = readFileSync(path.join(vault.dir, NOTE), 'utf8');
  const have = new Set(text.split('\n'));
  const lost = Array.from({ length: lines }, (_, i) => `P${i}`).filter((l) => !have.has(l));
  // Figures for the README table (printed, not asserted on): how hard the race was run.
  console.log(`swap race: ${lines} person appends, ${applied.length} Groundwork rewrites applied, ${refused} refused as changed, ${lost.length} person lines lost`);
  expect(lost).toEqual([]);
  // Groundwork's own applied lines are there too, and nothing was left beside the note.
  for (const g of applied) expect(have.has(g)).toBe(true);
  expect(readdirSync(path.join(vault.dir, 'Notes')).filter((f) => f !== 'Busy.md')).toEqual([]);
});
