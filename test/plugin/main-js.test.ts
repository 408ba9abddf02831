// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createApp, createTempVault, destroyApp, noticeMessages, removeTempVault, settle, TFile, type App } from '../support/obsidian/index';
import { enablePlugin, forbiddenRequires, loadBuiltPlugin, readManifest } from '../support/obsidian/load-plugin';
import { EXAMPLE_VAULT } from '../support/temp-vault';

const ROOT = path.resolve(__dirname, '../..');
let app: App | null = null;
let dir = '';

afterEach(async () => {
  if (app) await destroyApp(app);
  app = null;
  if (dir) removeTempVault(dir);
});

async function start() {
  dir = createTempVault({});
  cpSync(EXAMPLE_VAULT, dir, { recursive: true });
  app = createApp(dir);
  await settle(app);
  const plugin = loadBuiltPlugin(app, path.join(ROOT, 'main.js'), readManifest(path.join(ROOT, 'manifest.json')));
  return { app, plugin };
}

function domainTitles(app: App): string[] {
  const leaf = app.workspace.getLeavesOfType('groundwork-autonomy-map')[0];
  return [...(leaf?.view.containerEl.querySelectorAll('.groundwork-domain-title a') ?? [])].map((a) => a.textContent ?? '');
}

function viewText(app: App): string {
  const leaf = app.workspace.getLeavesOfType('groundwork-autonomy-map')[0];
  return leaf?.view.containerEl.textContent ?? '';
}

