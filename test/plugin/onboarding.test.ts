// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { clearNotices, destroyApp, Menu, noticeMessages, notices, removeTempVault, settle, type App } from '../support/obsidian/index';
import { openModals } from '../support/obsidian/ui';
import { startPluginWithModel, type PluginLike } from '../support/plugin-harness';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';

type Plugin = PluginLike & { live: { current(): unknown; notify(): void }; flushSettings(): void; settings: PluginLike['settings'] & { outputFolder: string; onboardingDone: boolean } };

let app: App;
let dir: string;
let server: OpenAiTestServer;
let plugin: Plugin;

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents(), requireKey: 'sk-on', models: ['llama3.1:8b', 'qwen2.5:14b'] });
  const started = await startPluginWithModel(server.url, 'sk-on');
  ({ app, dir } = started);
  plugin = started.plugin as Plugin;
  clearNotices();
});

afterEach(async () => {
  await destroyApp(app);
  removeTempVault(dir);
  await server.close();
});

const read = (rel: string) => readFileSync(path.join(dir, rel), 'utf8');
const lastModal = () => openModals[openModals.length - 1]!;
function button(root: HTMLElement, text: string): HTMLButtonElement {
  const b = Array.from(root.querySelectorAll('button')).find((x) => x.textContent === text);
  if (!b) throw new Error(`no button "${text}" in ${Array.from(root.querySelectorAll('button')).map((x) => x.textContent).join(' | ')}`);
  return b;
}
async function idle() {
  await plugin.whenIdle();
  await settle(app);
  await plugin.whenIdle();
}

describe('first run', () => {
  it('the welcome view opens on first enable, fills the model list after Test connection, and stays closed once done', async () => {
    const leaf = app.workspace.getLeavesOfType('groundwork-welcome')[0]!;
    const view = leaf.view as unknown as { render(): Promise<void>; model: { testing: Promise<void> }; containerEl: HTMLElement };
    await view.render();
    const el = view.containerEl;
    expect(el.querySelector('h2')!.textContent).toBe('Getting started');
    button(el, 'Test').click();
    await view.model.testing;
    const select = el.querySelector<HTMLSelectElement>('select.groundwork-model-select')!;
    expect(Array.from(select.options).map((o) => o.value)).toEqual(['', 'llama3.1:8b', 'qwen2.5:14b', 'test-model']);
    select.value = 'qwen2.5:14b';
    select.dispatchEvent(new Event('change'));
    await idle();
    expect(plugin.settings.llm.model).toBe('qwen2.5:14b');
    // The price of the chosen model, saved as typed.
    const price = view.containerEl.querySelector<HTMLInputElement>('.groundwork-price-input')!;
    price.value = '0.2';
    price.dispatchEvent(new Event('input'));
    await idle();
    expect(plugin.settings.llm.prices).toEqual({ 'qwen2.5:14b': { inputPerMTok: 0.2, outputPerMTok: 0 } });
    button(view.containerEl, 'Done: open the autonomy map').click();
    await idle();
    expect(app.workspace.getLeavesOfType('groundwork-welcome')).toHaveLength(0);
    expect(app.workspace.getLeavesOfType('groundwork-autonomy-map')).toHaveLength(1);
    expect(JSON.parse(read('.obsidian/plugins/groundwork/data.json')).onboardingDone).toBe(true);
  });

  it('without a model, a step says so in one notice whose link opens the settings', async () => {
    await plugin.updateSettings({ llm: { ...plugin.settings.llm, model: '' } });
    clearNotices();
    await app.workspace.setActiveFile(app.vault.getFileByPath('Kubernetes.md'));
    await app.commands.run('groundwork:research-domain');
    await idle();
    expect(noticeMessages).toEqual(['Groundwork: No model is chosen. Open settings']);
    expect(server.chatRequests).toHaveLength(0);
    const link = notices[notices.length - 1]!.messageEl.querySelector<HTMLAnchorElement>('a.groundwork-settings-link')!;
    link.click();
    expect(app.setting.activeTab?.id).toBe('groundwork');
  });

  it('settings save as typed: no notice per keystroke, and a new output folder is read once, after typing stops', async () => {
    const tab = app.setting.openTabById('groundwork')!;
    const model = plugin.live.current();
    expect(model).not.toBeNull();
    const folder = tab.containerEl.querySelector<HTMLInputElement>('.setting-item input[type=text]')!;
    for (const typed of ['A', 'Ag', 'Age', 'Agen', 'Agent', 'Agents']) {
      folder.value = typed;
      folder.dispatchEvent(new Event('input'));
    }
    await idle();
    // Still the same model: nothing was re-read per keystroke.
    expect(plugin.live.current()).toBe(model);
    plugin.flushSettings();
    await idle();
    expect(plugin.settings.outputFolder).toBe('Agents');
    expect(plugin.live.current()).not.toBe(model);
    // A bad value is explained under its field, not in a notice.
    const chars = Array.from(tab.containerEl.querySelectorAll<HTMLElement>('.setting-item')).find((s) => s.textContent?.startsWith('Characters per source'))!;
    const input = chars.querySelector('input')!;
    for (const typed of ['5', '50']) {
      input.value = typed;
      input.dispatchEvent(new Event('input'));
    }
    await idle();
    expect(chars.querySelector('.groundwork-field-error')!.textContent).not.toBe('');
    expect(noticeMessages).toEqual([]);
  });
});

