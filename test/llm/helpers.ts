import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { LlmClient, type LlmClientOptions, type LlmConfig } from '../../src/llm';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import type { OpenAiTestServer } from '../support/openai-server';

export const noteSchema = z.object({
  title: z.string(),
  points: z.array(z.string()),
  score: z.number().int().min(0).max(10),
});

export const validNote = { title: 'LoRA', points: ['low rank', 'adapters'], score: 7 };

export function configFor(server: OpenAiTestServer | string, overrides: Partial<LlmConfig> = {}): LlmConfig {
  return {
    baseURL: typeof server === 'string' ? server : server.url,
    apiKey: 'sk-test-SECRET-KEY-0123456789',
    model: 'test-model',
    timeoutMs: 5000,
    maxRetries: 2,
    concurrency: 4,
    cache: false,
    backoff: { baseMs: 5, capMs: 20 },
    ...overrides,
  };
}

export function clientFor(
  server: OpenAiTestServer | string,
  overrides: Partial<LlmConfig> = {},
  options: LlmClientOptions = {},
): LlmClient {
  return new LlmClient(configFor(server, overrides), options);
}

export async function tempDataFolder(): Promise<{ folder: NodeDataFolder; root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'groundwork-llm-'));
  return { folder: new NodeDataFolder(root), root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export const ask = [
  { role: 'system' as const, content: 'You summarise notes.' },
  { role: 'user' as const, content: 'Summarise: LoRA adds low-rank adapters.' },
];
