/** Workspace, WorkspaceLeaf, View/ItemView/FileView/MarkdownView and the view registry. */
import type { HoverPopover, MarkdownFileInfo, ViewState, ViewStateResult } from 'obsidian';
import type { App } from './app';
import { Component, Events } from './events';
import type { Scope } from './ui';
import { debounce } from './util';
import { TFile } from './vault';

export type ViewCreator = (leaf: WorkspaceLeaf) => View;

export class ViewRegistry {
  viewByType: Record<string, ViewCreator> = {};
  typeByExtension: Record<string, string> = {};

  registerView(type: string, creator: ViewCreator): void {
    if (this.viewByType[type]) throw new Error(`Attempting to register an existing view type "${type}"`);
    this.viewByType[type] = creator;
  }
  unregisterView(type: string): void {
    delete this.viewByType[type];
  }
  registerExtensions(extensions: string[], viewType: string): void {
    for (const ext of extensions) {
      if (this.typeByExtension[ext]) throw new Error(`Attempting to register an existing file extension "${ext}"`);
      this.typeByExtension[ext] = viewType;
    }
  }
  unregisterExtensions(extensions: string[]): void {
    for (const ext of extensions) delete this.typeByExtension[ext];
  }
  getViewCreatorByType(type: string): ViewCreator | undefined {
    return this.viewByType[type];
  }
}

export abstract class View extends Component {
  app: App;
  icon = 'document';
  navigation = false;
  leaf: WorkspaceLeaf;
  containerEl: HTMLElement;
  scope: Scope | null = null;
  /** @internal */
  _opened = false;

  constructor(leaf: WorkspaceLeaf) {
    super();
    this.leaf = leaf;
    this.app = leaf.app;
    this.containerEl = createDiv({ cls: 'workspace-leaf-content' });
    const header = this.containerEl.createDiv({ cls: 'view-header' });
    header.createDiv({ cls: 'view-header-title-container' }).createDiv({ cls: 'view-header-title' });
    header.createDiv({ cls: 'view-actions' });
    this.containerEl.createDiv({ cls: 'view-content' });
  }

  protected async onOpen(): Promise<void> {}
  protected async onClose(): Promise<void> {}
  abstract getViewType(): string;
  abstract getDisplayText(): string;

  getState(): Record<string, unknown> {
    return {};
  }
  async setState(state: unknown, result: ViewStateResult): Promise<void> {
    void state;
    void result;
  }
  getEphemeralState(): Record<string, unknown> {
    return {};
  }
  setEphemeralState(state: unknown): void {
    void state;
  }
  getIcon(): string {
    return this.icon;
  }
  onResize(): void {}
  onPaneMenu(menu: unknown, source: string): void {
    void menu;
    void source;
  }

  /** @internal what the leaf does when it shows the view: load, then onOpen. */
  async _open(): Promise<void> {
    this.containerEl.setAttribute('data-type', this.getViewType());
    this.load();
    this._opened = true;
    await this.onOpen();
  }
  /** @internal what the leaf does when it drops the view: onClose, then unload. */
  async _close(): Promise<void> {
    if (!this._opened) return;
    this._opened = false;
    try {
      await this.onClose();
    } finally {
      this.unload();
      this.containerEl.detach();
    }
  }
}

export abstract class ItemView extends View {
  contentEl: HTMLElement;

  constructor(leaf: WorkspaceLeaf) {
    super(leaf);
    this.contentEl = this.containerEl.children[1] as HTMLElement;
  }

  addAction(icon: string, title: string, callback: (evt: MouseEvent) => unknown): HTMLElement {
    const actions = this.containerEl.querySelector('.view-actions')!;
    const el = actions.createEl('a', { cls: 'view-action clickable-icon', attr: { 'aria-label': title, 'data-icon': icon } });
    el.addEventListener('click', callback);
    return el;
  }
}

class EmptyView extends ItemView {
  getViewType(): string {
    return 'empty';
  }
  getDisplayText(): string {
    return 'New tab';
  }
}

export abstract class FileView extends ItemView {
  allowNoFile = false;
  file: TFile | null = null;
  override navigation = true;

