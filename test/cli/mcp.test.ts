import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents, type ScriptOptions } from '../support/scripted-agents';
import { EXAMPLE_VAULT, snapshot, tempVault } from '../support/temp-vault';
import { BIN, runCli } from '../support/run-cli';
import { parseNote } from '../../src/core/frontmatter';

/*
 * The MCP server as an agent meets it: the built CLI (bin → dist/cli.mjs) in its own process,
 * driven over stdio by the SDK's own client, against the test model server on loopback.
 */

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
let script: ScriptOptions;
let client: Client;
/** What the server wrote to stderr: its log for the person running it. */
let serverLog: string;

beforeEach(async () => {
  script = {};
  server = await OpenAiTestServer.start({ handler: (body, req) => scriptedAgents(script)(body, req) });
  vault = tempVault(EXAMPLE_VAULT);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', vault.dir],
    env: { PATH: process.env.PATH ?? '', OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'test-model' },
    stderr: 'pipe',
  });
  serverLog = '';
  transport.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString('utf8')));
  client = new Client({ name: 'test-agent', version: '1.0.0' });
  await client.connect(transport);
});
afterEach(async () => {
  await client.close();
  await server.close();
  vault.cleanup();
});

const file = (rel: string) => path.join(vault.dir, rel);
const read = (rel: string) => readFileSync(file(rel), 'utf8');
/** Every note a person owns: the vault without the inbox, the journal note and the data folder. */
const personNotes = () => new Map([...snapshot(vault.dir)].filter(([k]) => !k.startsWith('.obsidian/') && !k.startsWith('Groundwork/Inbox/') && k !== 'Groundwork/Journal.md'));

interface Outcome {
  outcome: 'applied' | 'proposal' | 'refused';
  mode: string;
  proposal?: string;
  reason?: string;
}

async function requestChange(args: { path: string; task: string; options: { title: string; kind: string; content: string; heading?: string }[] }): Promise<Outcome> {
  const r = await client.callTool({ name: 'request_change', arguments: args });
  const text = (r.content as { type: string; text: string }[])[0]!.text;
  expect(JSON.parse(text)).toEqual(r.structuredContent);
  const outcome = r.structuredContent as Outcome;
  // A refusal is a result (the outcome and its reason), flagged as an error so that the client and
  // its model know the change was not made; applied and proposal are not errors.
  expect(r.isError === true, text).toBe(outcome.outcome === 'refused');
  if (outcome.outcome === 'refused') expect(text).toContain(outcome.reason!);
  return outcome;
}

const section = (title: string, content: string, heading = 'Agent notes') => ({ title, kind: 'append-section', heading, content });

