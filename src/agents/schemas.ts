import * as z from 'zod/mini';

/**
 * What each agent must return. No length limits in the schemas: a model that writes a little
 * long should not cost a repair call; rendering clamps lengths and counts instead. `sources`
 * are source ids like "S3", checked against the real ids by code afterwards.
 */

const cite = z.array(z.string());

/**
 * What a claim rests on: a source id and a quote copied from that source's verified digest
 * quotes. Code checks both (core/grounding.ts); the model's word counts for nothing.
 */
const evidence = z.array(z.object({ source: z.string(), quote: z.string() }));

export const digestSchema = z.object({
  summary: z.string(),
  keyPoints: z.array(z.object({ point: z.string(), quote: z.string() })),
});
export type Digest = z.infer<typeof digestSchema>;

/**
 * The distiller's answer. Field names match the note's YAML (core/distillate.ts reads it back,
 * old `sources`-only claims included), so the model's answer and the person's edit are one shape.
 */
export const distillateSchema = z.object({
  summary: z.string(),
  concepts: z.array(z.object({ name: z.string(), explanation: z.string(), evidence })),
  structure: z.array(z.object({ area: z.string(), description: z.string(), evidence })),
  decisions: z.array(z.object({ decision: z.string(), tradeoffs: z.string(), evidence })),
  pitfalls: z.array(z.object({ pitfall: z.string(), evidence })),
  open_questions: z.array(z.object({ question: z.string(), evidence })),
});
export type Distillate = z.infer<typeof distillateSchema>;

export const ISSUE_KINDS = ['conflict', 'weak-spot', 'unsupported', 'mis-cited', 'gap'] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

/** Issues before the verdict: a model decides after it has written its reasons, not before. */
export const critiqueSchema = z.object({
  issues: z.array(z.object({ kind: z.enum(ISSUE_KINDS), claim: z.string(), explanation: z.string(), sources: cite })),
  summary: z.string(),
  verdict: z.enum(['pass', 'revise', 'fail']),
});
export type Critique = z.infer<typeof critiqueSchema>;

export const skeletonSchema = z.object({
  areas: z.array(z.object({ name: z.string(), concepts: z.array(z.string()) })),
});
export type Skeleton = z.infer<typeof skeletonSchema>;

/** Caps applied when rendering, so one runaway answer cannot flood a note. */
export const LIMITS = { items: 30, areas: 7, conceptsPerArea: 10, keyPoints: 12, text: 1500 } as const;