  getDisplayText(): string {
    return this.file?.basename ?? 'No file';
  }
  override getState(): Record<string, unknown> {
    return this.file ? { file: this.file.path } : {};
  }
  override async setState(state: unknown, result: ViewStateResult): Promise<void> {
    void result;
    const path = (state as { file?: unknown } | null)?.file;
    if (typeof path === 'string') {
      const file = this.app.vault.getFileByPath(path);
      if (file) await this.onLoadFile(file);
    }
  }
  async onLoadFile(file: TFile): Promise<void> {
    this.file = file;
  }
  async onUnloadFile(file: TFile): Promise<void> {
    void file;
    this.file = null;
  }
}

/** Shows the note's text (no editor). */
export class MarkdownView extends FileView {
  data = '';
  getViewType(): string {
    return 'markdown';
  }
  getViewData(): string {
    return this.data;
  }
  override async onLoadFile(file: TFile): Promise<void> {
    await super.onLoadFile(file);
    this.data = await this.app.vault.read(file);
    this.contentEl.setText(this.data);
  }
}

let leafCounter = 0;

export class WorkspaceLeaf extends Events {
  app: App;
  view: View;
  id: string;
  /** 'root' for the main area, 'left'/'right' for the sidebars. */
  side: 'root' | 'left' | 'right';
  pinned = false;
  group: string | null = null;
  /** How many times revealLeaf showed this leaf (for tests). */
  revealCount = 0;
  hoverPopover: HoverPopover | null = null;

  constructor(app: App, side: 'root' | 'left' | 'right') {
    super();
    this.app = app;
    this.side = side;
    this.id = `leaf-${++leafCounter}`;
    this.view = new EmptyView(this);
  }

  get isDeferred(): boolean {
    return false;
  }
  async loadIfDeferred(): Promise<void> {}

  getViewState(): ViewState {
    return {
      type: this.view.getViewType(),
      state: this.view.getState(),
      active: this.app.workspace.activeLeaf === this,
      pinned: this.pinned,
    };
  }

  async setViewState(viewState: ViewState, eState?: any): Promise<void> {
    const ws = this.app.workspace;
    let creator: ViewCreator | undefined = viewState.type === 'empty' ? (l: WorkspaceLeaf) => new EmptyView(l) : this.app.viewRegistry.getViewCreatorByType(viewState.type);
    if (!creator && viewState.type === 'markdown') creator = (l) => new MarkdownView(l);
    if (!creator) throw new Error(`No view registered for type "${viewState.type}"`);
    if (viewState.pinned !== undefined) this.pinned = viewState.pinned;
    await this.view._close();
    const view = creator(this);
    this.view = view;
    ws.containerEl.appendChild(view.containerEl);
    await view._open();
    if (viewState.state) await view.setState(viewState.state, { history: false });
    if (eState !== undefined) view.setEphemeralState(eState);
    if (viewState.active) ws.setActiveLeaf(this, { focus: true });
    ws.trigger('layout-change');
  }

  async open(view: View): Promise<View> {
    await this.view._close();
    this.view = view;
    this.app.workspace.containerEl.appendChild(view.containerEl);
    await view._open();
    return view;
  }

  async openFile(file: TFile, openState?: { active?: boolean; state?: Record<string, unknown> }): Promise<void> {
    const type = this.app.viewRegistry.typeByExtension[file.extension] ?? 'markdown';
    const ws = this.app.workspace;
    const before = ws.getActiveFile();
    await this.setViewState({ type, state: { ...(openState?.state ?? {}), file: file.path } });
    ws._recordOpen(file);
    if (openState?.active === false) return;
    // setActiveLeaf fires file-open when the active file changes; otherwise fire it here.
    if (ws.activeLeaf !== this && before !== file) ws.setActiveLeaf(this);
    else {
      if (ws.activeLeaf !== this) ws.setActiveLeaf(this);
      ws.trigger('file-open', file);
    }
  }

