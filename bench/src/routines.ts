/**
 * The trigger-to-applied latency of a `new note` routine in the plugin: the built main.js in the
 * in-repo Obsidian, the test model server answering each call after 200 ms, from the moment the
 * note is created to the moment the routine's change is in the file. Prints JSON.
 */
import './dom-setup';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp, createTempVault, destroyApp, removeTempVault, settle } from '../../test/support/obsidian/index';
import { enablePlugin, loadBuiltPlugin, readManifest } from '../../test/support/obsidian/load-plugin';
import { OpenAiTestServer } from '../../test/support/openai-server';
import { scriptedAgents } from '../../test/support/scripted-agents';
import { median, quantile, round } from './stats';

const LATENCY_MS = 200;

async function latency(repo: string, mainJs: string, runs: number): Promise<number[]> {
  const server = await OpenAiTestServer.start({ handler: async (body, req) => ({ ...(await scriptedAgents()(body, req)), delayMs: LATENCY_MS }) });
  const dir = createTempVault({});
  fs.cpSync(path.join(repo, 'examples/vault'), dir, { recursive: true });
  const app = createApp(dir);
  await settle(app);
  const plugin = loadBuiltPlugin(app, mainJs, readManifest(path.join(repo, 'manifest.json')));
  await enablePlugin(app, plugin);
  await app.workspace.triggerLayoutReady();
  const p = plugin as unknown as { updateSettings(x: unknown): Promise<boolean>; settings: { llm: Record<string, unknown> }; autonomy: { whenIdle(): Promise<void> } };
  app.secretStorage.setSecret('groundwork-api-key', 'sk-bench');
  await p.updateSettings({ llm: { ...p.settings.llm, preset: 'custom', baseURL: server.url, model: 'test-model', cache: false } });
  await settle(app);
  await p.autonomy.whenIdle();
  await app.vault.process(app.vault.getFileByPath('Static site builds.md')!, (t) => t.replace(/^---\n/, '---\nroutines:\n  - "new note: Add a summary section"\n'));
  await settle(app);
  await p.autonomy.whenIdle();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const rel = `Notes/Bench note ${i}.md`;
    const t0 = performance.now();
    await app.vault.create(rel, `---\ndomain: "[[Static site builds]]"\n---\n# Bench note ${i}\n\nA new note, number ${i}.\n`);
    for (;;) {
      if (fs.readFileSync(path.join(dir, rel), 'utf8').includes('## Agent notes')) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    out.push(performance.now() - t0);
    await settle(app);
    await p.autonomy.whenIdle();
  }
  await destroyApp(app);
  removeTempVault(dir);
  await server.close();
  return out;
}

async function main(): Promise<void> {
  const mainJs = path.resolve(process.argv[2]!);
  const repo = path.resolve(process.argv[3]!);
  const runs = Number(process.argv[4] ?? 9);
  const ms = await latency(repo, mainJs, runs);
  process.stdout.write(`${JSON.stringify({ runs, serverLatencyMs: LATENCY_MS, debounceMs: 1000, medianMs: round(median(ms), 1), p90Ms: round(quantile(ms, 0.9), 1), minMs: round(Math.min(...ms), 1) })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
