import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BudgetExceeded, costOf, LlmClient, ResponseCache, RunUsage } from '../../src/llm';
import { OpenAiTestServer } from '../support/openai-server';
import { ask, clientFor, configFor, noteSchema, tempDataFolder, validNote } from './helpers';

let server: OpenAiTestServer;
let data: Awaited<ReturnType<typeof tempDataFolder>>;
beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: () => ({ json: validNote, usage: { prompt_tokens: 100, completion_tokens: 20 } }) });
  data = await tempDataFolder();
});
afterEach(async () => {
  await server.close();
  await data.cleanup();
});

const structured = (llm: LlmClient, content = 'Summarise: LoRA adds low-rank adapters.') =>
  llm.structured({
    role: 'distiller',
    schema: noteSchema,
    schemaName: 'note',
    messages: [{ role: 'user', content }],
  });

describe('usage and cost', () => {
  it('adds tokens per call, per run and per role, with cost from the price table', async () => {
    const llm = clientFor(server, {
      roleModels: { critic: 'unpriced-model' },
      prices: { 'test-model': { inputPerMTok: 2, outputPerMTok: 10 } },
    });
    const a = await structured(llm);
    expect(a.usage).toEqual({ calls: 1, promptTokens: 100, completionTokens: 20, retries: 0, cost: (100 * 2 + 20 * 10) / 1e6 });
    await structured(llm, 'another');
    expect(llm.usage.calls).toBe(2);
    expect(llm.usage.promptTokens).toBe(200);
    expect(llm.usage.completionTokens).toBe(40);
    expect(llm.usage.cost).toBeCloseTo(0.0008, 10);
    expect(llm.usage.byRole.distiller).toMatchObject({ calls: 2, promptTokens: 200 });

    const c = await llm.structured({ role: 'critic', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(c.usage.cost).toBeNull();
    expect(llm.usage.byRole.critic?.cost).toBeNull();
    expect(llm.usage.byRole.distiller?.cost).toBeCloseTo(0.0008, 10);
    // One unpriced call makes the run's total unknown rather than wrong.
    expect(llm.usage.cost).toBeNull();
  });

  it('prices are per million tokens', () => {
    expect(costOf({ m: { inputPerMTok: 1, outputPerMTok: 4 } }, 'm', 1_000_000, 500_000)).toBe(3);
    expect(costOf({}, 'm', 10, 10)).toBeNull();
    expect(costOf(undefined, 'm', 10, 10)).toBeNull();
  });

  it('estimates tokens when the server reports no usage', async () => {
    server.enqueue({ json: validNote, usage: null });
    const result = await structured(clientFor(server));
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
  });

  it('startRun gives each run its own usage', async () => {
    const base = clientFor(server);
    const run1 = base.startRun();
    const run2 = base.startRun();
    await structured(run1);
    expect(run1.usage.calls).toBe(1);
    expect(run2.usage.calls).toBe(0);
  });
});

describe('budget', () => {
  it('stops before the call that would pass the call cap, sending nothing', async () => {
    const llm = clientFor(server, { budget: { maxCalls: 2 } });
    await structured(llm, 'one');
    await structured(llm, 'two');
    const err = await structured(llm, 'three').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceeded);
    expect((err as Error).message).toBe("Stopped: the run's budget of 2 calls is used up.");
    expect(server.chatRequests).toHaveLength(2);
  });

  it('stops once the token cap is reached', async () => {
    const llm = clientFor(server, { budget: { maxTokens: 150 } });
    await structured(llm, 'one'); // 120 tokens: under the cap, so the next call may go
    await structured(llm, 'two'); // 240: now over
    const err = await structured(llm, 'three').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceeded);
    expect((err as Error).message).toContain("Stopped: the run's budget of 150 tokens is used up");
    expect(server.chatRequests).toHaveLength(2);
  });

  it('counts a repair call against the budget', async () => {
    server.enqueue({ content: 'not json' });
    const llm = clientFor(server, { budget: { maxCalls: 1 } });
    const err = await structured(llm).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceeded);
    expect(server.chatRequests).toHaveLength(1);
  });

  it('checks the budget directly', () => {
    const usage = new RunUsage({ maxCalls: 1 });
    usage.checkBudget('scout');
    usage.recordRequest('scout', 1, 1, null);
    expect(() => usage.checkBudget('scout')).toThrow("Stopped: the run's budget of 1 call is used up.");
  });
});

