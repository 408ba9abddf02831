import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents, type ScriptOptions } from '../support/scripted-agents';
import { EXAMPLE_VAULT, snapshot, tempVault } from '../support/temp-vault';
import { runCli } from '../support/run-cli';
import { parseNote } from '../../src/core/frontmatter';

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
let script: ScriptOptions;

beforeEach(async () => {
  script = {};
  server = await OpenAiTestServer.start({ handler: (body, req) => scriptedAgents(script)(body, req) });
  vault = tempVault(EXAMPLE_VAULT);
});
afterEach(async () => {
  await server.close();
  vault.cleanup();
});

const env = () => ({ OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'test-model' });
const file = (rel: string) => path.join(vault.dir, rel);
const read = (rel: string) => readFileSync(file(rel), 'utf8');
/** The vault's notes, without the inbox, the journal note and the plugin's data folder. */
const personNotes = () => new Map([...snapshot(vault.dir)].filter(([k]) => !k.startsWith('.obsidian/') && !k.startsWith('Groundwork/Inbox/') && k !== 'Groundwork/Journal.md'));

async function run(domain: string, task: string, note?: string) {
  const r = await runCli(['run', vault.dir, domain, '--task', task, ...(note ? ['--note', note] : []), '--json'], env());
  return { ...r, json: r.code === 0 ? (JSON.parse(r.stdout) as { mode: string; outcome: string; proposalPath?: string; entry?: { id: string; path: string }; reasons: string[] }) : null };
}

