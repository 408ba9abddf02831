import { sha256Hex } from '../core/fingerprint';
import { splitByTokens } from '../core/tokens';
import type { NumberedSource } from '../sources/types';
import { toStrictJsonSchema, tightenSchema, type LlmClient } from '../llm';
import type { DataFolder } from '../vault/port';
import { answerTokens, buildPrompt, dataRoom, promptVersion, type Prompt } from './prompt';
import { digestSchema, type Digest } from './schemas';
import { newFence, type Fence } from './untrusted';

/**
 * The scout's model work: one digest per source, all in parallel (the LLM layer's per-endpoint
 * limit bounds them). A source longer than the context window allows is split at paragraph
 * boundaries, each part digested, and the parts merged: nothing of it is cut. Digests are kept by
 * source fingerprint, model, prompt version and part size, so an unchanged source is never
 * digested twice, and a changed prompt or window digests it again.
 */

const MAX_POINTS = 8;
const DIGEST_ANSWER = 1200;

const DIGEST_SYSTEM =
  'You digest one source for a person learning a domain. Return a short summary and key points; ' +
  'each key point has a short verbatim quote from the source that supports it (under 200 characters), copied exactly, in the language of the source. ' +
  'Only state what the source says.';

const DIGEST_VERSION = promptVersion(2, DIGEST_SYSTEM, toStrictJsonSchema(digestSchema));

/** Key points asked of each part: a long source gets more points in all, but not without bound. */
function pointsPerPart(parts: number): number {
  return parts === 1 ? MAX_POINTS : Math.max(2, Math.ceil((MAX_POINTS * 1.5) / parts));
}

function digestTask(domainName: string, id: string, part: { index: number; count: number }, points: number): string {
  const which = part.count > 1 ? ` This is part ${part.index + 1} of ${part.count} of the source: digest this part only, in a one-sentence summary.` : '';
  return `Digest source ${id} for the domain "${domainName}": a summary and at most ${points} key points, each with its verbatim quote.${which}`;
}

export function digestMessages(domainName: string, s: NumberedSource, fence: Fence = newFence(), part = { index: 0, count: 1, text: s.text }): Prompt {
  const label = part.count > 1 ? `SOURCE ${s.id} PART ${part.index + 1}` : `SOURCE ${s.id}`;
  return buildPrompt(fence, DIGEST_SYSTEM, `Domain: ${domainName}\n\n${fence.wrap(label, part.text, { title: s.title })}`, digestTask(domainName, s.id, part, pointsPerPart(part.count)));
}

/** The answer length and the part size for the scout's model: what a digest plan depends on. */
export function digestBudget(llm: LlmClient): { answer: number; partTokens: number } {
  const answer = answerTokens(llm, 'scout', DIGEST_ANSWER, 0.3);
  const empty = digestMessages('x'.repeat(60), { id: 'S999', title: 'x'.repeat(200), text: '' } as NumberedSource, newFence(), { index: 9, count: 99, text: '' });
  return { answer, partTokens: Math.max(200, dataRoom(llm, 'scout', answer, empty.messages)) };
}

/** The parts a source is digested in: one when it fits, more at paragraph boundaries when not. */
export function digestParts(llm: LlmClient, s: NumberedSource): string[] {
  return splitByTokens(s.text, digestBudget(llm).partTokens);
}

function digestKey(s: NumberedSource, model: string, partTokens: number): string {
  return `digests/${sha256Hex(`${DIGEST_VERSION}\n${model}\n${partTokens}\n${s.fingerprint}`).slice(0, 32)}.json`;
}

export interface DigestOutcome {
  digest: Digest;
  cached: boolean;
  tokens: number;
  /** How many parts the source was digested in (1 when it fit whole). */
  parts: number;
}

/** The stored digest of an unchanged source for the scout's current model and window, or null. */
export async function readCachedDigest(llm: LlmClient, data: DataFolder, s: NumberedSource): Promise<Digest | null> {
  const stored = await data.read(digestKey(s, llm.modelFor('scout'), digestBudget(llm).partTokens));
  if (!stored) return null;
  const parsed = digestSchema.safeParse(safeJson(stored));
  return parsed.success ? parsed.data : null;
}

export async function digestSource(llm: LlmClient, data: DataFolder, domainName: string, s: NumberedSource, signal?: AbortSignal): Promise<DigestOutcome> {
  const { answer, partTokens } = digestBudget(llm);
  const key = digestKey(s, llm.modelFor('scout'), partTokens);
  const stored = await readCachedDigest(llm, data, s);
  if (stored) return { digest: stored, cached: true, tokens: 0, parts: 0 };
  const parts = splitByTokens(s.text, partTokens);
  const points = pointsPerPart(parts.length);
  const decodeSchema = tightenSchema(toStrictJsonSchema(digestSchema), { keyPoints: { maxItems: points } });
  const results = await Promise.all(
    parts.map((text, index) => {
      const prompt = digestMessages(domainName, s, newFence(), { index, count: parts.length, text });
      return llm.structured({ role: 'scout', schema: digestSchema, schemaName: 'source_digest', ...prompt, decodeSchema, maxTokens: answer, signal });
    }),
  );
  const digest = mergeDigests(results.map((r) => r.data), points);
  await data.write(key, JSON.stringify(digest));
  const tokens = results.reduce((n, r) => n + r.usage.promptTokens + r.usage.completionTokens, 0);
  return { digest, cached: results.every((r) => r.cached), tokens, parts: parts.length };
}

/** The parts' digests as one: summaries in order, every part's points (a part that overran its share is trimmed to it). */
export function mergeDigests(parts: Digest[], pointsPerPart = MAX_POINTS): Digest {
  if (parts.length === 1) return { ...parts[0]!, keyPoints: parts[0]!.keyPoints.slice(0, pointsPerPart) };
  return {
    summary: parts.map((p) => p.summary.trim()).filter(Boolean).join(' '),
    keyPoints: parts.flatMap((p) => p.keyPoints.slice(0, pointsPerPart)),
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/** Each digest as the distiller and the critic read it: compact, id-tagged, fenced as untrusted. */
export function digestBlocks(sources: (NumberedSource & { digest?: Digest })[], fence: Fence): string[] {
  return sources
    .filter((s) => s.digest && !s.error)
    .map((s) => {
      const d = s.digest!;
      const points = d.keyPoints.map((k) => `- ${k.point}${k.quote ? ` (quote: "${k.quote}")` : ''}`).join('\n');
      return fence.wrap(`DIGEST ${s.id}`, `${s.id}\n${d.summary}\n${points}`, { title: s.title });
    });
}

/** The digests as one block of prompt text. */
export function digestsForPrompt(sources: (NumberedSource & { digest?: Digest })[], fence: Fence): string {
  return digestBlocks(sources, fence).join('\n\n');
}
