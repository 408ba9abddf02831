import { parse } from 'yaml';
import { toStrictJsonSchema, tightenSchema, type LlmClient } from '../llm';
import type { NumberedSource } from '../sources/types';
import { normalizeId } from './citations';
import { answerTokens, batchesThatFit, buildPrompt, dataRoom, type Prompt } from './prompt';
import { critiqueSchema, type Critique, type Digest } from './schemas';
import { digestBlocks } from './scout';
import { newFence, type Fence } from './untrusted';

const CRITIC_SYSTEM =
  'You are the critic. Check the distillate against the source digests only — not against your own memory. ' +
  'Find: conflicts (sources or claims that disagree), weak spots (claims resting on one thin source), ' +
  'unsupported claims (no source, or citing a source that does not say it), mis-cited claims, and gaps (what ' +
  'the sources cover that the distillate misses). Write the issues first, then a verdict: pass (no ' +
  'issue that matters), revise, or fail (the distillate misleads).';

const CRITIC_ANSWER = 2000;
const MAX_ISSUES = 12;

type Cited = NumberedSource & { digest?: Digest };

export function critiqueMessages(domainName: string, distillateBody: string, blocks: string[], ids: string[], fence: Fence): Prompt {
  return buildPrompt(
    fence,
    CRITIC_SYSTEM,
    `Domain: ${domainName}\n\n${fence.wrap('DISTILLATE', distillateBody)}\n\nSource digests:\n\n${blocks.join('\n\n')}`,
    `Critique the distillate of "${domainName}" against these digests: issues first, then the verdict. Known source ids: ${ids.join(', ')}.`,
  );
}

/**
 * Citation problems found by code, not by the model: every id in the distillate's YAML that is
 * not a real source, and a YAML block that no longer parses after the person's edits.
 */
export function codeCheckedIssues(distillateBody: string, known: ReadonlySet<string>): Critique['issues'] {
  const issues: Critique['issues'] = [];
  const block = /```ya?ml\n([\s\S]*?)\n```/.exec(distillateBody.replace(/\r\n?/g, '\n'));
  if (!block) return issues;
  let data: unknown;
  try {
    data = parse(block[1]!);
  } catch (err) {
    issues.push({ kind: 'weak-spot', claim: 'The YAML distillate block', explanation: `It does not parse: ${(err as Error).message.split('\n')[0]}`, sources: [] });
    return issues;
  }
  const bad = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'sources' && Array.isArray(x)) {
          for (const raw of x) {
            const id = typeof raw === 'string' ? normalizeId(raw) : null;
            if (!id || !known.has(id)) bad.add(String(raw));
          }
        } else visit(x);
      }
    }
  };
  visit(data);
  for (const id of [...bad].sort()) {
    issues.push({ kind: 'unsupported', claim: `Claims citing ${id}`, explanation: `${id} is not one of the sources (${[...known].join(', ')})`, sources: [] });
  }
  return issues;
}

const VERDICT_ORDER: Critique['verdict'][] = ['pass', 'revise', 'fail'];

/**
 * The critic reads the whole distillate with as many digests as fit its window; when they do not
 * all fit, it reads them in batches (the distillate each time) and the worst verdict stands.
 */
export async function critique(llm: LlmClient, domainName: string, distillateBody: string, sources: Cited[], ids: string[], signal?: AbortSignal) {
  const answer = answerTokens(llm, 'critic', CRITIC_ANSWER, 0.35);
  const room = dataRoom(llm, 'critic', answer, critiqueMessages(domainName, distillateBody, [], ids, newFence()).messages);
  const usable = sources.filter((s) => s.digest && !s.error);
  const sized = digestBlocks(usable, newFence());
  const batches = usable.length === 0 ? [[]] : batchesThatFit(sized, Math.max(room, 1)).map((b) => b.map((block) => usable[sized.indexOf(block)]!));
  const schema = tightenSchema(toStrictJsonSchema(critiqueSchema), { issues: { maxItems: MAX_ISSUES }, 'issues[].sources[]': { enum: ids } });
  const results = await Promise.all(
    batches.map((batch) => {
      const fence = newFence();
      const prompt = critiqueMessages(domainName, distillateBody, digestBlocks(batch, fence), ids, fence);
      return llm.structured<Critique>({ role: 'critic', schema: critiqueSchema, schemaName: 'critique', ...prompt, decodeSchema: schema, maxTokens: answer, signal });
    }),
  );
  const extra = codeCheckedIssues(distillateBody, new Set(ids));
  const verdict = results.reduce<Critique['verdict']>((worst, r) => (VERDICT_ORDER.indexOf(r.data.verdict) > VERDICT_ORDER.indexOf(worst) ? r.data.verdict : worst), 'pass');
  const data: Critique = {
    summary: results.map((r) => r.data.summary.trim()).filter(Boolean).join(' '),
    issues: [...extra, ...results.flatMap((r) => r.data.issues)],
    verdict: extra.length > 0 && verdict === 'pass' ? 'revise' : verdict,
  };
  const tokens = results.reduce((n, r) => n + r.usage.promptTokens + r.usage.completionTokens, 0);
  return { critique: data, tokens, model: results[0]?.model ?? llm.modelFor('critic') };
}