describe('the Gate decides by mode (CLI, real files)', () => {
  it('propose: 2–3 options in the inbox, nothing else changes; accepting option 2 applies exactly it; undo restores the bytes', async () => {
    const before = personNotes();
    const r = await run('LoRA fine-tuning', 'Summarize the rank experiments', 'Notes/Adapter rank experiments.md');
    expect(r.json).toMatchObject({ mode: 'propose', outcome: 'proposal' });
    expect(personNotes()).toEqual(before);
    const proposal = read(r.json!.proposalPath!);
    expect(parseNote(proposal).frontmatter).toMatchObject({ groundwork: 'proposal', mode: 'propose', status: 'pending', task: 'Summarize the rank experiments', domain: '[[LoRA fine-tuning]]' });
    expect(proposal.match(/^## Option \d/gm)).toHaveLength(3);

    const inbox = JSON.parse((await runCli(['inbox', vault.dir, '--json'])).stdout) as { id: string; path: string; domain: string; mode: string; task: string; options: number; status: string; note: string | null; created: string }[];
    expect(inbox).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{8}$/),
        path: r.json!.proposalPath!,
        domain: 'LoRA fine-tuning',
        mode: 'propose',
        task: 'Summarize the rank experiments',
        options: 3,
        status: 'pending',
        note: 'Notes/Adapter rank experiments.md',
        created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);

    // The short id, or any unique prefix of 4 or more of its characters, names the proposal.
    const multi = await runCli(['accept', vault.dir, inbox[0]!.id.slice(0, 4)], env());
    expect(multi.code).toBe(1);
    expect(multi.stderr).toContain('choose one with --option N');

    const target = 'Notes/Adapter rank experiments.md';
    const original = read(target);
    const acc = await runCli(['accept', vault.dir, inbox[0]!.id, '--option', '2'], env());
    expect(acc.code).toBe(0);
    expect(read(target)).toBe(`${original}\n## Agent notes 2\n\nDone: Summarize the rank experiments (variant 2).\n`);
    expect(parseNote(read(r.json!.proposalPath!)).frontmatter!.status).toBe('accepted');
    expect(read('Groundwork/Journal.md')).toContain('[[Notes/Adapter rank experiments]]');

    expect((await runCli(['undo', vault.dir])).code).toBe(0);
    expect(read(target)).toBe(original);
  });

  it('assist: one draft the person edits in place; accepting applies the edited text', async () => {
    const target = 'Projects/Staging cluster runbook.md';
    const original = read(target);
    const r = await run('Kubernetes', 'Add a monitoring section', target);
    expect(r.json).toMatchObject({ mode: 'assist', outcome: 'proposal' });
    expect(read(target)).toBe(original);
    const p = r.json!.proposalPath!;
    expect(read(p).match(/^## Option \d/gm)).toHaveLength(1);
    writeFileSync(file(p), read(p).replace('Done: Add a monitoring section (variant 1).', 'Watch `kubectl top pods` — my own words.'));
    expect((await runCli(['accept', vault.dir, p], env())).code).toBe(0);
    expect(read(target)).toBe(`${original}\n## Agent notes 1\n\nWatch \`kubectl top pods\` — my own words.\n`);
  });

  it('critical: a high-confidence critical domain still only gets a draft', async () => {
    const r = await run('Payments', 'Tighten the refund rule', 'Projects/Refund policy.md');
    expect(r.json).toMatchObject({ mode: 'assist', outcome: 'proposal' });
  });

  it('automate: applied at once after the critic passes it, journaled; undo byte-exact, refused after a later edit', async () => {
    const target = 'Notes/Blog deploy checklist.md';
    writeFileSync(file(target), '\uFEFF---\r\ndomain: "[[Static site builds]]"\r\n---\r\n# Blog deploy checklist  \r\n\r\n1. Run the link checker. 🚀\r\n');
    const original = read(target);
    const r = await run('Static site builds', 'Add a rollback step', target);
    expect(r.json).toMatchObject({ mode: 'automate', outcome: 'applied' });
    const changed = read(target);
    expect(changed).toBe(`${original}\r\n## Agent notes 1\r\n\r\nDone: Add a rollback step (variant 1).\r\n`);
    expect(parseNote(changed).frontmatter).toEqual({ domain: '[[Static site builds]]' });

    const id = r.json!.entry!.id;
    expect((await runCli(['undo', vault.dir, id])).code).toBe(0);
    expect(readFileSync(file(target))).toEqual(Buffer.from(original, 'utf8'));

    const again = await run('Static site builds', 'Add a rollback step', target);
    expect(again.json!.outcome).toBe('applied');
    writeFileSync(file(target), `${read(target)}My later edit.\n`);
    const afterEdit = read(target);
    const refused = await runCli(['undo', vault.dir], env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^groundwork: .*changed since/);
    expect(read(target)).toBe(afterEdit);
  });

  it('automate: a failing verifier turns the change into an assist proposal carrying its reasons', async () => {
    script.verdict = { pass: false, reasons: ['It contradicts the distillate'] };
    const target = 'Notes/Blog deploy checklist.md';
    const original = read(target);
    const r = await run('Static site builds', 'Remove the link checker', target);
    expect(r.json).toMatchObject({ mode: 'automate', outcome: 'proposal', reasons: ['does_the_task (failed): It contradicts the distillate'] });
    expect(read(target)).toBe(original);
    const p = read(r.json!.proposalPath!);
    expect(parseNote(p).frontmatter!.mode).toBe('assist');
    expect(p).toContain('The verifier did not pass this change: does_the_task (failed): It contradicts the distillate');
  });

  it('automate: a note edited while the agent worked is not overwritten; the proposal stays pending and says why', async () => {
    const target = 'Notes/Blog deploy checklist.md';
    script.duringVerify = () => writeFileSync(file(target), `${read(target)}Edited meanwhile.\n`);
    const r = await run('Static site builds', 'Add a rollback step', target);
    expect(r.json).toMatchObject({ outcome: 'proposal' });
    expect(r.json!.reasons[0]).toContain('changed since the agent read it');
    expect(read(target).endsWith('Edited meanwhile.\n')).toBe(true);
    expect(read(target)).not.toContain('Agent notes');
  });

  it('a task in one domain on a note of another domain is refused, and nothing is written', async () => {
    const before = snapshot(vault.dir);
    const r = await runCli(['run', vault.dir, 'Kubernetes', '--task', 'Edit it', '--note', 'Notes/Blog deploy checklist.md'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('groundwork: Refused: a task in Kubernetes may only change that domain\'s notes, and Notes/Blog deploy checklist.md is not one (it belongs to Static site builds)\n');
    expect(snapshot(vault.dir)).toEqual(before);
    expect(server.chatRequests).toHaveLength(0);
  });

  it('revoking is an edit: lowering autonomy takes effect on the next run', async () => {
    writeFileSync(file('Static site builds.md'), read('Static site builds.md').replace('confidence: high', 'confidence: high\nautonomy: propose'));
    const r = await run('Static site builds', 'Add a rollback step', 'Notes/Blog deploy checklist.md');
    expect(r.json).toMatchObject({ mode: 'propose', outcome: 'proposal' });
  });

  it('reject marks the proposal and changes nothing else', async () => {
    const r = await run('Kubernetes', 'Add a monitoring section', 'Projects/Staging cluster runbook.md');
    const before = personNotes();
    expect((await runCli(['reject', vault.dir, r.json!.proposalPath!])).code).toBe(0);
    expect(parseNote(read(r.json!.proposalPath!)).frontmatter!.status).toBe('rejected');
    expect(personNotes()).toEqual(before);
    expect((await runCli(['accept', vault.dir, r.json!.proposalPath!])).stderr).toContain('is rejected, not pending');
  });
});

describe('sign-off', () => {
  it('is refused while blocked, then allowed once the person has read, resolved and reviewed; an edit after it makes it stale', async () => {
    const e = env();
    expect((await runCli(['research', vault.dir, 'Kubernetes'], e)).code).toBe(0);
    expect((await runCli(['skeleton', vault.dir, 'Kubernetes'], e)).code).toBe(0);
    const blocked = await runCli(['signoff', vault.dir, 'Kubernetes', '--yes'], e);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain("Raise the distillate's confidence to high");
    expect(blocked.stdout).toContain('1 open critique issue');
    expect(blocked.stdout).toContain('Review the skeleton');
    expect(parseNote(read('Kubernetes.md')).frontmatter!['signed-off']).toBeUndefined();

    const dist = 'Groundwork/Kubernetes/Kubernetes distillate.md';
    writeFileSync(file(dist), read(dist).replace('confidence: low', 'confidence: high'));
    const crit = 'Groundwork/Kubernetes/Kubernetes critique.md';
    writeFileSync(file(crit), read(crit).replace('- [ ] ', '- [x] '));
    const skel = 'Groundwork/Kubernetes/Kubernetes skeleton.md';
    writeFileSync(file(skel), read(skel).replace('confidence: low', 'confidence: medium'));

    const domainBefore = read('Kubernetes.md');
    const ok = await runCli(['signoff', vault.dir, 'Kubernetes', '--yes'], e);
    expect(ok.code).toBe(0);
    const fm = parseNote(read('Kubernetes.md')).frontmatter!;
    expect(fm).toMatchObject({ confidence: 'high', groundwork: 'domain' });
    expect(fm['signed-off']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(fm['signed-off-distillate']).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(parseNote(read('Kubernetes.md')).body).toBe(parseNote(domainBefore).body);

    const mode = async () => (JSON.parse((await runCli(['map', vault.dir, '--json'])).stdout) as { domains: { name: string; mode: string; stale: boolean }[] }).domains.find((d) => d.name === 'Kubernetes')!;
    expect(await mode()).toMatchObject({ mode: 'automate', stale: false });
    writeFileSync(file(dist), `${read(dist)}\nA claim I added after signing.\n`);
    expect(await mode()).toMatchObject({ mode: 'assist', stale: true });
  });

  it('without --yes and with no answer, nothing is signed', async () => {
    const r = await runCli(['signoff', vault.dir, 'LoRA fine-tuning'], env());
    expect(r.code).toBe(1);
    expect(existsSync(file('LoRA fine-tuning.md'))).toBe(true);
    expect(parseNote(read('LoRA fine-tuning.md')).frontmatter!['signed-off']).toBeUndefined();
  });
});
