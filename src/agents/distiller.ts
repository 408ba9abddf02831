import type { LlmClient } from '../llm';
import { distillateSchema, type Distillate } from './schemas';
import { UNTRUSTED_RULE } from './untrusted';

export function distillMessages(domainName: string, digests: string, ids: string[]) {
  return [
    {
      role: 'system' as const,
      content:
        'You write a structured distillate of how a domain is arranged, for a person who must understand it before ' +
        'letting agents act in it. Fields: summary; concepts; structure (the areas the domain divides into and how ' +
        'they relate); decisions and trade-offs; pitfalls; open questions. Every item cites the ids of the sources ' +
        `that support it (${ids.join(', ')}), and only those. Do not invent facts the digests do not contain; say ` +
        `what is unclear as an open question. ${UNTRUSTED_RULE}`,
    },
    { role: 'user' as const, content: `Domain: ${domainName}\n\nSource digests:\n\n${digests}` },
  ];
}

export async function distill(llm: LlmClient, domainName: string, digests: string, ids: string[], signal?: AbortSignal) {
  const r = await llm.structured<Distillate>({ role: 'distiller', schema: distillateSchema, schemaName: 'distillate', messages: distillMessages(domainName, digests, ids), signal });
  return { distillate: r.data, tokens: r.usage.promptTokens + r.usage.completionTokens, model: r.model };
}
