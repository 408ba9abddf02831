import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { withScriptedModelAndVault } from '../support/scripted-vault';
import { snapshot } from '../support/temp-vault';
import { BIN, runCli } from '../support/run-cli';
import { spawn } from 'node:child_process';
import { parseNote } from '../../src/core/frontmatter';

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };

withScriptedModelAndVault((s, v) => {
  server = s;
  vault = v;
});

const env = (extra: Record<string, string> = {}) => ({ OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'test-model', ...extra });
const file = (rel: string) => path.join(vault.dir, rel);
const read = (rel: string) => readFileSync(file(rel), 'utf8');
const write = (rel: string, text: string) => writeFileSync(file(rel), text);

/** Adds routine lines to a domain note's frontmatter, as a person would type them. */
function addRoutines(domainNote: string, lines: string[]) {
  const text = read(domainNote);
  write(domainNote, text.replace(/^---\n/, `---\nroutines:\n${lines.map((l) => `  - "${l}"`).join('\n')}\n`));
}

interface Run {
  domain: string;
  routine: string;
  trigger: string;
  outcome: string;
  path: string;
}

async function routines(extraEnv: Record<string, string> = {}, ...flags: string[]) {
  const r = await runCli(['routines', vault.dir, '--once', '--json', ...flags], env(extraEnv));
  expect(r.code, r.stderr).toBe(0);
  return { runs: JSON.parse(r.stdout) as Run[], stderr: r.stderr };
}

const newNote = (rel: string, domain: string, body: string) => write(rel, `---\ndomain: "[[${domain}]]"\n---\n# ${path.basename(rel, '.md')}\n\n${body}\n`);

