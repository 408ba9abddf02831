import { sha256Hex } from '../core/fingerprint';
import type { NumberedSource } from '../sources/types';
import type { LlmClient } from '../llm';
import type { DataFolder } from '../vault/port';
import { digestSchema, type Digest } from './schemas';
import { UNTRUSTED_RULE, untrusted } from './untrusted';

/**
 * The scout's model work: one digest per source, all in parallel (the LLM layer's per-endpoint
 * limit bounds them). Digests are kept by source fingerprint and model, so an unchanged source is
 * never digested twice, even when the prompt around it changes.
 */

const DIGEST_VERSION = 1;

function digestKey(s: NumberedSource, model: string): string {
  return `digests/${sha256Hex(`${DIGEST_VERSION}\n${model}\n${s.fingerprint}`).slice(0, 32)}.json`;
}

export function digestMessages(domainName: string, s: NumberedSource) {
  return [
    {
      role: 'system' as const,
      content:
        'You digest one source for a person learning a domain. Return a short summary and up to 8 key points; ' +
        'each key point has a short verbatim quote from the source that supports it (under 200 characters). ' +
        `Only state what the source says. ${UNTRUSTED_RULE}`,
    },
    {
      role: 'user' as const,
      content: `Domain: ${domainName}\nSource ${s.id}: ${s.title}\n\n${untrusted(`SOURCE ${s.id}`, s.text)}`,
    },
  ];
}

export interface DigestOutcome {
  digest: Digest;
  cached: boolean;
  tokens: number;
}

/** The stored digest of an unchanged source for the scout's current model, or null. */
export async function readCachedDigest(llm: LlmClient, data: DataFolder, s: NumberedSource): Promise<Digest | null> {
  const stored = await data.read(digestKey(s, llm.modelFor('scout')));
  if (!stored) return null;
  const parsed = digestSchema.safeParse(safeJson(stored));
  return parsed.success ? parsed.data : null;
}

export async function digestSource(llm: LlmClient, data: DataFolder, domainName: string, s: NumberedSource, signal?: AbortSignal): Promise<DigestOutcome> {
  const key = digestKey(s, llm.modelFor('scout'));
  const stored = await readCachedDigest(llm, data, s);
  if (stored) return { digest: stored, cached: true, tokens: 0 };
  const r = await llm.structured({ role: 'scout', schema: digestSchema, schemaName: 'source_digest', messages: digestMessages(domainName, s), signal });
  await data.write(key, JSON.stringify(r.data));
  return { digest: r.data, cached: r.cached, tokens: r.usage.promptTokens + r.usage.completionTokens };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/** The digests as the distiller and the critic read them: compact, id-tagged, still untrusted. */
export function digestsForPrompt(sources: (NumberedSource & { digest?: Digest })[]): string {
  return sources
    .filter((s) => s.digest && !s.error)
    .map((s) => {
      const d = s.digest!;
      const points = d.keyPoints.map((k) => `- ${k.point}${k.quote ? ` (quote: "${k.quote}")` : ''}`).join('\n');
      return untrusted(`DIGEST ${s.id}`, `${s.id}: ${s.title}\n${d.summary}\n${points}`);
    })
    .join('\n\n');
}
