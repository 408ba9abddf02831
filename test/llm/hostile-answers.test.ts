/**
 * A model server is hostile until proven otherwise: it may trickle or never end its answer, send
 * something that is not a completion, put control characters in its text, or echo the API key.
 * Through the real `openai` client against a loopback server, in both transports (Node fetch as
 * in the CLI, Obsidian's requestUrl as in the plugin).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmError, makeRequestUrlFetch, type LlmConfig } from '../../src/llm';
import { requestUrl } from '../support/obsidian/util';
import { OpenAiTestServer } from '../support/openai-server';
import { ask, clientFor, configFor } from './helpers';

let server: OpenAiTestServer;
beforeEach(async () => {
  server = await OpenAiTestServer.start();
});
afterEach(async () => {
  await server.close();
});

const KEY = configFor('http://x').apiKey;
const textSchema = z.object({ title: z.string(), points: z.array(z.string()) });

const transports: Array<[string, Partial<LlmConfig>]> = [
  ['Node fetch (CLI)', {}],
  ['requestUrl (plugin)', { fetch: makeRequestUrlFetch(requestUrl), dangerouslyAllowBrowser: true }],
];

describe.each(transports)('answer body limits over %s', (_name, transport) => {
  it('a server that trickles its body for ever: the call ends with a timeout error', async () => {
    server.enqueue({ trickleMs: 20 });
    const llm = clientFor(server, { ...transport, timeoutMs: 400, maxRetries: 0 });
    const err = (await llm.text({ role: 'scout', messages: ask }).catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/no answer within 400 ms .*last byte/);
  });

  it('a body without end: the call fails once past the size cap, reading stops there', async () => {
    // Node fetch streams, so it stops at the cap; requestUrl hands the whole body at once, so
    // there the endless server is stood in for by one body twice the cap.
    if (transport.fetch) server.enqueue({ rawBody: JSON.stringify({ choices: [{ message: { content: 'x'.repeat(2_000_000) } }] }) });
    else server.enqueue({ endless: true });
    const llm = clientFor(server, { ...transport, maxAnswerBytes: 1_000_000, maxRetries: 0, timeoutMs: 20_000 });
    const err = (await llm.text({ role: 'critic', messages: ask }).catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect(err.kind).toBe('invalid-output');
    expect(err.message).toMatch(/critic agent's call .* larger than 1 MB/);
    if (!transport.fetch) expect(server.bodyBytesSent).toBeLessThan(50_000_000);
    expect(server.chatRequests).toHaveLength(1);
  });

  it('a 200 answer in text/plain: a clear error, not "Cannot read properties of undefined"', async () => {
    server.enqueue({ rawBody: 'Hello from a web server, not a model', contentType: 'text/plain' });
    const llm = clientFor(server, { ...transport, maxRetries: 0 });
    const err = (await llm.text({ role: 'actor', messages: ask }).catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect(err.message).not.toMatch(/Cannot read properties/);
    expect(err.message).toMatch(/answered with text that is not JSON \("Hello from a web server, not a model"\), not a chat completion/);
  });

  it('a 200 JSON answer that is not a completion: a clear error', async () => {
    server.enqueue({ rawBody: JSON.stringify({ ok: true, sk: KEY }) });
    const llm = clientFor(server, { ...transport, maxRetries: 0 });
    const err = (await llm.structured({ role: 'scout', schema: textSchema, schemaName: 'note', messages: ask }).catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect(err.message).toMatch(/JSON without a "choices" list/);
    expect(err.message).not.toContain(KEY.slice(0, 8));
  });
});

describe('control characters in answers', () => {
  const nasty = 'a\u0000b\u001b[31mred\u001b[0m\u0007 tab\there\r\nline\u001b]0;title\u0007 \u009b2J end\u007f';
  const clean = 'abred tab\there\nline  end';

  it('text answers lose NUL, ANSI escapes, BEL, DEL and C1 controls; tab and newline stay', async () => {
    server.enqueue({ content: nasty });
    const r = await clientFor(server).text({ role: 'actor', messages: ask });
    expect(r.text).toBe(clean);
  });

  it('structured answers are cleaned in every string, escaped control characters included', async () => {
    server.enqueue({ content: JSON.stringify({ title: nasty, points: ['x\u0000y', '\u001b[2Jz'] }) });
    const r = await clientFor(server).structured({ role: 'scout', schema: textSchema, schemaName: 'note', messages: ask });
    expect(r.data).toEqual({ title: clean, points: ['xy', 'z'] });
  });
});

describe('the API key echoed in answers', () => {
  it('is redacted from text, structured strings and the model name, whole or as a prefix of 8 or more characters', async () => {
    server.enqueue(
      { content: `key ${KEY} and its start ${KEY.slice(0, 8)}… and ${KEY.slice(0, 12)}xyz`, model: `m-${KEY.slice(0, 10)}` },
      { content: JSON.stringify({ title: `t ${KEY}`, points: [KEY.slice(0, 9), 'sk-test not a prefix of 8'] }) },
    );
    const llm = clientFor(server);
    const t = await llm.text({ role: 'actor', messages: ask });
    expect(t.text).toBe('key [API key] and its start [API key]… and [API key]xyz');
    expect(t.model).toBe('m-[API key]');
    const s = await llm.structured({ role: 'scout', schema: textSchema, schemaName: 'note', messages: ask });
    expect(s.data).toEqual({ title: 't [API key]', points: ['[API key]', 'sk-test not a prefix of 8'] });
  });

  it('error text shows no prefix of the key', async () => {
    server.enqueue({ status: 400, errorMessage: `bad key ${KEY.slice(0, 14)}… for this model` });
    const err = (await clientFor(server).text({ role: 'actor', messages: ask }).catch((e: unknown) => e)) as LlmError;
    expect(err.message).toContain('bad key [API key]… for this model');
    expect(err.message).not.toContain(KEY.slice(0, 8));
  });
});
