// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { destroyApp, removeTempVault, settle, type App } from '../support/obsidian/index';
import { openModals } from '../support/obsidian/ui';
import { startPluginWithModel, type PluginLike } from '../support/plugin-harness';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';

/**
 * The person's whole path, through the built main.js, using only what the map view and the
 * inbox view render: from a fresh vault to an accepted proposal and a signed-off domain. Every
 * step is a click on a rendered button or link; the only other acts are the person's own edits
 * of notes (raising a confidence, ticking an issue), which no button may do for them.
 */

let app: App;
let dir: string;
let server: OpenAiTestServer;
let plugin: PluginLike & { live: { notify(): void } };

const FILES = {
  'Fine-tuning.md': '# Fine-tuning\n\nHow I adapt small language models with LoRA adapters: ranks, learning rates, evaluation.\n',
  'Notes/Rank experiments.md': '---\ndomain: "[[Fine-tuning]]"\n---\n# Rank experiments\n\nRank 8 against rank 64 on the support dataset; fine-tune LoRA adapters.\n',
  'Notes/Groceries.md': '# Groceries\n\nMilk.\n',
};

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents(), requireKey: 'sk-flow' });
  const started = await startPluginWithModel(server.url, 'sk-flow', { files: FILES });
  ({ app, dir } = started);
  plugin = started.plugin as typeof plugin;
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
  plugin.live.notify();
}

function mapEl(): HTMLElement {
  return app.workspace.getLeavesOfType('groundwork-autonomy-map')[0]!.view.containerEl;
}

function card(name: string): HTMLElement {
  const c = [...mapEl().querySelectorAll<HTMLElement>('.groundwork-domain')].find((el) => el.querySelector('.groundwork-domain-title a')?.textContent === name);
  if (!c) throw new Error(`no card for ${name} on the map`);
  return c;
}

function button(root: HTMLElement, text: string | RegExp): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => (typeof text === 'string' ? x.textContent === text : text.test(x.textContent ?? '')));
  if (!b) throw new Error(`no button "${String(text)}" in: ${[...root.querySelectorAll('button')].map((x) => x.textContent).join(' | ')}`);
  return b;
}

function lastModal() {
  return openModals[openModals.length - 1]!;
}

async function click(el: HTMLElement): Promise<void> {
  expect((el as HTMLButtonElement).disabled ?? false).toBe(false);
  el.click();
  await idle();
}

/** A person's own edit of a note, as in the editor. */
async function edit(rel: string, fn: (t: string) => string): Promise<void> {
  await app.vault.process(app.vault.getFileByPath(rel)!, fn);
  await idle();
}

function inboxEl(): HTMLElement {
  return app.workspace.getLeavesOfType('groundwork-inbox')[0]!.view.containerEl;
}

async function inboxReady(): Promise<void> {
  const view = app.workspace.getLeavesOfType('groundwork-inbox')[0]!.view as unknown as { refreshing: Promise<void>; previews: Promise<unknown>[] };
  await view.refreshing;
  await Promise.all(view.previews);
}

