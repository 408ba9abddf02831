/**
 * The domain note's digest starts before the CLI has read the vault (src/agents/early-digest.ts).
 * The built bin runs with one note's open() held (test/support/hold-open.cjs) until the test
 * lets go, so "the model load has not finished" is a fact the test controls, not a timing: the
 * first model request must arrive while the note is held. Then the run must be the run it was
 * without the early start (same result, same notes, one S1 digest), fall back cleanly when the
 * early digest is not S1's, and still cancel on Ctrl-C.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer, type ChatRequestBody, type RecordedRequest } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { EXAMPLE_VAULT, tempVault } from '../support/temp-vault';
import { testAgentContext } from '../support/agent-context';
import { BIN } from '../support/run-cli';
import { expectOneClearLine, personFiles } from '../safety/helpers';
import { research } from '../../src/agents/research';
import { startEarlyDigest } from '../../src/agents/early-digest';

const HOLD_OPEN = path.resolve(__dirname, '../support/hold-open.cjs');
const DOMAIN = 'LoRA fine-tuning';
const HELD_NOTE = 'Notes/Reading inbox.md';

const schemaOf = (b: ChatRequestBody | null): string => b?.response_format?.json_schema?.name ?? '?';
const userText = (r: RecordedRequest): string => (r.body?.messages ?? []).filter((m) => m.role === 'user').map((m) => m.content).join('\n');
/** Digest requests of S1, and of which note (its fenced title line). */
const s1Digests = (reqs: RecordedRequest[]): RecordedRequest[] => reqs.filter((r) => schemaOf(r.body) === 'source_digest' && /⟦BEGIN UNTRUSTED SOURCE S1\b/.test(userText(r)));

interface Arrival {
  schema: string;
  s1: boolean;
  /** Whether the held note had been let go when the request arrived. */
  released: boolean;
  /** The bin's stderr when the request arrived. */
  stderr: string;
}

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
let arrivals: Arrival[];
/** The handler's answer; a test swaps it (to hold S1's digest, say). */
let answer: (body: ChatRequestBody, req: RecordedRequest) => ReturnType<ReturnType<typeof scriptedAgents>>;
let bin: Bin | null;
/** Called at each request's arrival (firstArrival waits through it). */
let onArrival: (() => void) | null;

beforeEach(async () => {
  arrivals = [];
  bin = null;
  onArrival = null;
  const healthy = scriptedAgents();
  answer = healthy;
  server = await OpenAiTestServer.start({
    handler: (body, req) => {
      arrivals.push({ schema: schemaOf(body), s1: s1Digests([req]).length === 1, released: bin?.released ?? true, stderr: bin?.stderr ?? '' });
      onArrival?.();
      return answer(body, req);
    },
  });
  vault = tempVault(EXAMPLE_VAULT);
});
afterEach(async () => {
  bin?.release();
  await server.close();
  vault.cleanup();
});

const firstArrival = (): Promise<void> =>
  arrivals.length > 0 ? Promise.resolve() : new Promise((resolve) => (onArrival = () => ((onArrival = null), resolve())));

interface Bin {
  stderr: string;
  stdout: string;
  released: boolean;
  release(): void;
  /** Resolves once stderr matches. */
  saw(re: RegExp): Promise<void>;
  exit: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** The built bin with HELD_NOTE's open() (or with '*', every note's) held until release(). */
function startBin(args: string[], hold = path.join(vault.dir, HELD_NOTE)): Bin {
  const child = spawn(process.execPath, ['--require', HOLD_OPEN, BIN, ...args], {
    env: { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: '', GROUNDWORK_MODEL: 'test-model', GROUNDWORK_TEST_HOLD_OPEN: hold },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const b: Bin = {
    stderr: '',
    stdout: '',
    released: false,
    release() {
      if (b.released) return;
      b.released = true;
      child.stdin.end();
    },
    saw: (re) => (re.test(b.stderr) ? Promise.resolve() : new Promise((resolve) => waiters.push({ re, resolve }))),
    exit: new Promise((resolve) => child.on('close', (code) => resolve(code))),
    kill: (signal) => child.kill(signal),
  };
  child.stdout.on('data', (d: Buffer) => (b.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    b.stderr += d.toString();
    for (const w of waiters.splice(0)) {
      if (w.re.test(b.stderr)) w.resolve();
      else waiters.push(w);
    }
  });
  bin = b;
  return b;
}

/** A note's text with what differs between two runs by design (times, token counts of random fences) blanked. */
function comparable(text: string): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/^tokens: \d+$/gm, 'tokens: <n>')
    .replace(/⟦[^⟧]*⟧/g, '<fence>');
}

