/** App, SecretStorage, and the factories/teardown tests use. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import type { UserEvent, App as ObsidianApp, TAbstractFile as ObsidianTAbstractFile, TFile as ObsidianTFile, TFolder as ObsidianTFolder } from 'obsidian';
import { installDomHelpers } from './dom';
import { FileManager } from './file-manager';
import { MetadataCache } from './metadata';
import { Commands, Plugins, SettingRegistry } from './plugin';
import { Keymap, Scope, clearNotices, openModals } from './ui';
import { Vault, type TAbstractFile, type TFile, type TFolder } from './vault';
import { ViewRegistry, Workspace } from './workspace';

/** Obsidian's SecretStorage, in memory only (never written to disk, never in data.json). */
export class SecretStorage {
  private secrets = new Map<string, string>();

  /** Ids are lowercase alphanumerics with optional dashes (obsidian.d.ts); anything else throws. */
  setSecret(id: string, secret: string): void {
    if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`Invalid secret id "${id}": use lowercase letters, digits and dashes`);
    this.secrets.set(id, secret);
  }
  getSecret(id: string): string | null {
    return this.secrets.get(id) ?? null;
  }
  listSecrets(): string[] {
    return [...this.secrets.keys()].sort();
  }
}

export class App {
  vault: Vault;
  metadataCache: MetadataCache;
  fileManager: FileManager;
  workspace: Workspace;
  secretStorage = new SecretStorage();
  keymap = new Keymap();
  scope = new Scope();
  lastEvent: UserEvent | null = null;
  /** Internal registries Obsidian keeps on the app. */
  commands = new Commands();
  setting = new SettingRegistry();
  plugins = new Plugins();
  viewRegistry = new ViewRegistry();
  /** Where plugins' status bar items and ribbon icons go. */
  statusBarEl: HTMLElement;
  ribbonEl: HTMLElement;
  private localStorage = new Map<string, unknown>();

  constructor(vaultDir: string, options?: { configDir?: string }) {
    installDomHelpers();
    this.vault = new Vault(vaultDir, options?.configDir);
    this.metadataCache = new MetadataCache(this.vault);
    this.fileManager = new FileManager(this.vault, this.metadataCache);
    this.workspace = new Workspace(this);
    this.statusBarEl = createDiv({ cls: 'status-bar' });
    this.ribbonEl = createDiv({ cls: 'side-dock-ribbon' });
    document.body.append(this.workspace.containerEl, this.statusBarEl, this.ribbonEl);
  }

  isDarkMode(): boolean {
    return false;
  }
  loadLocalStorage(key: string): any {
    return this.localStorage.get(key) ?? null;
  }
  saveLocalStorage(key: string, data: unknown): void {
    if (data === null) this.localStorage.delete(key);
    else this.localStorage.set(key, data);
  }
}

/** An App over `vaultDir` (created if missing). Needs a DOM (happy-dom). */
export function createApp(vaultDir: string, options?: { configDir?: string }): App {
  fs.mkdirSync(vaultDir, { recursive: true });
  return new App(vaultDir, options);
}

/** Waits until the metadata cache and the workspace have nothing pending. */
export async function settle(app: App): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await app.metadataCache.whenSettled();
    await app.workspace.whenIdle();
    await new Promise((r) => setTimeout(r, 0));
    if (app.metadataCache.isSettled) return;
  }
}

/** Unloads plugins, closes modals, detaches leaves, removes the app's DOM, forgets notices. */
export async function destroyApp(app: App): Promise<void> {
  for (const plugin of Object.values(app.plugins.plugins)) plugin.unload();
  app.plugins.plugins = {};
  app.plugins.enabledPlugins.clear();
  for (const modal of openModals.slice()) modal.close();
  app.setting.close();
  for (const leaf of app.workspace.leaves.slice()) leaf.detach();
  await settle(app);
  app.workspace.containerEl.detach();
  app.statusBarEl.detach();
  app.ribbonEl.detach();
  clearNotices();
}

/** A fresh folder under the OS temp dir with these files (vault-relative path → text). */
export function createTempVault(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'groundwork-vault-'));
  for (const [rel, text] of Object.entries(files)) {
    const full = nodePath.join(dir, ...rel.split('/'));
    fs.mkdirSync(nodePath.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
  return dir;
}

export function removeTempVault(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Test helper: a change made outside Obsidian (another program, sync): writes `data` on disk
 * (or deletes the file when `data` is null), then lets the vault notice it — `create`, `modify`
 * or `delete` fires and the metadata cache updates. Resolves once the cache has settled.
 */
export async function simulateExternalEdit(app: App, path: string, data: string | null): Promise<void> {
  const full = app.vault.adapter.getFullPath(path);
  if (data === null) fs.rmSync(full, { force: true });
  else {
    fs.mkdirSync(nodePath.dirname(full), { recursive: true });
    fs.writeFileSync(full, data);
  }
  app.vault.syncFromDisk(path);
  await app.metadataCache.whenSettled();
}

/**
 * The shim's objects typed as the real `obsidian` types, to pass them to plugin code (typed against
 * node_modules/obsidian) from a test: `runThing(asObsidian(app), asObsidian(file))`.
 */
export function asObsidian(value: App): ObsidianApp;
export function asObsidian(value: TFile): ObsidianTFile;
export function asObsidian(value: TFolder): ObsidianTFolder;
export function asObsidian(value: TAbstractFile): ObsidianTAbstractFile;
export function asObsidian<T>(value: unknown): T;
export function asObsidian(value: unknown): unknown {
  return value;
}
