/** Plugin and the app-level registries it writes to: commands, setting tabs, plugins. */
import type { Command, MarkdownPostProcessor, MarkdownPostProcessorContext, PluginManifest } from 'obsidian';
import type { App } from './app';
import { Component } from './events';
import type { PluginSettingTab } from './ui';
import { setIcon } from './ui';
import type { ViewCreator } from './workspace';

/** `app.commands`: the command registry, executing commands like Obsidian does. */
export class Commands {
  commands: Record<string, Command> = {};
  /** What the last executed command's callback returned (a promise when async). */
  lastResult: unknown;

  addCommand(command: Command): void {
    this.commands[command.id] = command;
  }
  removeCommand(id: string): void {
    delete this.commands[id];
  }
  findCommand(id: string): Command | undefined {
    return this.commands[id];
  }
  listCommands(): Command[] {
    return Object.values(this.commands);
  }
  /** True when the command would run now (callback, or checkCallback(true) is truthy). */
  isAvailable(id: string): boolean {
    const cmd = this.commands[id];
    if (!cmd) return false;
    if (cmd.callback) return true;
    if (cmd.checkCallback) return !!cmd.checkCallback(true);
    return false;
  }
  /**
   * Runs `callback`, or `checkCallback(true)` then `checkCallback(false)`; returns false when the
   * command is unknown or not available (editor commands need an editor: not available here).
   */
  executeCommandById(id: string): boolean {
    const cmd = this.commands[id];
    return cmd ? this.executeCommand(cmd) : false;
  }
  executeCommand(cmd: Command): boolean {
    if (cmd.callback) {
      this.lastResult = cmd.callback();
      return true;
    }
    if (cmd.checkCallback) {
      if (!cmd.checkCallback(true)) return false;
      this.lastResult = cmd.checkCallback(false);
      return true;
    }
    return false;
  }
  /** Test helper: executeCommandById, then awaits the promise the callback returned (if any). */
  async run(id: string): Promise<boolean> {
    this.lastResult = undefined;
    const ok = this.executeCommandById(id);
    if (ok) await this.lastResult;
    return ok;
  }
}

/** `app.setting`: the registered setting tabs. */
export class SettingRegistry {
  pluginTabs: PluginSettingTab[] = [];
  activeTab: PluginSettingTab | null = null;

  addSettingTab(tab: PluginSettingTab): void {
    this.pluginTabs.push(tab);
  }
  removeSettingTab(tab: PluginSettingTab): void {
    this.pluginTabs = this.pluginTabs.filter((t) => t !== tab);
    if (this.activeTab === tab) this.close();
  }
  /** Test helper (Obsidian's openTabById): hides the open tab, then `display()`s this one. */
  openTabById(id: string): PluginSettingTab | null {
    const tab = this.pluginTabs.find((t) => t.id === id) ?? null;
    this.activeTab?.hide();
    this.activeTab = tab;
    if (tab) {
      document.body.appendChild(tab.containerEl);
      tab.display();
    }
    return tab;
  }
  close(): void {
    this.activeTab?.hide();
    this.activeTab?.containerEl.detach();
    this.activeTab = null;
  }
}

/** `app.plugins`. */
export class Plugins {
  plugins: Record<string, Plugin> = {};
  enabledPlugins = new Set<string>();
  manifests: Record<string, PluginManifest> = {};

  getPlugin(id: string): Plugin | null {
    return this.plugins[id] ?? null;
  }
}

export abstract class Plugin extends Component {
  app: App;
  manifest: PluginManifest;
  /** Everything registered through the register* methods this shim does not act on (for tests). */
  registered: { kind: string; args: unknown[] }[] = [];

  constructor(app: App, manifest: PluginManifest) {
    super();
    this.app = app;
    manifest.dir ??= `${app.vault.configDir}/plugins/${manifest.id}`;
    this.manifest = manifest;
  }

  override onload(): Promise<void> | void {}