describe('response cache', () => {
  it('serves an identical call from the cache without a request', async () => {
    const llm = clientFor(server, { cache: true }, { dataFolder: data.folder });
    const first = await structured(llm);
    const second = await structured(llm);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.data).toEqual(validNote);
    expect(second.usage.calls).toBe(0);
    expect(server.chatRequests).toHaveLength(1);
    expect(llm.usage.calls).toBe(1);
    expect(llm.usage.cachedCalls).toBe(1);

    // A new client over the same folder (the next run, or the next process) hits too.
    const later = new LlmClient(configFor(server, { cache: true }), { dataFolder: data.folder });
    expect((await structured(later)).cached).toBe(true);
    expect(server.chatRequests).toHaveLength(1);
  });

  it('pays once for identical calls made at the same time', async () => {
    const llm = clientFor(server, { cache: true }, { dataFolder: data.folder });
    const results = await Promise.all([structured(llm), structured(llm), structured(llm)]);
    expect(server.chatRequests).toHaveLength(1);
    expect(results.map((r) => r.cached).sort()).toEqual([false, true, true]);
    expect(results.every((r) => r.data.title === 'LoRA')).toBe(true);
  });

  it('lets a waiting identical call try itself when the first one fails', async () => {
    server.enqueue({ status: 400, errorMessage: 'bad request' }, { json: validNote });
    const llm = clientFor(server, { cache: true }, { dataFolder: data.folder });
    const [a, b] = await Promise.all([structured(llm).catch((e: unknown) => e), structured(llm).catch((e: unknown) => e)]);
    expect([a, b].filter((r) => r instanceof Error)).toHaveLength(1);
    expect(server.chatRequests).toHaveLength(2);
  });

  it('misses when the model, messages or schema differ', async () => {
    const llm = clientFor(server, { cache: true }, { dataFolder: data.folder });
    await structured(llm);
    await structured(llm, 'different');
    const wider = noteSchema.extend({ extra: z.string().optional() });
    const messages = [{ role: 'user' as const, content: 'Summarise: LoRA adds low-rank adapters.' }];
    await llm.structured({ role: 'distiller', schema: wider, schemaName: 'note', messages });
    await llm.structured({ role: 'distiller', schema: wider, schemaName: 'note2', messages });
    const other = clientFor(server, { cache: true, model: 'other-model' }, { dataFolder: data.folder });
    await structured(other);
    expect(server.chatRequests).toHaveLength(5);
    expect(llm.usage.cachedCalls).toBe(0);
  });

  it('is bypassed with cache: false', async () => {
    const llm = clientFor(server, { cache: false }, { dataFolder: data.folder });
    await structured(llm);
    await structured(llm);
    expect(server.chatRequests).toHaveLength(2);
    expect(await data.folder.list('cache/')).toEqual([]);
  });

  it('caches plain text calls too', async () => {
    server.options.handler = () => ({ content: 'plain answer' });
    const llm = clientFor(server, { cache: true }, { dataFolder: data.folder });
    await llm.text({ role: 'actor', messages: ask });
    const again = await llm.text({ role: 'actor', messages: ask });
    expect(again).toMatchObject({ text: 'plain answer', cached: true });
    expect(server.chatRequests).toHaveLength(1);
  });

  it('never writes the API key', async () => {
    const llm = clientFor(server, { cache: true }, { dataFolder: data.folder });
    await structured(llm);
    await llm.text({ role: 'actor', messages: ask });
    const files = await readdir(join(data.root, 'cache'));
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) {
      const text = await readFile(join(data.root, 'cache', f), 'utf8');
      expect(text).not.toContain('SECRET');
      expect(text).not.toContain('sk-test');
    }
    // The key did go to the server, as a header.
    expect(server.chatRequests[0]!.headers.authorization).toBe('Bearer sk-test-SECRET-KEY-0123456789');
  });

  it('stays within its entry limit, evicting the oldest', async () => {
    const llm = clientFor(server, { cache: true, cacheLimits: { maxEntries: 3, maxBytes: 1_000_000 } }, { dataFolder: data.folder });
    for (let i = 0; i < 6; i++) await structured(llm, `question ${i}`);
    const entries = (await data.folder.list('cache/')).filter((n) => n !== 'cache/index.json');
    expect(entries).toHaveLength(3);
    // The newest are kept, the oldest gone.
    await structured(llm, 'question 5');
    expect(server.chatRequests).toHaveLength(6);
    await structured(llm, 'question 0');
    expect(server.chatRequests).toHaveLength(7);
  });

  it('stays within its byte limit', async () => {
    const cache = new ResponseCache(data.folder, { maxEntries: 100, maxBytes: 1000 });
    const big = 'x'.repeat(300);
    for (let i = 0; i < 10; i++) {
      await cache.put(i.toString(16).padStart(64, '0'), { content: big, model: 'm', promptTokens: 1, completionTokens: 1 });
    }
    const stats = await cache.stats();
    expect(stats.bytes).toBeLessThanOrEqual(1000);
    expect(stats.entries).toBeGreaterThan(0);
    const files = (await data.folder.list('cache/')).filter((n) => n !== 'cache/index.json');
    expect(files).toHaveLength(stats.entries);
  });

  it('counts entries left without an index against the bound', async () => {
    const first = new ResponseCache(data.folder, { maxEntries: 2, maxBytes: 1_000_000 });
    for (let i = 0; i < 2; i++) await first.put(i.toString(16).padStart(64, '0'), { content: 'a', model: 'm', promptTokens: 1, completionTokens: 1 });
    await data.folder.remove('cache/index.json');
    const second = new ResponseCache(data.folder, { maxEntries: 2, maxBytes: 1_000_000 });
    await second.put('f'.repeat(64), { content: 'b', model: 'm', promptTokens: 1, completionTokens: 1 });
    const files = (await data.folder.list('cache/')).filter((n) => n !== 'cache/index.json');
    expect(files).toHaveLength(2);
    expect(files).toContain(`cache/${'f'.repeat(64)}.json`);
  });
});
