import * as path from 'node:path';
import { DOMParser } from 'linkedom';
import type { AgentContext } from '../../src/agents/context';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { NodeVault } from '../../src/cli/node-vault';
import { LlmClient } from '../../src/llm';
import { makeHtmlToText, type DomParserConstructor } from '../../src/sources/html-text';
import { loadModel } from '../../src/vault/load-model';

/** An AgentContext over a real folder and a real client, as the CLI builds one, for in-process runs. */
export async function testAgentContext(dir: string, baseURL: string, opts: { signal?: AbortSignal } = {}): Promise<AgentContext> {
  const vault = new NodeVault(dir);
  const data = new NodeDataFolder(path.join(dir, '.obsidian', 'plugins', 'groundwork'));
  return {
    vault,
    data,
    model: await loadModel(vault, 'Groundwork'),
    llm: new LlmClient({ baseURL, apiKey: '', model: 'test-model', timeoutMs: 10_000, maxRetries: 0, cache: false }, { dataFolder: data, signal: opts.signal }),
    outputFolder: 'Groundwork',
    fetch: globalThis.fetch.bind(globalThis),
    htmlToText: makeHtmlToText(DOMParser as unknown as DomParserConstructor),
    signal: opts.signal,
  };
}
