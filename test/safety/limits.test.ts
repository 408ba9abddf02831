/**
 * Limits on what goes to the model: a task on a huge note sends the model a capped part of it
 * (as research caps its sources) and says so in the result, the proposal and the output.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { withScriptedModelAndVault } from '../support/scripted-vault';
import { runCli } from '../support/run-cli';
import { MAX_TASK_NOTE_CHARS } from '../../src/agents/gate';

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
withScriptedModelAndVault((s, v) => {
  server = s;
  vault = v;
});

// A large window, so the capped note fits and the cap (not the window) is what is tested.
const env = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-limits', GROUNDWORK_MODEL: 'test-model', GROUNDWORK_CONTEXT_TOKENS: '200000' });

describe('a task on a huge note', () => {
  it.each([
    ['automate (actor and verifier)', 'Static site builds', 'Notes/Blog deploy checklist.md', 2],
    ['propose (actor)', 'LoRA fine-tuning', 'Notes/Adapter rank experiments.md', 1],
  ])('%s: each call gets at most the cap, and the result says the note was cut', async (_m, domain, note, calls) => {
    const file = path.join(vault.dir, note);
    // 50 MB of the person's text after the frontmatter.
    const huge = readFileSync(file, 'utf8') + `\n${'A line of the person’s own text, long enough to matter.\n'.repeat(55_000)}`;
    writeFileSync(file, huge);
    const r = await runCli(['run', vault.dir, domain, '--task', 'Add a summary', '--note', note, '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { notes: string[]; proposalPath?: string };
    expect(out.notes).toEqual([expect.stringMatching(new RegExp(`${note}.* has [\\d,]+ characters; the agents read its first 60,000`))]);
    expect(server.chatRequests).toHaveLength(calls);
    for (const req of server.chatRequests) expect(req.rawBody.length).toBeLessThan(MAX_TASK_NOTE_CHARS + 40_000);
    if (out.proposalPath) expect(readFileSync(path.join(vault.dir, out.proposalPath), 'utf8')).toContain('the agents read its first 60,000');
    const plain = await runCli(['run', vault.dir, domain, '--task', 'Add another summary', '--note', note], env());
    expect(plain.stderr).toMatch(/^Note: .* the agents read its first 60,000/m);
  });
});

describe('names made from domains and model text', () => {
  it('a long non-ASCII domain name: research writes its notes (names cut in bytes), no ENAMETOOLONG after the model calls', async () => {
    const name = '語'.repeat(83); // 249 bytes: the note fits in a file name, "<name> distillate.md" would not
    writeFileSync(path.join(vault.dir, `${name}.md`), '---\ngroundwork: domain\nconfidence: low\n---\nA domain with a long name.\n');
    const r = await runCli(['research', vault.dir, name, '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    const written = (JSON.parse(r.stdout) as { written: { path: string }[] }).written.map((w) => w.path);
    expect(written.length).toBe(3);
    for (const p of written) for (const part of p.split('/')) expect(Buffer.byteLength(part), p).toBeLessThanOrEqual(255);
  });

  it('Windows device names and bidirectional controls do not reach file names; names are cut in bytes, never inside a character', async () => {
    const { safeName, MAX_NAME_BYTES } = await import('../../src/core/layout');
    expect(['CON', 'aux', 'NUL.txt', 'com1', 'Lpt9.md', 'prn .md', 'CONIN$'].map((n) => safeName(n))).toEqual(['CON_', 'aux_', 'NUL_.txt', 'com1_', 'Lpt9_.md', 'prn_ .md', 'CONIN$_']);
    for (const ordinary of ['CONsole', 'Aux sends', 'Nullable', 'com10']) expect(safeName(ordinary)).toBe(ordinary);
    expect(safeName('invoice\u202Egpj.exe')).toBe('invoicegpj.exe');
    expect(safeName('a\u2066b\u2069c\u200Fd')).toBe('abcd');
    expect(MAX_NAME_BYTES).toBe(239);
    // 4-byte characters: 59 fit in 239 bytes; the cut never leaves half of one.
    expect(safeName('😀'.repeat(100))).toBe('😀'.repeat(59));
    // An ASCII name keeps the 120-character cut it always had, so its folder does not move.
    expect(safeName('a'.repeat(150))).toBe('a'.repeat(120));
    expect(safeName(`${'a'.repeat(119)}😀`)).toBe('a'.repeat(119));
  });
});
