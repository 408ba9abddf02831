import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LlmClient,
  LlmError,
  llmConfigFromEnv,
  llmConfigFromSettings,
  llmSettingsSchema,
  makeRequestUrlFetch,
  testConnection,
  type RequestUrlLike,
} from '../../src/llm';
import { closedPort, OpenAiTestServer } from '../support/openai-server';
import { ask, configFor, noteSchema, validNote } from './helpers';

let server: OpenAiTestServer;
beforeEach(async () => {
  server = await OpenAiTestServer.start({ models: ['test-model', 'llama3.1'] });
});
afterEach(async () => {
  await server.close();
});

describe('testConnection', () => {
  it('lists the models when all is well', async () => {
    const report = await testConnection(configFor(server));
    expect(report).toEqual({ ok: true, models: ['test-model', 'llama3.1'], message: expect.stringContaining('2 models available') });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test-SECRET-KEY-0123456789');
  });

  it('says the key is wrong on 401', async () => {
    server.options.requireKey = 'the-right-key';
    const report = await testConnection(configFor(server));
    expect(report.ok).toBe(false);
    expect(report.message).toContain('refused the API key (401)');
  });

  it('says the URL is wrong on 404', async () => {
    const report = await testConnection(configFor(`http://127.0.0.1:${server.port}/nope`));
    expect(report.ok).toBe(false);
    expect(report.message).toContain('Nothing OpenAI-compatible');
    expect(report.message).toContain('/v1');
  });

  it('says the server is down when the connection is refused', async () => {
    const port = await closedPort();
    const report = await testConnection(configFor(`http://127.0.0.1:${port}/v1`));
    expect(report.ok).toBe(false);
    expect(report.message).toContain('connection refused');
  });

  it('names a configured model the server does not have', async () => {
    const report = await testConnection(configFor(server, { model: 'gpt-9', roleModels: { critic: 'llama3.1' } }));
    expect(report.ok).toBe(false);
    expect(report.models).toEqual(['test-model', 'llama3.1']);
    expect(report.message).toContain('no model named "gpt-9"');
    expect(report.message).toContain('Available: test-model, llama3.1');
  });

  it('explains a browser "Failed to fetch" as CORS or down', async () => {
    const failing = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    const report = await testConnection(configFor(server, { fetch: failing }));
    expect(report.ok).toBe(false);
    expect(report.message).toContain('CORS');
  });

  it('rejects a base URL that is not a URL', async () => {
    const report = await testConnection(configFor('localhost:11434'));
    expect(report.ok).toBe(false);
    expect(report.message).toContain('http://');
  });
});

describe('requestUrl fetch adapter', () => {
  // Shaped like Obsidian's requestUrl: never throws on HTTP errors when `throw: false`.
  const requestUrl: RequestUrlLike = async (params) => {
    const res = await fetch(params.url, { method: params.method, headers: params.headers, body: params.body });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { status: res.status, headers, text: await res.text() };
  };

  it('round-trips a structured call through a requestUrl-shaped transport', async () => {
    const seen: string[] = [];
    const spying: RequestUrlLike = (p) => {
      seen.push(`${p.method} ${p.url} throw=${String(p.throw)}`);
      return requestUrl(p);
    };
    server.enqueue({ json: validNote });
    const llm = new LlmClient(configFor(server, { fetch: makeRequestUrlFetch(spying) }));
    const result = await llm.structured({ role: 'scout', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(result.data).toEqual(validNote);
    expect(seen).toEqual([`POST ${server.url}/chat/completions throw=false`]);
    expect(server.chatRequests[0]!.body!.response_format?.type).toBe('json_schema');
  });

  it('carries HTTP errors and retry headers through', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after-ms': '1' } }, { json: validNote });
    const llm = new LlmClient(configFor(server, { fetch: makeRequestUrlFetch(requestUrl) }));
    const result = await llm.structured({ role: 'scout', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(result.usage.retries).toBe(1);
  });

  it('serves testConnection', async () => {
    const report = await testConnection(configFor(server, { fetch: makeRequestUrlFetch(requestUrl) }));
    expect(report.ok).toBe(true);
  });
});

describe('configuration', () => {
  it('reads the CLI environment, flags winning', () => {
    const env = { OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_API_KEY: 'k', GROUNDWORK_MODEL: 'llama3.1', OPENAI_TIMEOUT_MS: '9000' };
    expect(llmConfigFromEnv(env)).toMatchObject({ baseURL: 'http://localhost:11434/v1', apiKey: 'k', model: 'llama3.1', timeoutMs: 9000, cache: true });
    expect(llmConfigFromEnv(env, { baseUrl: 'http://h:1/v1', model: 'm', noCache: true })).toMatchObject({
      baseURL: 'http://h:1/v1',
      model: 'm',
      cache: false,
    });
  });

  it('says what to set when the model or base URL is missing', () => {
    expect(() => llmConfigFromEnv({ GROUNDWORK_MODEL: 'm' })).toThrow(/OPENAI_BASE_URL/);
    expect(() => llmConfigFromEnv({ OPENAI_BASE_URL: 'http://h/v1' })).toThrow(/--model or set GROUNDWORK_MODEL/);
    expect(() => llmConfigFromEnv({ OPENAI_BASE_URL: 'http://h/v1', GROUNDWORK_MODEL: 'm', OPENAI_TIMEOUT_MS: 'soon' })).toThrow(LlmError);
  });

  it('has settings defaults for the plugin, and no key in them', () => {
    const settings = llmSettingsSchema.parse({});
    expect(settings).toMatchObject({ preset: 'ollama', baseURL: 'http://localhost:11434/v1', concurrency: 4, cache: true });
    expect(JSON.stringify(settings)).not.toMatch(/key/i);
    const config = llmConfigFromSettings(llmSettingsSchema.parse({ preset: 'openai', baseURL: '', model: 'gpt-4o-mini' }), 'sk');
    expect(config).toMatchObject({ baseURL: 'https://api.openai.com/v1', apiKey: 'sk', model: 'gpt-4o-mini' });
  });

  it('sends no Authorization header when there is no key', async () => {
    server.enqueue({ json: validNote });
    const llm = new LlmClient(configFor(server, { apiKey: '' }));
    await llm.structured({ role: 'scout', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(server.chatRequests[0]!.headers.authorization).toBeUndefined();
  });
});