describe('adopting from the file menu', () => {
  it('"Adopt as domain" previews the notes that would join, then writes only the two keys', async () => {
    await app.vault.create('Reading.md', '# Reading\n');
    await app.vault.create('Notes/Book.md', '---\ndomain: "[[Reading]]"\n---\nA book.\n');
    await settle(app);
    const menu = new Menu();
    app.workspace.trigger('file-menu', menu, app.vault.getFileByPath('Reading.md'), 'file-explorer');
    const item = menu.findItem('Adopt as domain')!;
    expect(item).toBeDefined();
    item.click();
    await idle();
    const modal = lastModal();
    expect(modal.contentEl.querySelector('.groundwork-joining')!.textContent).toBe('Notes/Book');
    button(modal.contentEl, 'Adopt').click();
    await idle();
    expect(read('Reading.md')).toBe('---\ngroundwork: domain\nconfidence: low\n---\n# Reading\n');
    // A domain's menu leads to its card instead.
    const again = new Menu();
    app.workspace.trigger('file-menu', again, app.vault.getFileByPath('Reading.md'), 'file-explorer');
    expect(again.findItem('Adopt as domain')).toBeUndefined();
    again.findItem('Show on autonomy map')!.click();
    await idle();
    const card = app.workspace.getLeavesOfType('groundwork-autonomy-map')[0]!.view.containerEl.querySelector('.groundwork-domain.is-highlighted');
    expect(card?.getAttribute('data-domain-path')).toBe('Reading.md');
  });
});

describe('the inbox view, assist mode', () => {
  it('edit then accept: the drafted heading and text are the person\'s to change; what is applied is what they wrote', async () => {
    const target = 'Projects/Staging cluster runbook.md';
    await app.workspace.setActiveFile(app.vault.getFileByPath(target));
    await settle(app);
    await app.commands.run('groundwork:run-task');
    const task = lastModal();
    const area = task.contentEl.querySelector('textarea')!;
    area.value = 'Add a rollback section';
    area.dispatchEvent(new Event('input'));
    button(task.contentEl, 'Run').click();
    await idle();
    const view = app.workspace.getLeavesOfType('groundwork-inbox')[0]!.view as unknown as { refreshing: Promise<void>; previews: Promise<unknown>[]; containerEl: HTMLElement };
    await view.refreshing;
    await Promise.all(view.previews);
    const item = view.containerEl.querySelector<HTMLElement>('.groundwork-inbox-item')!;
    expect(item.textContent).toContain('assist');
    button(item, 'Edit then accept').click();
    for (let i = 0; i < 20 && !item.querySelector('.groundwork-heading-input'); i++) await new Promise((r) => setTimeout(r, 10));
    const heading = item.querySelector<HTMLInputElement>('.groundwork-heading-input')!;
    expect(heading.value).toBe('Agent notes 1');
    heading.value = 'Rollback';
    item.querySelector<HTMLTextAreaElement>('.groundwork-edit-input')!.value = 'kubectl rollout undo, then check the ingress.';
    button(item, 'Accept edited').click();
    await idle();
    await view.refreshing;
    expect(read(target)).toContain('## Rollback\n\nkubectl rollout undo, then check the ingress.');
    expect(read(target)).not.toContain('Agent notes 1');
    expect(view.containerEl.querySelectorAll('.groundwork-inbox-item')).toHaveLength(0);
    // The proposal note holds the text that was applied, and its status; it stays on disk.
    const proposal = app.vault.getFiles().find((f) => f.path.startsWith('Groundwork/Inbox/'))!;
    expect(read(proposal.path)).toContain('kubectl rollout undo, then check the ingress.');
    expect(read(proposal.path)).toContain('status: accepted');
  });
});
