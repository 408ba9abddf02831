// @vitest-environment happy-dom
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as nodePath from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  App,
  ButtonComponent,
  Events,
  FuzzySuggestModal,
  ItemView,
  Menu,
  Modal,
  Notice,
  Plugin,
  PluginSettingTab,
  SecretComponent,
  Setting,
  TFile,
  TFolder,
  type TAbstractFile,
  type WorkspaceLeaf,
  createApp,
  createTempVault,
  debounce,
  destroyApp,
  getAllTags,
  noticeMessages,
  normalizePath,
  openModals,
  removeTempVault,
  requestUrl,
  settle,
  simulateExternalEdit,
} from './support/obsidian/index';
import { enablePlugin, forbiddenRequires, loadBuiltPlugin } from './support/obsidian/load-plugin';

const manifest = () => ({
  id: 'shim-test',
  name: 'Shim test',
  version: '0.0.1',
  minAppVersion: '1.11.4',
  author: 'tests',
  description: 'exercises the shim',
});

let dir: string;
let app: App;

function setup(files: Record<string, string>): App {
  dir = createTempVault(files);
  app = createApp(dir);
  return app;
}

afterEach(async () => {
  if (app) await destroyApp(app);
  if (dir) removeTempVault(dir);
});

function file(path: string): TFile {
  const f = app.vault.getFileByPath(path);
  if (!f) throw new Error(`missing ${path}`);
  return f;
}