function generatedNotes(dir: string): Record<string, string> {
  const folder = path.join(dir, 'Groundwork', DOMAIN);
  const out: Record<string, string> = {};
  for (const name of readdirSync(folder).sort()) out[name] = comparable(readFileSync(path.join(folder, name), 'utf8'));
  out[`${DOMAIN}.md`] = comparable(readFileSync(path.join(dir, `${DOMAIN}.md`), 'utf8'));
  return out;
}

describe('research starts the domain note digest before the vault is read', () => {
  it('the first model request is S1 digest, sent while a note is still unread; the run equals one without the early start', async () => {
    const b = startBin(['research', vault.dir, DOMAIN, '--max-sources', '4', '--json']);
    await Promise.all([firstArrival(), b.saw(/hold-open: holding/)]);
    expect(arrivals[0]).toMatchObject({ schema: 'source_digest', s1: true, released: false });
    // The model load has not finished: nothing after it has happened yet.
    expect(arrivals[0]!.stderr).not.toMatch(/\[gather\]/);
    b.release();
    expect(await b.exit).toBe(0);
    expect(s1Digests(server.chatRequests)).toHaveLength(1);
    expect(s1Digests(server.chatRequests)[0]!.rawBody).toContain('Title: LoRA fine-tuning');
    const cli = JSON.parse(b.stdout) as { usage: { calls: number }; [k: string]: unknown };
    // One call per request, none of them twice: every digest's source is a different note.
    expect(cli.usage.calls).toBe(server.chatRequests.length);
    const digested = server.chatRequests.filter((r) => schemaOf(r.body) === 'source_digest').map((r) => /Title: (.*)/.exec(userText(r))?.[1]);
    expect(new Set(digested).size).toBe(digested.length);

    // The same research in-process, as the plugin runs it (no early start), on a second copy.
    const twin = tempVault(EXAMPLE_VAULT);
    try {
      const ctx = await testAgentContext(twin.dir, server.url);
      const result = await research(ctx, { domain: DOMAIN, maxSources: 4 });
      const { usage: _usage, ...cliResult } = cli;
      expect(cliResult).toEqual(JSON.parse(JSON.stringify(result)));
      expect(generatedNotes(vault.dir)).toEqual(generatedNotes(twin.dir));
    } finally {
      twin.cleanup();
    }
  });

  it('the domain note edited before the vault is read: the early digest is cancelled and S1 digested once from the new text', async () => {
    answer = (body, req) => (s1Digests([req]).length === 1 && arrivals.filter((a) => a.s1).length === 1 ? { hang: true } : scriptedAgents()(body, req));
    const b = startBin(['research', vault.dir, DOMAIN, '--max-sources', '4', '--json']);
    await Promise.all([firstArrival(), b.saw(/hold-open: holding/)]);
    expect(arrivals[0]).toMatchObject({ s1: true, released: false });
    const note = path.join(vault.dir, `${DOMAIN}.md`);
    writeFileSync(note, readFileSync(note, 'utf8').replace('# LoRA fine-tuning\n', '# LoRA fine-tuning\n\nEdited while the vault was read.\n'));
    b.release();
    expect(await b.exit).toBe(0);
    const s1 = s1Digests(server.chatRequests);
    expect(s1).toHaveLength(2);
    expect(userText(s1[0]!)).not.toContain('Edited while the vault was read.');
    expect(userText(s1[1]!)).toContain('Edited while the vault was read.');
    // The held request was given up, not left running, and is not counted as a call.
    expect(server.abortedRequests).toBe(1);
    expect((JSON.parse(b.stdout) as { usage: { calls: number } }).usage.calls).toBe(server.chatRequests.length - 1);
    expect(readFileSync(path.join(vault.dir, 'Groundwork', DOMAIN, `${DOMAIN} sources.md`), 'utf8')).toContain('Edited while the vault was read.');
  });

  it('a note not yet a domain starts nothing early: its one S1 digest comes after the vault is read', async () => {
    const b = startBin(['research', vault.dir, 'Notes/Support ticket dataset.md', '--max-sources', '3', '--json']);
    await b.saw(/hold-open: holding/);
    b.release();
    expect(await b.exit).toBe(0);
    expect((JSON.parse(b.stdout) as { adopted: boolean }).adopted).toBe(true);
    expect(arrivals.length).toBeGreaterThan(0);
    expect(arrivals.every((a) => a.released)).toBe(true);
    expect(s1Digests(server.chatRequests)).toHaveLength(1);
    expect(server.abortedRequests).toBe(0);
  });

  it('a dry run asks the model nothing, early or late', async () => {
    const b = startBin(['research', vault.dir, DOMAIN, '--dry-run']);
    await b.saw(/hold-open: holding/);
    b.release();
    expect(await b.exit).toBe(0);
    expect(b.stdout).toMatch(/^Dry run for LoRA fine-tuning/);
    expect(server.requests).toHaveLength(0);
  });

  it('Ctrl-C while the early digest waits on the model and the vault is still read: one line, exit 1, the request given up, nothing written', async () => {
    answer = () => ({ hang: true });
    const before = personFiles(vault.dir);
    const b = startBin(['research', vault.dir, DOMAIN, '--max-sources', '4']);
    await Promise.all([firstArrival(), b.saw(/hold-open: holding/)]);
    b.kill('SIGINT');
    await b.saw(/Cancelling/);
    b.release();
    expect(await b.exit).toBe(1);
    expect(expectOneClearLine(b.stderr)).toMatch(/^groundwork: Cancelled/);
    expect(server.chatRequests).toHaveLength(1);
    expect(server.abortedRequests).toBe(1);
    expect(personFiles(vault.dir)).toEqual(before);
  });
});