  addRibbonIcon(icon: string, title: string, callback: (evt: MouseEvent) => unknown): HTMLElement {
    const el = this.app.ribbonEl.createDiv({ cls: 'side-dock-ribbon-action clickable-icon', attr: { 'aria-label': title } });
    setIcon(el, icon);
    el.addEventListener('click', (evt) => callback(evt));
    this.register(() => el.detach());
    return el;
  }

  addStatusBarItem(): HTMLElement {
    const el = this.app.statusBarEl.createDiv({ cls: `status-bar-item plugin-${this.manifest.id}` });
    this.register(() => el.detach());
    return el;
  }

  /** Prefixes id and name with the plugin's (as Obsidian does), registers it in `app.commands`. */
  addCommand(command: Command): Command {
    command.id = `${this.manifest.id}:${command.id}`;
    command.name = `${this.manifest.name}: ${command.name}`;
    this.app.commands.addCommand(command);
    this.register(() => this.app.commands.removeCommand(command.id));
    return command;
  }

  removeCommand(commandId: string): void {
    this.app.commands.removeCommand(`${this.manifest.id}:${commandId}`);
  }

  addSettingTab(settingTab: PluginSettingTab): void {
    this.app.setting.addSettingTab(settingTab);
    this.register(() => this.app.setting.removeSettingTab(settingTab));
  }

  registerView(type: string, viewCreator: ViewCreator): void {
    this.app.viewRegistry.registerView(type, viewCreator);
    this.register(() => {
      this.app.workspace.detachLeavesOfType(type);
      this.app.viewRegistry.unregisterView(type);
    });
  }

  registerExtensions(extensions: string[], viewType: string): void {
    this.app.viewRegistry.registerExtensions(extensions, viewType);
    this.register(() => this.app.viewRegistry.unregisterExtensions(extensions));
  }

  registerHoverLinkSource(id: string, info: unknown): void {
    this.registered.push({ kind: 'hover-link-source', args: [id, info] });
  }
  registerMarkdownPostProcessor(postProcessor: MarkdownPostProcessor, sortOrder?: number): MarkdownPostProcessor {
    this.registered.push({ kind: 'markdown-post-processor', args: [postProcessor, sortOrder] });
    return postProcessor;
  }
  registerMarkdownCodeBlockProcessor(
    language: string,
    handler: (source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext) => Promise<unknown> | void,
    sortOrder?: number,
  ): MarkdownPostProcessor {
    this.registered.push({ kind: 'markdown-code-block-processor', args: [language, handler, sortOrder] });
    return (el, ctx) => void handler(el.textContent ?? '', el, ctx);
  }
  registerEditorExtension(extension: unknown): void {
    this.registered.push({ kind: 'editor-extension', args: [extension] });
  }
  registerObsidianProtocolHandler(action: string, handler: unknown): void {
    this.registered.push({ kind: 'protocol-handler', args: [action, handler] });
  }
  registerEditorSuggest(editorSuggest: unknown): void {
    this.registered.push({ kind: 'editor-suggest', args: [editorSuggest] });
  }
  registerCliHandler(command: string, description: string, flags: unknown, handler: unknown): void {
    this.registered.push({ kind: 'cli-handler', args: [command, description, flags, handler] });
  }

  /** The path of data.json: `<configDir>/plugins/<id>/data.json`. */
  get dataPath(): string {
    return `${this.manifest.dir}/data.json`;
  }

  /** data.json parsed, or null when there is none (like Obsidian). */
  async loadData(): Promise<any> {
    const adapter = this.app.vault.adapter;
    if (!(await adapter.exists(this.dataPath))) return null;
    return JSON.parse(await adapter.read(this.dataPath));
  }

  async saveData(data: any): Promise<void> {
    await this.app.vault.adapter.write(this.dataPath, JSON.stringify(data, null, 2));
  }

  onUserEnable(): void {}
  onExternalSettingsChange(): any {}
}
