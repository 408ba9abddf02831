/**
 * In Obsidian, requestUrl rejects a refused connection with `net::ERR_CONNECTION_REFUSED` and no
 * Node error code (the stand-in models it: test/obsidian-differences.test.ts). Groundwork read
 * only the code, so in Obsidian a model server that is not running read "connection failed
 * (net::ERR_CONNECTION_REFUSED)" instead of saying the server is not running.
 */
import { expect, it } from 'vitest';
import { LlmClient, LlmError, makeRequestUrlFetch, testConnection } from '../../src/llm';
import { requestUrl } from '../support/obsidian/util';
import { closedPort } from '../support/openai-server';
import { ask, configFor, noteSchema } from './helpers';

it('a refused connection through Obsidian’s requestUrl is named as such, in a call and in the connection test', async () => {
  const port = await closedPort();
  const config = configFor(`http://127.0.0.1:${port}/v1`, { fetch: makeRequestUrlFetch(requestUrl), maxRetries: 0 });
  const err = await new LlmClient(config).structured({ role: 'scout', schema: noteSchema, schemaName: 'note', messages: ask }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LlmError);
  expect((err as LlmError).message).toMatch(/connection refused: is the server running\?/);
  expect((await testConnection(config)).message).toMatch(/connection refused\. Is the server running\?/);
});
