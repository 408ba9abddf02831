import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createApp, createTempVault, destroyApp, removeTempVault, settle, type App } from './obsidian/index';
import { openModals } from './obsidian/ui';
import { enablePlugin, loadBuiltPlugin, readManifest } from './obsidian/load-plugin';
import { OpenAiTestServer } from './openai-server';
import { scriptedAgents } from './scripted-agents';
import { EXAMPLE_VAULT } from './temp-vault';
import { BasesEvaluator, matchesFilter, type Row } from './bases-expression';
import { parse as parseYaml } from 'yaml';
import { plainWikilinks } from '../../src/core/links';

/**
 * The scenes of the gallery: each view and dialog as the REAL plugin classes in the built
 * main.js render it, in a real state reached by driving the plugin as a person would. The
 * gallery script pictures them in headless Chromium; the test suite checks their DOM.
 */

const ROOT = path.resolve(__dirname, '../..');

export interface Scene {
  name: string;
  title: string;
  /** The rendered element, its form values written into attributes so a picture shows them. */
  html: string;
  /** A detached copy of the element, for DOM checks. */
  el: HTMLElement;
  /** data-href targets that do not resolve to a file of the vault. */
  brokenLinks: string[];
  /** Picture size in CSS pixels. */
  width: number;
  height: number;
  kind: 'view' | 'modal' | 'settings';
}

type PluginLike = {
  whenIdle(): Promise<void>;
  updateSettings(p: unknown): Promise<boolean>;
  settings: { llm: Record<string, unknown> };
  live: { notify(): void };
  autonomy: { whenIdle(): Promise<void> };
};

interface Session {
  app: App;
  dir: string;
  plugin: PluginLike;
  server: OpenAiTestServer;
}

