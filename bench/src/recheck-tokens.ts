/**
 * The tokens a `re-check sources` run spends after one source of a domain changed, against a full
 * research run of the same domain (the example vault's Kubernetes, the scripted test model, whose
 * token counts follow the prompt sizes). Prints JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTempVault, removeTempVault } from '../../test/support/obsidian/index';
import { OpenAiTestServer } from '../../test/support/openai-server';
import { scriptedAgents } from '../../test/support/scripted-agents';
import { testAgentContext } from '../../test/support/agent-context';
import { research } from '../../src/agents/research';
import { recheckSources } from '../../src/agents/recheck';
import { round } from './stats';

async function tokens(repo: string): Promise<{ research: number; researchCalls: number; recheck: number; recheckCalls: number; sources: number }> {
  const server = await OpenAiTestServer.start({ handler: scriptedAgents() });
  const dir = createTempVault({});
  fs.cpSync(path.join(repo, 'examples/vault'), dir, { recursive: true });
  const full = await testAgentContext(dir, server.url);
  const r = await research(full, { domain: 'Kubernetes', maxSources: 10 });
  const runbook = path.join(dir, 'Projects/Staging cluster runbook.md');
  fs.writeFileSync(runbook, fs.readFileSync(runbook, 'utf8').replace('# Staging cluster runbook\n', '# Staging cluster runbook\n\nWe moved the cluster to a new region.\n'));
  const again = await testAgentContext(dir, server.url);
  await recheckSources(again, 'Kubernetes');
  removeTempVault(dir);
  await server.close();
  return {
    research: full.llm.usage.totalTokens,
    researchCalls: full.llm.usage.calls,
    recheck: again.llm.usage.totalTokens,
    recheckCalls: again.llm.usage.calls,
    sources: r.sources.length,
  };
}


tokens(path.resolve(process.argv[2]!)).then(
  (t) => {
    process.stdout.write(`${JSON.stringify({ ...t, share: round(t.recheck / t.research, 3) })}\n`);
    process.exit(0);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
