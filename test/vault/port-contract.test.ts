// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { NodeVault } from '../../src/cli/node-vault';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { ObsidianDataFolder, ObsidianVault } from '../../src/plugin/obsidian-vault';
import { VaultError, type DataFolder, type VaultPort } from '../../src/vault/port';
import { asObsidian, createApp, destroyApp, settle, type App } from '../support/obsidian/index';
import { tempVault } from '../support/temp-vault';

/**
 * One contract, two implementations: the Vault port over a plain folder (CLI) and over
 * Obsidian's API (plugin) must behave the same for everything the agents rely on.
 */

interface Impl {
  vault: VaultPort;
  data: DataFolder;
  dir: string;
}

const FILES: Record<string, string> = {
  'A.md': '# A\n',
  'Deep/ünï 🚀.md': '---\na: 1\n---\nunicode\n',
  'Notes/B.md': 'b\n',
  'image.png': 'not a note',
  '.obsidian/app.json': '{}',
  '.obsidian/Hidden.md': 'config folder note',
};

let apps: App[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const a of apps) await destroyApp(a);
  apps = [];
  cleanups.splice(0).forEach((c) => c());
});

function seed(): string {
  const v = tempVault();
  cleanups.push(v.cleanup);
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(v.dir, rel)), { recursive: true });
    writeFileSync(path.join(v.dir, rel), text);
  }
  return v.dir;
}

const impls: Record<string, () => Promise<Impl>> = {
  node: async () => {
    const dir = seed();
    return { dir, vault: new NodeVault(dir), data: new NodeDataFolder(path.join(dir, '.obsidian/plugins/groundwork')) };
  },
  obsidian: async () => {
    const dir = seed();
    const app = createApp(dir);
    apps.push(app);
    await settle(app);
    const real = asObsidian(app);
    return {
      dir,
      vault: new ObsidianVault(real),
      data: new ObsidianDataFolder(real, '.obsidian/plugins/groundwork'),
    };
  },
};

for (const [name, make] of Object.entries(impls)) {
  describe(`Vault port contract: ${name}`, () => {
    it('lists the markdown notes, the config folder skipped, unicode names intact', async () => {
      const { vault } = await make();
      expect((await vault.listNotes()).map((f) => f.path).sort()).toEqual(['A.md', 'Deep/ünï 🚀.md', 'Notes/B.md']);
      expect((await vault.listFiles('Deep')).map((f) => f.path)).toEqual(['Deep/ünï 🚀.md']);
      expect(await vault.listFiles('Nowhere')).toEqual([]);
    });

    it('reads, creates (parents included) and refuses to create over a file', async () => {
      const { vault, dir } = await make();
      expect(await vault.read('Notes/B.md')).toBe('b\n');
      await vault.create('Groundwork/X/New.md', 'new\n');
      expect(readFileSync(path.join(dir, 'Groundwork/X/New.md'), 'utf8')).toBe('new\n');
      const err = await vault.create('A.md', 'clobber').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VaultError);
      expect((err as VaultError).kind).toBe('exists');
      expect(readFileSync(path.join(dir, 'A.md'), 'utf8')).toBe('# A\n');
      const missing = await vault.read('Nope.md').catch((e: unknown) => e);
      expect((missing as VaultError).kind).toBe('not-found');
    });

    it('process writes the transform and nothing when it returns the same text', async () => {
      const { vault, dir } = await make();
      expect(await vault.process('A.md', (t) => `${t}more\n`)).toBe('# A\nmore\n');
      expect(readFileSync(path.join(dir, 'A.md'), 'utf8')).toBe('# A\nmore\n');
      expect(await vault.process('A.md', (t) => t)).toBe('# A\nmore\n');
      expect(await vault.stat('A.md')).toMatchObject({ path: 'A.md', size: 9 });
      expect(await vault.stat('Nope.md')).toBeNull();
    });

    it('trash moves a note away without deleting its bytes', async () => {
      const { vault, dir } = await make();
      await vault.trash('Notes/B.md');
      expect(await vault.stat('Notes/B.md')).toBeNull();
      const trashed = readFileSync(path.join(dir, '.trash', readdirSync(path.join(dir, '.trash'))[0]!), 'utf8');
      expect(trashed).toBe('b\n');
    });

    it('refuses paths that leave the vault or enter the config folder', async () => {
      const { vault } = await make();
      for (const p of ['../x.md', '/abs.md', '.obsidian/plugins/x.md', 'a/../../b.md']) await expect(vault.create(p, 'x')).rejects.toThrow(/Refused/);
    });

    it('the data folder reads, writes, lists and removes, and refuses names that climb out', async () => {
      const { data, dir } = await make();
      expect(await data.read('journal/index.json')).toBeNull();
      await data.write('journal/index.json', '{"a":1}');
      await data.write('cache/x.json', 'x');
      expect(await data.read('journal/index.json')).toBe('{"a":1}');
      expect(readFileSync(path.join(dir, '.obsidian/plugins/groundwork/journal/index.json'), 'utf8')).toBe('{"a":1}');
      expect(await data.list()).toEqual(['cache/x.json', 'journal/index.json']);
      expect(await data.list('cache/')).toEqual(['cache/x.json']);
      // A prefix is a prefix of the name, not only a folder: partial names and nested folders too.
      await data.write('cache/deep/y.json', 'y');
      await data.write('cached.json', 'z');
      expect(await data.list('cache')).toEqual(['cache/deep/y.json', 'cache/x.json', 'cached.json']);
      expect(await data.list('cache/x')).toEqual(['cache/x.json']);
      expect(await data.list('cache/deep/')).toEqual(['cache/deep/y.json']);
      expect(await data.list('nowhere/')).toEqual([]);
      await data.remove('cache/deep/y.json');
      await data.remove('cached.json');
      await data.remove('cache/x.json');
      expect(await data.list()).toEqual(['journal/index.json']);
      await expect(data.write('../../escape.json', 'x')).rejects.toThrow();
    });
  });
}
