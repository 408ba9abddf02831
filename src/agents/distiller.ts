import { toStrictJsonSchema, tightenSchema, type LlmClient } from '../llm';
import type { NumberedSource } from '../sources/types';
import { answerTokens, batchesThatFit, buildPrompt, dataRoom, type Prompt } from './prompt';
import { distillateSchema, type Distillate } from './schemas';
import { digestBlocks, type CheckedDigest } from './scout';
import { newFence, type Fence } from './untrusted';

const DISTILL_SYSTEM =
  'You write a structured distillate of how a domain is arranged, for a person who must understand it before ' +
  'letting agents act in it. Fields: summary; concepts; structure (the areas the domain divides into and how ' +
  'they relate); decisions and trade-offs; pitfalls; open questions. Every item carries its evidence: one or more ' +
  'entries, each a source id and a verified quote of that source copied exactly from its digest. Code checks every ' +
  'entry; a claim resting on no verified quote of the source it cites is flagged as unsupported. Do not invent ' +
  'facts the digests do not contain; say what is unclear as an open question.';

const DISTILL_ANSWER = 3000;

/** Caps sent with the schema, so a small model stops listing; the renderer caps again. */
const LIST_CAPS = { concepts: 12, structure: 7, decisions: 8, pitfalls: 8, open_questions: 6 } as const;

type Cited = NumberedSource & { digest?: CheckedDigest };

function distillTask(domainName: string, ids: string[], part?: { index: number; count: number }): string {
  const which = part && part.count > 1 ? ` These are batch ${part.index + 1} of ${part.count} of the digests; distill what they say.` : '';
  return `Write the distillate of "${domainName}" from the digests above. Cite only these source ids: ${ids.join(', ')}.${which}`;
}

export function distillMessages(domainName: string, blocks: string[], ids: string[], fence: Fence, part?: { index: number; count: number }): Prompt {
  return buildPrompt(fence, DISTILL_SYSTEM, `Domain: ${domainName}\n\nSource digests:\n\n${blocks.join('\n\n')}`, distillTask(domainName, ids, part));
}

function decodeSchema(ids: string[]) {
  const edits: Record<string, Record<string, unknown>> = {};
  for (const [list, max] of Object.entries(LIST_CAPS)) {
    edits[list] = { maxItems: max };
    edits[`${list}[].evidence[].source`] = { enum: ids };
  }
  return tightenSchema(toStrictJsonSchema(distillateSchema), edits);
}

/** Tokens of digests one distiller call can read. */
export function distillRoom(llm: LlmClient, domainName: string, ids: string[]): number {
  const answer = answerTokens(llm, 'distiller', DISTILL_ANSWER, 0.4);
  return dataRoom(llm, 'distiller', answer, distillMessages(domainName, [], ids, newFence(), { index: 9, count: 99 }).messages);
}

/** How the digests split into calls that each fit the distiller's window (one batch when they fit). */
export function distillBatches(llm: LlmClient, domainName: string, sources: Cited[], ids: string[]): Cited[][] {
  const room = distillRoom(llm, domainName, ids);
  const usable = sources.filter((s) => s.digest && !s.error);
  const sizes = digestBlocks(usable, newFence());
  const byBlock = new Map(sizes.map((b, i) => [b, usable[i]!]));
  return batchesThatFit(sizes, room).map((batch) => batch.map((b) => byBlock.get(b)!));
}

export async function distill(llm: LlmClient, domainName: string, sources: Cited[], ids: string[], signal?: AbortSignal) {
  const answer = answerTokens(llm, 'distiller', DISTILL_ANSWER, 0.4);
  const batches = distillBatches(llm, domainName, sources, ids);
  const schema = decodeSchema(ids);
  const results = await Promise.all(
    batches.map((batch, index) => {
      const fence = newFence();
      const prompt = distillMessages(domainName, digestBlocks(batch, fence), ids, fence, { index, count: batches.length });
      return llm.structured<Distillate>({ role: 'distiller', schema: distillateSchema, schemaName: 'distillate', ...prompt, decodeSchema: schema, maxTokens: answer, signal });
    }),
  );
  const tokens = results.reduce((n, r) => n + r.usage.promptTokens + r.usage.completionTokens, 0);
  return { distillate: mergeDistillates(results.map((r) => r.data)), tokens, model: results[0]?.model ?? llm.modelFor('distiller'), batches: batches.length };
}

/** Batch distillates as one: every item kept once (same name, same item), evidence joined. */
export function mergeDistillates(parts: Distillate[]): Distillate {
  if (parts.length === 1) return parts[0]!;
  type Ev = Distillate['concepts'][number]['evidence'];
  const join = (a: Ev, b: Ev): Ev => {
    const seen = new Set(a.map((e) => `${e.source}\n${e.quote}`));
    return [...a, ...b.filter((e) => !seen.has(`${e.source}\n${e.quote}`))];
  };
  const merge = <T extends { evidence: Ev }>(lists: T[][], key: (t: T) => string): T[] => {
    const out = new Map<string, T>();
    for (const item of lists.flat()) {
      const k = key(item).trim().toLowerCase();
      const seen = out.get(k);
      if (seen) out.set(k, { ...seen, evidence: join(seen.evidence, item.evidence) });
      else out.set(k, item);
    }
    return [...out.values()];
  };
  return {
    summary: parts.map((p) => p.summary.trim()).filter(Boolean).join(' '),
    concepts: merge(parts.map((p) => p.concepts), (c) => c.name),
    structure: merge(parts.map((p) => p.structure), (s) => s.area),
    decisions: merge(parts.map((p) => p.decisions), (d) => d.decision),
    pitfalls: merge(parts.map((p) => p.pitfalls), (p) => p.pitfall),
    open_questions: merge(parts.map((p) => p.open_questions), (q) => q.question),
  };
}
