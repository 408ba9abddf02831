// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { destroyApp, noticeMessages, removeTempVault, settle, type App } from '../support/obsidian/index';
import { openModals } from '../support/obsidian/ui';
import { startPluginWithModel, type PluginLike } from '../support/plugin-harness';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { parseNote } from '../../src/core/frontmatter';

type Plugin = PluginLike & {
  autonomy: { whenIdle(): Promise<void> };
  settings: { routines: { paused: boolean; maxRunsPerDay: number; maxTokensPerDay: number } };
  live: { current(): { computeMap(): { domains: { name: string; mode: string; probation: boolean; sourcesChanged: string[]; suggestion: string | null; stale: boolean }[] } } };
};

let app: App;
let dir: string;
let server: OpenAiTestServer;
let plugin: Plugin;

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents(), requireKey: 'sk-routines' });
  const started = await startPluginWithModel(server.url, 'sk-routines');
  ({ app, dir } = started);
  plugin = started.plugin as Plugin;
  // These tests are about what runs do once started; the dialog before research has its own tests.
  await started.plugin.updateSettings({ skipResearchConfirmation: true });
  await idle();
});

afterEach(async () => {
  await destroyApp(app);
  removeTempVault(dir);
  await server.close();
});

const read = (rel: string) => readFileSync(path.join(dir, rel), 'utf8');

async function idle() {
  await settle(app);
  await plugin.whenIdle();
  await plugin.autonomy.whenIdle();
  await settle(app);
  await plugin.autonomy.whenIdle();
}

/** Adds routine lines to a domain note, as the person would in its properties. */
async function addRoutines(domainNote: string, lines: string[]) {
  await app.vault.process(app.vault.getFileByPath(domainNote)!, (t) => t.replace(/^---\n/, `---\nroutines:\n${lines.map((l) => `  - "${l}"`).join('\n')}\n`));
  await idle();
}

async function createNote(rel: string, domain: string, body: string) {
  await app.vault.create(rel, `---\ndomain: "[[${domain}]]"\n---\n# ${path.basename(rel, '.md')}\n\n${body}\n`);
  await idle();
}

const domain = (name: string) => plugin.live.current().computeMap().domains.find((d) => d.name === name)!;

async function command(id: string) {
  await app.commands.run(`groundwork:${id}`);
  await idle();
}

