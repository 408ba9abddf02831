// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createTempVault, destroyApp, Menu, removeTempVault, settle, type App } from '../support/obsidian/index';
import { startBuiltPlugin } from '../support/plugin-harness';
import { openModals } from '../support/obsidian/ui';
import { EXAMPLE_VAULT } from '../support/temp-vault';

/** "Adopt as domain" on a folder in the built main.js: the menu item, the preview, the rule written. */

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
    const started = await startBuiltPlugin(dir);
    app = started.app;
    const plugin = started.plugin;
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

  it('adopting a note offers its folder: unticked it adds nothing, ticked the notes of the folder join by one rule', async () => {
    const page = (title: string, text: string) => `# ${title}\n\n${text}\n`;
    dir = createTempVault({
      'en/Bases/Introduction to Bases.md': page('Introduction to Bases', 'Bases show notes as a database. See [[Bases syntax]].'),
      'en/Bases/Bases syntax.md': page('Bases syntax', 'Filters, formulas and views, in YAML.'),
      'en/Bases/Views.md': page('Views', 'Table and cards views.'),
      'en/Plugins/Core plugins.md': page('Core plugins', 'Every core plugin, [[Introduction to Bases]] among them.'),
    });
    const started = await startBuiltPlugin(dir);
    app = started.app;
    const plugin = started.plugin;
    const live = (plugin as unknown as { live: Live }).live;
    await live.ensure();
    const idle = () => (plugin as unknown as { whenIdle(): Promise<void> }).whenIdle();

    const adoptDialog = async (file: string) => {
      const menu = new Menu();
      app!.workspace.trigger('file-menu', menu, app!.vault.getAbstractFileByPath(file)!, 'file-explorer');
      await menu.findItem('Adopt as domain')!.click();
      await settle(app!);
      return openModals[openModals.length - 1]!;
    };
    const modal = await adoptDialog('en/Bases/Introduction to Bases.md');
    const text = () => modal.contentEl.textContent ?? '';
    // As the issue found it: alone, the note gathers no member.
    expect(text()).toContain('Notes that would join (0)');
    expect(text()).toContain('Take in its folder, en/Bases/');
    expect(text()).toContain('2 more notes would join now, and every note added to the folder later (include: ["en/Bases/"]).');
    // Ticked: the rule is among the writes, and the two pages are listed as joining.
    (modal.contentEl.querySelector('.checkbox-container') as HTMLElement).click();
    expect(text()).toContain('Notes that would join (2)');
    expect([...modal.contentEl.querySelectorAll('.groundwork-joining li')].map((li) => li.textContent)).toEqual(['en/Bases/Bases syntax', 'en/Bases/Views']);
    expect([...modal.contentEl.querySelectorAll('code')].map((c) => c.textContent)).toEqual(['groundwork: domain', 'confidence: low', 'include: ["en/Bases/"]']);
    expect(readFileSync(path.join(dir, 'en/Bases/Introduction to Bases.md'), 'utf8')).not.toContain('groundwork');
    (modal.contentEl.querySelector('button.mod-cta') as HTMLButtonElement).click();
    await idle();
    await settle(app);
    expect(readFileSync(path.join(dir, 'en/Bases/Introduction to Bases.md'), 'utf8')).toMatch(/^---\ngroundwork: domain\nconfidence: low\ninclude:\n {2}- "?en\/Bases\/"?\n---\n# Introduction to Bases\n/);
    const bases = (await live.ensure()).computeMap().domains.find((d) => d.path === 'en/Bases/Introduction to Bases.md')!;
    expect(bases).toMatchObject({ name: 'Introduction to Bases', notes: 2, included: 2 });

    // Unticked, nothing but the domain keys is written; a note alone in its folder is offered no folder.
    const alone = await adoptDialog('en/Plugins/Core plugins.md');
    expect(alone.contentEl.textContent).not.toContain('Take in its folder');
    (alone.contentEl.querySelector('button.mod-cta') as HTMLButtonElement).click();
    await idle();
    await settle(app);
    expect(readFileSync(path.join(dir, 'en/Plugins/Core plugins.md'), 'utf8')).toBe('---\ngroundwork: domain\nconfidence: low\n---\n# Core plugins\n\nEvery core plugin, [[Introduction to Bases]] among them.\n');
  });
});
