/**
 * The research pipeline against the loopback OpenAI-compatible test server at a fixed latency
 * per chat request, on a generated domain with 12 sources (the domain note and 11 members, no
 * web URLs). Each round: a cold run (fresh vault and data folder), then a warm run on the same
 * folders (digest cache warm). Server-side request intervals give the model-busy time (their
 * union). Also: digest prompt tokens at per-source caps of 5k/10k/20k characters.
 * Prints one JSON object.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setMaxListeners } from 'node:events';
import { DOMParser } from 'linkedom';
import { OpenAiTestServer, type Handler } from '../../test/support/openai-server';
import { scriptedAgents } from '../../test/support/scripted-agents';
import { NodeVault } from '../../src/cli/node-vault';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { loadModel } from '../../src/vault/load-model';
import { llmConfigFromEnv } from '../../src/llm';
import { nodeAgentContext } from '../../src/cli/agent-context';
import { makeHtmlToText, type DomParserConstructor } from '../../src/sources/html-text';
import { research } from '../../src/agents/research';
import { digestMessages } from '../../src/agents/scout';
import { estimateMessagesTokens } from '../../src/core/tokens';
import type { Progress } from '../../src/agents/context';
import { DEFAULT_OUTPUT_FOLDER } from '../../src/core/layout';
import { buildIndex } from '../../src/sources/index-store';
import { gatherSources } from '../../src/sources/gather';
import { DEFAULT_MAX_CHARS } from '../../src/sources/types';
import { median, round, unionLength } from './stats';
import { researchVault } from './research-vault';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 200);
const ROUNDS = Number(process.argv[2] ?? 3);
const DOMAIN = 'Vector search';
const ROOT_TMP = process.argv[3] ?? os.tmpdir();

interface Interval {
  start: number;
  end: number;
  schema: string;
}

function timedHandler(inner: Handler, log: Interval[]): Handler {
  return async (body, req) => {
    const start = performance.now();
    await new Promise((r) => setTimeout(r, LATENCY_MS));
    const reply = await inner(body, req);
    // Tokens as the pipeline sends them: every message's characters / 4 (system prompt included);
    // completion tokens are the scripted model's short JSON, not a real model's.
    const promptChars = body.messages.reduce((n, m) => n + m.content.length, 0);
    const content = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.content ?? '');
    reply.usage = { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: Math.ceil(content.length / 4) };
    log.push({ start, end: performance.now(), schema: body.response_format?.json_schema?.name ?? 'unknown' });
    return reply;
  };
}

async function runOnce(dir: string, server: OpenAiTestServer, log: Interval[]) {
  log.length = 0;
  server.peakInFlight = 0;
  const callsBefore = server.chatRequests.length;
  const vault = new NodeVault(dir);
  const data = new NodeDataFolder(path.join(vault.root, vault.configDir, 'plugins', 'groundwork'));
  const controller = new AbortController();
  setMaxListeners(1000, controller.signal);
  const t0 = performance.now();
  const model = await loadModel(vault, DEFAULT_OUTPUT_FOLDER);
  const config = llmConfigFromEnv({ OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'bench-model' });
  const phases: Array<{ stage: Progress['stage']; at: number }> = [];
  const ctx = nodeAgentContext({
    vault,
    data,
    model,
    config,
    signal: controller.signal,
    onProgress: (p) => {
      if (phases.at(-1)?.stage !== p.stage) phases.push({ stage: p.stage, at: performance.now() });
    },
  });
  const llm = ctx.llm;
  const t1 = performance.now();
  const result = await research(ctx, { domain: DOMAIN, maxSources: 12 });
  const t2 = performance.now();
  const intervals = log.map((i) => [i.start, i.end] as [number, number]);
  const busy = unionLength(intervals);
  const u = llm.usage.toJSON();
  // Time from research() start to the first request, between requests, and after the last one.
  const firstReq = Math.min(...log.map((i) => i.start));
  const lastEnd = Math.max(...log.map((i) => i.end));
  const phaseMs: Record<string, number> = {};
  phases.forEach((p, i) => (phaseMs[p.stage] = round((phases[i + 1]?.at ?? t2) - p.at, 1)));
  return {
    sources: result.sources.length,
    setupMs: t1 - t0,
    wallMs: t2 - t1,
    busyMs: busy,
    ratio: busy > 0 ? (t2 - t1) / busy : NaN,
    beforeFirstRequestMs: log.length ? firstReq - t1 : NaN,
    afterLastRequestMs: log.length ? t2 - lastEnd : NaN,
    gapsMs: log.length ? lastEnd - firstReq - busy : NaN,
    peak: server.peakInFlight,
    calls: server.chatRequests.length - callsBefore,
    digestCalls: log.filter((i) => i.schema === 'source_digest').length,
    usage: u,
    phaseMs,
  };
}

async function tokensAtCaps(dir: string) {
  const vault = new NodeVault(dir);
  const model = await loadModel(vault, DEFAULT_OUTPUT_FOLDER);
  const index = await buildIndex(vault, model, DEFAULT_OUTPUT_FOLDER);
  const domainPath = model.findDomain(DOMAIN)!.path;
  const out: Record<string, { sources: number; capped: number; digestPromptTokens: number; perSource: number; maxPerSource: number }> = {};
  for (const cap of [5_000, 10_000, DEFAULT_MAX_CHARS]) {
    const sources = await gatherSources({
      vault,
      model,
      index,
      domainPath,
      outputFolder: DEFAULT_OUTPUT_FOLDER,
      maxSources: 12,
      urls: [],
      fetch: globalThis.fetch.bind(globalThis),
      addresses: {},
      htmlToText: makeHtmlToText(DOMParser as unknown as DomParserConstructor),
      maxChars: cap,
    });
    const tokens = sources.map((s) => estimateMessagesTokens(digestMessages(DOMAIN, s).messages));
    out[`${cap / 1000}k`] = {
      sources: sources.length,
      capped: sources.filter((s) => s.text.includes('[…cut at')).length,
      digestPromptTokens: tokens.reduce((a, b) => a + b, 0),
      perSource: Math.round(tokens.reduce((a, b) => a + b, 0) / tokens.length),
      maxPerSource: Math.max(...tokens),
    };
  }
  return out;
}

async function main(): Promise<void> {
  const log: Interval[] = [];
  const server = await OpenAiTestServer.start({ handler: timedHandler(scriptedAgents(), log) });
  const cold = [];
  const warm = [];
  let caps = null;
  let noteSizes: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const dir = fs.mkdtempSync(path.join(ROOT_TMP, 'gw-research-'));
      try {
        noteSizes = researchVault(dir);
        cold.push(await runOnce(dir, server, log));
        warm.push(await runOnce(dir, server, log));
        if (i === 0) caps = await tokensAtCaps(dir);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await server.close();
  }
  const summarize = (runs: Awaited<ReturnType<typeof runOnce>>[]) => {
    const last = runs[runs.length - 1]!;
    const byRole = last.usage.byRole;
    const per = (role: 'scout' | 'distiller' | 'critic') => {
      const t = byRole[role];
      return t && t.calls ? { calls: t.calls, cached: t.cachedCalls, promptPerCall: Math.round(t.promptTokens / t.calls), completionPerCall: Math.round(t.completionTokens / t.calls) } : { calls: 0, cached: t?.cachedCalls ?? 0 };
    };
    return {
      runs: runs.length,
      wallMs: round(median(runs.map((r) => r.wallMs)), 0),
      busyMs: round(median(runs.map((r) => r.busyMs)), 0),
      ratio: round(median(runs.map((r) => r.ratio)), 3),
      ratios: runs.map((r) => round(r.ratio, 3)),
      beforeFirstRequestMs: round(median(runs.map((r) => r.beforeFirstRequestMs)), 0),
      gapsMs: round(median(runs.map((r) => r.gapsMs)), 0),
      afterLastRequestMs: round(median(runs.map((r) => r.afterLastRequestMs)), 0),
      setupMs: round(median(runs.map((r) => r.setupMs)), 0),
      peakConcurrency: Math.max(...runs.map((r) => r.peak)),
      calls: last.calls,
      digestCalls: last.digestCalls,
      sources: last.sources,
      tokens: { prompt: last.usage.total.promptTokens, completion: last.usage.total.completionTokens, total: last.usage.total.promptTokens + last.usage.total.completionTokens },
      byRole: { scout: per('scout'), distiller: per('distiller'), critic: per('critic') },
      phaseMs: last.phaseMs,
    };
  };
  process.stdout.write(
    `${JSON.stringify({ latencyMs: LATENCY_MS, domain: DOMAIN, noteChars: noteSizes, defaultMaxChars: DEFAULT_MAX_CHARS, cold: summarize(cold), warm: summarize(warm), caps })}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
