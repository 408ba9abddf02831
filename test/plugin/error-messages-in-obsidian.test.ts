// @vitest-environment happy-dom
/**
 * The plugin's notices map failures exactly as the CLI does (core/errors.ts): a damaged journal is
 * the sentence the error carries, not "Unexpected error"; see test/safety/error-messages.test.ts.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { destroyApp, noticeMessages, removeTempVault, settle, type App } from '../support/obsidian/index';
import { startPluginWithModel, type PluginLike } from '../support/plugin-harness';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { DAMAGED_JOURNAL } from '../support/error-text';

let app: App;
let dir: string;
let server: OpenAiTestServer;
let plugin: PluginLike;

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents() });
  ({ app, dir, plugin } = await startPluginWithModel(server.url, 'sk-errors'));
});
afterEach(async () => {
  await destroyApp(app);
  removeTempVault(dir);
  await server.close();
});

async function undo(): Promise<string[]> {
  const before = noticeMessages.length;
  await app.commands.run('groundwork:undo-last-change');
  await plugin.whenIdle();
  await settle(app);
  return noticeMessages.slice(before).filter((m: string) => m.startsWith('Groundwork: Undo failed.'));
}

it('a damaged journal: the notice is the same sentence the CLI prints', async () => {
  const journal = path.join(dir, '.obsidian', 'plugins', 'groundwork', 'journal');
  mkdirSync(journal, { recursive: true });
  writeFileSync(path.join(journal, 'index.json'), '{"version": 1, "entries": [');
  const failures = await undo();
  expect(failures).toHaveLength(1);
  expect(failures[0]!.replace(/^Groundwork: Undo failed\. /, '')).toMatch(DAMAGED_JOURNAL);
});

it('nothing to undo: the refusal, as a sentence', async () => {
  expect(await undo()).toEqual(['Groundwork: Undo failed. Nothing to undo: the journal has no applied change.']);
});
