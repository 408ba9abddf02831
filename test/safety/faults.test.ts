/**
 * Faults: the model server fails in every way it can, and the vault refuses writes. Each time the
 * person's notes stay byte-identical, nothing half-written is left, the CLI says in one line what
 * failed and exits 1, and a retry on a healthy server succeeds reusing what was already done.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { closedPort, OpenAiTestServer, type ChatRequestBody, type Reply } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { EXAMPLE_VAULT, tempVault } from '../support/temp-vault';
import { runCli } from '../support/run-cli';
import { agentContext, bytesLost, expectOneClearLine, expectSoundOutput, FaultyVault, personFiles, readIf } from './helpers';
import { research } from '../../src/agents/research';
import { runTask } from '../../src/agents/gate';
import { acceptProposal } from '../../src/agents/accept';
import { Journal } from '../../src/journal';
import { NodeVault } from '../../src/cli/node-vault';
import { VaultError } from '../../src/vault/port';

type Fault = 'server error 500' | 'hang' | 'truncated response' | 'invalid JSON' | '429 storm';
const FAULTS: Record<Fault, Reply> = {
  'server error 500': { status: 500, errorMessage: 'internal error' },
  hang: { hang: true },
  'truncated response': { truncate: true },
  'invalid JSON': { content: 'Sure! Here is the JSON you asked for: {"summary": "unterminated' },
  '429 storm': { status: 429, errorMessage: 'Rate limit reached', headers: { 'retry-after': '0' } },
};
/** What the one error line must say for each fault, besides naming the agent. */
const SAYS: Record<Fault | 'connection refused', RegExp> = {
  'server error 500': /server error \(500\)/,
  hang: /no answer within/,
  'truncated response': /could not reach the server|connection|terminated|closed/i,
  'invalid JSON': /could not be used/,
  '429 storm': /rate-limited \(429\)/,
  'connection refused': /connection refused: is the server running\?/,
};

const schemaOf = (b: ChatRequestBody): string =>
  b.response_format?.json_schema?.name ?? (['source_digest', 'distillate', 'critique', 'skeleton', 'action', 'verification'].find((n) => b.messages[0]?.content.includes(n)) ?? '?');

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
let fault: { reply: Reply; on: (schema: string) => boolean } | null;

beforeEach(async () => {
  fault = null;
  const healthy = scriptedAgents();
  server = await OpenAiTestServer.start({ handler: (body, req) => (fault && fault.on(schemaOf(body)) ? fault.reply : healthy(body, req)) });
  vault = tempVault(EXAMPLE_VAULT);
});
afterEach(async () => {
  await server.close();
  vault.cleanup();
});

// A generous timeout, so that a busy machine never turns a 500 into a timeout; only the hang
// fault gets a short one, since waiting out a hang is all that test does.
const env = (extra: Record<string, string> = {}) => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-fault-key', GROUNDWORK_MODEL: 'test-model', OPENAI_TIMEOUT_MS: '20000', ...extra });
const faultEnv = (name: Fault): Record<string, string> => (name === 'hang' ? { OPENAI_TIMEOUT_MS: '400' } : {});
const digestCalls = () => server.chatRequests.filter((r) => r.body && schemaOf(r.body) === 'source_digest').length;
const DOMAIN = 'LoRA fine-tuning';

async function failingRun(extraEnv: Record<string, string> = {}) {
  const before = personFiles(vault.dir);
  const r = await runCli(['research', vault.dir, DOMAIN, '--no-cache'], env(extraEnv));
  expect(r.code).toBe(1);
  const line = expectOneClearLine(r.stderr);
  // What to do, not only what failed.
  expect(line).toMatch(/try again|run it again|check |is the server running|more time/i);
  expect(bytesLost(before, personFiles(vault.dir))).toBe(0);
  expect(personFiles(vault.dir)).toEqual(before);
  expectSoundOutput(vault.dir);
  return line;
}