describe('Vault', () => {
  it('scans the folder, skips the config folder, reaches it through the adapter', async () => {
    setup({ 'a.md': 'A', 'sub/b.md': 'B', 'img.png': 'x', '.obsidian/app.json': '{}' });
    expect(app.vault.getMarkdownFiles().map((f) => f.path).sort()).toEqual(['a.md', 'sub/b.md']);
    expect(app.vault.getFiles().map((f) => f.path).sort()).toEqual(['a.md', 'img.png', 'sub/b.md']);
    expect(app.vault.getAbstractFileByPath('.obsidian/app.json')).toBeNull();
    expect(await app.vault.adapter.exists('.obsidian/app.json')).toBe(true);
    expect(await app.vault.adapter.read('.obsidian/app.json')).toBe('{}');
    expect(await app.vault.adapter.list('.obsidian')).toEqual({ files: ['.obsidian/app.json'], folders: [] });
    const b = file('sub/b.md');
    expect([b.name, b.basename, b.extension, b.parent?.path]).toEqual(['b.md', 'b', 'md', 'sub']);
    expect(b.stat.size).toBe(1);
    expect(app.vault.getRoot().isRoot()).toBe(true);
    expect(app.vault.getFolderByPath('sub')).toBeInstanceOf(TFolder);
    expect(app.vault.configDir).toBe('.obsidian');
    expect(app.vault.adapter.getBasePath()).toBe(nodePath.resolve(dir));
  });

  it('creates, reads, processes, renames and deletes on disk, firing events', async () => {
    setup({});
    const events: string[] = [];
    app.vault.on('create', (f: TAbstractFile) => events.push(`create ${f.path}`));
    app.vault.on('modify', (f: TAbstractFile) => events.push(`modify ${f.path}`));
    app.vault.on('delete', (f: TAbstractFile) => events.push(`delete ${f.path}`));
    app.vault.on('rename', (f: TAbstractFile, old: string) => events.push(`rename ${old} -> ${f.path}`));

    await expect(app.vault.create('notes/n.md', 'x')).rejects.toThrow(/Parent folder/);
    await app.vault.createFolder('notes');
    const n = await app.vault.create('notes/n.md', 'one');
    await expect(app.vault.create('notes/n.md', 'again')).rejects.toThrow('File already exists.');
    expect(await app.vault.read(n)).toBe('one');
    const out = await app.vault.process(n, (s) => `${s} two`);
    expect(out).toBe('one two');
    expect(fs.readFileSync(nodePath.join(dir, 'notes/n.md'), 'utf8')).toBe('one two');
    expect(fs.readdirSync(nodePath.join(dir, 'notes'))).toEqual(['n.md']); // no temp file left behind
    await app.vault.append(n, '!');
    expect(await app.vault.cachedRead(n)).toBe('one two!');
    await app.vault.rename(n, 'notes/m.md');
    expect(n.path).toBe('notes/m.md');
    expect(app.vault.getAbstractFileByPath('notes/n.md')).toBeNull();
    expect(fs.existsSync(nodePath.join(dir, 'notes/m.md'))).toBe(true);
    await app.vault.delete(n);
    expect(fs.existsSync(nodePath.join(dir, 'notes/m.md'))).toBe(false);
    expect(events).toEqual([
      'create notes',
      'create notes/n.md',
      'modify notes/n.md',
      'modify notes/n.md',
      'rename notes/n.md -> notes/m.md',
      'delete notes/m.md',
    ]);
  });

  it('renames folders with their children, trashes to .trash, handles binary', async () => {
    setup({ 'f/a.md': 'A', 'f/g/b.md': 'B' });
    await app.vault.rename(app.vault.getFolderByPath('f')!, 'h');
    expect(app.vault.getMarkdownFiles().map((f) => f.path).sort()).toEqual(['h/a.md', 'h/g/b.md']);
    await app.vault.trash(file('h/a.md'), true);
    expect(fs.readFileSync(nodePath.join(dir, '.trash/a.md'), 'utf8')).toBe('A');
    expect(app.vault.getAbstractFileByPath('h/a.md')).toBeNull();
    const bin = await app.vault.createBinary('data.bin', new Uint8Array([1, 2, 3]).buffer);
    expect(Array.from(new Uint8Array(await app.vault.readBinary(bin)))).toEqual([1, 2, 3]);
  });

  it('notices external edits and adapter writes', async () => {
    setup({ 'a.md': 'old' });
    const events: string[] = [];
    app.vault.on('modify', (f: TAbstractFile) => events.push(`modify ${f.path}`));
    app.vault.on('create', (f: TAbstractFile) => events.push(`create ${f.path}`));
    app.vault.on('delete', (f: TAbstractFile) => events.push(`delete ${f.path}`));
    await simulateExternalEdit(app, 'a.md', '---\nconfidence: high\n---\nnew');
    expect(app.metadataCache.getFileCache(file('a.md'))?.frontmatter).toEqual({ confidence: 'high' });
    await simulateExternalEdit(app, 'b.md', 'B');
    await simulateExternalEdit(app, 'a.md', null);
    await app.vault.adapter.write('c.md', 'C');
    await app.vault.adapter.write('.obsidian/plugins/x/data.json', '{}');
    expect(events).toEqual(['modify a.md', 'create b.md', 'delete a.md', 'create c.md']);
  });
});

