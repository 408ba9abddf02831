import { toStrictJsonSchema, tightenSchema, type LlmClient } from '../llm';
import { answerTokens, buildPrompt, type Prompt } from './prompt';
import { skeletonSchema, type Skeleton } from './schemas';
import { newFence, type Fence } from './untrusted';

const MAPPER_SYSTEM =
  'You draft a 3-level map of a domain for a person to edit: the domain, 3 to 7 areas, and the key concepts of ' +
  'each area (2 to 7 each, a few words each). Follow the structure of the distillate; where the critique names ' +
  'gaps or conflicts, keep them visible as concepts.';

export function skeletonMessages(domainName: string, distillateBody: string, critiqueBody: string | null, fence: Fence = newFence()): Prompt {
  return buildPrompt(
    fence,
    MAPPER_SYSTEM,
    `Domain: ${domainName}\n\n${fence.wrap('DISTILLATE', distillateBody)}${critiqueBody ? `\n\n${fence.wrap('CRITIQUE', critiqueBody)}` : ''}`,
    `Draft the 3-level map of "${domainName}": 3 to 7 areas, 2 to 7 concepts each.`,
  );
}

export async function draftSkeleton(llm: LlmClient, domainName: string, distillateBody: string, critiqueBody: string | null, signal?: AbortSignal) {
  const decodeSchema = tightenSchema(toStrictJsonSchema(skeletonSchema), { areas: { maxItems: 7 }, 'areas[].concepts': { maxItems: 7 } });
  const r = await llm.structured<Skeleton>({
    role: 'mapper',
    schema: skeletonSchema,
    schemaName: 'skeleton',
    ...skeletonMessages(domainName, distillateBody, critiqueBody),
    decodeSchema,
    maxTokens: answerTokens(llm, 'mapper', 1000, 0.25),
    signal,
  });
  return { skeleton: r.data, tokens: r.usage.promptTokens + r.usage.completionTokens, model: r.model };
}
