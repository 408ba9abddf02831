import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, LlmCancelled, LlmError, retryAfterMs, type RetryInfo } from '../../src/llm';
import { closedPort, OpenAiTestServer } from '../support/openai-server';
import { ask, clientFor, noteSchema, validNote } from './helpers';

let server: OpenAiTestServer;
beforeEach(async () => {
  server = await OpenAiTestServer.start();
});
afterEach(async () => {
  await server.close();
});

const call = (llm: ReturnType<typeof clientFor>, signal?: AbortSignal) =>
  llm.structured({ role: 'scout', schema: noteSchema, schemaName: 'note', messages: ask, signal });

describe('retries', () => {
  it('retries a 429, honouring retry-after-ms, and counts the retry', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after-ms': '15' } }, { json: validNote });
    const retries: RetryInfo[] = [];
    const llm = clientFor(server, {}, { onRetry: (i) => retries.push(i) });
    const result = await call(llm);
    expect(result.data).toEqual(validNote);
    expect(result.usage.retries).toBe(1);
    expect(llm.usage.retries).toBe(1);
    expect(llm.usage.calls).toBe(1);
    expect(retries).toEqual([expect.objectContaining({ role: 'scout', retry: 1, delayMs: 15, serverAsked: true })]);
    expect(server.chatRequests).toHaveLength(2);
  });

  it('honours retry-after in seconds', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after': '0' } }, { json: validNote });
    const retries: RetryInfo[] = [];
    await call(clientFor(server, {}, { onRetry: (i) => retries.push(i) }));
    expect(retries[0]).toMatchObject({ delayMs: 0, serverAsked: true });
  });

  it('parses retry-after as seconds, HTTP date, or milliseconds', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '3' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(retryAfterMs(new Headers(), now)).toBeNull();
  });

  it('backs off exponentially with jitter, within the cap', () => {
    expect(backoffMs(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffMs(20, 100, 10_000, () => 1)).toBe(10_000);
  });

  it('retries a 500 with backoff delays that grow', async () => {
    server.enqueue({ status: 500 }, { status: 503 }, { json: validNote });
    const retries: RetryInfo[] = [];
    const llm = clientFor(server, { backoff: { baseMs: 4, capMs: 1000 } }, { onRetry: (i) => retries.push(i) });
    const result = await call(llm);
    expect(result.usage.retries).toBe(2);
    expect(retries.map((r) => r.serverAsked)).toEqual([false, false]);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(4);
    expect(retries[1]!.delayMs).toBeGreaterThanOrEqual(4);
    expect(retries[1]!.delayMs).toBeLessThanOrEqual(8);
  });

  it('gives up after maxRetries with a clear error', async () => {
    server.enqueue({ status: 500, errorMessage: 'model crashed' }, { status: 500 }, { status: 500 }, { json: validNote });
    const llm = clientFor(server, { maxRetries: 2 });
    const err = (await call(llm).catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect(err.kind).toBe('http');
    expect(err.status).toBe(500);
    expect(err.message).toContain('server error (500)');
    expect(err.message).toContain('Gave up after 2 retries');
    expect(server.chatRequests).toHaveLength(3);
    expect(llm.usage.retries).toBe(2);
    expect(llm.usage.calls).toBe(0);
  });

  it('does not retry a 400 or a 401', async () => {
    server.enqueue({ status: 401, errorMessage: 'bad key' });
    const err = (await call(clientFor(server)).catch((e: unknown) => e)) as LlmError;
    expect(err.message).toContain('API key');
    expect(server.chatRequests).toHaveLength(1);
  });

  it('retries a response cut off mid-body (a connection error)', async () => {
    server.enqueue({ truncate: true }, { json: validNote });
    const result = await call(clientFor(server));
    expect(result.data).toEqual(validNote);
    expect(result.usage.retries).toBe(1);
  });

  it('reports connection refused after retrying', async () => {
    const port = await closedPort();
    const llm = clientFor(`http://127.0.0.1:${port}/v1`, { maxRetries: 1 });
    const err = (await call(llm).catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect(err.kind).toBe('connection');
    expect(err.message).toContain('connection refused');
    expect(err.message).toContain('scout');
    expect(llm.usage.retries).toBe(1);
  });
});

describe('timeout', () => {
  it('ends a call the server never answers, without retrying it', async () => {
    server.enqueue({ hang: true });
    const err = (await call(clientFor(server, { timeoutMs: 200 })).catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('no answer within 200 ms');
    expect(server.chatRequests).toHaveLength(1);
    await vi.waitFor(() => expect(server.abortedRequests).toBe(1));
  });
});

describe('cancellation', () => {
  it('one signal ends every in-flight and queued call of the run, and the server sees the sockets close', async () => {
    server.options.handler = () => ({ hang: true });
    const controller = new AbortController();
    const llm = clientFor(server, { concurrency: 4 }, { signal: controller.signal });
    const calls = Array.from({ length: 6 }, () => call(llm).catch((e: unknown) => e));
    await vi.waitFor(() => expect(server.inFlight).toBe(4));
    controller.abort();
    const errors = await Promise.all(calls);
    for (const e of errors) expect(e).toBeInstanceOf(LlmCancelled);
    await vi.waitFor(() => {
      expect(server.abortedRequests).toBe(4);
      expect(server.inFlight).toBe(0);
      // Every connection that carried a call is closed (the client may keep a fresh idle one).
      expect(server.chatRequests.every((r) => server.closed(r))).toBe(true);
    });
    // The two queued calls never reached the server.
    expect(server.chatRequests).toHaveLength(4);
    expect(new Set(server.chatRequests.map((r) => r.socketId)).size).toBe(4);
  });

  it('a per-call signal cancels only that call', async () => {
    server.enqueue({ hang: true }, { json: validNote });
    const controller = new AbortController();
    const llm = clientFor(server);
    const doomed = call(llm, controller.signal).catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.inFlight).toBe(1));
    const survivor = call(llm);
    controller.abort();
    expect(await doomed).toBeInstanceOf(LlmCancelled);
    expect((await survivor).data).toEqual(validNote);
  });

  it('an already-aborted run sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await call(clientFor(server, {}, { signal: controller.signal })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmCancelled);
    expect(server.chatRequests).toHaveLength(0);
  });
});

describe('concurrency', () => {
  it('never has more than the limit in flight per endpoint, across clients', async () => {
    // Hold the first four until all four have arrived, so the limit is reached for certain.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let seen = 0;
    server.options.handler = async () => {
      seen++;
      if (seen === 4) release();
      if (seen <= 4) await gate;
      return { json: validNote };
    };
    const a = clientFor(server, { concurrency: 4 });
    const b = clientFor(server, { concurrency: 4 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => call(i % 2 ? a : b)));
    expect(results).toHaveLength(12);
    expect(server.chatRequests).toHaveLength(12);
    expect(server.peakInFlight).toBe(4);
  });
});
