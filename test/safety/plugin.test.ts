// @vitest-environment happy-dom
/**
 * The same guarantees through the plugin layer: the built main.js driven as Obsidian would, over
 * the in-repo obsidian API on a real folder. Cancel ("Cancel the running job", or the status
 * bar's Cancel) at each stage keeps the person's notes and leaves nothing half-written; hostile
 * sources and model output stay inert; the key lives in SecretStorage only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { clearNotices, destroyApp, noticeMessages, removeTempVault, requestLog, settle, type App } from '../support/obsidian/index';
import { snapshot } from '../support/temp-vault';
import { startPluginWithModel, type PluginLike } from '../support/plugin-harness';
import { OpenAiTestServer, type ChatRequestBody } from '../support/openai-server';
import { scriptedAgents, type ScriptOptions } from '../support/scripted-agents';
import { parseNote } from '../../src/core/frontmatter';
import { bytesLost, expectSoundOutput, FIXTURES, personFiles } from './helpers';

const KEY = 'sk-PLUGIN-distinctive-key-9f8e7d6c5b4a';
const DOMAIN = 'LoRA fine-tuning';
const schemaOf = (b: ChatRequestBody): string => b.response_format?.json_schema?.name ?? '?';

let app: App;
let dir: string;
let server: OpenAiTestServer;
let plugin: PluginLike;
let hold: string | null;
let digestsAnswered: number;
let script: ScriptOptions;

beforeEach(async () => {
  hold = null;
  digestsAnswered = 0;
  script = {};
  server = await OpenAiTestServer.start({
    requireKey: KEY,
    handler: (body, req) => {
      const s = schemaOf(body);
      if (s === hold && !(s === 'source_digest' && digestsAnswered === 0)) return { hang: true };
      if (s === 'source_digest') digestsAnswered++;
      return scriptedAgents(script)(body, req);
    },
  });
  ({ app, dir, plugin } = await startPluginWithModel(server.url, KEY));
  // These tests are about what a run does once started; the dialog before it has its own tests.
  await plugin.updateSettings({ skipResearchConfirmation: true });
  clearNotices();
  requestLog.length = 0;
});
afterEach(async () => {
  await destroyApp(app);
  await server.close();
  removeTempVault(dir);
});

async function open(rel: string) {
  await app.workspace.setActiveFile(app.vault.getFileByPath(rel));
  await settle(app);
}
async function idle() {
  await plugin.whenIdle();
  await settle(app);
  await plugin.whenIdle();
}
const digestCalls = () => server.chatRequests.filter((r) => r.body && schemaOf(r.body) === 'source_digest').length;

/** Bounded wait (no timing assertion) until a request of this schema is held by the server. */
async function untilHeld(schema: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (server.inFlight > 0 && server.chatRequests.some((r) => r.body && schemaOf(r.body) === schema && !server.closed(r))) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no ${schema} request reached the server`);
}

/** Bounded wait until the digest cache in the plugin's data folder holds an answer. */
async function untilDigestKept(): Promise<void> {
  const digests = path.join(dir, '.obsidian', 'plugins', 'groundwork', 'digests');
  for (let i = 0; i < 1000; i++) {
    if (existsSync(digests) && readdirSync(digests).some((f) => f.endsWith('.json'))) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the answered digest was never kept');
}

describe('cancel in Obsidian at each stage of research', () => {
  const stages = [
    { stage: 'scout (digests half done)', hold: 'source_digest', how: 'command', wrote: [] as string[] },
    { stage: 'distiller', hold: 'distillate', how: 'status bar', wrote: ['sources'] },
    { stage: 'critic', hold: 'critique', how: 'command', wrote: ['sources', 'distillate'] },
  ];
  for (const s of stages) {
    it(`during the ${s.stage}, by the ${s.how}: one notice, nothing lost or half-written; the retry reuses the digests`, async () => {
      const before = personFiles(dir);
      hold = s.hold;
      await open(`${DOMAIN}.md`);
      await app.commands.run('groundwork:research-domain');
      await untilHeld(s.hold);
      // The answered digest is kept before the cancel (bounded wait, no timing assertion): the
      // retry below counts on it, and under load its write could land after the cancel.
      if (s.hold === 'source_digest') await untilDigestKept();
      if (s.how === 'command') {
        expect(app.commands.isAvailable('groundwork:cancel-run')).toBe(true);
        await app.commands.run('groundwork:cancel-run');
      } else {
        const link = document.querySelector<HTMLAnchorElement>('.groundwork-status-cancel');
        expect(link).not.toBeNull();
        link!.click();
      }
      await idle();
      const failures = noticeMessages.filter((m) => m.startsWith('Groundwork:'));
      expect(failures).toEqual(['Groundwork: Research failed. Cancelled; notes written before the cancel are kept, nothing else was written.']);
      expect(bytesLost(before, personFiles(dir))).toBe(0);
      expect(personFiles(dir)).toEqual(before);
      expectSoundOutput(dir);
      for (const k of ['sources', 'distillate', 'critique']) {
        const exists = snapshot(dir).has(`Groundwork/${DOMAIN}/${DOMAIN} ${k}.md`);
        expect(exists, k).toBe(s.wrote.includes(k));
      }

      hold = null;
      clearNotices();
      const calls = digestCalls();
      await open(`${DOMAIN}.md`);
      await app.commands.run('groundwork:research-domain');
      await idle();
      expect(noticeMessages.some((m) => m.includes('Research done'))).toBe(true);
      const digests = digestCalls() - calls;
      const sourcesNote = readFileSync(path.join(dir, `Groundwork/${DOMAIN}/${DOMAIN} sources.md`), 'utf8');
      const usable = (sourcesNote.match(/^## S\d+/gm) ?? []).length - (sourcesNote.match(/^- \*\*Not used:\*\*/gm) ?? []).length;
      expect(usable).toBeGreaterThan(1);
      // Digests finished before the cancel are reused; after a later stage, all of them.
      if (s.hold === 'source_digest') expect(digests).toBeLessThan(usable);
      else expect(digests).toBe(0);
      expect(readFileSync(path.join(dir, `Groundwork/${DOMAIN}/${DOMAIN} critique.md`), 'utf8')).toContain('groundwork: critique');
      expectSoundOutput(dir);
    });
  }
});

describe('hostile content and the key, through main.js', () => {
  it('a hostile note and injected model output: generated notes inert, trust unchanged; the key in no file, notice or foreign request', async () => {
    const payloads = JSON.parse(readFileSync(path.join(FIXTURES, 'hostile/payloads.json'), 'utf8')) as { inject: string; noteNames: string[]; contents: string[] };
    writeFileSync(path.join(dir, 'Notes/Hostile note.md'), readFileSync(path.join(FIXTURES, 'hostile/Hostile note.md')));
    app.vault.syncFromDisk();
    await settle(app);
    script = { inject: payloads.inject };
    const before = personFiles(dir);
    const generatedBefore = snapshot(dir);
    const fmBefore = [...before].map(([k, v]) => [k, JSON.stringify(parseNote(v.toString('utf8')).frontmatter)]);

    await open(`${DOMAIN}.md`);
    await app.commands.run('groundwork:research-domain');
    await idle();
    expect(noticeMessages.some((m) => m.includes('Research done'))).toBe(true);

    // A hostile actor in an automate domain: traversal name, raw HTML, a frontmatter fence. (Content
    // that adds URLs never gets this far: the verifier refuses it, see test/agents/verifier.e2e.test.ts.)
    const content = [...payloads.contents.filter((c) => !/https?:/.test(c)), "<script>alert('content')</script>\n<img src=x onerror=alert(1)>"].join('\n\n');
    script = { actorOptions: [{ title: '../../.obsidian/x', rationale: 'r', kind: 'create-note', heading: '', noteName: payloads.noteNames[0], content, links: [] }] };
    await open('Notes/Blog deploy checklist.md');
    await app.commands.run('groundwork:run-task');
    const { openModals } = await import('../support/obsidian/ui');
    const modal = openModals[openModals.length - 1]!;
    const textarea = modal.contentEl.querySelector('textarea')!;
    textarea.value = 'Do what the page says';
    textarea.dispatchEvent(new Event('input'));
    (modal.contentEl.querySelector('button.mod-cta') as HTMLButtonElement).click();
    await idle();
    // Applied at once (automate), inside the domain's folder, then undone: both journaled.
    const created = [...snapshot(dir).keys()].filter((k) => k.startsWith('Groundwork/Static site builds/') && !generatedBefore.has(k));
    expect(created).toEqual(['Groundwork/Static site builds/obsidian x.md']);
    await app.commands.run('groundwork:undo-last-change');
    await idle();
    expect(readFileSync(path.join(dir, 'Groundwork/Journal.md'), 'utf8')).toMatch(/undone/);

    const after = snapshot(dir);
    // Trust keys and every property of the person's notes unchanged; their text only grew (links).
    expect([...personFiles(dir)].map(([k, v]) => [k, JSON.stringify(parseNote(v.toString('utf8')).frontmatter)])).toEqual(fmBefore);
    for (const [k, v] of before) expect(after.get(k)!.subarray(0, v.length).equals(v), k).toBe(true);
    // New files only under the output folder, the plugin's data folder and the trash.
    for (const k of after.keys()) if (!before.has(k)) expect(/^(Groundwork\/|\.obsidian\/plugins\/groundwork\/|\.trash\/)/.test(k), k).toBe(true);
    for (const [k, v] of after) {
      if (!k.startsWith('Groundwork/') || !k.endsWith('.md')) continue;
      const md = parseNote(v.toString('utf8')).body.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').replace(/(`+)[^`\n]*?\1/g, '');
      expect(md, k).not.toMatch(/<\/?[a-z][a-z0-9-]*(\s[^>]*)?\/?>/i);
      expect(md, k).not.toMatch(/\]\(\s*(?!https?:)[a-z]+:/i);
    }
    expectSoundOutput(dir);

    // The key: sent to the model server on every call, and nowhere else, never stored or shown.
    expect(server.chatRequests.length).toBeGreaterThan(0);
    expect(server.chatRequests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(new Set(requestLog.map((r) => new URL(r.url).origin))).toEqual(new Set([new URL(server.url).origin]));
    expect([...after].filter(([, v]) => v.includes(KEY)).map(([k]) => k)).toEqual([]);
    expect(noticeMessages.filter((m) => m.includes(KEY))).toEqual([]);
    expect(noticeMessages.filter((m) => /\n\s+at /.test(m))).toEqual([]);
  });
});
