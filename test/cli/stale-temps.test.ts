import { afterEach, beforeEach, expect, it } from 'vitest';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/run-cli';
import { tempVault } from '../support/temp-vault';

let vault: { dir: string; cleanup: () => void };
const abs = (rel: string) => path.join(vault.dir, ...rel.split('/'));
function put(rel: string, text: string, ageMs = 0): void {
  mkdirSync(path.dirname(abs(rel)), { recursive: true });
  writeFileSync(abs(rel), text);
  const t = new Date(Date.now() - ageMs);
  utimesSync(abs(rel), t, t);
}

beforeEach(() => {
  vault = tempVault();
});
afterEach(() => vault.cleanup());

it('removes the temp files a killed write left (vault and data folder) once stale, and nothing else', async () => {
  const hour = 3_600_000;
  put('Notes/Pods.md', '# Pods\n');
  put('Notes/.Pods.md.0123456789ab.tmp', 'half a write', hour);
  put('.Top.md.a1b2c3d4e5f6.tmp', 'half a write', hour);
  put('.obsidian/plugins/groundwork/journal/.index.json.00aa11bb22cc.tmp', '{"vers', hour);
  // A write in flight right now, and files that only look similar: kept.
  put('Notes/.Pods.md.ffffffffffff.tmp', 'in flight');
  put('Notes/.my-own.tmp', 'mine', hour);
  put('Notes/plain 0123456789ab.tmp', 'mine', hour);
  expect((await runCli(['map', vault.dir])).code).toBe(0);
  expect(existsSync(abs('Notes/.Pods.md.0123456789ab.tmp'))).toBe(false);
  expect(existsSync(abs('.Top.md.a1b2c3d4e5f6.tmp'))).toBe(false);
  expect(existsSync(abs('.obsidian/plugins/groundwork/journal/.index.json.00aa11bb22cc.tmp'))).toBe(false);
  for (const kept of ['Notes/Pods.md', 'Notes/.Pods.md.ffffffffffff.tmp', 'Notes/.my-own.tmp', 'Notes/plain 0123456789ab.tmp']) expect(existsSync(abs(kept))).toBe(true);
});