describe('MetadataCache', () => {
  it('parses frontmatter, links, frontmatter links, headings, tags and tasks', () => {
    setup({
      'n.md': '---\ndomain: "[[LoRA]]"\nrelated:\n  - "[[A]]"\nconfidence: low\ntags: [x]\n---\n# Title\nSee [[a|alias]] and [[b#Part]] and ![[img.png]].\n- [ ] open issue\n- [x] done #tag\n```\n[[not a link]]\n```\n',
      'bad.md': '---\nkey: [unclosed\n---\nbody',
    });
    const c = app.metadataCache.getFileCache(file('n.md'))!;
    expect(c.frontmatter).toEqual({ domain: '[[LoRA]]', related: ['[[A]]'], confidence: 'low', tags: ['x'] });
    expect(c.frontmatterPosition?.start.line).toBe(0);
    expect(c.frontmatterPosition?.end.line).toBe(6);
    expect(c.frontmatterLinks?.map((l) => [l.key, l.link])).toEqual([
      ['domain', 'LoRA'],
      ['related.0', 'A'],
    ]);
    expect(c.links?.map((l) => [l.link, l.displayText, l.original])).toEqual([
      ['a', 'alias', '[[a|alias]]'],
      ['b#Part', 'b > Part', '[[b#Part]]'],
    ]);
    expect(c.embeds?.map((l) => l.link)).toEqual(['img.png']);
    expect(c.headings?.map((h) => [h.heading, h.level, h.position.start.line])).toEqual([['Title', 1, 7]]);
    expect(c.listItems?.map((l) => l.task)).toEqual([' ', 'x']);
    expect(getAllTags(c)).toEqual(['#x', '#tag']);
    const bad = app.metadataCache.getFileCache(file('bad.md'))!;
    expect(bad.frontmatter).toBeUndefined();
    expect(bad.frontmatterPosition).toBeDefined();
  });

  it('resolves links by path and by basename, the shortest path first', () => {
    setup({
      'Domain.md': 'x',
      'deep/er/Domain.md': 'y',
      'deep/Other.md': 'z',
      'src.md': '[[Domain]] [[deep/er/Domain]] [[Other]] [[Missing]] [[Domain#H]]',
    });
    const mc = app.metadataCache;
    expect(mc.getFirstLinkpathDest('Domain', 'src.md')?.path).toBe('Domain.md');
    expect(mc.getFirstLinkpathDest('deep/er/Domain', 'src.md')?.path).toBe('deep/er/Domain.md');
    expect(mc.getFirstLinkpathDest('er/Domain.md', 'src.md')?.path).toBe('deep/er/Domain.md');
    expect(mc.getFirstLinkpathDest('other', 'src.md')?.path).toBe('deep/Other.md');
    expect(mc.getFirstLinkpathDest('Missing', 'src.md')).toBeNull();
    expect(mc.resolvedLinks['src.md']).toEqual({ 'Domain.md': 2, 'deep/er/Domain.md': 1, 'deep/Other.md': 1 });
    expect(mc.unresolvedLinks['src.md']).toEqual({ Missing: 1 });
    expect(mc.fileToLinktext(file('deep/Other.md'), 'src.md')).toBe('Other');
    expect(mc.fileToLinktext(file('deep/er/Domain.md'), 'src.md')).toBe('deep/er/Domain');
  });

  it('updates after vault events, then fires changed and resolved', async () => {
    setup({ 'src.md': '[[Later]]' });
    expect(app.metadataCache.unresolvedLinks['src.md']).toEqual({ Later: 1 });
    const changed: string[] = [];
    let resolved = 0;
    app.metadataCache.on('changed', (f: TFile, data: string) => changed.push(`${f.path}:${data}`));
    app.metadataCache.on('resolved', () => resolved++);
    const later = await app.vault.create('Later.md', '---\na: 1\n---\n');
    // Asynchronous like Obsidian: nothing yet right after the vault call.
    expect(app.metadataCache.getFileCache(later)).toBeNull();
    await app.metadataCache.whenSettled();
    expect(app.metadataCache.getFileCache(later)?.frontmatter).toEqual({ a: 1 });
    expect(app.metadataCache.resolvedLinks['src.md']).toEqual({ 'Later.md': 1 });
    expect(changed).toEqual(['Later.md:---\na: 1\n---\n']);
    expect(resolved).toBeGreaterThan(0);
    const deleted: string[] = [];
    app.metadataCache.on('deleted', (f: TFile) => deleted.push(f.path));
    await app.vault.delete(later);
    await settle(app);
    expect(deleted).toEqual(['Later.md']);
    expect(app.metadataCache.unresolvedLinks['src.md']).toEqual({ Later: 1 });
  });
});