describe('the built main.js in the obsidian API implementation', () => {
  it('loads without any Node module, defers vault work to layout-ready, and registers its commands', async () => {
    const { app, plugin } = await start();
    await enablePlugin(app, plugin);
    expect(forbiddenRequires).toEqual([]);
    const live = (plugin as unknown as { live: { current(): unknown } }).live;
    // No note has been read yet: the model is built only after layout-ready, on first use.
    expect(live.current()).toBeNull();
    const ids = app.commands.listCommands().map((c: { id: string }) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['groundwork:open-autonomy-map', 'groundwork:research-domain', 'groundwork:critique-distillate', 'groundwork:draft-skeleton']));
    for (const c of app.commands.listCommands() as { id: string; name: string; hotkeys?: unknown[] }[]) {
      if (c.id.startsWith('groundwork:')) expect(c.hotkeys ?? []).toEqual([]);
    }
  });

  it('opens the autonomy map with every domain in its zone, and updates it on a frontmatter edit, a rename and a delete', async () => {
    const { app, plugin } = await start();
    await enablePlugin(app, plugin);
    await app.workspace.triggerLayoutReady();
    await app.commands.run('groundwork:open-autonomy-map');
    await settle(app);
    const text = viewText(app);
    expect(text).toContain('Automation zone (1)');
    expect(text).toContain('Assist zone (2)');
    expect(text).toContain('Tension zone (1)');
    for (const d of ['Static site builds', 'Kubernetes', 'Payments', 'LoRA fine-tuning']) expect(text).toContain(d);
    // A researched domain links its generated notes from its card.
    const leaf = app.workspace.getLeavesOfType('groundwork-autonomy-map')[0]!;
    const artifacts = [...leaf.view.containerEl.querySelectorAll('.groundwork-artifacts a')].map((a) => a.textContent);
    expect(artifacts).toEqual(['sources', 'distillate', 'critique', 'skeleton']);
    const live = (plugin as unknown as { live: { notify(): void } }).live;

    // The person lowers confidence: the domain leaves automation at once.
    const file = app.vault.getFileByPath('Static site builds.md') as TFile;
    await app.vault.process(file, (t: string) => t.replace('confidence: high', 'confidence: medium'));
    await settle(app);
    live.notify();
    expect(viewText(app)).toContain('Automation zone (0)');
    expect(viewText(app)).toContain('Assist zone (3)');

    // Renaming a domain note keeps it on the map under its new name.
    await app.fileManager.renameFile(app.vault.getFileByPath('Payments.md') as TFile, 'Money movement.md');
    await settle(app);
    live.notify();
    expect(domainTitles(app)).toContain('Money movement');
    expect(domainTitles(app)).not.toContain('Payments');

    // Deleting one removes it.
    await app.vault.delete(app.vault.getFileByPath('Kubernetes.md') as TFile);
    await settle(app);
    live.notify();
    expect(domainTitles(app)).not.toContain('Kubernetes');
    expect(viewText(app)).toContain('Assist zone (2)');
    // Its former members now point nowhere: each is a problem naming the file.
    expect(viewText(app)).toContain('Projects/Staging cluster runbook.md: domain: [[Kubernetes]] does not link to any note');
  });

  it('shows frontmatter problems per file in the view', async () => {
    const { app, plugin } = await start();
    await enablePlugin(app, plugin);
    await app.workspace.triggerLayoutReady();
    await app.vault.create('Broken.md', '---\ngroundwork: domain\nconfidence: sure\n---\nx\n');
    await settle(app);
    await app.commands.run('groundwork:open-autonomy-map');
    await settle(app);
    expect(viewText(app)).toContain('Broken.md: confidence: "sure" is not valid; use low, medium or high');
    expect(noticeMessages.filter((m: string) => /error/i.test(m))).toEqual([]);
  });

  it('stores settings in data.json without any secret', async () => {
    const { app, plugin } = await start();
    await enablePlugin(app, plugin);
    app.secretStorage.setSecret('groundwork-api-key', 'sk-live-SECRET');
    await (plugin as unknown as { updateSettings(p: unknown): Promise<boolean> }).updateSettings({ maxSources: 7 });
    const data = readFileSync(path.join(dir, '.obsidian/plugins/groundwork/data.json'), 'utf8');
    expect(JSON.parse(data)).toMatchObject({ version: 4, maxSources: 7, apiKeySecret: 'groundwork-api-key' });
    expect(data).not.toContain('sk-live-SECRET');
  });

  it('writes Groundwork/Domains.base once on first enable, rewrites it by command, and leaves an edited one alone', async () => {
    const { app: first, plugin } = await start();
    await enablePlugin(first, plugin);
    const basePath = path.join(dir, 'Groundwork/Domains.base');
    await first.workspace.triggerLayoutReady();
    await (plugin as unknown as { whenIdle(): Promise<void> }).whenIdle();
    await settle(first);
    const written = readFileSync(basePath, 'utf8');
    expect(written).toContain("name: Waiting for your review");
    expect(JSON.parse(readFileSync(path.join(dir, '.obsidian/plugins/groundwork/data.json'), 'utf8'))).toMatchObject({ domainsBaseOffered: true });
    // Deleted by the person: not written again when Obsidian starts next...
    rmSync(basePath);
    await destroyApp(first);
    const next = (app = createApp(dir));
    await settle(next);
    const again = loadBuiltPlugin(next, path.join(ROOT, 'main.js'), readManifest(path.join(ROOT, 'manifest.json')));
    await enablePlugin(next, again);
    await next.workspace.triggerLayoutReady();
    await (again as unknown as { whenIdle(): Promise<void> }).whenIdle();
    expect(existsSync(basePath)).toBe(false);
    // ...only when asked.
    await next.commands.run('groundwork:create-domains-base');
    await (again as unknown as { whenIdle(): Promise<void> }).whenIdle();
    expect(readFileSync(basePath, 'utf8')).toBe(written);
    expect(noticeMessages.at(-1)).toContain('wrote Groundwork/Domains.base');
    // An edited base is the person's.
    const edited = written.replace('name: Domains\n', 'name: My domains\n');
    writeFileSync(basePath, edited);
    await settle(next);
    await next.commands.run('groundwork:create-domains-base');
    await (again as unknown as { whenIdle(): Promise<void> }).whenIdle();
    expect(readFileSync(basePath, 'utf8')).toBe(edited);
    expect(noticeMessages.at(-1)).toContain('left as it is');
  });
});
