// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { destroyApp, removeTempVault, settle, type App } from '../support/obsidian/index';
import { openModals } from '../support/obsidian/ui';
import { startPluginWithModel, type PluginLike } from '../support/plugin-harness';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';

/**
 * The two workflow switches a person can choose, and Reject in the inbox view, through the
 * built main.js: research without its dialog and without touching the domain note, then a
 * proposal rejected in place.
 */

let app: App;
let dir: string;
let server: OpenAiTestServer;
let plugin: PluginLike;

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents(), requireKey: 'sk-switch' });
  ({ app, dir, plugin } = await startPluginWithModel(server.url, 'sk-switch'));
});

afterEach(async () => {
  await destroyApp(app);
  removeTempVault(dir);
  await server.close();
});

const read = (rel: string) => readFileSync(path.join(dir, rel), 'utf8');

async function idle(): Promise<void> {
  await plugin.whenIdle();
  await settle(app);
  await plugin.whenIdle();
}

async function command(id: string, on: string): Promise<void> {
  await app.workspace.setActiveFile(app.vault.getFileByPath(on));
  await settle(app);
  await app.commands.run(`groundwork:${id}`);
  await idle();
}

describe('workflow switches and Reject', () => {
  it('research starts at once and leaves the domain note alone when asked to; Reject in the inbox view changes nothing and records it', async () => {
    await plugin.updateSettings({ skipResearchConfirmation: true, linkDomainNote: false });
    const domainNote = read('LoRA fine-tuning.md');
    const modalsBefore = openModals.length;
    await command('research-domain', 'LoRA fine-tuning.md');
    // No dialog: the run went straight to the model and wrote its notes.
    expect(openModals.length).toBe(modalsBefore);
    expect(server.chatRequests.length).toBeGreaterThan(0);
    expect(read('Groundwork/LoRA fine-tuning/LoRA fine-tuning distillate.md')).toContain('groundwork: distillate');
    // No "## Groundwork" section of links appended: the domain note is byte for byte as it was.
    expect(read('LoRA fine-tuning.md')).toBe(domainNote);

    const target = 'Notes/Adapter rank experiments.md';
    const before = read(target);
    await command('run-task', target);
    const task = openModals[openModals.length - 1]!;
    const area = task.contentEl.querySelector('textarea')!;
    area.value = 'Summarize the findings';
    area.dispatchEvent(new Event('input'));
    [...task.contentEl.querySelectorAll('button')].find((b) => b.textContent === 'Run')!.click();
    await idle();

    const view = app.workspace.getLeavesOfType('groundwork-inbox')[0]!.view as unknown as { refreshing: Promise<void>; previews: Promise<unknown>[]; containerEl: HTMLElement };
    await view.refreshing;
    await Promise.all(view.previews);
    const item = view.containerEl.querySelector<HTMLElement>('.groundwork-inbox-item')!;
    expect(item.textContent).toContain('Summarize the findings');
    [...item.querySelectorAll('button')].find((b) => b.textContent === 'Reject')!.click();
    await idle();
    await view.refreshing;

    expect(read(target)).toBe(before);
    expect(view.containerEl.querySelectorAll('.groundwork-inbox-item')).toHaveLength(0);
    const inbox = path.join(dir, 'Groundwork/Inbox');
    const proposals = readdirSync(inbox).filter((f) => f.endsWith('.md'));
    expect(proposals).toHaveLength(1);
    // Kept on disk for the record, marked as the person decided.
    expect(read(`Groundwork/Inbox/${proposals[0]}`)).toMatch(/^status: rejected$/m);
  });
});
