import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer, type ChatRequestBody, type Handler } from '../support/openai-server';
import { realPromptTokens, scriptedAgents } from '../support/scripted-agents';
import { withScriptedModelAndVault } from '../support/scripted-vault';
import { runCli } from '../support/run-cli';
import { estimateMessagesTokens } from '../../src/core/tokens';

/**
 * The context budget end to end: the CLI's research run against a loopback server through the
 * real openai client, on the example vault plus one 60,000-character source.
 */

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
let script: (handler: Handler) => void;

const DOC = 'Projects/Cluster design doc.md';
const PARAGRAPHS = Array.from({ length: 120 }, (_, i) => `Paragraph ${i + 1}: ${'Each service in the cluster gets its own namespace, quota and network policy, reviewed by its owners. '.repeat(5)}`);

withScriptedModelAndVault((s, v, sc) => {
  server = s;
  vault = v;
  script = sc;
  writeFileSync(path.join(vault.dir, DOC), `---\ndomain: "[[Kubernetes]]"\n---\n# Cluster design doc\n\n${PARAGRAPHS.join('\n\n')}\n`);
});

const env = (extra: Record<string, string> = {}) => ({ OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'test-model', ...extra });
const schemaOf = (b: ChatRequestBody | null) => b?.response_format?.json_schema?.name ?? '?';
const bodies = () => server.chatRequests.map((r) => r.body!);

describe('a 4096-token context window', () => {
  it('every request carries max_tokens and fits; the 60,000-character source is digested in parts, none of it cut', async () => {
    expect(readFileSync(path.join(vault.dir, DOC), 'utf8').length).toBeGreaterThan(60_000);
    const r = await runCli(['research', vault.dir, 'Kubernetes', '--context-tokens', '4096'], env());
    expect(r.stderr).not.toContain('groundwork:');
    expect(r.code).toBe(0);

    expect(bodies().length).toBeGreaterThan(3);
    for (const b of bodies()) {
      expect(typeof b.max_tokens, schemaOf(b)).toBe('number');
      const max = b.max_tokens as number;
      expect(max).toBeGreaterThan(0);
      // By the estimator the client plans with, and by a real tokenizer.
      expect(estimateMessagesTokens(b.messages) + max, schemaOf(b)).toBeLessThanOrEqual(4096);
      expect(realPromptTokens(b) + max, schemaOf(b)).toBeLessThanOrEqual(4096);
    }

    const docParts = bodies().filter((b) => schemaOf(b) === 'source_digest' && b.messages[1]!.content.includes('Title: Cluster design doc'));
    expect(docParts.length).toBeGreaterThanOrEqual(6);
    expect(docParts.every((b) => /PART \d+/.test(b.messages[1]!.content))).toBe(true);
    // Every paragraph went to exactly one part: split at paragraph boundaries, nothing dropped.
    for (let i = 1; i <= PARAGRAPHS.length; i++) {
      expect(docParts.filter((b) => b.messages[1]!.content.includes(`Paragraph ${i}: `)).length, `paragraph ${i}`).toBe(1);
    }
    expect(bodies().some((b) => b.messages.some((m) => m.content.includes('[…cut at')))).toBe(false);
  });

  it('the dry run plans the same parts and the same estimate the run then uses', async () => {
    const plan = await runCli(['research', vault.dir, 'Kubernetes', '--dry-run', '--json', '--context-tokens', '4096'], env());
    expect(plan.code).toBe(0);
    const p = (JSON.parse(plan.stdout) as { plan: { digestCalls: number; splitSources: number; contextTokens: number; estimatedTokens: number } }).plan;
    expect(p).toMatchObject({ splitSources: 1, contextTokens: 4096 });
    expect(server.chatRequests).toHaveLength(0);

    const run = await runCli(['research', vault.dir, 'Kubernetes', '--context-tokens', '4096'], env());
    expect(run.code).toBe(0);
    const digests = bodies().filter((b) => schemaOf(b) === 'source_digest');
    expect(digests.length).toBe(p.digestCalls);
    const sentDigestTokens = digests.reduce((n, b) => n + estimateMessagesTokens(b.messages), 0);
    expect(p.estimatedTokens).toBeGreaterThan(sentDigestTokens);
    const human = await runCli(['research', vault.dir, 'Kubernetes', '--dry-run', '--context-tokens', '4096'], env());
    expect(human.stdout).toContain('1 long source split into parts');
    expect(human.stdout).toContain('context window 4,096 tokens');
  });

  it('a window too small to work in is a usage error, before any call', async () => {
    const r = await runCli(['research', vault.dir, 'Kubernetes', '--context-tokens', '512'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--context-tokens must be a whole number of tokens from 2048');
    const e = await runCli(['research', vault.dir, 'Kubernetes'], env({ GROUNDWORK_CONTEXT_TOKENS: 'big' }));
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('GROUNDWORK_CONTEXT_TOKENS must be a whole number of tokens');
    expect(server.chatRequests).toHaveLength(0);
  });
});

describe('a server that cuts prompts (Ollama with its default context)', () => {
  it('is reported in one line that says what to change; nothing half-written', async () => {
    const scripted = scriptedAgents();
    // Like Ollama at num_ctx 2048: it reads the last 2048 tokens of a longer prompt and says so in usage.
    script(async (body, req) => {
      const reply = await scripted(body, req);
      return { ...reply, usage: { prompt_tokens: Math.min(realPromptTokens(body), 2048), completion_tokens: 100 } };
    });
    const r = await runCli(['research', vault.dir, 'Kubernetes'], env());
    expect(r.code).toBe(1);
    const line = r.stderr.split('\n').find((l) => l.startsWith('groundwork: '))!;
    expect(line).toContain('cut the prompt');
    expect(line).toContain('OLLAMA_CONTEXT_LENGTH=8192');
    expect(line).toContain('--context-tokens');
    expect(existsSync(path.join(vault.dir, 'Groundwork/Kubernetes/Kubernetes distillate.md'))).toBe(false);
  });
});

describe('sampling', () => {
  it('temperature is low unless set: 0.1 by default, GROUNDWORK_TEMPERATURE changes it', async () => {
    expect((await runCli(['research', vault.dir, 'Static site builds'], env())).code).toBe(0);
    expect(new Set(bodies().map((b) => b.temperature))).toEqual(new Set([0.1]));
    server.requests.length = 0;
    expect((await runCli(['research', vault.dir, 'Static site builds', '--no-cache'], env({ GROUNDWORK_TEMPERATURE: '0' }))).code).toBe(0);
    expect(new Set(bodies().map((b) => b.temperature))).toEqual(new Set([0]));
  });
});
