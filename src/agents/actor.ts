import * as z from 'zod/mini';
import { sectionsOf } from '../core/change-review';
import { toStrictJsonSchema, tightenSchema, type LlmClient } from '../llm';
import type { Mode } from '../core/trust';
import { answerTokens, buildPrompt, type Prompt } from './prompt';
import { newFence, type Fence } from './untrusted';

/**
 * The action agent: proposes changes to one note of a domain. It only describes edits; the
 * Gate decides, by mode and by code-enforced scope, whether any of them is ever applied.
 */

export const CHANGE_KINDS = ['replace-section', 'append-section', 'create-note', 'add-links'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const actorSchema = z.object({
  options: z.array(
    z.object({
      title: z.string(),
      rationale: z.string(),
      kind: z.enum(CHANGE_KINDS),
      /** The section heading to replace or to add; empty for other kinds. */
      heading: z.string(),
      /** For create-note: the new note's name (no folders). Empty otherwise. */
      noteName: z.string(),
      /** Markdown: the section's new content, or the new note's body. */
      content: z.string(),
      /** For add-links: note names to link. */
      links: z.array(z.string()),
    }),
  ).check(z.minLength(1)),
});
export type ActorOutput = z.infer<typeof actorSchema>;
export type ActorOption = ActorOutput['options'][number];

const ACTOR_SYSTEM =
  'You carry out a task on one note of a knowledge vault. Describe the change as structured edits: replace a section ' +
  '(by its heading, one of the note\'s own headings), append a section, create a new note in the domain (a name, no folders), or add links. ' +
  'Write the rationale before the content. Write content as plain markdown, no HTML, no frontmatter. Keep to the domain\'s distillate when one is given. ' +
  'You cannot change a note\'s properties (frontmatter), its trust or the domain\'s settings.';

export function actorMessages(mode: Mode, task: string, notePath: string, noteBody: string, distillate: string | null, fence: Fence = newFence()): Prompt {
  const count = mode === 'propose' ? 'Give 2 or 3 distinct options' : 'Give exactly one option: your best draft';
  const data = `Note: ${notePath}\n${fence.wrap('NOTE', noteBody, { title: notePath })}` + (distillate ? `\n\nThe domain's signed-off distillate:\n${fence.wrap('DISTILLATE', distillate)}` : '');
  return buildPrompt(fence, ACTOR_SYSTEM, data, `${task}\n(${count}.)`);
}

/** The note's own headings, for the schema sent: a replace-section can only name one of them. */
export function headingsOf(noteBody: string): string[] {
  return sectionsOf(noteBody)
    .map((s) => s.heading)
    .filter((h) => h !== '');
}

/**
 * The actor's schema as sent for decoding: at most as many options as the mode takes, and a
 * replace-section only on a heading the note has (other kinds name a new heading freely).
 */
export function actorDecodeSchema(mode: Mode, headings: string[]): Record<string, unknown> {
  const base = toStrictJsonSchema(actorSchema);
  const item = (base.properties as { options: { items: { properties: Record<string, Record<string, unknown>> } } }).options.items;
  const variant = (kinds: readonly string[], heading: Record<string, unknown>) => {
    const v = structuredClone(item);
    v.properties.kind = { ...v.properties.kind, enum: [...kinds] };
    v.properties.heading = { ...v.properties.heading, ...heading };
    return v;
  };
  const others = CHANGE_KINDS.filter((k) => k !== 'replace-section');
  const variants = headings.length > 0 ? [variant(['replace-section'], { enum: headings }), variant(others, {})] : [variant(others, {})];
  return tightenSchema(
    { ...base, properties: { options: { type: 'array', items: variants.length === 1 ? variants[0] : { anyOf: variants } } } },
    { options: { maxItems: mode === 'propose' ? 3 : 1 } },
  );
}

export async function propose(llm: LlmClient, mode: Mode, task: string, notePath: string, noteBody: string, distillate: string | null, signal?: AbortSignal) {
  const r = await llm.structured<ActorOutput>({
    role: 'actor',
    schema: actorSchema,
    schemaName: 'action',
    ...actorMessages(mode, task, notePath, noteBody, distillate),
    decodeSchema: actorDecodeSchema(mode, headingsOf(noteBody)),
    maxTokens: answerTokens(llm, 'actor', 2500, 0.4),
    signal,
  });
  const max = mode === 'propose' ? 3 : 1;
  const options = r.data.options.slice(0, max);
  if (options.length === 0) throw new Error('The actor returned no option');
  return { options, tokens: r.usage.promptTokens + r.usage.completionTokens, model: r.model };
}