  getEphemeralState(): any {
    return this.view.getEphemeralState();
  }
  setEphemeralState(state: any): void {
    this.view.setEphemeralState(state);
  }
  togglePinned(): void {
    this.setPinned(!this.pinned);
  }
  setPinned(pinned: boolean): void {
    this.pinned = pinned;
    this.trigger('pinned-change', pinned);
  }
  setGroupMember(other: WorkspaceLeaf): void {
    this.setGroup(other.id);
  }
  setGroup(group: string): void {
    this.group = group;
    this.trigger('group-change', group);
  }
  getIcon(): string {
    return this.view.getIcon();
  }
  getDisplayText(): string {
    return this.view.getDisplayText();
  }
  onResize(): void {
    this.view.onResize();
  }

  detach(): void {
    this.app.workspace._removeLeaf(this);
  }
}

/**
 * The Workspace. `onLayoutReady` callbacks wait until the test calls `triggerLayoutReady()`;
 * after that they run at once. Leaves live in the root area or in a sidebar.
 */
export class Workspace extends Events {
  layoutReady = false;
  activeLeaf: WorkspaceLeaf | null = null;
  containerEl: HTMLElement;
  activeEditor: MarkdownFileInfo | null = null;
  leftSplit = { collapsed: true, expand: () => {}, collapse: () => {} };
  rightSplit = { collapsed: true, expand: () => {}, collapse: () => {} };
  requestSaveLayout = debounce(async () => {}, 0);
  /** Every leaf, in creation order. */
  leaves: WorkspaceLeaf[] = [];
  private layoutReadyCallbacks: (() => unknown)[] = [];
  private pending = new Set<Promise<unknown>>();
  private lastOpenFiles: string[] = [];
  private lastFileLeaf: WorkspaceLeaf | null = null;

  constructor(private readonly app: App) {
    super();
    this.containerEl = createDiv({ cls: 'workspace' });
  }

  onLayoutReady(callback: () => unknown): void {
    if (this.layoutReady) this.track(callback());
    else this.layoutReadyCallbacks.push(callback);
  }

  /** Test helper: the layout is ready; runs the queued callbacks in order, awaits what they return. */
  async triggerLayoutReady(): Promise<void> {
    if (this.layoutReady) return;
    this.layoutReady = true;
    const callbacks = this.layoutReadyCallbacks;
    this.layoutReadyCallbacks = [];
    const results = callbacks.map((cb) => this.track(cb()));
    this.trigger('layout-change');
    await Promise.all(results);
  }

