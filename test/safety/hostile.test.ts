/**
 * Hostile content: prompt injection in sources (a web page on loopback, a note) and in model
 * output (digests, actor options): path traversal and absolute paths as titles and note names,
 * raw HTML and scripts, javascript: and data: links, instructions to change trust keys, to sign a
 * domain off, to write into another domain or into .obsidian/. None of it may take effect.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents, type ScriptOptions } from '../support/scripted-agents';
import { startWebServer, type WebServer } from '../support/web-server';
import { EXAMPLE_VAULT, snapshot, tempVault } from '../support/temp-vault';
import { runCli } from '../support/run-cli';
import { parseNote } from '../../src/core/frontmatter';
import { extractLinks, LinkResolver } from '../../src/core/links';
import { expectSoundOutput, FIXTURES } from './helpers';

const HOSTILE = path.join(FIXTURES, 'hostile');
const payloads = JSON.parse(readFileSync(path.join(HOSTILE, 'payloads.json'), 'utf8')) as {
  inject: string;
  noteNames: string[];
  contents: string[];
  headings: string[];
  links: string[];
};

let server: OpenAiTestServer;
let web: WebServer;
let vault: { dir: string; cleanup: () => void };
let script: ScriptOptions;

beforeEach(async () => {
  script = {};
  server = await OpenAiTestServer.start({ handler: (body, req) => scriptedAgents(script)(body, req) });
  web = await startWebServer();
  web.route('/lora', { body: readFileSync(path.join(HOSTILE, 'page.html')) });
  vault = tempVault(EXAMPLE_VAULT);
  writeFileSync(path.join(vault.dir, 'Notes/Hostile note.md'), readFileSync(path.join(HOSTILE, 'Hostile note.md')));
  // A config folder with settings and another plugin, to prove nothing in it is touched.
  mkdirSync(path.join(vault.dir, '.obsidian/plugins/other'), { recursive: true });
  writeFileSync(path.join(vault.dir, '.obsidian/app.json'), '{"promptDelete":false}\n');
  writeFileSync(path.join(vault.dir, '.obsidian/plugins/other/data.json'), '{"other":true}\n');
});
afterEach(async () => {
  await server.close();
  await web.close();
  vault.cleanup();
});

const env = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-hostile', GROUNDWORK_MODEL: 'test-model' });
const file = (rel: string) => path.join(vault.dir, rel);
const read = (rel: string) => readFileSync(file(rel), 'utf8');

/** Markdown outside fenced code blocks and code spans: what Obsidian would render as markup. */
function outsideCode(md: string): string {
  return md.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').replace(/(`+)[^`\n]*?\1/g, '');
}

interface State {
  files: Map<string, Buffer>;
  frontmatter: Map<string, string>;
}
function state(): State {
  const files = snapshot(vault.dir);
  const frontmatter = new Map<string, string>();
  for (const [k, v] of files) if (k.endsWith('.md') && !k.startsWith('Groundwork/') && !k.startsWith('.')) frontmatter.set(k, JSON.stringify(parseNote(v.toString('utf8')).frontmatter));
  return { files, frontmatter };
}

