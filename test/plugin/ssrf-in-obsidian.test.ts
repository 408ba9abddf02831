// @vitest-environment happy-dom
/**
 * The address checks in Obsidian, through the built main.js and requestUrl: there is no DNS API,
 * so names cannot be resolved, but literal addresses and localhost names are refused, and the
 * allowed-hosts setting opts a host in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { destroyApp, removeTempVault, settle, type App } from '../support/obsidian/index';
import { startPluginWithModel, type PluginLike } from '../support/plugin-harness';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { startWebServer, type WebServer } from '../support/web-server';

const SECRET = 'ROUTER-ADMIN-PASSWORD-4411';
let app: App;
let dir: string;
let server: OpenAiTestServer;
let internal: WebServer;
let plugin: PluginLike;

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents() });
  internal = await startWebServer();
  internal.route('/admin', { type: 'text/plain', body: `# Admin\n\n${SECRET}` });
  ({ app, dir, plugin } = await startPluginWithModel(server.url, ''));
  // What a run fetches once started is tested here; the dialog before research has its own tests.
  await plugin.updateSettings({ skipResearchConfirmation: true });
});
afterEach(async () => {
  await destroyApp(app);
  removeTempVault(dir);
  await server.close();
  await internal.close();
});

async function research(): Promise<string> {
  await app.workspace.setActiveFile(app.vault.getFileByPath('LoRA fine-tuning.md'));
  await settle(app);
  await app.commands.run('groundwork:research-domain');
  await plugin.whenIdle();
  await settle(app);
  return readFileSync(path.join(dir, 'Groundwork/LoRA fine-tuning/LoRA fine-tuning sources.md'), 'utf8');
}

describe('fetched URLs in Obsidian', () => {
  it('a note linking loopback, in several spellings, gets them refused: nothing requested, nothing stored', async () => {
    const port = new URL(internal.url).port;
    appendFileSync(
      path.join(dir, 'LoRA fine-tuning.md'),
      `\nhttp://127.0.0.1:${port}/admin http://2130706433:${port}/admin?a http://localhost:${port}/admin http://0x7f.1:${port}/admin?b\n`,
    );
    const sources = await research();
    expect(sources.match(/refused: /g)?.length).toBe(4);
    expect(internal.requests).toEqual([]);
    expect(sources).not.toContain(SECRET);
    expect(server.requests.some((r) => r.rawBody.includes(SECRET))).toBe(false);
  });

  it('the allowed-hosts setting opts a host in', async () => {
    await plugin.updateSettings({ allowedHosts: ['127.0.0.1'] });
    appendFileSync(path.join(dir, 'LoRA fine-tuning.md'), `\n${internal.at('/admin')}\n`);
    await research();
    expect(internal.requests.map((r) => r.path)).toEqual(['/admin']);
  });
});
