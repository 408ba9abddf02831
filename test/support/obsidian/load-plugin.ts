/**
 * Loads the BUILT main.js (CommonJS) as Obsidian does: `require('obsidian')` gets the in-repo
 * module (the same instance the test imports), and any other require throws — proving main.js
 * needs no Node builtin and no unbundled package.
 */
import * as fs from 'node:fs';
import * as vm from 'node:vm';
import type { PluginManifest } from 'obsidian';
import type { App } from './app';
import * as obsidian from './index';
import type { Plugin } from './plugin';

/** Every module name main.js tried to require besides 'obsidian' (each one threw). */
export const forbiddenRequires: string[] = [];

export function loadBuiltPlugin(app: App, mainJsPath: string, manifest: PluginManifest): Plugin {
  const code = fs.readFileSync(mainJsPath, 'utf8');
  const module = { exports: {} as Record<string, unknown> };
  const requireShim = (name: string): unknown => {
    if (name === 'obsidian') return obsidian;
    forbiddenRequires.push(name);
    throw new Error(`main.js required "${name}": only "obsidian" is available to a plugin at runtime`);
  };
  const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, {
    filename: mainJsPath,
  }) as (exports: unknown, require: unknown, module: unknown, filename: string, dirname: string) => void;
  wrapper(module.exports, requireShim, module, mainJsPath, '');
  const exported = module.exports as { default?: unknown };
  const PluginClass = (exported.default ?? module.exports) as new (app: App, manifest: PluginManifest) => Plugin;
  if (typeof PluginClass !== 'function') throw new Error('main.js does not export a plugin class as module.exports.default');
  const plugin = new PluginClass(app, manifest);
  if (!(plugin instanceof obsidian.Plugin)) throw new Error('main.js default export does not extend the obsidian Plugin class');
  app.plugins.plugins[manifest.id] = plugin;
  app.plugins.manifests[manifest.id] = manifest;
  return plugin;
}

/**
 * What Obsidian's plugin manager does on enable: marks the plugin loaded and awaits `onload()`.
 * (Calling `await plugin.onload()` directly works too; `plugin.unload()` still runs the cleanups.)
 */
export async function enablePlugin(app: App, plugin: Plugin): Promise<void> {
  plugin._loaded = true;
  await plugin.onload();
  for (const child of plugin._children) child.load();
  app.plugins.enabledPlugins.add(plugin.manifest.id);
}

export function disablePlugin(app: App, plugin: Plugin): void {
  plugin.unload();
  app.plugins.enabledPlugins.delete(plugin.manifest.id);
}

/** Reads manifest.json at `path` (the repository root's, usually). */
export function readManifest(path: string): PluginManifest {
  return JSON.parse(fs.readFileSync(path, 'utf8')) as PluginManifest;
}