describe('routines in Obsidian, through the built main.js', () => {
  it('a new-note routine applies in an automate domain (undo restores the bytes) and proposes options in a propose domain; never on its own writes', async () => {
    await addRoutines('Static site builds.md', ['new note: Add a summary section', 'changed note: Add a summary section']);
    await addRoutines('LoRA fine-tuning.md', ['new note: Add a summary section']);
    expect(server.chatRequests).toHaveLength(0);

    await createNote('Notes/Netlify redirects.md', 'Static site builds', 'Redirects live in `_redirects`.');
    const created = `---\ndomain: "[[Static site builds]]"\n---\n# Netlify redirects\n\nRedirects live in \`_redirects\`.\n`;
    expect(read('Notes/Netlify redirects.md')).toBe(`${created}\n## Agent notes 1\n\nDone: Add a summary section (variant 1).\n`);
    expect(noticeMessages.some((m: string) => m.includes('Groundwork routine · Static site builds · new note: Add a summary section: applied to Netlify redirects'))).toBe(true);
    // Groundwork's own write did not fire the changed-note routine: actor and critic, nothing more.
    expect(server.chatRequests).toHaveLength(2);

    await createNote('Notes/QLoRA.md', 'LoRA fine-tuning', 'Quantized base, LoRA on top.');
    const proposal = app.vault.getFiles().find((f) => f.path.startsWith('Groundwork/Inbox/'))!;
    expect(parseNote(read(proposal.path)).frontmatter).toMatchObject({ mode: 'propose', status: 'pending' });
    expect(read(proposal.path).match(/^## Option \d/gm)).toHaveLength(3);
    expect(read('Notes/QLoRA.md')).not.toContain('Agent notes');
    expect(noticeMessages.some((m: string) => m.includes('LoRA fine-tuning · new note: Add a summary section: a proposal'))).toBe(true);

    await command('undo-last-change');
    expect(read('Notes/Netlify redirects.md')).toBe(created);
    const calls = server.chatRequests.length;
    await idle();
    expect(server.chatRequests).toHaveLength(calls);
  });

  it('two undone automated changes put the domain on probation on the map; a new sign-off restores automate', async () => {
    await addRoutines('Static site builds.md', ['new note: Add a summary section']);
    for (const n of ['One', 'Two']) {
      await createNote(`Notes/${n}.md`, 'Static site builds', `Note ${n}.`);
      expect(read(`Notes/${n}.md`)).toContain('Agent notes 1');
      await command('undo-last-change');
    }
    expect(domain('Static site builds')).toMatchObject({ mode: 'assist', probation: true, suggestion: 'On probation since 2 automated changes were undone: review, then sign off again.' });
    await command('open-autonomy-map');
    const card = [...document.querySelectorAll('.groundwork-domain')].find((c) => c.textContent?.includes('Static site builds'))!;
    expect(card.querySelector('.groundwork-badge-probation')?.textContent).toBe('on probation');
    expect(card.querySelector('.groundwork-suggestion')?.textContent).toContain('On probation since 2 automated changes were undone');
    // The evidence and the next step render together: the suggestion says sign off again, the button does it.
    const signAgain = card.querySelector<HTMLButtonElement>('.groundwork-next button.groundwork-step-signoff');
    expect(signAgain?.textContent).toBe('Sign off');
    expect(card.querySelector('.groundwork-evidence')!.compareDocumentPosition(signAgain!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    // While on probation a new note only gets a draft.
    await createNote('Notes/Three.md', 'Static site builds', 'Note three.');
    expect(read('Notes/Three.md')).not.toContain('Agent notes');

    // Clicked on the card as rendered now (the new note re-rendered the map).
    const again = [...document.querySelectorAll('.groundwork-domain')].find((c) => c.textContent?.includes('Static site builds'))!;
    again.querySelector<HTMLButtonElement>('.groundwork-next button.groundwork-step-signoff')!.click();
    await idle();
    (openModals[openModals.length - 1]!.contentEl.querySelector('button.mod-cta') as HTMLButtonElement).click();
    await idle();
    expect(domain('Static site builds')).toMatchObject({ mode: 'automate', probation: false, suggestion: null });
  });

  it('the daily cap in settings stops routines with a clear notice and no more calls; pausing stops them all', async () => {
    await plugin.updateSettings({ routines: { ...plugin.settings.routines, maxRunsPerDay: 1 } });
    await addRoutines('Static site builds.md', ['new note: Add a summary section']);
    await createNote('Notes/One.md', 'Static site builds', 'Note one.');
    const calls = server.chatRequests.length;
    expect(calls).toBe(2);
    await createNote('Notes/Two.md', 'Static site builds', 'Note two.');
    expect(server.chatRequests).toHaveLength(calls);
    expect(read('Notes/Two.md')).not.toContain('Agent notes');
    expect(noticeMessages.some((m: string) => m.includes('Daily cap reached for Static site builds: 1 routine run'))).toBe(true);

    await plugin.updateSettings({ routines: { ...plugin.settings.routines, maxRunsPerDay: 20, paused: true } });
    await createNote('Notes/Three.md', 'Static site builds', 'Note three.');
    expect(server.chatRequests).toHaveLength(calls);
    expect(read('Notes/Three.md')).not.toContain('Agent notes');
  });

  it('an edited source shows as changed on the map; the re-check routine digests only it and the sign-off goes stale', async () => {
    await app.workspace.setActiveFile(app.vault.getFileByPath('Static site builds.md'));
    await command('research-domain');
    expect(domain('Static site builds')).toMatchObject({ mode: 'automate', sourcesChanged: [] });
    await addRoutines('Static site builds.md', ['changed note: re-check sources']);
    const researched = server.chatRequests.length;

    // Paused, the edit is only seen: the map shows the changed source and suggests a re-check.
    await plugin.updateSettings({ routines: { ...plugin.settings.routines, paused: true } });
    const checklist = 'Notes/Blog deploy checklist.md';
    await app.vault.process(app.vault.getFileByPath(checklist)!, (t) => t.replace('# Blog deploy checklist\n', '# Blog deploy checklist\n\nWe deploy from a tag now, not from main.\n'));
    await idle();
    expect(domain('Static site builds')).toMatchObject({ mode: 'automate', sourcesChanged: [checklist] });
    expect(domain('Static site builds').suggestion).toMatch(/^1 source changed since its digest/);
    expect(server.chatRequests).toHaveLength(researched);

    // Resumed, the next change lets the routine answer what is due.
    await plugin.updateSettings({ routines: { ...plugin.settings.routines, paused: false } });
    await app.vault.create('Notes/Unrelated.md', '# Unrelated\n\nNothing to do with builds.\n');
    await idle();
    const names = server.chatRequests.slice(researched).map((r) => r.body?.response_format?.json_schema?.name);
    // Only the changed source is digested again. The critic reads the claims and the quotes they
    // cite, which did not change here: its answer may come from the plugin's response cache.
    expect(names.filter((n) => n === 'source_digest')).toHaveLength(1);
    expect(names.every((n) => n === 'source_digest' || n === 'critique')).toBe(true);
    expect(domain('Static site builds')).toMatchObject({ mode: 'assist', stale: true, sourcesChanged: [] });
    expect(read('Groundwork/Static site builds/Static site builds critique.md')).toMatch(/## Re-check \d{4}-\d{2}-\d{2}/);
  });
});
