import { cpSync } from 'node:fs';
import * as path from 'node:path';
import { createApp, createTempVault, settle, type App, type Plugin } from './obsidian/index';
import { enablePlugin, loadBuiltPlugin, readManifest } from './obsidian/load-plugin';
import { EXAMPLE_VAULT } from './temp-vault';

const ROOT = path.resolve(__dirname, '../..');

export type PluginLike = {
  whenIdle(): Promise<void>;
  updateSettings(p: unknown): Promise<boolean>;
  settings: { llm: Record<string, unknown> };
};

/** The built main.js in the in-repo Obsidian on the vault at `dir`: loaded, enabled, laid out. */
export async function startBuiltPlugin(dir: string): Promise<{ app: App; plugin: Plugin }> {
  const app = createApp(dir);
  await settle(app);
  const plugin = loadBuiltPlugin(app, path.join(ROOT, 'main.js'), readManifest(path.join(ROOT, 'manifest.json')));
  await enablePlugin(app, plugin);
  await app.workspace.triggerLayoutReady();
  return { app, plugin };
}

/**
 * The built main.js in the in-repo Obsidian, on a copy of the example vault, laid out and
 * pointed at a model server with its key in SecretStorage — as a person would set it up.
 */
export async function startPluginWithModel(baseURL: string, key: string, opts: { files?: Record<string, string> } = {}): Promise<{ app: App; dir: string; plugin: PluginLike }> {
  const dir = createTempVault(opts.files ?? {});
  // Without files of its own the test works on the example vault.
  if (!opts.files) cpSync(EXAMPLE_VAULT, dir, { recursive: true });
  const { app, plugin: loaded } = await startBuiltPlugin(dir);
  const plugin = loaded as unknown as PluginLike;
  app.secretStorage.setSecret('groundwork-api-key', key);
  await plugin.updateSettings({ llm: { ...plugin.settings.llm, preset: 'custom', baseURL, model: 'test-model' } });
  return { app, dir, plugin };
}