describe('groundwork routines (CLI)', () => {
  it('a new-note routine: applied in an automate domain (undoable byte for byte), a proposal with options in a propose domain; no loop; an unchanged vault runs nothing', async () => {
    addRoutines('Static site builds.md', ['new note: Add a summary section', 'changed note: Add a summary section']);
    addRoutines('LoRA fine-tuning.md', ['new note: Add a summary section']);

    // The first run records a baseline and runs nothing.
    const first = await runCli(['routines', vault.dir], env());
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^First run: recorded \d+ notes? of the domains with routines as the baseline; nothing ran/);
    expect(server.chatRequests).toHaveLength(0);

    newNote('Notes/Netlify redirects.md', 'Static site builds', 'Redirects live in `_redirects`.');
    newNote('Notes/QLoRA.md', 'LoRA fine-tuning', 'Quantized base model, LoRA adapters on top.');
    const created = read('Notes/Netlify redirects.md');

    // A dry run says what would run and what it would cost, and changes nothing.
    const before = snapshot(vault.dir);
    const dry = await runCli(['routines', vault.dir, '--dry-run'], env());
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would run  Static site builds  new note: Add a summary section  on Notes/Netlify redirects.md  — 2 calls');
    expect(dry.stdout).toContain('would run  LoRA fine-tuning  new note: Add a summary section  on Notes/QLoRA.md  — 1 call');
    expect(dry.stdout).toMatch(/Planned: 2 routines, 3 model calls, about [\d,]+ tokens/);
    expect(snapshot(vault.dir)).toEqual(before);
    expect(server.chatRequests).toHaveLength(0);

    const { runs } = await routines();
    expect(runs).toHaveLength(2);
    const applied = runs.find((r) => r.domain === 'Static site builds')!;
    expect(applied).toEqual({ domain: 'Static site builds', routine: 'new note: Add a summary section', trigger: 'new note', outcome: 'applied', path: 'Notes/Netlify redirects.md' });
    expect(read('Notes/Netlify redirects.md')).toBe(`${created}\n## Agent notes 1\n\nDone: Add a summary section (variant 1).\n`);
    const proposal = runs.find((r) => r.domain === 'LoRA fine-tuning')!;
    expect(proposal).toMatchObject({ trigger: 'new note', outcome: 'proposal' });
    expect(proposal.path.startsWith('Groundwork/Inbox/')).toBe(true);
    expect(read(proposal.path).match(/^## Option \d/gm)).toHaveLength(3);
    expect(parseNote(read(proposal.path)).frontmatter).toMatchObject({ mode: 'propose', status: 'pending' });
    expect(read('Notes/QLoRA.md')).not.toContain('Agent notes');

    // Groundwork's own write fires no `changed note` routine, and nothing runs twice.
    const calls = server.chatRequests.length;
    expect((await routines()).runs).toEqual([]);
    expect((await routines()).runs).toEqual([]);
    expect(server.chatRequests).toHaveLength(calls);

    // Undo restores the bytes, and the undo is Groundwork's write too: no routine answers it.
    expect((await runCli(['undo', vault.dir])).code).toBe(0);
    expect(readFileSync(file('Notes/Netlify redirects.md'))).toEqual(Buffer.from(created, 'utf8'));
    expect((await routines()).runs).toEqual([]);

    // A person's edit is a change: the `changed note` routine answers it, once.
    write('Notes/Netlify redirects.md', `${created}Also: 301 for old posts.\n`);
    expect((await routines()).runs).toMatchObject([{ trigger: 'changed note', outcome: 'applied', path: 'Notes/Netlify redirects.md' }]);
    expect((await routines()).runs).toEqual([]);
  });

  it('the daily cap stops routines with a clear message and spends no more tokens', async () => {
    addRoutines('Static site builds.md', ['new note: Add a summary section']);
    await routines();
    for (const n of ['One', 'Two', 'Three']) newNote(`Notes/${n}.md`, 'Static site builds', `Note ${n}.`);
    const { runs, stderr } = await routines({ GROUNDWORK_ROUTINE_RUNS: '2' });
    expect(runs.map((r) => r.outcome)).toEqual(['applied', 'applied', 'skipped']);
    expect(stderr).toContain('Daily cap reached for Static site builds: 2 routine runs');
    expect(stderr).toContain('it did not run and spent nothing');
    const calls = server.chatRequests.length;
    expect(calls).toBe(4);

    // A token cap: once spent, the next routines are skipped without a call.
    newNote('Notes/Four.md', 'Static site builds', 'Note four.');
    newNote('Notes/Five.md', 'Static site builds', 'Note five.');
    const capped = await routines({ GROUNDWORK_ROUTINE_TOKENS: '100' });
    expect(capped.runs.every((r) => r.outcome === 'skipped')).toBe(true);
    expect(capped.stderr).toMatch(/Daily cap reached for Static site builds: 2 routine runs and [\d,]+ tokens today \(limits 20 runs, 100 tokens/);
    expect(server.chatRequests).toHaveLength(calls);
    expect(read('Notes/Four.md')).not.toContain('Agent notes');
  });

  it('an invalid routine line is a problem naming the file; the valid ones still run', async () => {
    addRoutines('Static site builds.md', ['hourly: tidy up', 'new note: Add a summary section']);
    const check = await runCli(['check', vault.dir, '--json']);
    const problems = (JSON.parse(check.stdout) as { problems: { path: string; message: string }[] }).problems;
    expect(problems).toContainEqual({ path: 'Static site builds.md', message: expect.stringContaining('"hourly: tidy up" has no known trigger') });
    await routines();
    newNote('Notes/Six.md', 'Static site builds', 'Note six.');
    expect((await routines()).runs).toMatchObject([{ outcome: 'applied', path: 'Notes/Six.md' }]);
  });

  it('--watch runs a new-note routine when the note appears, ignores its own write, answers an edit by the person, and stops cleanly on Ctrl-C', async () => {
    addRoutines('Static site builds.md', ['new note: Add a summary section', 'changed note: Add a summary section']);
    expect((await runCli(['routines', vault.dir], env())).code).toBe(0); // the baseline

    const child = spawn(process.execPath, [BIN, 'routines', vault.dir, '--watch', '--json'], { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const waiters: Array<() => void> = [];
    const wake = () => waiters.splice(0).forEach((w) => w());
    child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), wake()));
    child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), wake()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => (wake(), resolve(code))));
    // Waits for output, not for time: the test's own timeout bounds a watcher that never answers.
    const until = async (ok: () => boolean) => {
      while (!ok()) {
        if (child.exitCode !== null) throw new Error(`watcher exited early (${child.exitCode}): ${stderr}`);
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    const passes = () => stdout.split('\n').filter((l) => l.startsWith('[')).map((l) => JSON.parse(l) as Run[]);
    try {
      await until(() => /Watching the vault/.test(stderr) && passes().length >= 1);
      expect(passes()[0]).toEqual([]); // nothing due on start: the baseline is unchanged

      newNote('Notes/Netlify redirects.md', 'Static site builds', 'Redirects live in `_redirects`.');
      const created = read('Notes/Netlify redirects.md');
      await until(() => passes().some((p) => p.length > 0));
      const ran = passes().flat();
      expect(ran).toEqual([{ domain: 'Static site builds', routine: 'new note: Add a summary section', trigger: 'new note', outcome: 'applied', path: 'Notes/Netlify redirects.md' }]);
      expect(read('Notes/Netlify redirects.md')).toBe(`${created}\n## Agent notes 1\n\nDone: Add a summary section (variant 1).\n`);

      // Its own write changed the note, which must not trigger the change routine. A person's edit
      // to another member is the barrier: once its run shows, any loop on the first would have too.
      write('Notes/Blog deploy checklist.md', `${read('Notes/Blog deploy checklist.md')}\nA person's line.\n`);
      await until(() => passes().flat().length >= 2);
      expect(passes().flat().map((r) => `${r.trigger} ${r.path}`)).toEqual(['new note Notes/Netlify redirects.md', 'changed note Notes/Blog deploy checklist.md']);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('Stopped watching.');
    expect((await runCli(['undo', vault.dir], env())).code).toBe(0);
  });

  it('usage errors exit 2; a missing vault exits 1', async () => {
    expect((await runCli(['routines', vault.dir, '--once', '--watch'])).code).toBe(2);
    expect((await runCli(['routines'])).code).toBe(2);
    const missing = await runCli(['routines', path.join(vault.dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^groundwork: no such vault folder/);
  });
});
