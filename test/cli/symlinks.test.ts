import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeVault } from '../../src/cli/node-vault';
import { PathError } from '../../src/core/layout';
import { tempVault } from '../support/temp-vault';

let vault: { dir: string; cleanup: () => void };
let outside: string;
let nodeVault: NodeVault;
const abs = (rel: string) => path.join(vault.dir, ...rel.split('/'));

beforeEach(() => {
  vault = tempVault();
  outside = mkdtempSync(path.join(tmpdir(), 'groundwork-outside-'));
  writeFileSync(path.join(outside, 'theirs.md'), 'not the vault’s\n');
  mkdirSync(abs('Notes'));
  writeFileSync(abs('Notes/Real.md'), 'real\n');
  mkdirSync(abs('.obsidian'));
  writeFileSync(abs('.obsidian/app.json'), '{}\n');
  symlinkSync(outside, abs('Linked'));
  symlinkSync('Real.md', abs('Notes/Alias.md'));
  symlinkSync(path.join(outside, 'theirs.md'), abs('Notes/Escape.md'));
  symlinkSync(abs('.obsidian'), abs('Config'));
  nodeVault = new NodeVault(vault.dir);
});
afterEach(() => {
  vault.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

describe('writes through symbolic links', () => {
  it('refuses to create a note whose folder is a link leading outside the vault', async () => {
    await expect(nodeVault.create('Linked/New.md', 'x\n')).rejects.toThrow(PathError);
    expect(readdirSync(outside)).toEqual(['theirs.md']);
  });

  it('refuses to change a note reached through a linked folder outside the vault', async () => {
    await expect(nodeVault.process('Linked/theirs.md', () => 'changed\n')).rejects.toThrow(/leads outside the vault/);
    expect(readFileSync(path.join(outside, 'theirs.md'), 'utf8')).toBe('not the vault’s\n');
    expect(readdirSync(outside)).toEqual(['theirs.md']);
  });

  it('refuses to change a linked note whose target is outside the vault, and leaves the link a link', async () => {
    await expect(nodeVault.process('Notes/Escape.md', () => 'changed\n')).rejects.toThrow(PathError);
    expect(lstatSync(abs('Notes/Escape.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(outside, 'theirs.md'), 'utf8')).toBe('not the vault’s\n');
  });

  it('refuses a link into the config folder', async () => {
    await expect(nodeVault.create('Config/plugins.md', 'x\n')).rejects.toThrow(/config folder/);
    expect(existsSync(abs('.obsidian/plugins.md'))).toBe(false);
  });

  it('refuses to move to the trash a note reached through a linked folder outside the vault', async () => {
    await expect(nodeVault.trash('Linked/theirs.md')).rejects.toThrow(PathError);
    expect(readdirSync(outside)).toEqual(['theirs.md']);
  });

  it('writes a linked note inside the vault through its link, which stays a link', async () => {
    await nodeVault.process('Notes/Alias.md', (t) => `${t}more\n`);
    expect(lstatSync(abs('Notes/Alias.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(abs('Notes/Real.md'), 'utf8')).toBe('real\nmore\n');
  });
});