async function start(files: Record<string, string>, opts: { example: boolean; model: boolean }): Promise<Session> {
  const server = await OpenAiTestServer.start({ handler: scriptedAgents(), requireKey: 'sk-gallery', models: ['llama3.1:8b', 'qwen2.5:14b', 'gpt-4o-mini'] });
  const dir = createTempVault({});
  if (opts.example) cpSync(EXAMPLE_VAULT, dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  const app = createApp(dir);
  await settle(app);
  const loaded = loadBuiltPlugin(app, path.join(ROOT, 'main.js'), readManifest(path.join(ROOT, 'manifest.json')));
  await enablePlugin(app, loaded);
  await app.workspace.triggerLayoutReady();
  const plugin = loaded as unknown as PluginLike;
  app.secretStorage.setSecret('groundwork-api-key', 'sk-gallery');
  if (opts.model) await plugin.updateSettings({ llm: { ...plugin.settings.llm, preset: 'custom', baseURL: server.url, model: 'llama3.1:8b', prices: { 'llama3.1:8b': { inputPerMTok: 0.1, outputPerMTok: 0.4 } } } });
  await settle(app);
  return { app, dir, plugin, server };
}

async function stop(s: Session): Promise<void> {
  for (const m of openModals.slice()) m.close();
  await destroyApp(s.app);
  removeTempVault(s.dir);
  await s.server.close();
}

async function idle(s: Session): Promise<void> {
  await s.plugin.whenIdle();
  await settle(s.app);
  await s.plugin.whenIdle();
  // Evidence (probation, outcomes) is refreshed after changes; the map shows it once that is done.
  await s.plugin.autonomy.whenIdle();
  await settle(s.app);
  s.plugin.live.notify();
}

interface BaseFile {
  properties?: Record<string, { displayName?: string }>;
  formulas?: Record<string, string>;
  views: { name: string; filters?: unknown; order: string[] }[];
}

/**
 * Groundwork/Domains.base as a person would see its three tables. Obsidian draws Bases itself
 * and no headless Obsidian exists, so the file the plugin wrote is evaluated by the test suite's
 * strict Bases interpreter (the one that checks its formulas against the policy table) over the
 * vault's notes, and drawn as plain tables.
 */
function domainsBaseEl(s: Session): HTMLElement {
  const file = s.app.vault.getFileByPath('Groundwork/Domains.base');
  if (!file) throw new Error('Groundwork/Domains.base was not written');
  const base = parseYaml(s.app.vault.readSync(file)) as BaseFile;
  const ev = new BasesEvaluator(base.formulas ?? {});
  const rows: Row[] = s.app.vault
    .getMarkdownFiles()
    .map((f) => ({ path: f.path, frontmatter: s.app.metadataCache.getFileCache(f)?.frontmatter ?? {} }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const root = createDiv({ cls: 'workspace-leaf-content groundwork-gallery-base' });
  const header = root.createDiv({ cls: 'view-header' });
  header.createDiv({ cls: 'view-header-title', text: 'Domains' });
  const content = root.createDiv({ cls: 'view-content' });
  content.createEl('h2', { text: 'Groundwork/Domains.base' });
  content.createEl('p', { cls: 'groundwork-muted', text: 'Its three views, evaluated from the file Groundwork wrote; Obsidian draws them as editable tables.' });
  const label = (col: string) => base.properties?.[col]?.displayName ?? base.properties?.[`note.${col}`]?.displayName ?? col;
  const cell = (col: string, row: Row): string => {
    if (col === 'file.name') return row.path.slice(row.path.lastIndexOf('/') + 1).replace(/\.md$/, '');
    const v = col.startsWith('formula.') ? ev.evaluate(col, row) : row.frontmatter[col.replace(/^note\./, '')];
    if (v === null || v === undefined) return '';
    return plainWikilinks(typeof v === 'string' ? v : JSON.stringify(v));
  };
  for (const view of base.views) {
    const shown = rows.filter((r) => matchesFilter(ev, view.filters, r));
    content.createEl('h3', { text: `${view.name} (${shown.length})` });
    const table = content.createEl('table', { cls: 'groundwork-gallery-table' });
    const head = table.createEl('thead').createEl('tr');
    for (const col of view.order) head.createEl('th', { text: label(col) });
    const body = table.createEl('tbody');
    for (const r of shown) {
      const tr = body.createEl('tr');
      for (const col of view.order) tr.createEl('td', { text: cell(col, r) });
    }
    if (shown.length === 0) body.createEl('tr').createEl('td', { text: 'No notes', attr: { colspan: String(view.order.length) } });
  }
  return root;
}

/** Form state lives in properties; a picture of outerHTML needs it in attributes. */
function freeze(el: HTMLElement): void {
  for (const i of Array.from(el.querySelectorAll('input'))) {
    if (i.type === 'checkbox' || i.type === 'radio') {
      if (i.checked) i.setAttribute('checked', '');
      else i.removeAttribute('checked');
    } else i.setAttribute('value', i.value);
  }
  for (const t of Array.from(el.querySelectorAll('textarea'))) t.textContent = t.value;
  for (const sel of Array.from(el.querySelectorAll('select'))) {
    for (const o of Array.from(sel.options)) {
      if (o.value === sel.value) o.setAttribute('selected', '');
      else o.removeAttribute('selected');
    }
  }
}

function capture(s: Session, name: string, title: string, el: HTMLElement, kind: Scene['kind'], width: number, height: number): Scene {
  freeze(el);
  const brokenLinks = Array.from(el.querySelectorAll('a[data-href]'))
    .map((a) => a.getAttribute('data-href')!)
    // A link is resolved as Obsidian resolves link text: a path or a name, with or without .md, a #heading aside.
    .filter((href) => !s.app.vault.getAbstractFileByPath(href) && !s.app.metadataCache.getFirstLinkpathDest(href.split('#')[0]!, ''));
  return { name, title, html: el.outerHTML, el: el.cloneNode(true) as HTMLElement, brokenLinks, width, height, kind };
}

/** A view's element, its header titled as Obsidian titles it. */
function leafEl(app: App, type: string): HTMLElement {
  const leaf = app.workspace.getLeavesOfType(type)[0];
  if (!leaf) throw new Error(`no ${type} view is open`);
  leaf.view.containerEl.querySelector('.view-header-title')?.setText(leaf.view.getDisplayText());
  return leaf.view.containerEl;
}

function lastModal() {
  const m = openModals[openModals.length - 1];
  if (!m) throw new Error('no modal is open');
  return m;
}

function button(root: HTMLElement, text: string): HTMLButtonElement {
  const b = Array.from(root.querySelectorAll('button')).find((x) => x.textContent === text);
  if (!b) throw new Error(`no button "${text}"`);
  return b;
}

async function open(s: Session, rel: string): Promise<void> {
  await s.app.workspace.setActiveFile(s.app.vault.getFileByPath(rel));
  await settle(s.app);
}

async function command(s: Session, id: string): Promise<void> {
  await s.app.commands.run(`groundwork:${id}`);
  await idle(s);
}

async function edit(s: Session, rel: string, fn: (t: string) => string): Promise<void> {
  await s.app.vault.process(s.app.vault.getFileByPath(rel)!, fn);
  await idle(s);
}

const FRESH = {
  'Fine-tuning.md': '# Fine-tuning\n\nHow I adapt small language models with LoRA adapters.\n',
  'Notes/Rank experiments.md': '---\ndomain: "[[Fine-tuning]]"\n---\n# Rank experiments\n\nRank 8 against rank 64.\n',
  'Notes/Groceries.md': '# Groceries\n',
};

const HELP_PAGES = {
  'Bases/Introduction to Bases.md': '# Introduction to Bases\n\nBases show notes as a database. See [[Bases syntax]] and [[Views]].\n',
  'Bases/Bases syntax.md': '# Bases syntax\n\nFilters, formulas and views, written in YAML.\n',
  'Bases/Views.md': '# Views\n\nTable and cards views, each with its own filters.\n',
  'Bases/Functions.md': '# Functions\n\nDate, string and list functions for formulas.\n',
  'Plugins/Core plugins.md': '# Core plugins\n\n[[Introduction to Bases]] and the rest.\n',
};

const PROBLEMS = {
  'Broken trust.md': '---\ngroundwork: domain\nconfidence: sure\n---\nA domain with a typo in its trust.\n',
  'Notes/Orphan.md': '---\ndomain: "[[Reading list]]"\n---\nLinks a note that is not a domain.\n',
  'Reading list.md': '# Reading list\n',
  'Notes/Lost.md': '---\ndomain: "[[Nowhere]]"\n---\nLinks a note that does not exist.\n',
  'Legal.md': '---\ngroundwork: domain\nconfidence: high\ncritical: true\nautonomy: propose\n---\nCapped below what critical allows.\n',
};

/** Every scene, in the order the gallery shows them. */
export async function buildScenes(): Promise<Scene[]> {
  const scenes: Scene[] = [];

  // A fresh vault: the welcome view opens on first enable; the map is empty.
  let s = await start(FRESH, { example: false, model: false });
  try {
    const welcome = s.app.workspace.getLeavesOfType('groundwork-welcome')[0]!.view as unknown as { render(): Promise<void>; model: { testing: Promise<void> }; containerEl: HTMLElement };
    await s.plugin.updateSettings({ llm: { ...s.plugin.settings.llm, preset: 'custom', baseURL: s.server.url } });
    await welcome.render();
    button(welcome.containerEl, 'Test').click();
    await welcome.model.testing;
    scenes.push(capture(s, 'welcome', 'Welcome view: connect a model, adopt a note, research it', leafEl(s.app, 'groundwork-welcome'), 'view', 900, 1180));
    await s.app.commands.run('groundwork:open-autonomy-map');
    await idle(s);
    scenes.push(capture(s, 'map-empty', 'Autonomy map of a fresh vault', leafEl(s.app, 'groundwork-autonomy-map'), 'view', 900, 620));
  } finally {
    await stop(s);
  }

  // Adopting a note that sits among notes on the same thing: its folder can come with it.
  s = await start(HELP_PAGES, { example: false, model: false });
  try {
    await open(s, 'Bases/Introduction to Bases.md');
    await command(s, 'adopt-domain');
    (lastModal().contentEl.querySelector('.checkbox-container') as HTMLElement).click();
    scenes.push(capture(s, 'adopt-folder', 'Adopt a note as a domain, its folder with it', lastModal().modalEl, 'modal', 760, 560));
  } finally {
    await stop(s);
  }

  // The example vault with a model: settings, research, tasks, inbox, sign-off, the map after a cycle.
  s = await start({}, { example: true, model: true });
  try {
    const tab = s.app.setting.openTabById('groundwork')!;
    button(tab.containerEl, 'Test').click();
    await (tab as unknown as { testing: Promise<void> }).testing;
    scenes.push(capture(s, 'settings', 'Settings tab after Test connection', tab.containerEl, 'settings', 900, 1900));
    s.app.setting.close();

    await open(s, 'LoRA fine-tuning.md');
    await command(s, 'research-domain');
    scenes.push(capture(s, 'research-confirm', 'Research asks first: the dry run', lastModal().modalEl, 'modal', 760, 640));
    button(lastModal().contentEl, 'Run research').click();
    await idle(s);

    await open(s, 'Notes/Adapter rank experiments.md');
    await command(s, 'run-task');
    const task = lastModal();
    const area = task.contentEl.querySelector('textarea')!;
    area.value = 'Summarize what the rank experiments found';
    area.dispatchEvent(new Event('input'));
    scenes.push(capture(s, 'task', 'Run a task: the note picker and the task', task.modalEl, 'modal', 760, 520));
    button(task.contentEl, 'Run').click();
    await idle(s);

    await open(s, 'Kubernetes.md');
    await command(s, 'research-domain');
    button(lastModal().contentEl, 'Run research').click();
    await idle(s);
    await open(s, 'Projects/Staging cluster runbook.md');
    await command(s, 'run-task');
    const t2 = lastModal();
    const a2 = t2.contentEl.querySelector('textarea')!;
    a2.value = 'Add a rollback section';
    a2.dispatchEvent(new Event('input'));
    button(t2.contentEl, 'Run').click();
    await idle(s);

    const inbox = s.app.workspace.getLeavesOfType('groundwork-inbox')[0]!.view as unknown as { refresh(): Promise<void>; previews: Promise<unknown>[]; containerEl: HTMLElement };
    await inbox.refresh();
    await Promise.all(inbox.previews);
    scenes.push(capture(s, 'inbox', 'Inbox side view: propose and assist proposals with diffs', leafEl(s.app, 'groundwork-inbox'), 'view', 520, 900));

    await open(s, 'Kubernetes.md');
    await command(s, 'sign-off-domain');
    await (lastModal() as unknown as { rendering: Promise<void> }).rendering;
    scenes.push(capture(s, 'signoff-blocked', 'Sign-off dialog, blocked', lastModal().modalEl, 'modal', 760, 620));
    lastModal().close();

    await open(s, 'Kubernetes.md');
    await command(s, 'draft-skeleton');
    await edit(s, 'Groundwork/Kubernetes/Kubernetes distillate.md', (t) => t.replace('confidence: low', 'confidence: high'));
    await edit(s, 'Groundwork/Kubernetes/Kubernetes critique.md', (t) => t.replace(/- \[ \]/g, '- [x]'));
    await edit(s, 'Groundwork/Kubernetes/Kubernetes skeleton.md', (t) => t.replace('confidence: low', 'confidence: medium'));
    await command(s, 'sign-off-domain');
    await (lastModal() as unknown as { rendering: Promise<void> }).rendering;
    scenes.push(capture(s, 'signoff-ready', 'Sign-off dialog, ready: what it writes', lastModal().modalEl, 'modal', 760, 520));
    lastModal().close();

    await s.app.commands.run('groundwork:open-autonomy-map');
    await idle(s);
    scenes.push(capture(s, 'map-cycle', 'Autonomy map after a research cycle', leafEl(s.app, 'groundwork-autonomy-map'), 'view', 900, 1060));
    scenes.push(capture(s, 'domains-base', 'Groundwork/Domains.base: its three views over the same vault', domainsBaseEl(s), 'view', 900, 700));

    // Two automated changes in the signed-off domain, both undone: the evidence puts it on probation.
    for (const task of ['Add a checklist summary', 'Add a rollback note']) {
      await open(s, 'Notes/Blog deploy checklist.md');
      await command(s, 'run-task');
      const t = lastModal();
      const area = t.contentEl.querySelector('textarea')!;
      area.value = task;
      area.dispatchEvent(new Event('input'));
      button(t.contentEl, 'Run').click();
      await idle(s);
      await command(s, 'undo-last-change');
    }
    await s.app.commands.run('groundwork:open-autonomy-map');
    await idle(s);
    scenes.push(capture(s, 'map-evidence', 'Autonomy map: evidence put a signed-off domain on probation', leafEl(s.app, 'groundwork-autonomy-map'), 'view', 900, 1110));
  } finally {
    await stop(s);
  }

  // The example vault with problems in its frontmatter.
  s = await start(PROBLEMS, { example: true, model: true });
  try {
    await s.app.commands.run('groundwork:open-autonomy-map');
    await idle(s);
    scenes.push(capture(s, 'map-problems', 'Autonomy map with problems', leafEl(s.app, 'groundwork-autonomy-map'), 'view', 900, 1180));
  } finally {
    await stop(s);
  }
  return scenes;
}
