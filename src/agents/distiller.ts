import { toStrictJsonSchema, tightenSchema, type LlmClient } from '../llm';
import type { NumberedSource } from '../sources/types';
import { answerTokens, batchesThatFit, buildPrompt, dataRoom, type Prompt } from './prompt';
import { normalizeSourceId } from '../core/distillate';
import { normalizePointId, pointId } from '../core/grounding';
import { distillateSchema, type Distillate, type DistillateAnswer, type ResolvedEvidence } from './schemas';
import { asDomain, digestBlocks, type CheckedDigest, type DigestDomain } from './scout';
import { newFence, type Fence } from './untrusted';

const DISTILL_SYSTEM =
  'You write a structured distillate of how a domain is arranged, for a person who must understand it before ' +
  'letting agents act in it. Fields: summary; concepts; structure (the areas the domain divides into and how ' +
  'they relate); decisions and trade-offs; pitfalls; open questions. Build each section mainly from the key points ' +
  'of its kind (concept, structure, decision, pitfall); where sources disagree, say so as an open question. Every item ' +
  'carries its evidence: the ids of the key points it rests on (like S3.2), only points that have a verified quote; ' +
  'code copies each point\'s quote in, and flags a claim resting on none as unsupported. Do not invent facts the ' +
  'digests do not contain.';

const DISTILL_ANSWER = 3000;

/** Caps sent with the schema, so a small model stops listing; the renderer caps again. */
const LIST_CAPS = { concepts: 12, structure: 7, decisions: 8, pitfalls: 8, open_questions: 6 } as const;

type Cited = NumberedSource & { digest?: CheckedDigest };

function distillTask(domain: DigestDomain, ids: string[], part?: { index: number; count: number }): string {
  const which = part && part.count > 1 ? ` These are batch ${part.index + 1} of ${part.count} of the digests; distill what they say.` : '';
  const lang = domain.language ? ` Write in ${domain.language}.` : '';
  return `Write the distillate of "${domain.name}" from the digests above. Cite key points of these sources only: ${ids.join(', ')}.${which}${lang}`;
}

export function distillMessages(domainArg: DigestDomain | string, blocks: string[], ids: string[], fence: Fence, part?: { index: number; count: number }): Prompt {
  const domain = asDomain(domainArg);
  return buildPrompt(fence, DISTILL_SYSTEM, `Domain: ${domain.name}\n\nSource digests:\n\n${blocks.join('\n\n')}`, distillTask(domain, ids, part));
}

/**
 * The schema sent for decoding: lists capped, and each evidence entry only the id of a key point
 * that has a verified quote, so a constrained decoder cannot cite anything else. (Validation is
 * lenient: schemas.ts reads a source and a quote too.)
 */
export function distillDecodeSchema(points: string[]) {
  const edits: Record<string, Record<string, unknown>> = {};
  const point = points.length > 0 ? { type: 'string', enum: points } : { type: 'string' };
  for (const [list, max] of Object.entries(LIST_CAPS)) {
    edits[list] = { maxItems: max };
    edits[`${list}[].evidence`] = { maxItems: 4, items: { type: 'object', properties: { point }, required: ['point'], additionalProperties: false } };
  }
  return tightenSchema(toStrictJsonSchema(distillateSchema), edits);
}

/** Each verified key point by its id (`S3.2`): its source and its quote. */
export function verifiedPoints(sources: Cited[]): Map<string, { source: string; quote: string }> {
  const out = new Map<string, { source: string; quote: string }>();
  for (const s of sources) {
    if (!s.digest || s.error) continue;
    s.digest.keyPoints.forEach((k, i) => {
      if (k.verified && k.quote.trim()) out.set(pointId(s.id, i + 1), { source: s.id, quote: k.quote });
    });
  }
  return out;
}

/**
 * The model's evidence as the note holds it: a cited key point becomes its source and its
 * verified quote, copied by code; an unknown point keeps its id and no quote, so grounding flags
 * it; a source-and-quote entry stays as given, for grounding to check.
 */
export function resolveEvidence(d: DistillateAnswer, points: ReadonlyMap<string, { source: string; quote: string }>): Distillate {
  const ev = (list: DistillateAnswer['concepts'][number]['evidence']): ResolvedEvidence[] =>
    list.map((e) => {
      const id = e.point ? normalizePointId(e.point) : null;
      const known = id ? points.get(id) : undefined;
      if (id && known) return { source: known.source, quote: known.quote, point: id };
      if (id) return { source: e.source ?? id.split('.')[0]!, quote: e.quote ?? '', point: id };
      return { source: normalizeSourceId(e.source ?? '') ?? e.source ?? '', quote: e.quote ?? '' };
    });
  return {
    summary: d.summary,
    concepts: d.concepts.map((x) => ({ ...x, evidence: ev(x.evidence) })),
    structure: d.structure.map((x) => ({ ...x, evidence: ev(x.evidence) })),
    decisions: d.decisions.map((x) => ({ ...x, evidence: ev(x.evidence) })),
    pitfalls: d.pitfalls.map((x) => ({ ...x, evidence: ev(x.evidence) })),
    open_questions: d.open_questions.map((x) => ({ ...x, evidence: ev(x.evidence) })),
  };
}

/** Tokens of digests one distiller call can read. */
export function distillRoom(llm: LlmClient, domain: DigestDomain | string, ids: string[]): number {
  const answer = answerTokens(llm, 'distiller', DISTILL_ANSWER, 0.4);
  return dataRoom(llm, 'distiller', answer, distillMessages(domain, [], ids, newFence(), { index: 9, count: 99 }).messages);
}

/** How the digests split into calls that each fit the distiller's window (one batch when they fit). */
export function distillBatches(llm: LlmClient, domain: DigestDomain | string, sources: Cited[], ids: string[]): Cited[][] {
  const room = distillRoom(llm, domain, ids);
  const usable = sources.filter((s) => s.digest && !s.error);
  const sizes = digestBlocks(usable, newFence());
  const byBlock = new Map(sizes.map((b, i) => [b, usable[i]!]));
  return batchesThatFit(sizes, room).map((batch) => batch.map((b) => byBlock.get(b)!));
}

export async function distill(llm: LlmClient, domainArg: DigestDomain | string, sources: Cited[], ids: string[], signal?: AbortSignal) {
  const domain = asDomain(domainArg);
  const answer = answerTokens(llm, 'distiller', DISTILL_ANSWER, 0.4);
  const batches = distillBatches(llm, domain, sources, ids);
  const points = verifiedPoints(sources);
  const schema = distillDecodeSchema([...points.keys()]);
  const results = await Promise.all(
    batches.map((batch, index) => {
      const fence = newFence();
      const prompt = distillMessages(domain, digestBlocks(batch, fence), ids, fence, { index, count: batches.length });
      return llm.structured<DistillateAnswer>({ role: 'distiller', schema: distillateSchema, schemaName: 'distillate', ...prompt, decodeSchema: schema, maxTokens: answer, signal });
    }),
  );
  const tokens = results.reduce((n, r) => n + r.usage.promptTokens + r.usage.completionTokens, 0);
  return { distillate: mergeDistillates(results.map((r) => resolveEvidence(r.data, points))), tokens, model: results[0]?.model ?? llm.modelFor('distiller'), batches: batches.length };
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