describe('FileManager', () => {
  it('processFrontMatter parses, mutates and writes back', async () => {
    setup({ 'd.md': '---\nconfidence: low\ncritical: false\n---\nBody stays.\n', 'plain.md': 'Just text.\n' });
    await app.fileManager.processFrontMatter(file('d.md'), (fm: Record<string, unknown>) => {
      fm.confidence = 'high';
      fm['signed-off'] = '2026-01-02';
      fm.domain = '[[X]]';
    });
    const text = fs.readFileSync(nodePath.join(dir, 'd.md'), 'utf8');
    expect(text).toBe('---\nconfidence: high\ncritical: false\nsigned-off: 2026-01-02\ndomain: "[[X]]"\n---\nBody stays.\n');
    await app.fileManager.processFrontMatter(file('plain.md'), (fm: Record<string, unknown>) => {
      fm.confidence = 'low';
    });
    expect(fs.readFileSync(nodePath.join(dir, 'plain.md'), 'utf8')).toBe('---\nconfidence: low\n---\nJust text.\n');
    await settle(app);
    expect(app.metadataCache.getFileCache(file('d.md'))?.frontmatterLinks?.[0]?.link).toBe('X');
  });

  it('processFrontMatter throws on malformed YAML and leaves the file alone', async () => {
    setup({ 'bad.md': '---\nk: [x\n---\nbody' });
    await expect(app.fileManager.processFrontMatter(file('bad.md'), () => {})).rejects.toThrow();
    expect(fs.readFileSync(nodePath.join(dir, 'bad.md'), 'utf8')).toBe('---\nk: [x\n---\nbody');
  });

  it('renameFile rewrites links; generateMarkdownLink and getNewFileParent', async () => {
    setup({ 'Old.md': 'x', 'src.md': '---\ndomain: "[[Old]]"\n---\nSee [[Old#H|alias]] and [[Old]].' });
    app.vault.createFolder('moved').catch(() => {});
    await app.fileManager.renameFile(file('Old.md'), 'moved/New.md');
    await settle(app);
    expect(fs.readFileSync(nodePath.join(dir, 'src.md'), 'utf8')).toBe('---\ndomain: "[[New]]"\n---\nSee [[New#H|alias]] and [[New]].');
    expect(app.metadataCache.resolvedLinks['src.md']).toEqual({ 'moved/New.md': 3 });
    expect(app.fileManager.generateMarkdownLink(file('moved/New.md'), 'src.md', '#H', 'a')).toBe('[[New#H|a]]');
    expect(app.fileManager.getNewFileParent('src.md').isRoot()).toBe(true);
  });
});

class CountView extends ItemView {
  opened = 0;
  getViewType(): string {
    return 'count-view';
  }
  getDisplayText(): string {
    return 'Count';
  }
  protected override async onOpen(): Promise<void> {
    this.opened++;
    this.contentEl.createEl('h4', { text: 'Hello' });
  }
}

class ShimPlugin extends Plugin {
  enabled = false;
  ran: string[] = [];
  layoutReadyRan = false;
  status: HTMLElement | null = null;

  override async onload(): Promise<void> {
    this.addCommand({ id: 'always', name: 'Always', callback: () => this.ran.push('always') });
    this.addCommand({
      id: 'checked',
      name: 'Checked',
      checkCallback: (checking) => {
        if (!this.enabled) return false;
        if (!checking) this.ran.push('checked');
        return true;
      },
    });
    this.registerView('count-view', (leaf) => new CountView(leaf));
    this.status = this.addStatusBarItem();
    this.status.setText('ready');
    this.app.workspace.onLayoutReady(() => {
      this.layoutReadyRan = true;
    });
  }
}

