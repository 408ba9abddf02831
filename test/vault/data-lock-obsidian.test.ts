// @vitest-environment happy-dom
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { asObsidian, createApp, destroyApp, settle, type App } from '../support/obsidian/index';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { ObsidianDataFolder } from '../../src/plugin/obsidian-vault';
import { withDataLock } from '../../src/vault/data-lock';
import type { DataFolder } from '../../src/vault/port';

let dir: string;
let app: App;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'groundwork-lock-obs-'));
  app = createApp(dir);
  await settle(app);
});
afterEach(async () => {
  await destroyApp(app);
  rmSync(dir, { recursive: true, force: true });
});

it('the plugin (adapter) and the CLI (Node) exclude each other through the same lock file', async () => {
  const plugin = new ObsidianDataFolder(asObsidian(app), '.obsidian/plugins/groundwork');
  const cli = new NodeDataFolder(path.join(dir, '.obsidian', 'plugins', 'groundwork'));
  const bump = (d: DataFolder) =>
    withDataLock(d, 'counter', async () => {
      const n = Number((await d.read('counter.txt')) ?? '0');
      await new Promise((r) => setTimeout(r, 2));
      await d.write('counter.txt', String(n + 1));
    });
  await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 ? plugin : cli)));
  expect(await cli.read('counter.txt')).toBe('40');
  expect(await plugin.list('locks/')).toEqual([]);
});