describe('from a fresh vault to a signed-off domain and an accepted proposal, by clicks in the map and the inbox', () => {
  it('adopt → research (asked first) → task → accept in the inbox → review → skeleton → sign off', async () => {
    // The ribbon icon opens the map; the fresh vault has no domain and says what to do.
    const ribbon = app.ribbonEl.querySelector<HTMLElement>('[aria-label="Open autonomy map"]')!;
    await click(ribbon);
    expect(mapEl().textContent).toContain('No domains yet');

    // Adopt: pick the note, see who joins, confirm.
    await click(button(mapEl().querySelector('.groundwork-empty')!, 'Adopt a note as domain'));
    const picker = lastModal() as unknown as { setQuery(q: string): Promise<unknown[]>; resultContainerEl: HTMLElement };
    await picker.setQuery('Fine-tuning');
    await click(picker.resultContainerEl.querySelector<HTMLElement>('.suggestion-item')!);
    const adopt = lastModal();
    expect(adopt.contentEl.querySelector('.groundwork-joining')!.textContent).toContain('Notes/Rank experiments');
    expect(adopt.contentEl.textContent).toContain('confidence: low');
    await click(button(adopt.contentEl, 'Adopt'));
    expect(read('Fine-tuning.md')).toMatch(/^---\ngroundwork: domain\nconfidence: low\n---\n/);
    // It sits in the tension zone; its badge names the zone.
    expect(card('Fine-tuning').closest('.groundwork-zone-propose')).not.toBeNull();
    expect(card('Fine-tuning').querySelector('.groundwork-badge')!.getAttribute('data-zone')).toBe('Tension zone');

    // Research asks first: the dialog shows the dry run, and no model has been called.
    await click(button(card('Fine-tuning'), 'Research'));
    const confirm = lastModal();
    expect(confirm.contentEl.textContent).toMatch(/Sources found \(\d+\)/);
    expect(confirm.contentEl.textContent).toContain('Rank experiments');
    // The example vault has fewer notes on it than the 10 sources asked for: the dialog says why.
    const found = Number(/Sources found \((\d+)\)/.exec(confirm.contentEl.textContent)![1]);
    expect(found).toBeLessThan(10);
    expect(confirm.contentEl.querySelector('.groundwork-fewer-sources')?.textContent).toMatch(new RegExp(`^${found} of the 10 sources asked for: no other note`));
    expect(confirm.contentEl.textContent).toMatch(/\d+ model calls/);
    expect(server.chatRequests).toHaveLength(0);
    await click(button(confirm.contentEl, 'Run research'));
    expect(read('Groundwork/Fine-tuning/Fine-tuning distillate.md')).toContain('groundwork: distillate');

    // A task in the tension zone: options in the inbox, nothing changed yet.
    const target = 'Notes/Rank experiments.md';
    const original = read(target);
    await click(button(card('Fine-tuning'), 'Run a task'));
    const task = lastModal();
    await click(button(task.contentEl, 'Choose…'));
    const notes = lastModal() as unknown as { setQuery(q: string): Promise<{ item: string }[]>; resultContainerEl: HTMLElement };
    // Only the domain's notes are offered: not the groceries.
    expect((await notes.setQuery('')).map((m) => m.item).sort()).toEqual(['Fine-tuning.md', target]);
    await notes.setQuery('rank');
    await click(notes.resultContainerEl.querySelector<HTMLElement>('.suggestion-item')!);
    const area = task.contentEl.querySelector('textarea')!;
    area.value = 'Summarize the findings';
    area.dispatchEvent(new Event('input'));
    await click(button(task.contentEl, 'Run'));
    expect(read(target)).toBe(original);

    // The inbox view opened beside the map: choose option 2 and accept it, in place.
    await inboxReady();
    const item = inboxEl().querySelector<HTMLElement>('.groundwork-inbox-item')!;
    expect(item.textContent).toContain('Summarize the findings');
    expect(item.textContent).toContain('propose');
    expect(item.querySelector('.groundwork-diff')!.textContent).toContain('+ ## Agent notes 1');
    const radio = item.querySelector<HTMLInputElement>('input[type=radio][value="2"]')!;
    radio.checked = true;
    radio.dispatchEvent(new Event('change'));
    await inboxReady();
    expect(item.querySelector('.groundwork-diff')!.textContent).toContain('+ ## Agent notes 2');
    await click(button(item, 'Accept option 2'));
    await inboxReady();
    expect(read(target)).toContain('## Agent notes 2');
    expect(inboxEl().querySelectorAll('.groundwork-inbox-item')).toHaveLength(0);
    expect(inboxEl().textContent).toContain('Accepted');

    // Review: each blocker links the note that clears it; the person raises and ticks there.
    const blockerLinks = [...card('Fine-tuning').querySelectorAll<HTMLAnchorElement>('.groundwork-blockers a.internal-link')];
    expect(blockerLinks.map((a) => a.getAttribute('data-href'))).toEqual(['Groundwork/Fine-tuning/Fine-tuning distillate.md', 'Groundwork/Fine-tuning/Fine-tuning critique.md']);
    for (const a of blockerLinks) {
      await click(a);
      expect(app.workspace.getActiveFile()?.path).toBe(a.getAttribute('data-href'));
    }
    await edit('Groundwork/Fine-tuning/Fine-tuning distillate.md', (t) => t.replace('confidence: low', 'confidence: high'));
    await edit('Groundwork/Fine-tuning/Fine-tuning critique.md', (t) => t.replace(/- \[ \]/g, '- [x]'));

    // The next step is the skeleton, then its review, then the sign-off.
    await click(button(card('Fine-tuning'), 'Draft skeleton'));
    expect(read('Groundwork/Fine-tuning/Fine-tuning skeleton.md')).toContain('groundwork: skeleton');
    await edit('Groundwork/Fine-tuning/Fine-tuning skeleton.md', (t) => t.replace('confidence: low', 'confidence: medium'));
    await click(button(card('Fine-tuning'), 'Sign off'));
    const signoff = lastModal();
    expect(signoff.contentEl.querySelector('.groundwork-writes')!.textContent).toContain('confidence: low → high');
    expect(signoff.contentEl.querySelector('.groundwork-writes')!.textContent).toMatch(/signed-off-distillate: \(unset\) → sha256:[0-9a-f]{12}/);
    await click(button(signoff.contentEl, 'Sign off'));
    expect(read('Fine-tuning.md')).toMatch(/signed-off: "?\d{4}-\d\d-\d\d/);
    expect(read('Fine-tuning.md')).toContain('confidence: high');
    const done = card('Fine-tuning');
    expect(done.closest('.groundwork-zone-automate')).not.toBeNull();
    expect(button(done, 'Run a task').classList.contains('mod-cta')).toBe(true);
  });
});
