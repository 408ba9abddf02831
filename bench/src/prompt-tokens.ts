/**
 * Prompt tokens per agent step on the example vault: research on its four domains (scout digests,
 * distiller, critic) against the scripted test model, counting each recorded request with a real
 * tokenizer (gpt-tokenizer, as the test server reports it). Prints JSON: per step, calls, total,
 * mean and max prompt tokens. Run: `node bench/prompt-tokens.mjs`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTempVault, removeTempVault } from '../../test/support/obsidian/index';
import { OpenAiTestServer } from '../../test/support/openai-server';
import { realPromptTokens, scriptedAgents } from '../../test/support/scripted-agents';
import { testAgentContext } from '../../test/support/agent-context';
import { research } from '../../src/agents/research';

const DOMAINS = ['Kubernetes', 'LoRA fine-tuning', 'Payments', 'Static site builds'];

async function measure(repo: string): Promise<Record<string, { calls: number; total: number; mean: number; max: number }>> {
  const server = await OpenAiTestServer.start({ handler: scriptedAgents() });
  const dir = createTempVault({});
  fs.cpSync(path.join(repo, 'examples/vault'), dir, { recursive: true });
  try {
    for (const domain of DOMAINS) await research(await testAgentContext(dir, server.url), { domain, maxSources: 10 });
    const steps = new Map<string, number[]>();
    for (const r of server.chatRequests) {
      const name = r.body?.response_format?.json_schema?.name ?? 'other';
      steps.set(name, [...(steps.get(name) ?? []), realPromptTokens(r.body!)]);
    }
    const out: Record<string, { calls: number; total: number; mean: number; max: number }> = {};
    for (const [k, v] of steps) {
      const total = v.reduce((a, b) => a + b, 0);
      out[k] = { calls: v.length, total, mean: Math.round(total / v.length), max: Math.max(...v) };
    }
    return out;
  } finally {
    removeTempVault(dir);
    await server.close();
  }
}

measure(path.resolve(process.argv[2] ?? '.')).then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