  private track<T>(value: T): T {
    if (value instanceof Promise) {
      const p = value.finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
    return value;
  }

  /** Test helper: resolves when view closes and layout-ready callbacks started by the workspace are done. */
  async whenIdle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private newLeaf(side: 'root' | 'left' | 'right'): WorkspaceLeaf {
    const leaf = new WorkspaceLeaf(this.app, side);
    this.leaves.push(leaf);
    this.containerEl.appendChild(leaf.view.containerEl);
    return leaf;
  }

  /** @internal */
  _removeLeaf(leaf: WorkspaceLeaf): void {
    const i = this.leaves.indexOf(leaf);
    if (i < 0) return;
    this.leaves.splice(i, 1);
    void this.track(leaf.view._close());
    if (this.activeLeaf === leaf) {
      this.activeLeaf = null;
      this.trigger('active-leaf-change', null);
    }
    this.trigger('layout-change');
  }

  /** @internal */
  _recordOpen(file: TFile): void {
    this.lastOpenFiles = [file.path, ...this.lastOpenFiles.filter((p) => p !== file.path)].slice(0, 10);
  }

  getLeaf(newLeaf?: boolean | string, direction?: string): WorkspaceLeaf {
    void direction;
    if (!newLeaf) {
      const active = this.activeLeaf;
      if (active && active.side === 'root' && !active.pinned) return active;
      const unpinned = this.leaves.find((l) => l.side === 'root' && !l.pinned);
      if (unpinned) return unpinned;
    }
    return this.newLeaf('root');
  }
  getUnpinnedLeaf(): WorkspaceLeaf {
    return this.getLeaf(false);
  }
  splitActiveLeaf(): WorkspaceLeaf {
    return this.newLeaf('root');
  }
  getRightLeaf(split: boolean): WorkspaceLeaf | null {
    void split;
    return this.newLeaf('right');
  }
  getLeftLeaf(split: boolean): WorkspaceLeaf | null {
    void split;
    return this.newLeaf('left');
  }
  async ensureSideLeaf(type: string, side: 'left' | 'right', options?: { active?: boolean; split?: boolean; reveal?: boolean; state?: any }): Promise<WorkspaceLeaf> {
    let leaf = this.getLeavesOfType(type).find((l) => l.side === side);
    if (!leaf) {
      leaf = this.newLeaf(side);
      await leaf.setViewState({ type, state: options?.state, active: options?.active });
    }
    if (options?.reveal !== false) await this.revealLeaf(leaf);
    return leaf;
  }
  getLeafById(id: string): WorkspaceLeaf | null {
    return this.leaves.find((l) => l.id === id) ?? null;
  }
  getMostRecentLeaf(): WorkspaceLeaf | null {
    return this.activeLeaf?.side === 'root' ? this.activeLeaf : (this.leaves.find((l) => l.side === 'root') ?? null);
  }
  getLeavesOfType(viewType: string): WorkspaceLeaf[] {
    return this.leaves.filter((l) => l.view.getViewType() === viewType);
  }
  detachLeavesOfType(viewType: string): void {
    for (const leaf of this.getLeavesOfType(viewType)) leaf.detach();
  }
  iterateAllLeaves(callback: (leaf: WorkspaceLeaf) => unknown): void {
    for (const leaf of this.leaves.slice()) callback(leaf);
  }
  iterateRootLeaves(callback: (leaf: WorkspaceLeaf) => unknown): void {
    for (const leaf of this.leaves.filter((l) => l.side === 'root')) callback(leaf);
  }
  async revealLeaf(leaf: WorkspaceLeaf): Promise<void> {
    leaf.revealCount++;
    if (leaf.side === 'right') this.rightSplit.collapsed = false;
    if (leaf.side === 'left') this.leftSplit.collapsed = false;
  }

  setActiveLeaf(leaf: WorkspaceLeaf, params?: { focus?: boolean } | boolean, focus?: boolean): void {
    void params;
    void focus;
    if (this.activeLeaf === leaf) return;
    const before = this.getActiveFile();
    this.activeLeaf = leaf;
    if (leaf.side === 'root') this.lastFileLeaf = leaf;
    this.trigger('active-leaf-change', leaf);
    const after = this.getActiveFile();
    if (after !== before && after) this.trigger('file-open', after);
  }

  getActiveViewOfType<T extends View>(type: abstract new (...args: any[]) => T): T | null {
    const view = this.activeLeaf?.view;
    return view instanceof type ? view : null;
  }

  getActiveFile(): TFile | null {
    // The active leaf's file, else (a sidebar is active) the file of the most recently active main leaf.
    const view = this.activeLeaf?.view;
    if (view instanceof FileView) return view.file;
    const recent = this.lastFileLeaf && this.leaves.includes(this.lastFileLeaf) ? this.lastFileLeaf.view : null;
    return recent instanceof FileView ? recent.file : null;
  }

  /**
   * Test helper: make `file` the active file, as a person opening it would (opens it in the main
   * area, fires `active-leaf-change` and `file-open`); `null` closes the active root leaf's file.
   */
  async setActiveFile(file: TFile | null): Promise<void> {
    if (file) {
      await this.getLeaf(false).openFile(file, { active: true });
      return;
    }
    const leaf = this.getLeaf(false);
    await leaf.setViewState({ type: 'empty', active: true });
    this.trigger('file-open', null);
  }

  async openLinkText(linktext: string, sourcePath: string, newLeaf?: boolean | string): Promise<void> {
    let file = this.app.metadataCache.getFirstLinkpathDest(linktext, sourcePath);
    if (!file) {
      const path = linktext.split('#')[0]!;
      file = await this.app.vault.create(path.endsWith('.md') ? path : `${path}.md`, '');
    }
    await this.getLeaf(newLeaf).openFile(file);
  }

  getLastOpenFiles(): string[] {
    return this.lastOpenFiles.slice();
  }
  getLayout(): Record<string, unknown> {
    return { leaves: this.leaves.map((l) => ({ id: l.id, side: l.side, state: l.getViewState() })) };
  }
  updateOptions(): void {}
  handleLinkContextMenu(): boolean {
    return false;
  }
}
