import { sha256Hex } from '../core/fingerprint';
import { pointId, type VerifiedQuotes } from '../core/grounding';
import { QuoteSource } from '../core/quotes';
import { splitByTokens } from '../core/tokens';
import type { NumberedSource } from '../sources/types';
import { toStrictJsonSchema, tightenSchema, type LlmClient } from '../llm';
import type { DataFolder } from '../vault/port';
import { answerTokens, buildPrompt, dataRoom, promptVersion, type Prompt } from './prompt';
import { digestSchema, LIMITS, POINT_KINDS, pointKind, type Digest } from './schemas';
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
  `Each point has a kind: ${POINT_KINDS.join(', ')}. Only state what the source says.`;

const DIGEST_VERSION = promptVersion(3, DIGEST_SYSTEM, toStrictJsonSchema(digestSchema));

/**
 * The domain a source is digested for: its name, and the language of its note (core/language.ts),
 * in which the points are written; quotes stay in the source's own language.
 */
export interface DigestDomain {
  name: string;
  language: string | null;
}

export const asDomain = (d: DigestDomain | string): DigestDomain => (typeof d === 'string' ? { name: d, language: null } : d);

/**
 * The language rule, restated with the task: points in the person's language, quotes untouched.
 * Without a known language the system prompt's rule (quotes in the source's language) stands alone.
 */
export function languageRule(language: string | null): string {
  return language ? ` Write the summary and points in ${language}; keep each quote in the source's own language, untranslated.` : '';
}

/** Key points asked of each part: a long source gets more points in all, but not without bound. */
function pointsPerPart(parts: number): number {
  return parts === 1 ? MAX_POINTS : Math.max(2, Math.ceil((MAX_POINTS * 1.5) / parts));
}

function digestTask(domain: DigestDomain, id: string, part: { index: number; count: number }, points: number): string {
  const which = part.count > 1 ? ` This is part ${part.index + 1} of ${part.count} of the source: digest this part only, in a one-sentence summary.` : '';
  return `Digest source ${id} for the domain "${domain.name}": a summary and at most ${points} key points, each with its verbatim quote and its kind.${which}${languageRule(domain.language)}`;
}

