// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { destroyApp, noticeMessages, removeTempVault, settle, TFile, type App } from '../support/obsidian/index';
import { openModals } from '../support/obsidian/ui';
import { startPluginWithModel, type PluginLike } from '../support/plugin-harness';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';

let app: App;
let dir: string;
let server: OpenAiTestServer;

let plugin: PluginLike;

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents(), requireKey: 'sk-obsidian-key' });
  ({ app, dir, plugin } = await startPluginWithModel(server.url, 'sk-obsidian-key'));
  await app.commands.run('groundwork:open-autonomy-map');
  await settle(app);
});

afterEach(async () => {
  await destroyApp(app);
  removeTempVault(dir);
  await server.close();
});

const read = (rel: string) => readFileSync(path.join(dir, rel), 'utf8');

async function open(rel: string) {
  await app.workspace.setActiveFile(app.vault.getFileByPath(rel));
  await settle(app);
}

async function command(id: string) {
  expect(app.commands.isAvailable(`groundwork:${id}`)).toBe(true);
  await app.commands.run(`groundwork:${id}`);
  await plugin.whenIdle();
  await settle(app);
  await plugin.whenIdle();
}

/** Research asks first: the dialog shows the dry run; running it is the person's click. */
async function research() {
  const before = server.chatRequests.length;
  await command('research-domain');
  const modal = openModals[openModals.length - 1]!;
  expect(modal.contentEl.querySelector('h4')?.textContent).toMatch(/^Sources found/);
  // The dialog is up and nothing has been sent to the model yet.
  expect(server.chatRequests.length).toBe(before);
  (modal.contentEl.querySelector('button.mod-cta') as HTMLButtonElement).click();
  await plugin.whenIdle();
  await settle(app);
  await plugin.whenIdle();
}

describe('the agents driven through the built main.js, command by command', () => {
  it('research, task proposal, accept with a diff, undo — through requestUrl and SecretStorage', async () => {
    await open('LoRA fine-tuning.md');
    await research();
    expect(noticeMessages.some((m: string) => m.includes('Research done'))).toBe(true);
    // The notice says what the run cost: calls and tokens of this run.
    expect(noticeMessages.some((m: string) => /\d+ model calls \(0 from cache\), [\d,]+ tokens/.test(m))).toBe(true);
    expect(read('Groundwork/LoRA fine-tuning/LoRA fine-tuning distillate.md')).toContain('groundwork: distillate');
    // Every model request carried the key from SecretStorage, and it is nowhere on disk.
    expect(server.chatRequests.every((r) => r.headers.authorization === 'Bearer sk-obsidian-key')).toBe(true);
    expect(read('.obsidian/plugins/groundwork/data.json')).not.toContain('sk-obsidian-key');

    await open('Groundwork/LoRA fine-tuning/LoRA fine-tuning distillate.md');
    await command('draft-skeleton');
    expect(read('Groundwork/LoRA fine-tuning/LoRA fine-tuning skeleton.canvas')).toContain('"nodes"');

    const target = 'Notes/Adapter rank experiments.md';
    const original = read(target);
    await open(target);
    await command('run-task');
    const taskModal = openModals[openModals.length - 1]!;
    const textarea = taskModal.contentEl.querySelector('textarea')!;
    textarea.value = 'Summarize the findings';
    textarea.dispatchEvent(new Event('input'));
    (taskModal.contentEl.querySelector('button.mod-cta') as HTMLButtonElement).click();
    await plugin.whenIdle();
    await settle(app);
    expect(read(target)).toBe(original);
    // The proposal waits in the inbox view; its title opens the proposal note.
    const inbox = app.workspace.getLeavesOfType('groundwork-inbox')[0]!.view as unknown as { refreshing: Promise<void>; containerEl: HTMLElement };
    await inbox.refreshing;
    (inbox.containerEl.querySelector('.groundwork-inbox-title a') as HTMLElement).click();
    await settle(app);
    const proposalFile = app.workspace.getActiveFile() as TFile;
    expect(proposalFile.path.startsWith('Groundwork/Inbox/')).toBe(true);

    await command('accept-proposal');
    const acceptModal = openModals[openModals.length - 1]!;
    await (acceptModal as unknown as { previewing: Promise<void> }).previewing;
    const diff = acceptModal.contentEl.querySelector('.groundwork-diff')!.textContent;
    expect(diff).toContain('+ ## Agent notes 1');
    const apply = acceptModal.contentEl.querySelector('button.mod-cta') as HTMLButtonElement;
    expect(apply.disabled).toBe(false);
    apply.click();
    await plugin.whenIdle();
    await settle(app);
    expect(read(target)).toContain('## Agent notes 1');
    expect(read(proposalFile.path)).toContain('status: accepted');

    await command('undo-last-change');
    expect(read(target)).toBe(original);
  });

  it('keeps the scout’s full-text index current: a note written after the first run is found by the next', async () => {
    await open('LoRA fine-tuning.md');
    await research();
    const sources = 'Groundwork/LoRA fine-tuning/LoRA fine-tuning sources.md';
    expect(read(sources)).not.toContain('Rank notes');
    await app.vault.create('Notes/Rank notes.md', '# Rank notes\n\nLoRA ranks and learning rates when you fine-tune a small model.\n');
    await settle(app);
    await open('LoRA fine-tuning.md');
    await research();
    expect(read(sources)).toContain('[[Notes/Rank notes]]');
  });

  it('the settings tab tests the connection: it lists the models, or says plainly what is wrong', async () => {
    const tab = app.setting.openTabById('groundwork')!;
    const button = () => [...tab.containerEl.querySelectorAll('button')].find((b) => b.textContent === 'Test')!;
    const status = () => tab.containerEl.querySelector('.groundwork-muted')!.textContent ?? '';
    const tested = () => (tab as unknown as { testing: Promise<void> }).testing;
    button().click();
    await tested();
    expect(status()).toMatch(/^Connected/);
    expect(status()).not.toMatch(/no model named|but/);
    // A wrong key: the server says 401, the person reads what to fix.
    app.secretStorage.setSecret('groundwork-api-key', 'sk-wrong');
    button().click();
    await tested();
    expect(status()).toMatch(/key/i);
    expect(status()).not.toContain('sk-wrong');
  });

  it('sign-off modal lists the blockers and cannot be confirmed while blocked', async () => {
    await open('Kubernetes.md');
    await command('sign-off-domain');
    const modal = openModals[openModals.length - 1]!;
    expect(modal.contentEl.textContent).toContain('No distillate yet');
    expect((modal.contentEl.querySelector('button.mod-cta') as HTMLButtonElement).disabled).toBe(true);
    expect(read('Kubernetes.md')).not.toContain('signed-off');
  });

  it('a failing model server ends in one clear notice and writes nothing', async () => {
    await server.close();
    server = await OpenAiTestServer.start({ handler: () => ({ status: 500, errorMessage: 'boom' }) });
    await plugin.updateSettings({ llm: { ...plugin.settings.llm, baseURL: server.url, maxRetries: 0 } });
    await open('Kubernetes.md');
    await research();
    const failure = noticeMessages.find((m: string) => m.startsWith('Groundwork: Research failed.'));
    expect(failure).toBeDefined();
    expect(failure).not.toMatch(/\n\s+at /);
    expect(() => read('Groundwork/Kubernetes/Kubernetes distillate.md')).toThrow();
  });
});
