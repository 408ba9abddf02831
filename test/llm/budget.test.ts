import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OpenAiTestServer } from '../support/openai-server';
import { clientFor, noteSchema, tempDataFolder, validNote } from './helpers';
import { defaultContextTokens, LlmError, tightenSchema, toStrictJsonSchema } from '../../src/llm';
import { estimateMessagesTokens } from '../../src/core/tokens';

let server: OpenAiTestServer;
beforeEach(async () => {
  server = await OpenAiTestServer.start();
});
afterEach(async () => {
  await server.close();
});

const ask = (content: string) => [{ role: 'user' as const, content }];

describe('the context budget in the client', () => {
  it('sends max_tokens lowered to what the window leaves, and a low temperature', async () => {
    server.enqueue({ json: validNote });
    const llm = clientFor(server, { contextTokens: 4096 });
    const messages = ask('word '.repeat(1600)); // ~2000 tokens by the estimate
    await llm.structured({ role: 'scout', schema: noteSchema, schemaName: 'note', messages, maxTokens: 3000 });
    const body = server.chatRequests[0]!.body!;
    expect(body.max_tokens).toBeLessThan(3000);
    expect(estimateMessagesTokens(body.messages) + (body.max_tokens as number)).toBeLessThanOrEqual(4096);
    expect(body.temperature).toBe(0.1);
  });

  it('refuses, before sending, a prompt that leaves no room for an answer, saying what to change', async () => {
    const llm = clientFor(server, { contextTokens: 2048 });
    const err = await llm.text({ role: 'distiller', messages: ask('word '.repeat(9000)) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('context');
    expect((err as LlmError).message).toContain('Context window (tokens)');
    expect(server.chatRequests).toHaveLength(0);
  });

  it('fails loudly when the server read far fewer prompt tokens than were sent (it cut the prompt)', async () => {
    server.enqueue({ content: 'ok', usage: { prompt_tokens: 900, completion_tokens: 5 } });
    const llm = clientFor(server, { contextTokens: 32_000 });
    const err = await llm.text({ role: 'scout', messages: ask('word '.repeat(3200)) }).catch((e: unknown) => e);
    expect((err as LlmError).kind).toBe('context');
    expect((err as LlmError).message).toMatch(/read only 900 tokens .* cut the prompt/);
  });

  it('a model that takes no temperature or wants max_completion_tokens costs one refusal, then is asked as it wants', async () => {
    server.options.handler = (body) => {
      if ('temperature' in body) return { status: 400, errorMessage: "Unsupported value: 'temperature' does not support 0.1 with this model. Only the default (1) value is supported." };
      if ('max_tokens' in body) return { status: 400, errorMessage: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead." };
      return { content: 'fine' };
    };
    const llm = clientFor(server, { model: 'reasoner-x', maxRetries: 0 });
    expect((await llm.text({ role: 'scout', messages: ask('hi'), maxTokens: 500 })).text).toBe('fine');
    const last = server.chatRequests.at(-1)!.body!;
    expect(last.max_completion_tokens).toBe(500);
    expect(last).not.toHaveProperty('temperature');
    const before = server.chatRequests.length;
    await llm.text({ role: 'scout', messages: ask('again') });
    expect(server.chatRequests.length).toBe(before + 1);
  });

  it('defaults the window by where the model runs', () => {
    expect(defaultContextTokens('http://localhost:11434/v1', 'llama3.1:8b')).toBe(8192);
    expect(defaultContextTokens('http://192.168.1.20:1234/v1', 'gpt-4o')).toBe(8192);
    expect(defaultContextTokens('https://api.openai.com/v1', 'gpt-4o-mini')).toBe(128_000);
    expect(defaultContextTokens('https://openrouter.ai/api/v1', 'anthropic/claude-sonnet-4')).toBe(200_000);
    expect(defaultContextTokens('https://example.com/v1', 'some-model')).toBe(32_768);
  });
});

describe('decoding aids', () => {
  const schema = z.object({ points: z.array(z.object({ why: z.string(), source: z.string() })) });

  it('sends the tightened schema (enum of real ids, maxItems) while validating leniently', async () => {
    server.enqueue({ json: { points: [{ why: 'w', source: 'S9' }, { why: 'w', source: 'S1' }, { why: 'w', source: 'S2' }] } });
    const decodeSchema = tightenSchema(toStrictJsonSchema(schema), { points: { maxItems: 2 }, 'points[].source': { enum: ['S1', 'S2'] } });
    const llm = clientFor(server);
    const r = await llm.structured({ role: 'distiller', schema, schemaName: 'points', messages: ask('x'), decodeSchema });
    const sent = server.chatRequests[0]!.body!.response_format!.json_schema!.schema as { properties: { points: { maxItems: number; items: { properties: { source: { enum: string[] } } } } } };
    expect(sent.properties.points.maxItems).toBe(2);
    expect(sent.properties.points.items.properties.source.enum).toEqual(['S1', 'S2']);
    // What got past the server is still accepted; code trims and checks ids afterwards.
    expect(r.data.points).toHaveLength(3);
  });

  it('a prompt that differs only in its fence nonce is answered from the cache', async () => {
    const data = await tempDataFolder();
    try {
      server.enqueue({ json: validNote });
      const llm = clientFor(server, { cache: true }, { dataFolder: data.folder });
      const first = await llm.structured({ role: 'scout', schema: noteSchema, schemaName: 'note', messages: ask('⟦BEGIN aaaa1111⟧ x ⟦END aaaa1111⟧'), nonce: 'aaaa1111' });
      const second = await llm.structured({ role: 'scout', schema: noteSchema, schemaName: 'note', messages: ask('⟦BEGIN bbbb2222⟧ x ⟦END bbbb2222⟧'), nonce: 'bbbb2222' });
      expect(first.cached).toBe(false);
      expect(second.cached).toBe(true);
      expect(server.chatRequests).toHaveLength(1);
    } finally {
      await data.cleanup();
    }
  });
});

describe('lenient validation', () => {
  it('reads a null text or list as empty (no repair call), but never a null decision', async () => {
    const schema = z.object({ summary: z.string(), points: z.array(z.string()), verdict: z.enum(['pass', 'fail']) });
    server.enqueue({ json: { summary: null, points: null, verdict: 'pass' } });
    const llm = clientFor(server);
    const r = await llm.structured({ role: 'critic', schema, schemaName: 'v', messages: ask('x') });
    expect(r.data).toEqual({ summary: '', points: [], verdict: 'pass' });
    expect(server.chatRequests).toHaveLength(1);
    server.enqueue({ json: { summary: 's', points: [], verdict: null } }, { json: { summary: 's', points: [], verdict: null } });
    const err = await llm.structured({ role: 'critic', schema, schemaName: 'v', messages: ask('y') }).catch((e: unknown) => e);
    expect((err as LlmError).kind).toBe('invalid-output');
  });
});
