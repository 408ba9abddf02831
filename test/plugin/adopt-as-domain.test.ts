// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createApp, createTempVault, destroyApp, Menu, removeTempVault, settle, type App } from '../support/obsidian/index';
import { enablePlugin, loadBuiltPlugin, readManifest } from '../support/obsidian/load-plugin';
import { openModals } from '../support/obsidian/ui';
import { EXAMPLE_VAULT } from '../support/temp-vault';

/** "Adopt as domain" on a folder in the built main.js: the menu item, the preview, the rule written. */

const ROOT = path.resolve(__dirname, '../..');
let app: App | null = null;
let dir = '';

afterEach(async () => {
  if (app) await destroyApp(app);
  app = null;
  if (dir) removeTempVault(dir);
});

type Live = { ensure(): Promise<{ computeMap(): { domains: { name: string; path: string; notes: number; included: number }[] } }> };

describe('Adopt as domain on a folder', () => {
  it('previews the count and first names, writes the include rule only on confirm, and the map follows', async () => {
    dir = createTempVault({});
    cpSync(EXAMPLE_VAULT, dir, { recursive: true });
    app = createApp(dir);
    await settle(app);
    const plugin = loadBuiltPlugin(app, path.join(ROOT, 'main.js'), readManifest(path.join(ROOT, 'manifest.json')));
    await enablePlugin(app, plugin);
    await app.workspace.triggerLayoutReady();
    const live = (plugin as unknown as { live: Live }).live;
    await live.ensure();

    const menuFor = (folder: string) => {
      const menu = new Menu();
      app!.workspace.trigger('file-menu', menu, app!.vault.getAbstractFileByPath(folder)!, 'file-explorer');
      return menu;
    };
    // Not offered on the output folder: generated notes never join by a rule.
    expect(menuFor('Groundwork').findItem('Adopt as domain')).toBeUndefined();
    const item = menuFor('Notes').findItem('Adopt as domain')!;
    expect(item).toBeDefined();
    const before = openModals.length;
    await item.click();
    await settle(app);
    const modal = openModals[openModals.length - 1]!;
    expect(openModals.length).toBe(before + 1);
    const text = modal.contentEl.textContent ?? '';
    expect(text).toContain('4 notes would join Notes:');
    expect(text).toContain('Adapter rank experiments');
    expect(text).toContain('Creates Notes/Notes.md as a domain (confidence low) with include: "Notes/".');
    expect(app.vault.getFileByPath('Notes/Notes.md')).toBeNull();

    (modal.contentEl.querySelector('button.mod-cta') as HTMLButtonElement).click();
    await (modal as unknown as { writing: Promise<void> }).writing;
    await settle(app);
    expect(readFileSync(path.join(dir, 'Notes/Notes.md'), 'utf8')).toContain('include:\n  - "Notes/"\n');
    const notes = (await live.ensure()).computeMap().domains.find((d) => d.path === 'Notes/Notes.md')!;
    expect(notes).toMatchObject({ name: 'Notes', notes: 4, included: 4 });
  });
});
