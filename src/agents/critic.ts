import { distillateForAgents, readDistillate } from '../core/distillate';
import { groundDistillate, groundingIssues, type GroundingReport, type VerifiedQuotes } from '../core/grounding';
import { toStrictJsonSchema, tightenSchema, type LlmClient } from '../llm';
import type { NumberedSource } from '../sources/types';
import { answerTokens, batchesThatFit, buildPrompt, dataRoom, type Prompt } from './prompt';
import { critiqueSchema, type Critique } from './schemas';
import { digestBlocks, type CheckedDigest } from './scout';
import { newFence, type Fence } from './untrusted';

const CRITIC_SYSTEM =
  'You are the critic. Check the distillate against the source digests only — not against your own memory. ' +
  'Find: conflicts (sources or claims that disagree), weak spots (claims resting on one thin source), ' +
  'unsupported claims (no source, or citing a source that does not say it), mis-cited claims, and gaps (what ' +
  'the sources cover that the distillate misses). Write the issues first, then a verdict: pass (no ' +
  'issue that matters), revise, or fail (the distillate misleads).';

const CRITIC_ANSWER = 2000;
const MAX_ISSUES = 12;

type Cited = NumberedSource & { digest?: CheckedDigest };

export function critiqueMessages(domainName: string, distillateBody: string, blocks: string[], ids: string[], fence: Fence, codeIssues: Critique['issues'] = []): Prompt {
  const found = codeIssues.length
    ? `\n\nCode already checked every citation and quote and found these issues; they stand as they are, do not repeat them:\n${codeIssues.map((i) => `- ${i.kind}: ${i.claim} — ${i.explanation}`).join('\n')}`
    : '';
  return buildPrompt(
    fence,
    CRITIC_SYSTEM,
    `Domain: ${domainName}\n\n${fence.wrap('DISTILLATE', distillateBody)}\n\nSource digests:\n\n${blocks.join('\n\n')}${found}`,
    `Critique the distillate of "${domainName}" against these digests: issues first, then the verdict. Known source ids: ${ids.join(', ')}.`,
  );
}

export interface CodeCheck {
  issues: Critique['issues'];
  grounding: GroundingReport;
}

/**
 * Evidence problems found by code, not by a model (DESIGN §2): a YAML block that no longer
 * reads after the person's edits, ids that are no source, and claims that rest on no verified
 * quote of the source they cite. They are written into the critique before the critic runs.
 */
export function codeCheckedIssues(distillateBody: string, known: ReadonlySet<string>, verified: VerifiedQuotes = new Map()): CodeCheck {
  const doc = readDistillate(distillateBody);
  const issues: Critique['issues'] = doc.problems.map((p) => ({ kind: 'weak-spot' as const, claim: 'The YAML distillate block', explanation: p, sources: [] }));
  const grounding = groundDistillate(doc, known, verified);
  issues.push(...groundingIssues(grounding, known));
  return { issues, grounding };
}

const VERDICT_ORDER: Critique['verdict'][] = ['pass', 'revise', 'fail'];

/**
 * The critic reads the whole distillate with as many digests as fit its window; when they do not
 * all fit, it reads them in batches (the distillate each time) and the worst verdict stands.
 */
export async function critique(llm: LlmClient, domainName: string, distillateBody: string, sources: Cited[], ids: string[], codeIssues: Critique['issues'], signal?: AbortSignal) {
  // The critic reads the YAML the person edits (the whole body of an old two-copy note).
  const distillate = distillateForAgents(distillateBody);
  const answer = answerTokens(llm, 'critic', CRITIC_ANSWER, 0.35);
  const room = dataRoom(llm, 'critic', answer, critiqueMessages(domainName, distillate, [], ids, newFence(), codeIssues).messages);
  const usable = sources.filter((s) => s.digest && !s.error);
  const sized = digestBlocks(usable, newFence());
  const batches = usable.length === 0 ? [[]] : batchesThatFit(sized, Math.max(room, 1)).map((b) => b.map((block) => usable[sized.indexOf(block)]!));
  const schema = tightenSchema(toStrictJsonSchema(critiqueSchema), { issues: { maxItems: MAX_ISSUES }, 'issues[].sources[]': { enum: ids } });
  const results = await Promise.all(
    batches.map((batch) => {
      const fence = newFence();
      const prompt = critiqueMessages(domainName, distillate, digestBlocks(batch, fence), ids, fence, codeIssues);
      return llm.structured<Critique>({ role: 'critic', schema: critiqueSchema, schemaName: 'critique', ...prompt, decodeSchema: schema, maxTokens: answer, signal });
    }),
  );
  const extra = codeIssues;
  const verdict = results.reduce<Critique['verdict']>((worst, r) => (VERDICT_ORDER.indexOf(r.data.verdict) > VERDICT_ORDER.indexOf(worst) ? r.data.verdict : worst), 'pass');
  const data: Critique = {
    summary: results.map((r) => r.data.summary.trim()).filter(Boolean).join(' '),
    issues: [...extra, ...results.flatMap((r) => r.data.issues)],
    verdict: extra.length > 0 && verdict === 'pass' ? 'revise' : verdict,
  };
  const tokens = results.reduce((n, r) => n + r.usage.promptTokens + r.usage.completionTokens, 0);
  return { critique: data, tokens, model: results[0]?.model ?? llm.modelFor('critic') };
}