export function digestMessages(domainArg: DigestDomain | string, s: NumberedSource, fence: Fence = newFence(), part = { index: 0, count: 1, text: s.text }): Prompt {
  const domain = asDomain(domainArg);
  const label = part.count > 1 ? `SOURCE ${s.id} PART ${part.index + 1}` : `SOURCE ${s.id}`;
  return buildPrompt(fence, DIGEST_SYSTEM, `Domain: ${domain.name}\n\n${fence.wrap(label, part.text, { title: s.title })}`, digestTask(domain, s.id, part, pointsPerPart(part.count)));
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

function digestKey(s: NumberedSource, model: string, partTokens: number, language: string | null): string {
  // The language is part of the prompt: a domain note rewritten in another language digests again.
  const lang = language ? `\n${language}` : '';
  return `digests/${sha256Hex(`${DIGEST_VERSION}\n${model}\n${partTokens}\n${s.fingerprint}${lang}`).slice(0, 32)}.json`;
}

/** A key point after code checked its quote against the source text the model was given. */
export type CheckedKeyPoint = Digest['keyPoints'][number] & { verified: boolean };
export type CheckedDigest = Omit<Digest, 'keyPoints'> & { keyPoints: CheckedKeyPoint[] };

/** Checks each quote of a digest against the source's text as digested (core/quotes.ts). */
export function checkDigest(d: Digest, sourceText: string): CheckedDigest {
  const src = new QuoteSource(sourceText);
  return { ...d, keyPoints: d.keyPoints.slice(0, LIMITS.keyPoints).map((k) => ({ ...withKind(k), verified: src.has(k.quote) })) };
}

/** A key point with its kind as code trusts it (one of POINT_KINDS), or without one. */
function withKind<K extends Digest['keyPoints'][number]>(k: K): K {
  const { kind: raw, ...rest } = k;
  const kind = pointKind(raw);
  return (kind ? { ...rest, kind } : rest) as K;
}

/** How many of a digest's quotes were found in the source, of how many it gave. */
export function quoteCounts(d: CheckedDigest): { verified: number; total: number } {
  const quoted = d.keyPoints.filter((k) => k.quote.trim());
  return { verified: quoted.filter((k) => k.verified).length, total: quoted.length };
}

/** More than half of a digest's quotes were not found: its points deserve suspicion too. */
export function mostlyUnverified(d: CheckedDigest): boolean {
  const c = quoteCounts(d);
  return c.total > 0 && c.verified * 2 < c.total;
}

/** The verified quotes of each source, by id, in key point order (null where unverified). */
export function verifiedQuotes(sources: { id: string; digest?: CheckedDigest; error?: string }[]): VerifiedQuotes {
  const m = new Map<string, (string | null)[]>();
  for (const s of sources) if (s.digest && !s.error) m.set(s.id, s.digest.keyPoints.map((k) => (k.verified ? k.quote : null)));
  return m;
}

export interface DigestOutcome {
  digest: CheckedDigest;
  cached: boolean;
  tokens: number;
  /** How many parts the source was digested in (1 when it fit whole). */
  parts: number;
}

/**
 * The stored digest of an unchanged source for the scout's current model and window, or null.
 * The check of its quotes is stored with it; a digest stored before quotes were checked is
 * checked now when the source's text is at hand, and otherwise counts every quote as unverified.
 */
export async function readCachedDigest(llm: LlmClient, data: DataFolder, s: NumberedSource, language: string | null = null): Promise<CheckedDigest | null> {
  const stored = await data.read(digestKey(s, llm.modelFor('scout'), digestBudget(llm).partTokens, language));
  if (!stored) return null;
  const raw = safeJson(stored);
  const parsed = digestSchema.safeParse(raw);
  if (!parsed.success) return null;
  const verified = (raw as { verified?: unknown }).verified;
  const d = parsed.data;
  const points = d.keyPoints.slice(0, LIMITS.keyPoints);
  if (Array.isArray(verified) && verified.length === points.length && verified.every((v) => typeof v === 'boolean')) {
    return { ...d, keyPoints: points.map((k, i) => ({ ...withKind(k), verified: verified[i] as boolean })) };
  }
  if (s.text) return checkDigest(d, s.text);
  return { ...d, keyPoints: points.map((k) => ({ ...withKind(k), verified: false })) };
}

export async function digestSource(llm: LlmClient, data: DataFolder, domainArg: DigestDomain | string, s: NumberedSource, signal?: AbortSignal): Promise<DigestOutcome> {
  const domain = asDomain(domainArg);
  const { answer, partTokens } = digestBudget(llm);
  const key = digestKey(s, llm.modelFor('scout'), partTokens, domain.language);
  const stored = await readCachedDigest(llm, data, s, domain.language);
  if (stored) return { digest: stored, cached: true, tokens: 0, parts: 0 };
  const parts = splitByTokens(s.text, partTokens);
  const points = pointsPerPart(parts.length);
  // Decoding allows only the real kinds; validation reads any (schemas.ts), code keeps the real ones.
  const decodeSchema = tightenSchema(toStrictJsonSchema(digestSchema), { keyPoints: { maxItems: points }, 'keyPoints[].kind': { type: 'string', enum: [...POINT_KINDS] } });
  const results = await Promise.all(
    parts.map((text, index) => {
      const prompt = digestMessages(domain, s, newFence(), { index, count: parts.length, text });
      return llm.structured({ role: 'scout', schema: digestSchema, schemaName: 'source_digest', ...prompt, decodeSchema, maxTokens: answer, signal });
    }),
  );
  const digest = checkDigest(mergeDigests(results.map((r) => r.data), points), s.text);
  await data.write(key, JSON.stringify({ summary: digest.summary, keyPoints: digest.keyPoints.map(({ verified: _v, ...k }) => k), verified: digest.keyPoints.map((k) => k.verified) }));
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

/**
 * Each digest as the distiller and the critic read it: compact, id-tagged, fenced as untrusted.
 * Only verified quotes are offered as evidence; a point whose quote was not found in its source
 * is shown without it, so no claim can be built on it.
 */
export function digestBlocks(sources: (NumberedSource & { digest?: CheckedDigest })[], fence: Fence): string[] {
  return sources
    .filter((s) => s.digest && !s.error)
    .map((s) => {
      const d = s.digest!;
      const points = d.keyPoints
        .map((k, i) => `- [${pointId(s.id, i + 1)}]${k.kind ? ` (${k.kind})` : ''} ${k.point}${k.verified && k.quote.trim() ? ` (verified quote: "${k.quote.replace(/\s+/g, ' ').trim()}")` : ' (no verified quote)'}`)
        .join('\n');
      return fence.wrap(`DIGEST ${s.id}`, `${s.id}\n${d.summary}\n${points}`, { title: s.title });
    });
}

/** The digests as one block of prompt text. */
export function digestsForPrompt(sources: (NumberedSource & { digest?: CheckedDigest })[], fence: Fence): string {
  return digestBlocks(sources, fence).join('\n\n');
}