async function healthyRetry(): Promise<{ digests: number; sources: number }> {
  fault = null;
  const calls = digestCalls();
  const r = await runCli(['research', vault.dir, DOMAIN, '--json'], env());
  expect(r.stderr).not.toMatch(/groundwork: /);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout) as { sources: { error?: string }[] };
  expectSoundOutput(vault.dir);
  expect(readIf(path.join(vault.dir, `Groundwork/${DOMAIN}/${DOMAIN} critique.md`))).toContain('groundwork: critique');
  return { digests: digestCalls() - calls, sources: out.sources.filter((s) => !s.error).length };
}

describe('model server faults, CLI in-process', () => {
  for (const name of Object.keys(FAULTS) as Fault[]) {
    it(`${name} on every call: one clear line, exit 1, nothing lost, nothing half-written; a healthy retry succeeds`, async () => {
      fault = { reply: FAULTS[name], on: () => true };
      const line = await failingRun(faultEnv(name));
      expect(line).toMatch(SAYS[name]);
      expect(line).toContain('scout');
      // Every source digested exactly once over both runs: no call of the failed run kept going
      // after it reported the failure (it used to: the other digests ran on in the background).
      const again = await healthyRetry();
      expect(again.digests).toBe(again.sources);
    });

    it(`${name} once the scout is done: the retry reuses every digest (zero digest calls)`, async () => {
      fault = { reply: FAULTS[name], on: (s) => s !== 'source_digest' };
      const line = await failingRun(faultEnv(name));
      expect(line).toMatch(SAYS[name]);
      expect(line).toContain('distiller');
      // The scout's note was written whole before the distiller failed.
      expect(readIf(path.join(vault.dir, `Groundwork/${DOMAIN}/${DOMAIN} sources.md`))).toContain('groundwork: sources');
      expect(readIf(path.join(vault.dir, `Groundwork/${DOMAIN}/${DOMAIN} distillate.md`))).toBeNull();
      const again = await healthyRetry();
      expect(again.sources).toBeGreaterThan(1);
      expect(again.digests).toBe(0);
    });
  }

  it('connection refused (a closed port): one clear line naming the address; a retry on a live server succeeds', async () => {
    const port = await closedPort();
    const line = await failingRun({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
    expect(line).toMatch(SAYS['connection refused']);
    expect(line).toContain(`127.0.0.1:${port}`);
    const again = await healthyRetry();
    expect(again.digests).toBe(again.sources);
  });

  it('a task (run) on a failing server: one clear line, exit 1, nothing written, no proposal', async () => {
    fault = { reply: FAULTS['server error 500'], on: () => true };
    const before = personFiles(vault.dir);
    const r = await runCli(['run', vault.dir, 'Static site builds', '--task', 'Add a rollback step', '--note', 'Notes/Blog deploy checklist.md'], env());
    expect(r.code).toBe(1);
    expect(expectOneClearLine(r.stderr)).toMatch(/actor.*server error \(500\)/);
    expect(personFiles(vault.dir)).toEqual(before);
    expect(readIf(path.join(vault.dir, 'Groundwork/Inbox'))).toBeNull();
    expectSoundOutput(vault.dir);
  });

  it('the real bin on a failing server: exit 1, one line on stderr, no stack trace', async () => {
    fault = { reply: FAULTS['server error 500'], on: () => true };
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../support/run-cli');
    const before = personFiles(vault.dir);
    // spawn, not spawnSync: the loopback server lives in this process and must keep answering.
    const child = spawn(process.execPath, [BIN, 'research', vault.dir, DOMAIN], { env: { ...process.env, ...env() } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(expectOneClearLine(stderr)).toMatch(/server error \(500\)/);
    expect(personFiles(vault.dir)).toEqual(before);
    expectSoundOutput(vault.dir);
  });
});

describe('vault write faults through the Vault port (read-only folder, full disk)', () => {
  const kinds = ['read-only', 'no-space'] as const;
  const researchWrites: Array<{ at: string; when: (op: string, p: string) => boolean }> = [
    { at: 'the sources note', when: (_o, p) => p.endsWith('sources.md') },
    { at: 'the distillate', when: (_o, p) => p.endsWith('distillate.md') },
    { at: 'the critique', when: (_o, p) => p.endsWith('critique.md') },
    { at: 'the domain note (links)', when: (_o, p) => p === `${DOMAIN}.md` },
    { at: 'every write', when: () => true },
  ];
  for (const kind of kinds) {
    for (const w of researchWrites) {
      it(`${kind} at ${w.at}: research fails with a VaultError naming the file; nothing lost; a retry reuses the digests`, async () => {
        const before = personFiles(vault.dir);
        const fv = new FaultyVault(vault.dir, kind, w.when);
        const ctx = await agentContext(fv, env());
        const err = await research(ctx, { domain: DOMAIN, maxSources: 10 }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(VaultError);
        expect((err as VaultError).kind).toBe(kind);
        expect((err as VaultError).message).toContain((err as VaultError).path);
        expect((err as VaultError).message).not.toMatch(/\n/);
        expect(fv.failures).toBeGreaterThan(0);
        expect(personFiles(vault.dir)).toEqual(before);
        expectSoundOutput(vault.dir);

        const calls = digestCalls();
        const ok = await research(await agentContext(new NodeVault(vault.dir), env()), { domain: DOMAIN, maxSources: 10 });
        expect(ok.written.map((x) => x.path)).toContain(`Groundwork/${DOMAIN}/${DOMAIN} critique.md`);
        expect(digestCalls() - calls).toBe(0);
        expectSoundOutput(vault.dir);
      });
    }

    it(`${kind}: an automatic change (runTask) refused by the disk leaves the note and an undoable journal`, async () => {
      const target = 'Notes/Blog deploy checklist.md';
      const before = personFiles(vault.dir);
      const fv = new FaultyVault(vault.dir, kind, (_o, p) => p === target);
      const ctx = await agentContext(fv, env());
      const journal = new Journal(fv, ctx.data, { outputFolder: 'Groundwork' });
      const err = await runTask(ctx, journal, { domain: 'Static site builds', note: target, task: 'Add a rollback step' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(VaultError);
      expect((err as VaultError).path).toBe(target);
      expect(personFiles(vault.dir)).toEqual(before);
      expectSoundOutput(vault.dir);
      // The journal says the change failed; there is nothing to undo.
      const entries = await new Journal(new NodeVault(vault.dir), ctx.data, { outputFolder: 'Groundwork' }).list();
      expect(entries.map((e) => e.state)).toEqual(['failed']);
    });

    it(`${kind}: a proposal cannot be written (inbox refused): the task fails, nothing else changes`, async () => {
      const before = personFiles(vault.dir);
      const fv = new FaultyVault(vault.dir, kind, (_o, p) => p.startsWith('Groundwork/Inbox/'));
      const ctx = await agentContext(fv, env());
      const err = await runTask(ctx, new Journal(fv, ctx.data, { outputFolder: 'Groundwork' }), { domain: DOMAIN, note: 'Notes/Adapter rank experiments.md', task: 'Summarize' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as VaultError).kind).toBe(kind);
      expect(personFiles(vault.dir)).toEqual(before);
      expectSoundOutput(vault.dir);
    });

    it(`${kind}: accepting a proposal when the target cannot be written keeps it pending and the note whole`, async () => {
      const target = 'Notes/Adapter rank experiments.md';
      const okCtx = await agentContext(new NodeVault(vault.dir), env());
      const out = await runTask(okCtx, new Journal(okCtx.vault, okCtx.data, { outputFolder: 'Groundwork' }), { domain: DOMAIN, note: target, task: 'Summarize' });
      const before = personFiles(vault.dir);
      const fv = new FaultyVault(vault.dir, kind, (_o, p) => p === target);
      const ctx = await agentContext(fv, env());
      const err = await acceptProposal(ctx, new Journal(fv, ctx.data, { outputFolder: 'Groundwork' }), out.proposalPath!, 1).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as VaultError).kind).toBe(kind);
      expect(personFiles(vault.dir)).toEqual(before);
      expect(readIf(path.join(vault.dir, out.proposalPath!))).toContain('status: pending');
      expectSoundOutput(vault.dir);
      // Healthy again, the same proposal applies.
      const ok = await acceptProposal(okCtx, new Journal(okCtx.vault, okCtx.data, { outputFolder: 'Groundwork' }), out.proposalPath!, 1);
      expect(ok.entry.state).toBe('applied');
    });
  }
});