describe('Plugin, commands, workspace', () => {
  beforeEach(() => {
    setup({ 'a.md': 'A' });
  });

  it('runs commands honouring checkCallback, queues onLayoutReady, cleans up on unload', async () => {
    const plugin = new (ShimPlugin as unknown as new (app: App, m: ReturnType<typeof manifest>) => ShimPlugin)(app, manifest());
    await enablePlugin(app, plugin);
    expect(app.commands.executeCommandById('shim-test:always')).toBe(true);
    expect(app.commands.executeCommandById('shim-test:checked')).toBe(false);
    plugin.enabled = true;
    expect(app.commands.executeCommandById('shim-test:checked')).toBe(true);
    expect(plugin.ran).toEqual(['always', 'checked']);
    expect(app.commands.findCommand('shim-test:always')?.name).toBe('Shim test: Always');
    expect(app.commands.executeCommandById('nope')).toBe(false);

    expect(plugin.layoutReadyRan).toBe(false);
    expect(app.workspace.layoutReady).toBe(false);
    await app.workspace.triggerLayoutReady();
    expect(plugin.layoutReadyRan).toBe(true);
    let immediate = false;
    app.workspace.onLayoutReady(() => (immediate = true));
    expect(immediate).toBe(true);

    expect(plugin.status?.isConnected).toBe(true);
    expect(app.statusBarEl.textContent).toBe('ready');

    const leaf: WorkspaceLeaf = app.workspace.getRightLeaf(false)!;
    await leaf.setViewState({ type: 'count-view', active: true });
    await app.workspace.revealLeaf(leaf);
    const view = leaf.view as CountView;
    expect(view.opened).toBe(1);
    expect(view.containerEl.children[1]).toBe(view.contentEl);
    expect(view.contentEl.textContent).toBe('Hello');
    expect(app.workspace.getLeavesOfType('count-view')).toEqual([leaf]);
    expect(app.workspace.activeLeaf).toBe(leaf);
    expect(leaf.getViewState().type).toBe('count-view');

    plugin.unload();
    await settle(app);
    expect(app.commands.findCommand('shim-test:always')).toBeUndefined();
    expect(app.workspace.getLeavesOfType('count-view')).toEqual([]);
    expect(plugin.status?.isConnected).toBe(false);
  });

  it('stores data.json on disk and secrets only in memory', async () => {
    const plugin = new (ShimPlugin as unknown as new (app: App, m: ReturnType<typeof manifest>) => ShimPlugin)(app, manifest());
    expect(await plugin.loadData()).toBeNull();
    await plugin.saveData({ model: 'm', outputFolder: 'Groundwork' });
    const onDisk = nodePath.join(dir, '.obsidian/plugins/shim-test/data.json');
    expect(JSON.parse(fs.readFileSync(onDisk, 'utf8'))).toEqual({ model: 'm', outputFolder: 'Groundwork' });
    expect(await plugin.loadData()).toEqual({ model: 'm', outputFolder: 'Groundwork' });
    app.secretStorage.setSecret('openai-key', 'sk-very-secret');
    expect(app.secretStorage.getSecret('openai-key')).toBe('sk-very-secret');
    expect(app.secretStorage.getSecret('other')).toBeNull();
    expect(app.secretStorage.listSecrets()).toEqual(['openai-key']);
    expect(() => app.secretStorage.setSecret('Not Valid', 'x')).toThrow();
    const everything = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const e of everything) expect(fs.readFileSync(nodePath.join(e.parentPath, e.name), 'utf8')).not.toContain('sk-very-secret');
  });

  it('opens files, tracks the active file and fires file-open', async () => {
    const opened: (string | null)[] = [];
    app.workspace.on('file-open', (f: TFile | null) => opened.push(f?.path ?? null));
    await app.workspace.setActiveFile(file('a.md'));
    expect(app.workspace.getActiveFile()?.path).toBe('a.md');
    // A sidebar view becoming active keeps the main area's file as the active file.
    const side = app.workspace.getRightLeaf(false)!;
    await side.setViewState({ type: 'empty', active: true });
    expect(app.workspace.activeLeaf).toBe(side);
    expect(app.workspace.getActiveFile()?.path).toBe('a.md');
    app.workspace.setActiveLeaf(app.workspace.getLeaf(false));
    await app.workspace.setActiveFile(null);
    expect(app.workspace.getActiveFile()).toBeNull();
    expect(opened).toEqual(['a.md', null]);
  });
});

