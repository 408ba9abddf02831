/**
 * Loads the built main.js (argv[2]) with the in-repo obsidian module, as the plugin tests do, and
 * times `await plugin.onload()` (the work before layout-ready) over fresh loads. Prints JSON.
 */
import './dom-setup';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp, createTempVault, destroyApp, removeTempVault, settle } from '../../test/support/obsidian/index';
import { loadBuiltPlugin, readManifest } from '../../test/support/obsidian/load-plugin';
import { median, quantile, round } from './stats';

async function main(): Promise<void> {
  const mainJs = path.resolve(process.argv[2]!);
  const repo = path.resolve(process.argv[3]!);
  const loads = Number(process.argv[4] ?? 20);
  const manifest = readManifest(path.join(repo, 'manifest.json'));
  const evalMs: number[] = [];
  const onloadMs: number[] = [];
  const layoutReadyMs: number[] = [];
  for (let i = 0; i < loads; i++) {
    const dir = createTempVault({});
    fs.cpSync(path.join(repo, 'examples/vault'), dir, { recursive: true });
    const app = createApp(dir);
    await settle(app);
    let t = performance.now();
    const plugin = loadBuiltPlugin(app, mainJs, manifest);
    evalMs.push(performance.now() - t);
    t = performance.now();
    await plugin.onload();
    onloadMs.push(performance.now() - t);
    plugin._loaded = true;
    t = performance.now();
    await app.workspace.triggerLayoutReady();
    layoutReadyMs.push(performance.now() - t);
    await destroyApp(app);
    removeTempVault(dir);
  }
  const tail = onloadMs.slice(1);
  process.stdout.write(
    `${JSON.stringify({
      loads,
      onloadMedianMs: round(median(onloadMs), 2),
      onloadP90Ms: round(quantile(onloadMs, 0.9), 2),
      onloadFirstMs: round(onloadMs[0]!, 2),
      onloadMedianAfterFirstMs: round(median(tail), 2),
      evalMedianMs: round(median(evalMs), 2),
      evalFirstMs: round(evalMs[0]!, 2),
      layoutReadyMedianMs: round(median(layoutReadyMs), 2),
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