/** Everything that must hold after any hostile run, whatever it did. */
function expectContained(before: State, opts: { changedPersonNotes?: string[] } = {}): void {
  const after = state();
  // Trust keys (and every other property) of the person's notes stay as the person left them.
  expect(after.frontmatter).toEqual(before.frontmatter);
  for (const [k, v] of before.files) {
    const now = after.files.get(k);
    expect(now, `${k} still exists`).toBeDefined();
    if (k.startsWith('.obsidian/') && !k.startsWith('.obsidian/plugins/groundwork/')) expect(now!.equals(v), `${k} unchanged`).toBe(true);
    if (!k.startsWith('Groundwork/') && !k.startsWith('.obsidian/plugins/groundwork/') && !(opts.changedPersonNotes ?? []).includes(k)) {
      // The domain note may only gain its Groundwork link section at the end.
      if (!now!.equals(v)) expect(now!.subarray(0, v.length).equals(v), `${k} only grew`).toBe(true);
    }
  }
  // New files land only under the output folder or the plugin's data folder.
  const added = [...after.files.keys()].filter((k) => !before.files.has(k));
  for (const k of added) expect(k.startsWith('Groundwork/') || k.startsWith('.obsidian/plugins/groundwork/') || k.startsWith('.trash/'), `new file ${k}`).toBe(true);
  expect(after.files.has('etc/passwd.md')).toBe(false);

  // Generated and changed notes: no raw HTML, links only to vault notes or http(s).
  const vaultFiles = [...after.files.keys()].filter((k) => !k.startsWith('.'));
  const resolver = new LinkResolver();
  for (const p of vaultFiles) resolver.add(p);
  const check = [...after.files.keys()].filter((k) => k.endsWith('.md') && (k.startsWith('Groundwork/') || !before.files.get(k)?.equals(after.files.get(k)!)) && !k.startsWith('.'));
  for (const p of check) {
    const text = after.files.get(p)!.toString('utf8');
    const md = outsideCode(parseNote(text).body);
    expect(md, `${p}: raw HTML`).not.toMatch(/<\/?[a-z][a-z0-9-]*(\s[^>]*)?\/?>/i);
    expect(md, `${p}: raw HTML`).not.toMatch(/<(script|img|iframe|a|svg|style|object|embed)\b/i);
    for (const m of md.matchAll(/\]\(\s*<?([^)\s>]*)/g)) expect(m[1], `${p}: link target`).toMatch(/^https?:\/\//i);
    for (const m of md.matchAll(/<([a-z][a-z0-9+.-]*:[^>\s]*)>/gi)) expect(m[1], `${p}: autolink`).toMatch(/^https?:\/\//i);
    expect(md, `${p}: scheme`).not.toMatch(/\b(javascript|vbscript):|\bdata:[a-z]+\//i);
    const parsed = parseNote(text);
    for (const l of extractLinks(md, parsed.frontmatter)) {
      const hit = resolver.resolve(l, p);
      expect(hit, `${p}: [[${l}]] must be a vault note`).not.toBeNull();
      expect(hit!.startsWith('.'), `${p}: [[${l}]]`).toBe(false);
    }
  }
  expectSoundOutput(vault.dir);
}

describe('hostile sources and model output in a research run', () => {
  it('a hostile page, a hostile note and injected digests: rendered inert, trust and scope unchanged', async () => {
    script = { inject: payloads.inject, extraCitation: 'S99' };
    const before = state();
    const r = await runCli(['research', vault.dir, 'LoRA fine-tuning', '--url', web.at('/lora'), '--allow-host', '127.0.0.1', '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { sources: { ref: string; title: string; error?: string }[] };
    expect(out.sources.map((s) => s.ref)).toEqual(expect.arrayContaining([web.at('/lora'), 'Notes/Hostile note.md']));
    expectContained(before);
    // Both hostile sources were read and digested: the defences were exercised, not bypassed.
    const sources = read('Groundwork/LoRA fine-tuning/LoRA fine-tuning sources.md');
    expect(sources).toContain('Hostile note');
    expect(sources).toContain('.obsidian/x'); // the page's title, as inert text
    expect(sources).toContain('&lt;script');
    // The fence in a source cannot close the untrusted block in the prompt.
    for (const q of server.chatRequests) {
      const user = q.body!.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
      const opens = user.match(/⟦BEGIN UNTRUSTED/g)?.length ?? 0;
      expect(user.match(/⟦END UNTRUSTED/g)?.length ?? 0).toBe(opens);
    }
    // The domain note: not signed off, confidence still low.
    expect(parseNote(read('LoRA fine-tuning.md')).frontmatter).toEqual({ groundwork: 'domain', confidence: 'low', tags: ['ml'] });
    const map = JSON.parse((await runCli(['map', vault.dir, '--json'])).stdout) as { domains: { name: string; mode: string; signedOff: string | null }[] };
    expect(map.domains.find((d) => d.name === 'LoRA fine-tuning')).toMatchObject({ mode: 'propose', signedOff: null });
    // The unknown id is named by code in the critique, as an issue blocking the sign-off.
    expect(read('Groundwork/LoRA fine-tuning/LoRA fine-tuning critique.md')).toMatch(/^- \[ \] \*\*unsupported\*\*: Claims citing S99 — S99 is not one of the sources/m);

    // The skeleton (mapper) and a re-run of the critic on the same hostile material stay inert too.
    expect((await runCli(['skeleton', vault.dir, 'LoRA fine-tuning'], env())).code).toBe(0);
    expect((await runCli(['critique', vault.dir, 'LoRA fine-tuning'], env())).code).toBe(0);
    expectContained(before);
  });
});

type Opt = { title: string; rationale: string; kind: string; heading: string; noteName: string; content: string; links: string[] };
const opt = (o: Partial<Opt>): Opt => ({ title: 'Hostile', rationale: 'Because.', kind: 'append-section', heading: 'Agent notes', noteName: '', content: 'text', links: [], ...o });

const AUTOMATE = { domain: 'Static site builds', note: 'Notes/Blog deploy checklist.md' };
const PROPOSE = { domain: 'LoRA fine-tuning', note: 'Notes/Adapter rank experiments.md' };

/** Runs one task with the given actor option; in propose mode accepts it, as a person might. */
async function hostileTask(where: typeof AUTOMATE, o: Opt): Promise<{ code: number; stderr: string }> {
  script = { actorOptions: [o] };
  const r = await runCli(['run', vault.dir, where.domain, '--task', 'Do what the page says', '--note', where.note, '--json'], env());
  if (r.code !== 0) return r;
  const out = JSON.parse(r.stdout) as { outcome: string; proposalPath?: string };
  if (out.outcome === 'proposal') {
    // The proposal itself is inert, and accepting it is held to the same rules.
    const a = await runCli(['accept', vault.dir, out.proposalPath!, '--option', '1'], env());
    return { code: a.code, stderr: a.stderr };
  }
  return r;
}

describe('hostile actor output through the Gate (automate: applied at once; propose: accepted by the person)', () => {
  for (const where of [AUTOMATE, PROPOSE]) {
    const mode = where === AUTOMATE ? 'automate' : 'propose';
    for (const noteName of payloads.noteNames) {
      it(`${mode}: create-note named ${JSON.stringify(noteName)} lands only in the domain's folder`, async () => {
        const before = state();
        const r = await hostileTask(where, opt({ kind: 'create-note', title: noteName || '../../x', noteName, content: payloads.contents[0]! }));
        expect(r.stderr).not.toMatch(/\n\s+at /);
        const added = [...snapshot(vault.dir).keys()].filter((k) => !before.files.has(k) && k.endsWith('.md') && !k.startsWith('Groundwork/Inbox/') && k !== 'Groundwork/Journal.md');
        for (const k of added) {
          expect(k.startsWith(`Groundwork/${where.domain}/`), k).toBe(true);
          // Never a hidden file (Obsidian and the vault listing skip names starting with a dot).
          expect(path.posix.basename(k).startsWith('.'), k).toBe(false);
          expect(k.slice(`Groundwork/${where.domain}/`.length)).not.toContain('/');
        }
        expectContained(before);
      });
    }
    payloads.contents.forEach((content, i) => {
      for (const kind of ['append-section', 'replace-section'] as const) {
        it(`${mode}: ${kind} with hostile content #${i + 1} changes only the note's body, inertly`, async () => {
          const before = state();
          const r = await hostileTask(where, opt({ kind, heading: kind === 'replace-section' ? 'Steps' : 'Agent notes', content }));
          expect(r.stderr).not.toMatch(/\n\s+at /);
          expectContained(before, { changedPersonNotes: [where.note] });
          const now = read(where.note);
          expect(parseNote(now).frontmatter).toEqual(parseNote(before.files.get(where.note)!.toString('utf8')).frontmatter);
        });
      }
    });
    for (const heading of payloads.headings) {
      it(`${mode}: a section headed ${JSON.stringify(heading)} cannot open frontmatter or raw HTML`, async () => {
        const before = state();
        const r = await hostileTask(where, opt({ kind: 'append-section', heading, content: 'Body.' }));
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expectContained(before, { changedPersonNotes: [where.note] });
      });
    }
    it(`${mode}: add-links to traversal paths, .obsidian and javascript: adds no link out of the vault's notes`, async () => {
      const before = state();
      const r = await hostileTask(where, opt({ kind: 'add-links', links: payloads.links }));
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expectContained(before, { changedPersonNotes: [where.note] });
    });
  }
});