describe('UI', () => {
  beforeEach(() => {
    setup({ 'alpha.md': '', 'beta.md': '' });
  });

  it('records notices', () => {
    const before = noticeMessages.length;
    const n = new Notice('Saved');
    n.setMessage('Saved twice');
    new Notice(createFragment((f) => f.createSpan({ text: 'from fragment' })));
    expect(noticeMessages.slice(before)).toEqual(['Saved', 'Saved twice', 'from fragment']);
    expect(n.noticeEl.textContent).toBe('Saved twice');
    n.hide();
    expect(n.noticeEl.isConnected).toBe(false);
  });

  it('keeps a registry of open modals', () => {
    let closed = false;
    class M extends Modal {
      override onOpen(): void {
        this.setTitle('Title');
        this.contentEl.createEl('p', { text: 'body' });
      }
      override onClose(): void {
        closed = true;
      }
    }
    const m = new M(app);
    m.open();
    expect(openModals).toContain(m);
    expect(m.titleEl.textContent).toBe('Title');
    expect(document.body.contains(m.contentEl)).toBe(true);
    m.close();
    expect(openModals).not.toContain(m);
    expect(closed).toBe(true);
  });

  it('builds settings whose components fire onChange', () => {
    const values: unknown[] = [];
    class Tab extends PluginSettingTab {
      display(): void {
        this.containerEl.empty();
        new Setting(this.containerEl).setName('Heading').setHeading();
        new Setting(this.containerEl).setName('Model').setDesc('which').addText((t) => t.setValue('a').onChange((v) => values.push(v)));
        new Setting(this.containerEl).addToggle((t) => t.setValue(false).onChange((v) => values.push(v)));
        new Setting(this.containerEl).addDropdown((d) => d.addOptions({ x: 'X', y: 'Y' }).setValue('x').onChange((v) => values.push(v)));
        new Setting(this.containerEl).addComponent((el) => new SecretComponent(this.app, el).setValue('openai-key').onChange((v) => values.push(v)));
        new Setting(this.containerEl).addButton((b) => b.setButtonText('Go').onClick(() => values.push('clicked')));
      }
    }
    app.secretStorage.setSecret('openai-key', 's');
    const plugin = new (ShimPlugin as unknown as new (app: App, m: ReturnType<typeof manifest>) => ShimPlugin)(app, manifest());
    plugin.addSettingTab(new Tab(app, plugin));
    const tab = app.setting.openTabById('shim-test')!;
    const el = tab.containerEl;
    expect(el.findAll('.setting-item-name').map((n) => n.textContent)).toEqual(['Heading', 'Model', '', '', '', '']);
    const input = el.find('input[type=text]') as HTMLInputElement;
    expect(input.value).toBe('a');
    input.value = 'b';
    input.dispatchEvent(new Event('input'));
    el.find('.checkbox-container').click();
    const select = el.find('select.dropdown') as HTMLSelectElement;
    select.value = 'y';
    select.dispatchEvent(new Event('change'));
    const secret = el.find('select.secret-component') as HTMLSelectElement;
    expect(secret.value).toBe('openai-key');
    (el.find('button') as HTMLButtonElement).click();
    expect(values).toEqual(['b', true, 'y', 'clicked']);
    expect(new ButtonComponent(createDiv()).setCta().buttonEl.hasClass('mod-cta')).toBe(true);
  });

  it('runs a fuzzy suggest modal and a menu', async () => {
    const chosen: string[] = [];
    class Pick extends FuzzySuggestModal<TFile> {
      getItems(): TFile[] {
        return this.app.vault.getMarkdownFiles();
      }
      getItemText(item: TFile): string {
        return item.basename;
      }
      onChooseItem(item: TFile): void {
        chosen.push(item.path);
      }
    }
    const modal = new Pick(app);
    modal.open();
    const results = await modal.setQuery('bt');
    expect(results.map((r) => r.item.path)).toEqual(['beta.md']);
    modal.resultContainerEl.find('.suggestion-item').click();
    expect(chosen).toEqual(['beta.md']);
    expect(openModals).not.toContain(modal);

    const menu = new Menu();
    menu.addItem((i) => i.setTitle('Do').onClick(() => chosen.push('menu')));
    menu.showAtPosition({ x: 0, y: 0 });
    menu.findItem('Do')!.click();
    expect(chosen).toEqual(['beta.md', 'menu']);
  });

  it('installs the DOM helpers', () => {
    const div = createDiv({ cls: 'a b', text: 'hi', attr: { 'data-x': 1, hidden: false } });
    expect(div.className).toBe('a b');
    expect(div.getAttribute('data-x')).toBe('1');
    const link = div.createEl('a', { href: 'https://x', title: 't', cls: ['c'] });
    expect([link.getAttribute('href'), link.title, link.hasClass('c')]).toEqual(['https://x', 't', true]);
    const span = div.createSpan('s');
    span.setText('text');
    span.addClass('k');
    span.toggleClass('k', false);
    span.setAttr('role', 'note');
    expect([span.hasClass('k'), span.getAttr('role'), div.find('.s')]).toEqual([false, 'note', span]);
    expect(div.findAll('a, span')).toHaveLength(2);
    span.detach();
    expect(div.find('.s')).toBeNull();
    div.empty();
    expect(div.childNodes.length).toBe(0);
    expect(activeDocument).toBe(document);
    expect(createEl('p', { text: 'x' }).outerHTML).toBe('<p>x</p>');
  });
});