describe('Ctrl-C while the vault is read', () => {
  it('stops the reading: the notes not yet opened never are, and the run says it was cancelled', async () => {
    // 300 more notes, so that the reads in flight when Ctrl-C comes are a small part of the vault.
    mkdirSync(path.join(vault.dir, 'Filler'));
    for (let i = 0; i < 300; i++) writeFileSync(path.join(vault.dir, 'Filler', `Filler ${i}.md`), `# Filler ${i}\n\nSome text.\n`);
    const total = (readdirSync(vault.dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.md') && !f.startsWith('.')).length;
    const before = personFiles(vault.dir);
    // Every note's open() is held: the load is provably under way and unfinished when Ctrl-C comes.
    const b = startBin(['research', vault.dir, DOMAIN, '--dry-run'], '*');
    await b.saw(/hold-open: holding/);
    b.kill('SIGINT');
    await b.saw(/Cancelling/);
    b.release();
    expect(await b.exit).toBe(1);
    expect(expectOneClearLine(b.stderr)).toMatch(/^groundwork: Cancelled/);
    const opened = Number(/hold-open: opened (\d+) notes/.exec(b.stderr)?.[1]);
    // At most the reads that were in flight (32 at a time) and those before them.
    expect(opened).toBeGreaterThan(0);
    expect(opened).toBeLessThanOrEqual(64);
    expect(total).toBeGreaterThan(300);
    expect(personFiles(vault.dir)).toEqual(before);
  });
});

describe('startEarlyDigest with research() in-process', () => {
  it('an early digest of another domain is not taken: cancelled, and the run digests its own S1 once', async () => {
    answer = (body, req) => (/Title: Kubernetes/.test(userText(req)) ? { hang: true } : scriptedAgents()(body, req));
    const ctx = await testAgentContext(vault.dir, server.url);
    const early = await startEarlyDigest({ vault: ctx.vault, data: ctx.data, llm: ctx.llm, outputFolder: ctx.outputFolder, files: await ctx.vault.listNotes(), domainArg: 'Kubernetes' });
    expect(early).not.toBeNull();
    await firstArrival();
    const result = await research(ctx, { domain: DOMAIN, maxSources: 3, early: early! });
    expect(result.written.map((w) => w.outcome)).toEqual(['created', 'created', 'created']);
    await early!.release();
    const s1 = s1Digests(server.chatRequests);
    expect(s1.map((r) => /Title: (.*)/.exec(userText(r))?.[1])).toEqual(['Kubernetes', 'LoRA fine-tuning']);
    expect(server.abortedRequests).toBe(1);
    expect(ctx.llm.usage.calls).toBe(server.chatRequests.length - 1);
  });

  it('names no early digest for a note to adopt, a generated note or a name that is no note', async () => {
    const ctx = await testAgentContext(vault.dir, server.url);
    const files = await ctx.vault.listNotes();
    const start = (domainArg: string) => startEarlyDigest({ vault: ctx.vault, data: ctx.data, llm: ctx.llm, outputFolder: ctx.outputFolder, files, domainArg });
    expect(await start('Support ticket dataset')).toBeNull();
    expect(await start('Groundwork/Static site builds/Static site builds distillate.md')).toBeNull();
    expect(await start('No such note')).toBeNull();
    expect(server.requests).toHaveLength(0);
  });
});
