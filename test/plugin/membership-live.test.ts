// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync } from 'node:fs';
import { createTempVault, destroyApp, removeTempVault, settle, TFile, type App } from '../support/obsidian/index';
import { startBuiltPlugin } from '../support/plugin-harness';
import { EXAMPLE_VAULT } from '../support/temp-vault';

/** The built main.js keeps `include` membership current from vault events, one note at a time. */

let app: App | null = null;
let dir = '';

afterEach(async () => {
  if (app) await destroyApp(app);
  app = null;
  if (dir) removeTempVault(dir);
});

type Live = { ensure(): Promise<{ computeMap(): { domains: { name: string; memberPaths: string[]; linked: number; included: number }[] } }> };

describe('include rules in Obsidian', () => {
  it('follows a rule added, a tag typed, a note moved into and out of the folder', async () => {
    dir = createTempVault({});
    cpSync(EXAMPLE_VAULT, dir, { recursive: true });
    const started = await startBuiltPlugin(dir);
    app = started.app;
    const plugin = started.plugin;
    const live = (plugin as unknown as { live: Live }).live;
    const lora = async () => (await live.ensure()).computeMap().domains.find((d) => d.name === 'LoRA fine-tuning')!;
    expect((await lora()).memberPaths).toEqual(['Notes/Adapter rank experiments.md', 'Notes/Support ticket dataset.md']);

    const domainFile = app.vault.getFileByPath('LoRA fine-tuning.md') as TFile;
    await app.vault.process(domainFile, (t: string) => t.replace('tags: [ml]', 'tags: [ml]\ninclude: ["Research/LoRA/", "#lora"]'));
    await app.vault.createFolder('Research/LoRA');
    await app.vault.create('Research/LoRA/Paper.md', '# The LoRA paper\n');
    await app.vault.create('Loose.md', 'A loose note\n');
    await settle(app);
    expect(await lora()).toMatchObject({ linked: 2, included: 1 });

    await app.vault.process(app.vault.getFileByPath('Loose.md') as TFile, (t: string) => `${t}#lora/ranks\n`);
    await settle(app);
    expect((await lora()).memberPaths).toContain('Loose.md');

    await app.fileManager.renameFile(app.vault.getFileByPath('Research/LoRA/Paper.md') as TFile, 'Paper.md');
    await app.fileManager.renameFile(app.vault.getFileByPath('Notes/Reading inbox.md') as TFile, 'Research/LoRA/Reading inbox.md');
    await settle(app);
    const after = await lora();
    expect(after.memberPaths).toEqual(['Loose.md', 'Notes/Adapter rank experiments.md', 'Notes/Support ticket dataset.md', 'Research/LoRA/Reading inbox.md']);
    expect(after).toMatchObject({ linked: 2, included: 2 });
  });
});
