import { critiqueDomain, research, skeletonCanvasDomain, skeletonDomain, type RunResult } from '../../agents/research';
import type { CliIO } from '../io';
import type { AgentContext } from '../../agents/context';
import { cliAgentContext, type LlmFlags } from '../agent-context';

function fmtCost(cost: number | null): string {
  return cost === null ? 'cost unknown (no price set for this model)' : `$${cost.toFixed(4)}`;
}

function report(io: CliIO, result: RunResult, usage: { calls: number; cachedCalls: number; totalTokens: number; cost: number | null }, ms: number, json: boolean, maxSources = 0): void {
  if (json) {
    io.out(JSON.stringify({ ...result, usage: { ...usage, wallMs: Math.round(ms) } }, null, 2));
    return;
  }
  if (result.plan) {
    const p = result.plan;
    io.out(`Dry run for ${result.domain} (${result.domainPath}): nothing was written and no model was called.`);
    io.out(`Sources (${result.sources.length}):`);
    for (const s of result.sources) io.out(`  ${s.id}  ${s.ref}  [${s.reason}${s.score !== undefined ? `, score ${s.score.toFixed(2)}` : ''}]${s.error ? `  not usable: ${s.error}` : ''}`);
    // Fewer than asked is the ranking's choice, not a fault: say so, and how to give it more.
    const usable = result.sources.filter((s) => !s.error).length;
    if (usable < maxSources) {
      io.out(
        `${usable} of ${maxSources} sources: no other note is linked closely enough or says enough about the domain. ` +
          'Name pages with --url, or bring notes in (a domain link in their frontmatter, or an include rule on the domain note).',
      );
    }
    const split = p.splitSources > 0 ? `, ${p.splitSources} long source${p.splitSources === 1 ? '' : 's'} split into parts` : '';
    const rounds = p.distillCalls === 1 ? '1 distill, 1 critique' : `${p.distillCalls} distill and ${p.distillCalls} critique batches`;
    io.out(
      `Planned: ${p.calls} model calls (${p.digestCalls} digests${split}, ${p.cachedDigests} already digested, ${rounds}), ` +
        `about ${p.estimatedTokens.toLocaleString('en-US')} tokens, ${fmtCost(p.estimatedCost)}; model ${p.model}, context window ${p.contextTokens.toLocaleString('en-US')} tokens.`,
    );
    if (result.adopted) io.out(`${result.domainPath} is not a domain yet: a real run adopts it (groundwork: domain, confidence: low).`);
    return;
  }
  io.out(result.sources.length > 0 ? `${result.domain}: ${result.sources.length} source${result.sources.length === 1 ? '' : 's'}` : `${result.domain}:`);
  for (const w of result.written) {
    const what = w.outcome === 'proposal' ? `you edited it, so a proposal to replace it: ${w.proposalPath}` : w.outcome;
    io.out(`  ${w.path}  (${what})`);
  }
  io.out(`${usage.calls} model call${usage.calls === 1 ? '' : 's'} (${usage.cachedCalls} from cache), ${usage.totalTokens.toLocaleString('en-US')} tokens, ${fmtCost(usage.cost)}, ${(ms / 1000).toFixed(1)} s`);
}

export async function runResearch(
  io: CliIO,
  vaultArg: string,
  domain: string,
  flags: LlmFlags & { urls: string[]; maxSources: number; maxChars?: number; dryRun: boolean; json: boolean; searchEndpoint?: string },
): Promise<number> {
  // A dry run calls no model, so nothing starts early.
  const { ctx, early, dispose } = await cliAgentContext(io, vaultArg, flags, { planOnly: flags.dryRun, earlyDigest: flags.dryRun || flags.maxSources < 1 ? undefined : { domain, maxChars: flags.maxChars } });
  const start = performance.now();
  try {
    const result = await research(ctx, { domain, maxSources: flags.maxSources, maxChars: flags.maxChars, urls: flags.urls, dryRun: flags.dryRun, searchEndpoint: flags.searchEndpoint, early: early ?? undefined });
    report(io, result, usageOf(ctx.llm.usage), performance.now() - start, flags.json, flags.maxSources);
    return 0;
  } finally {
    // research() takes the early digest or cancels it; this only makes sure it has settled.
    await early?.release();
    dispose();
  }
}

/** Runs one model-backed step with the CLI's context, reporting what it wrote and what it cost. */
async function runStep(io: CliIO, vaultArg: string, flags: LlmFlags & { json: boolean }, step: (ctx: AgentContext) => Promise<RunResult>): Promise<number> {
  const { ctx, dispose } = await cliAgentContext(io, vaultArg, flags);
  const start = performance.now();
  try {
    report(io, await step(ctx), usageOf(ctx.llm.usage), performance.now() - start, flags.json);
    return 0;
  } finally {
    dispose();
  }
}

export function runCritique(io: CliIO, vaultArg: string, domain: string, flags: LlmFlags & { json: boolean }): Promise<number> {
  return runStep(io, vaultArg, flags, (ctx) => critiqueDomain(ctx, domain));
}

export async function runSkeleton(io: CliIO, vaultArg: string, domain: string, flags: LlmFlags & { json: boolean; canvas?: boolean }): Promise<number> {
  if (!flags.canvas) return runStep(io, vaultArg, flags, (ctx) => skeletonDomain(ctx, domain));
  // Only the canvas, from the note: no model is needed or called.
  const { ctx, dispose } = await cliAgentContext(io, vaultArg, flags, { planOnly: true });
  try {
    report(io, await skeletonCanvasDomain(ctx, domain), usageOf(ctx.llm.usage), 0, flags.json);
    return 0;
  } finally {
    dispose();
  }
}

function usageOf(u: { calls: number; cachedCalls: number; totalTokens: number; cost: number | null }) {
  return { calls: u.calls, cachedCalls: u.cachedCalls, totalTokens: u.totalTokens, cost: u.cost };
}