describe('groundwork mcp: the Gate for any agent', () => {
  it('lists its five tools, each describing what the modes mean', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['autonomy_map', 'list_proposals', 'read_note', 'request_change', 'search_notes']);
    const rc = tools.find((t) => t.name === 'request_change')!;
    for (const word of ['propose', 'assist', 'automate', 'refused', 'raise their trust']) expect(rc.description).toContain(word);
    expect(rc.inputSchema.required).toEqual(['path', 'task', 'options']);
    const map = await client.callTool({ name: 'autonomy_map', arguments: {} });
    const domains = (JSON.parse((map.content as { text: string }[])[0]!.text) as { domains: { name: string; mode: string }[] }).domains;
    expect(Object.fromEntries(domains.map((d) => [d.name, d.mode]))).toEqual({ Kubernetes: 'assist', 'LoRA fine-tuning': 'propose', Payments: 'assist', 'Static site builds': 'automate' });
  });

  it('propose: one proposal with every option given, no note changed, the client named as author', async () => {
    const before = personNotes();
    const r = await requestChange({ path: 'Notes/Adapter rank experiments.md', task: 'Summarize the runs', options: [section('Short', 'Rank 8 won.'), section('Long', 'Rank 8 won; rank 64 overfit.', 'Summary')] });
    expect(r).toMatchObject({ outcome: 'proposal', mode: 'propose' });
    expect(personNotes()).toEqual(before);
    const p = read(r.proposal!);
    expect(parseNote(p).frontmatter).toMatchObject({ groundwork: 'proposal', mode: 'propose', status: 'pending', domain: '[[LoRA fine-tuning]]', author: 'test-agent (MCP)' });
    expect(p.match(/^## Option \d/gm)).toHaveLength(2);
    expect(p).toContain('Rank 8 won; rank 64 overfit.');
    expect(server.chatRequests).toHaveLength(0);
    const listed = await client.callTool({ name: 'list_proposals', arguments: {} });
    expect((JSON.parse((listed.content as { text: string }[])[0]!.text) as { path: string }[]).map((i) => i.path)).toEqual([r.proposal]);
  });

  it('assist: one proposal holding the first option as the draft', async () => {
    const before = personNotes();
    const r = await requestChange({ path: 'Projects/Staging cluster runbook.md', task: 'Add monitoring', options: [section('Draft', 'Watch `kubectl top pods`.', 'Monitoring'), section('Other', 'Something else.')] });
    expect(r).toMatchObject({ outcome: 'proposal', mode: 'assist' });
    expect(personNotes()).toEqual(before);
    const p = read(r.proposal!);
    expect(p.match(/^## Option \d/gm)).toHaveLength(1);
    expect(p).toContain('Watch `kubectl top pods`.');
    expect(p).toContain('Only the first option is kept');
    // The person accepts it with the CLI: exactly the draft is applied.
    const original = read('Projects/Staging cluster runbook.md');
    expect((await runCli(['accept', vault.dir, r.proposal!])).code).toBe(0);
    expect(read('Projects/Staging cluster runbook.md')).toBe(`${original}\n## Monitoring\n\nWatch \`kubectl top pods\`.\n`);
  });

  it('automate: applied once the critic passes it, journaled with the client as author, undo restores the bytes', async () => {
    const target = 'Notes/Blog deploy checklist.md';
    const original = read(target);
    const r = await requestChange({ path: target, task: 'Add a rollback step', options: [section('Rollback', '4. If the site breaks, revert the commit and push.', 'Rollback')] });
    expect(r).toMatchObject({ outcome: 'applied', mode: 'automate' });
    expect(read(target)).toBe(`${original}\n## Rollback\n\n4. If the site breaks, revert the commit and push.\n`);
    expect(server.chatRequests.map((q) => q.body?.response_format?.json_schema?.name)).toEqual(['verification']);
    const index = JSON.parse(read('.obsidian/plugins/groundwork/journal/index.json')) as { entries: { id: string; path: string; author?: string; state: string; by: string }[] };
    expect(index.entries).toHaveLength(1);
    expect(index.entries[0]).toMatchObject({ path: target, author: 'test-agent (MCP)', state: 'applied', by: 'agent' });
    expect(r.reason).toContain(index.entries[0]!.id);
    expect(read('Groundwork/Journal.md')).toContain('test-agent (MCP) (automate)');

    const undo = await runCli(['undo', vault.dir]);
    expect(undo.code).toBe(0);
    expect(readFileSync(file(target))).toEqual(Buffer.from(original));
  });

  it('automate: a proposal, with the critic’s reasons, when the critic does not pass the change', async () => {
    script.verdict = { pass: false, reasons: ['It contradicts step 3.'] };
    const before = personNotes();
    const r = await requestChange({ path: 'Notes/Blog deploy checklist.md', task: 'Skip the link checker', options: [section('Skip', 'Never run the link checker.')] });
    expect(r).toMatchObject({ outcome: 'proposal', mode: 'automate' });
    expect(r.reason).toContain('It contradicts step 3.');
    expect(personNotes()).toEqual(before);
    expect(read(r.proposal!)).toContain('It contradicts step 3.');
  });

  it('refuses another domain’s note reached through a path trick, the config folder, outside the vault and generated notes', async () => {
    const before = personNotes();
    // A link inside the automate domain's folder that leads to the critical Payments domain's note.
    symlinkSync(file('Projects/Refund policy.md'), file('Notes/Deploy shortcut.md'));
    const tricks = ['Notes/Deploy shortcut.md', 'Notes/../Projects/Refund policy.md', '.obsidian/app.json', path.join(path.dirname(vault.dir), 'elsewhere.md'), '/etc/passwd', 'Groundwork/Static site builds/Static site builds distillate.md'];
    for (const p of tricks) {
      const r = await requestChange({ path: p, task: 'Change it', options: [{ title: 'All', kind: 'replace-note', content: 'Refunds are always allowed.\n' }] });
      expect(r.outcome, p).toBe('refused');
      expect(r.reason, p).toMatch(/Refused/);
    }
    const viaLink = await requestChange({ path: 'Notes/Deploy shortcut.md', task: 'x', options: [section('x', 'y')] });
    expect(viaLink.reason).toContain('leads to Projects/Refund policy.md through a symbolic link');
    expect(personNotes()).toEqual(before);
    expect(server.chatRequests).toHaveLength(0);
  });

  it('refuses any change to a trust key, even in an automate domain, and creates notes only in a domain folder', async () => {
    const before = personNotes();
    const domain = read('Static site builds.md');
    const raised = await requestChange({ path: 'Static site builds.md', task: 'Relax', options: [{ title: 'Lower the bar', kind: 'replace-note', content: domain.replace('confidence: high', 'confidence: high\nautonomy: automate\ncritical: false') }] });
    expect(raised.outcome).toBe('refused');
    expect(raised.reason).toContain('autonomy');
    const lowered = await requestChange({ path: 'Notes/Blog deploy checklist.md', task: 'Trust me', options: [{ title: 'x', kind: 'replace-note', content: '---\ndomain: "[[Static site builds]]"\nconfidence: high\n---\n# Blog deploy checklist\n' }] });
    expect(lowered).toMatchObject({ outcome: 'refused', mode: 'automate' });
    expect(lowered.reason).toContain('confidence');
    const stray = await requestChange({ path: 'Notes/New idea.md', task: 'Start a note', options: [{ title: 'x', kind: 'create-note', content: 'An idea.' }] });
    expect(stray.outcome).toBe('refused');
    expect(stray.reason).toContain('Groundwork/Static site builds/');
    expect(personNotes()).toEqual(before);
    // The person running the server sees each refusal with its reason too.
    await vi.waitFor(() => expect(serverLog).toContain(`refused (automate): ${lowered.reason}`), { timeout: 60_000 });

    const created = await requestChange({ path: 'Groundwork/Static site builds/Cache headers.md', task: 'Note the cache headers', options: [{ title: 'x', kind: 'create-note', content: 'Assets get a year; HTML gets none.' }] });
    expect(created).toMatchObject({ outcome: 'applied', mode: 'automate' });
    expect(parseNote(read('Groundwork/Static site builds/Cache headers.md')).frontmatter).toEqual({ domain: '[[Static site builds]]', confidence: 'low' });
  });

  it('a note in no domain gets a proposal that the person can accept; read_note tells the mode', async () => {
    const read1 = await client.callTool({ name: 'read_note', arguments: { path: path.join(vault.dir, 'Notes/Reading inbox.md') } });
    expect((read1.content as { text: string }[])[0]!.text).toContain('mode: propose');
    const target = 'Notes/Reading inbox.md';
    const r = await requestChange({ path: target, task: 'Add a book', options: [{ title: 'x', kind: 'replace-note', content: '# Reading inbox\n\n- DDIA, chapter 5\n- SICP\n' }] });
    expect(r).toMatchObject({ outcome: 'proposal', mode: 'propose' });
    expect(read(target)).not.toContain('SICP');
    expect((await runCli(['accept', vault.dir, r.proposal!])).code).toBe(0);
    expect(read(target)).toBe('# Reading inbox\n\n- DDIA, chapter 5\n- SICP\n');
    const cut = await client.callTool({ name: 'read_note', arguments: { path: '.obsidian/plugins/groundwork/journal/index.json' } });
    expect(cut.isError).toBe(true);
  });

  it('sees edits made by others between two calls: trust is read live', async () => {
    const target = 'Notes/Blog deploy checklist.md';
    writeFileSync(file('Static site builds.md'), read('Static site builds.md').replace('confidence: high', 'confidence: medium'));
    const r = await requestChange({ path: target, task: 'Add a step', options: [section('Step', '5. Tell the team.')] });
    expect(r).toMatchObject({ outcome: 'proposal', mode: 'assist' });
  });
});
