import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmError, responseFormatFor, toStrictJsonSchema } from '../../src/llm';
import { OpenAiTestServer } from '../support/openai-server';
import { ask, clientFor, noteSchema, validNote } from './helpers';

let server: OpenAiTestServer;
beforeEach(async () => {
  server = await OpenAiTestServer.start();
});
afterEach(async () => {
  await server.close();
});

describe('structured calls', () => {
  it('sends the zod schema as a strict json_schema response format and returns validated data', async () => {
    server.enqueue({ json: validNote, usage: { prompt_tokens: 120, completion_tokens: 30 } });
    const llm = clientFor(server);
    const result = await llm.structured({ role: 'distiller', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(result.data).toEqual(validNote);
    expect(result.cached).toBe(false);
    expect(result.usage).toMatchObject({ calls: 1, promptTokens: 120, completionTokens: 30, retries: 0 });
    const sent = server.chatRequests[0]!.body!;
    expect(sent.model).toBe('test-model');
    expect(sent.stream).toBeUndefined();
    expect(sent.response_format?.type).toBe('json_schema');
    expect(sent.response_format?.json_schema?.name).toBe('note');
    expect(sent.response_format?.json_schema?.strict).toBe(true);
    expect(sent.response_format?.json_schema?.schema).toMatchObject({
      type: 'object',
      required: ['title', 'points', 'score'],
      additionalProperties: false,
    });
  });

  it('uses the role model when one is set', async () => {
    server.enqueue({ json: validNote });
    const llm = clientFor(server, { roleModels: { critic: 'big-model' } });
    const result = await llm.structured({ role: 'critic', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(server.chatRequests[0]!.body!.model).toBe('big-model');
    expect(result.model).toBe('big-model');
  });

  it('falls back to json_object with the schema in the prompt when the server refuses json_schema, and remembers it', async () => {
    server.options.refuseJsonSchema = true;
    server.enqueue({ json: validNote }, { json: validNote });
    const llm = clientFor(server);
    const first = await llm.structured({ role: 'scout', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(first.data).toEqual(validNote);
    const [refused, retried] = server.chatRequests;
    expect(refused!.body!.response_format?.type).toBe('json_schema');
    expect(retried!.body!.response_format).toEqual({ type: 'json_object' });
    const system = retried!.body!.messages[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toContain('You summarise notes.');
    expect(system.content).toContain('"required":["title","points","score"]');
    expect(responseFormatFor(server.url)).toBe('json_object');

    // A second client of the same endpoint goes straight to json_object.
    const again = clientFor(server);
    await again.structured({ role: 'scout', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(server.chatRequests).toHaveLength(3);
    expect(server.chatRequests[2]!.body!.response_format).toEqual({ type: 'json_object' });
  });

  it('accepts JSON wrapped in a code fence', async () => {
    server.enqueue({ content: '```json\n' + JSON.stringify(validNote) + '\n```' });
    const result = await clientFor(server).structured({ role: 'mapper', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(result.data).toEqual(validNote);
  });

  it('sends optional fields as nullable and reads nulls back as absent', async () => {
    const schema = z.object({ name: z.string(), nick: z.string().optional() });
    const json = toStrictJsonSchema(schema);
    expect(json).toMatchObject({ required: ['name', 'nick'], additionalProperties: false });
    expect((json.properties as Record<string, unknown>).nick).toEqual({ type: ['string', 'null'] });
    server.enqueue({ json: { name: 'a', nick: null } });
    const result = await clientFor(server).structured({ role: 'actor', schema, schemaName: 'person', messages: ask });
    expect(result.data).toEqual({ name: 'a' });
  });
});

describe('repair call', () => {
  it('repairs invalid JSON with one call that quotes the problem', async () => {
    server.enqueue({ content: '{"title": "LoRA", "points": [' }, { json: validNote });
    const result = await clientFor(server).structured({ role: 'distiller', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(result.data).toEqual(validNote);
    expect(result.usage.calls).toBe(2);
    const repair = server.chatRequests[1]!.body!.messages;
    expect(repair.slice(0, 2)).toEqual(ask);
    expect(repair[2]).toEqual({ role: 'assistant', content: '{"title": "LoRA", "points": [' });
    expect(repair[3]!.role).toBe('user');
    expect(repair[3]!.content).toContain('not valid JSON');
  });

  it('repairs a schema mismatch, naming the field', async () => {
    server.enqueue({ json: { title: 'LoRA', points: 'not a list', score: 7 } }, { json: validNote });
    const result = await clientFor(server).structured({ role: 'critic', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(result.data).toEqual(validNote);
    expect(server.chatRequests[1]!.body!.messages[3]!.content).toMatch(/does not match.*points/);
  });

  it('repairs an answer cut off by the token limit', async () => {
    server.enqueue({ content: '{"title": "LoRA", "poi', finish_reason: 'length' }, { json: validNote });
    const result = await clientFor(server).structured({ role: 'scout', schema: noteSchema, schemaName: 'note', messages: ask });
    expect(result.data).toEqual(validNote);
    const instruction = server.chatRequests[1]!.body!.messages[3]!.content;
    expect(instruction).toContain('cut off');
    expect(instruction).toContain('shorter');
  });

  it('fails with an LlmError naming the role after a second bad answer, and makes no third call', async () => {
    server.enqueue({ content: 'Sure! Here is your summary.' }, { json: { title: 3 } });
    const err = await clientFor(server)
      .structured({ role: 'mapper', schema: noteSchema, schemaName: 'note', messages: ask })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    const e = err as LlmError;
    expect(e.kind).toBe('invalid-output');
    expect(e.role).toBe('mapper');
    expect(e.message).toMatch(/^The mapper agent's answer could not be used: the answer does not match the expected shape: title/);
    expect(e.message).toContain('not valid JSON');
    expect(server.chatRequests).toHaveLength(2);
  });
});

describe('text calls', () => {
  it('returns the text and flags truncation', async () => {
    server.enqueue({ content: 'Hello there', finish_reason: 'length' });
    const result = await clientFor(server).text({ role: 'actor', messages: ask });
    expect(result).toMatchObject({ text: 'Hello there', truncated: true, cached: false });
    expect(server.chatRequests[0]!.body!.response_format).toBeUndefined();
  });
});
