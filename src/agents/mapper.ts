import type { LlmClient } from '../llm';
import { skeletonSchema, type Skeleton } from './schemas';
import { UNTRUSTED_RULE, untrusted } from './untrusted';

export function skeletonMessages(domainName: string, distillateBody: string, critiqueBody: string | null) {
  return [
    {
      role: 'system' as const,
      content:
        'You draft a 3-level map of a domain for a person to edit: the domain, 3 to 7 areas, and the key concepts of ' +
        'each area (2 to 7 each, a few words each). Follow the structure of the distillate; where the critique names ' +
        `gaps or conflicts, keep them visible as concepts. ${UNTRUSTED_RULE}`,
    },
    {
      role: 'user' as const,
      content: `Domain: ${domainName}\n\n${untrusted('DISTILLATE', distillateBody)}${critiqueBody ? `\n\n${untrusted('CRITIQUE', critiqueBody)}` : ''}`,
    },
  ];
}

export async function draftSkeleton(llm: LlmClient, domainName: string, distillateBody: string, critiqueBody: string | null, signal?: AbortSignal) {
  const r = await llm.structured<Skeleton>({ role: 'mapper', schema: skeletonSchema, schemaName: 'skeleton', messages: skeletonMessages(domainName, distillateBody, critiqueBody), signal });
  return { skeleton: r.data, tokens: r.usage.promptTokens + r.usage.completionTokens, model: r.model };
}
