/**
 * Prompt tokens per agent step: research on every domain (scout digests, distiller, critic),
 * counting each recorded request with a real tokenizer (gpt-tokenizer, as the test server reports
 * it). Two vaults: the example vault against the scripted test model (one key point a digest),
 * and with `eval` the eval corpus against the planted model (4 points a digest, 12 sources a
 * domain, distillates of ~30 claims), closer to a real run's sizes. Prints JSON: per step, calls,
 * total, mean and max prompt tokens. Run: `node bench/prompt-tokens.mjs [eval]`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTempVault, removeTempVault } from '../../test/support/obsidian/index';
import { OpenAiTestServer } from '../../test/support/openai-server';
import { realPromptTokens, scriptedAgents } from '../../test/support/scripted-agents';
import { testAgentContext } from '../../test/support/agent-context';
import { research } from '../../src/agents/research';
import { parseNote } from '../../src/core/frontmatter';
import { DEFAULT_PLAN, plantedModel, sentencesOf, type CorpusNote } from '../../eval/planted-model';

const EXAMPLE_DOMAINS = ['Kubernetes', 'LoRA fine-tuning', 'Payments', 'Static site builds'];

function corpusNotes(dir: string, rel = ''): CorpusNote[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return corpusNotes(dir, p);
    if (!p.endsWith('.md')) return [];
    const parsed = parseNote(fs.readFileSync(path.join(dir, p), 'utf8'));
    const title = path.basename(p, '.md');
    const domain = parsed.frontmatter?.groundwork === 'domain' ? title : (/\[\[(.*)\]\]/.exec(String(parsed.frontmatter?.domain))?.[1] ?? '');
    return [{ domain, title, sentences: sentencesOf(parsed.body) }];
  });
}

async function measure(repo: string, corpus: 'example' | 'eval'): Promise<Record<string, { calls: number; total: number; mean: number; max: number }>> {
  const from = corpus === 'eval' ? path.join(repo, 'eval/corpus') : path.join(repo, 'examples/vault');
  const notes = corpus === 'eval' ? corpusNotes(from) : [];
  const domains = corpus === 'eval' ? [...new Set(notes.filter((n) => n.domain === n.title).map((n) => n.domain))].sort() : EXAMPLE_DOMAINS;
  const server = await OpenAiTestServer.start({ handler: corpus === 'eval' ? plantedModel(notes, DEFAULT_PLAN).handler : scriptedAgents() });
  const dir = createTempVault({});
  fs.cpSync(from, dir, { recursive: true });
  try {
    for (const domain of domains) await research(await testAgentContext(dir, server.url), { domain, maxSources: corpus === 'eval' ? 12 : 10 });
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

measure(path.resolve(process.argv[2] ?? '.'), process.argv[3] === 'eval' ? 'eval' : 'example').then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
