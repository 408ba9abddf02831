import * as z from 'zod/mini';
import type { LlmClient } from '../llm';
import type { Mode } from '../core/trust';
import { UNTRUSTED_RULE, untrusted } from './untrusted';

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
  ),
});
export type ActorOutput = z.infer<typeof actorSchema>;
export type ActorOption = ActorOutput['options'][number];

export const verdictSchema = z.object({
  pass: z.boolean(),
  reasons: z.array(z.string()),
});
export type Verdict = z.infer<typeof verdictSchema>;

export function actorMessages(mode: Mode, task: string, notePath: string, noteBody: string, distillate: string | null) {
  const count = mode === 'propose' ? 'Give 2 or 3 distinct options' : 'Give exactly one option: your best draft';
  return [
    {
      role: 'system' as const,
      content:
        'You carry out a task on one note of a knowledge vault. Describe the change as structured edits: replace a section ' +
        '(by its heading), append a section, create a new note in the domain (a name, no folders), or add links. ' +
        `${count}. Write content as plain markdown, no HTML, no frontmatter. Keep to the domain's distillate when one is given. ` +
        `You cannot change a note's properties (frontmatter), its trust or the domain's settings. ${UNTRUSTED_RULE}`,
    },
    {
      role: 'user' as const,
      content:
        `Task: ${task}\n\nNote: ${notePath}\n${untrusted('NOTE', noteBody)}` + (distillate ? `\n\nThe domain's signed-off distillate:\n${untrusted('DISTILLATE', distillate)}` : ''),
    },
  ];
}

export function verifyMessages(task: string, notePath: string, noteBody: string, distillate: string | null, change: string) {
  return [
    {
      role: 'system' as const,
      content:
        'You are the critic guarding an automatic change. Pass it only if it does the task, agrees with the signed-off ' +
        'distillate and the note, removes nothing the task did not ask to remove, and adds no unsupported claim. ' +
        `Otherwise fail it and give the reasons in plain words. ${UNTRUSTED_RULE}`,
    },
    {
      role: 'user' as const,
      content:
        `Task: ${task}\n\nNote: ${notePath}\n${untrusted('NOTE', noteBody)}\n\n` +
        (distillate ? `${untrusted('DISTILLATE', distillate)}\n\n` : '') +
        `Proposed change:\n${untrusted('CHANGE', change)}`,
    },
  ];
}

export async function propose(llm: LlmClient, mode: Mode, task: string, notePath: string, noteBody: string, distillate: string | null, signal?: AbortSignal) {
  const r = await llm.structured<ActorOutput>({ role: 'actor', schema: actorSchema, schemaName: 'action', messages: actorMessages(mode, task, notePath, noteBody, distillate), signal });
  const max = mode === 'propose' ? 3 : 1;
  const options = r.data.options.slice(0, max);
  if (options.length === 0) throw new Error('The actor returned no option');
  return { options, tokens: r.usage.promptTokens + r.usage.completionTokens, model: r.model };
}

export async function verify(llm: LlmClient, task: string, notePath: string, noteBody: string, distillate: string | null, change: string, signal?: AbortSignal) {
  const r = await llm.structured<Verdict>({ role: 'critic', schema: verdictSchema, schemaName: 'verdict', messages: verifyMessages(task, notePath, noteBody, distillate, change), signal });
  return { verdict: r.data, tokens: r.usage.promptTokens + r.usage.completionTokens };
}
