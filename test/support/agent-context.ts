import * as path from 'node:path';
import type { AgentContext } from '../../src/agents/context';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { NodeVault } from '../../src/cli/node-vault';
import { nodeAgentContext } from '../../src/cli/agent-context';
import { loadModel } from '../../src/vault/load-model';

/** An AgentContext over a real folder and a real client, as the CLI builds one, for in-process runs. */
export async function testAgentContext(dir: string, baseURL: string, opts: { signal?: AbortSignal } = {}): Promise<AgentContext> {
  const vault = new NodeVault(dir);
  return nodeAgentContext({
    vault,
    data: new NodeDataFolder(path.join(dir, '.obsidian', 'plugins', 'groundwork')),
    model: await loadModel(vault, 'Groundwork'),
    config: { baseURL, apiKey: '', model: 'test-model', timeoutMs: 10_000, maxRetries: 0, cache: false },
    signal: opts.signal,
  });
}
