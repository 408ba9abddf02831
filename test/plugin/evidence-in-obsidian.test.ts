// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { destroyApp, removeTempVault, settle, type App } from '../support/obsidian/index';
import { openModals } from '../support/obsidian/ui';
import { startPluginWithModel, type PluginLike } from '../support/plugin-harness';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { skeletonFromCanvas } from '../../src/core/skeleton';

/*
 * One distillate and a skeleton in sync, in the built main.js: the YAML block is shown readably
 * with citations that open the quote, the sign-off reads the YAML as the person edited it, and the
 * canvas follows every change of its skeleton note.
 */

let app: App;
let dir: string;
let server: OpenAiTestServer;
let plugin: PluginLike;

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents(), requireKey: 'sk-obsidian-key' });
  ({ app, dir, plugin } = await startPluginWithModel(server.url, 'sk-obsidian-key'));
  // What research writes is tested here; the dialog before it has its own tests.
  await plugin.updateSettings({ skipResearchConfirmation: true });
});

afterEach(async () => {
  await destroyApp(app);
  removeTempVault(dir);
  await server.close();
});

const read = (rel: string) => readFileSync(path.join(dir, rel), 'utf8');
const DIR = 'Groundwork/Kubernetes/Kubernetes';

async function command(id: string, on: string) {
  await app.workspace.setActiveFile(app.vault.getFileByPath(on));
  await settle(app);
  await app.commands.run(`groundwork:${id}`);
  await plugin.whenIdle();
  await settle(app);
  await plugin.whenIdle();
}

type Processor = (source: string, el: HTMLElement, ctx: { sourcePath: string }) => void;

function distillateProcessor(): Processor {
  const reg = (plugin as unknown as { registered: { kind: string; args: unknown[] }[] }).registered.find((r) => r.kind === 'markdown-code-block-processor' && r.args[0] === 'groundwork-distillate');
  expect(reg).toBeDefined();
  return reg!.args[1] as Processor;
}

function yamlOf(note: string): string {
  return /```groundwork-distillate\n([\s\S]*?)\n```/.exec(note)![1]!;
}

describe('the distillate in Obsidian', () => {
  it('shows the YAML block readably; a citation opens the quote in the sources note; the sign-off shows the edited YAML', async () => {
    await command('research-domain', 'Kubernetes.md');
    const distPath = `${DIR} distillate.md`;
    const el = document.createElement('div');
    distillateProcessor()(yamlOf(read(distPath)), el, { sourcePath: distPath });
    expect(el.querySelector('h4')?.textContent).toBe('Summary');
    expect(el.textContent).toMatch(/The domain in \d+ sources\./);
    const cite = el.querySelector('a.groundwork-citation') as HTMLAnchorElement;
    expect(cite.textContent).toBe('S1');
    expect(cite.getAttribute('data-href')).toBe(`${DIR} sources#^s1-1`);
    expect(cite.getAttribute('aria-label')).toMatch(/^“.+”$/);
    cite.click();
    await settle(app);
    expect(app.workspace.getActiveFile()?.path).toBe(`${DIR} sources.md`);
    // Never raw wikilink syntax in what the person reads.
    expect(el.textContent).not.toContain('[[');

    // The person corrects the YAML: the view, and the sign-off dialog, read the correction.
    const file = app.vault.getFileByPath(distPath)!;
    await app.vault.modify(file, read(distPath).replace(/^summary: .*$/m, 'summary: My own reading of Kubernetes.'));
    const again = document.createElement('div');
    distillateProcessor()(yamlOf(read(distPath)), again, { sourcePath: distPath });
    expect(again.textContent).toContain('My own reading of Kubernetes.');
    await command('sign-off-domain', 'Kubernetes.md');
    const modal = openModals[openModals.length - 1]!;
    expect(modal.contentEl.textContent).toContain('My own reading of Kubernetes.');
  });

  it('names a YAML block that no longer parses, instead of showing nothing', async () => {
    const el = document.createElement('div');
    distillateProcessor()('summary: [unclosed', el, { sourcePath: `${DIR} distillate.md` });
    expect(el.querySelector('.groundwork-distillate-problem')?.textContent).toMatch(/does not parse/);
  });
});

describe('the skeleton canvas follows its note', () => {
  it('an edit of the skeleton note rewrites the canvas to match', async () => {
    await command('research-domain', 'Kubernetes.md');
    await command('draft-skeleton', 'Kubernetes.md');
    const skelPath = `${DIR} skeleton.md`;
    const canvasPath = `${DIR} skeleton.canvas`;
    expect(skeletonFromCanvas(read(canvasPath))!.areas.map((a) => a.name)).toEqual(['Foundations', 'Practice', 'Open questions']);
    await app.vault.modify(app.vault.getFileByPath(skelPath)!, read(skelPath).replace('  - Practice\n', '  - Practice\n    - Rolling updates\n').replace('  - Open questions\n', '  - Operations\n'));
    await settle(app);
    await plugin.whenIdle();
    const shown = skeletonFromCanvas(read(canvasPath))!;
    expect(shown.areas.map((a) => a.name)).toEqual(['Foundations', 'Practice', 'Operations']);
    expect(shown.areas[1]!.concepts).toContain('Rolling updates');
  });
});
