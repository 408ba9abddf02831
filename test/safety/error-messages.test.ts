/**
 * The CLI reports a failure it did not special-case (a damaged journal, a lock held too long)
 * as the one clear line the error carries, exactly as the plugin's notice does
 * (test/plugin/error-messages-in-obsidian.test.ts): both go through core/errors.ts.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_VAULT, tempVault } from '../support/temp-vault';
import { runCli } from '../support/run-cli';
import { DAMAGED_JOURNAL } from '../support/error-text';

let vault: { dir: string; cleanup: () => void };
beforeEach(() => {
  vault = tempVault(EXAMPLE_VAULT);
});
afterEach(() => vault.cleanup());

it('a damaged journal: undo says so in one line naming the file, no "unexpected failure", exit 1', async () => {
  const journal = path.join(vault.dir, '.obsidian', 'plugins', 'groundwork', 'journal');
  mkdirSync(journal, { recursive: true });
  writeFileSync(path.join(journal, 'index.json'), '{"version": 1, "entries": [');
  const r = await runCli(['undo', vault.dir]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.replace(/^groundwork: /, '')).toMatch(DAMAGED_JOURNAL);
});

it('nothing to undo: the refusal is one line, exit 1', async () => {
  const r = await runCli(['undo', vault.dir]);
  expect(r).toEqual({ code: 1, stdout: '', stderr: 'groundwork: Nothing to undo: the journal has no applied change\n' });
});