describe('requestUrl', () => {
  let server: http.Server;
  let base: string;
  beforeEach(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/missing') {
          res.writeHead(404, { 'Content-Type': 'text/plain' });
          res.end('nope');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Test': 'yes' });
        res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization, type: req.headers['content-type'] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends the request and returns status, headers, text and json', async () => {
    const res = await requestUrl({
      url: `${base}/echo`,
      method: 'POST',
      contentType: 'application/json',
      body: '{"a":1}',
      headers: { Authorization: 'Bearer k' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-test']).toBe('yes');
    expect(res.json).toEqual({ method: 'POST', body: '{"a":1}', auth: 'Bearer k', type: 'application/json' });
    expect(JSON.parse(res.text).method).toBe('POST');
    expect(res.arrayBuffer.byteLength).toBeGreaterThan(0);
    expect((await requestUrl(`${base}/x`).json).method).toBe('GET');
  });

  it('throws on status >= 400 unless throw is false', async () => {
    await expect(requestUrl(`${base}/missing`)).rejects.toMatchObject({ status: 404 });
    const res = await requestUrl({ url: `${base}/missing`, throw: false });
    expect([res.status, res.text]).toEqual([404, 'nope']);
  });
});

describe('helpers', () => {
  it('normalizePath, debounce, Events', () => {
    expect(normalizePath('/a//b\\c/')).toBe('a/b/c');
    expect(normalizePath('')).toBe('/');
    const calls: number[] = [];
    const d = debounce((n: number) => calls.push(n), 10_000);
    d(1);
    d(2);
    expect(calls).toEqual([]);
    d.run();
    expect(calls).toEqual([2]);
    d(3);
    d.cancel();
    d.run();
    expect(calls).toEqual([2]);
    const e = new Events();
    const seen: unknown[] = [];
    const ref = e.on('x', (v: unknown) => seen.push(v));
    e.trigger('x', 1);
    e.offref(ref);
    e.trigger('x', 2);
    expect(seen).toEqual([1]);
  });

  it('loads a CommonJS main.js with only obsidian available', async () => {
    setup({});
    const main = nodePath.join(dir, 'main.js');
    fs.writeFileSync(
      main,
      `"use strict";
var obsidian = require("obsidian");
class P extends obsidian.Plugin {
  async onload() {
    this.addCommand({ id: "hello", name: "Hello", callback: () => new obsidian.Notice("hello from main.js") });
    this.addCommand({ id: "fs", name: "Fs", callback: () => require("fs") });
  }
}
module.exports = { default: P };
`,
    );
    const plugin = loadBuiltPlugin(app, main, manifest());
    await plugin.onload();
    expect(app.commands.executeCommandById('shim-test:hello')).toBe(true);
    expect(noticeMessages).toContain('hello from main.js');
    expect(() => app.commands.executeCommandById('shim-test:fs')).toThrow(/only "obsidian"/);
    expect(forbiddenRequires).toContain('fs');
    plugin.unload();
    expect(app.commands.listCommands()).toEqual([]);
  });
});
