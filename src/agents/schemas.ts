import * as z from 'zod/mini';

/**
 * What each agent must return. No length limits in the schemas: a model that writes a little
 * long should not cost a repair call; rendering clamps lengths and counts instead. `sources`
 * are source ids like "S3", checked against the real ids by code afterwards.
 */

const cite = z.array(z.string());

/**
 * What a claim rests on: a digest key point by its id (`S3.2`), whose verified quote code copies
 * in. The schema sent for decoding asks for `point` alone, from the real ids (agents/distiller.ts);
 * an answer giving a source id and a quote instead (older prompts, a json_object fallback, a
 * person's edit) is read too. Code checks every entry (core/grounding.ts).
 */
const evidence = z.array(z.object({ point: z.optional(z.string()), source: z.optional(z.string()), quote: z.optional(z.string()) }));

/** What a key point is material for: one kind per distillate section, and where sources disagree. */
export const POINT_KINDS = ['concept', 'structure', 'decision', 'pitfall', 'disagreement'] as const;
export type PointKind = (typeof POINT_KINDS)[number];

/**
 * A source's digest. The quote comes before the point it supports (evidence first, then what it
 * says), the kind last. `kind` is lenient here (any text, or none in digests stored before it
 * existed): the schema sent for decoding allows only POINT_KINDS, and code reads anything else as none.
 */
export const digestSchema = z.object({
  summary: z.string(),
  keyPoints: z.array(z.object({ quote: z.string(), point: z.string(), kind: z.optional(z.string()) })),
});
export type Digest = z.infer<typeof digestSchema>;

/** A key point's kind as code trusts it: one of POINT_KINDS, or null. */
export function pointKind(raw: unknown): PointKind | null {
  const k = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  return (POINT_KINDS as readonly string[]).includes(k) ? (k as PointKind) : null;
}

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
/** The distiller's answer as the model gave it. */
export type DistillateAnswer = z.infer<typeof distillateSchema>;

/** One evidence entry once code resolved it: a source id and a quote, and the key point when one was cited. */
export interface ResolvedEvidence {
  source: string;
  quote: string;
  point?: string;
}

type Resolved<T> = { [K in keyof T]: T[K] extends Array<infer I> ? (I extends { evidence: unknown } ? Array<Omit<I, 'evidence'> & { evidence: ResolvedEvidence[] }> : T[K]) : T[K] };

/** The distillate after code resolved each cited key point to its source and verified quote. */
export type Distillate = Resolved<DistillateAnswer>;

export const ISSUE_KINDS = ['conflict', 'weak-spot', 'unsupported', 'mis-cited', 'gap'] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

/** How a claim stands against the quotes it cites, as the critic labels it. */
export const CLAIM_LABELS = ['supported', 'partial', 'unsupported', 'contradicted'] as const;
export type ClaimLabel = (typeof CLAIM_LABELS)[number];

/** A label as code trusts it: one of CLAIM_LABELS, or null (the claim counts as unchecked). */
export function claimLabel(raw: unknown): ClaimLabel | null {
  const l = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  return (CLAIM_LABELS as readonly string[]).includes(l) ? (l as ClaimLabel) : null;
}

const issue = z.object({ kind: z.enum(ISSUE_KINDS), claim: z.string(), explanation: z.string(), sources: cite });

/**
 * The critic's answer as sent for decoding: a label per claim — the quote judged by and the
 * reasoning before the label — then other issues, the summary, and last the critic's own verdict,
 * which code records but does not take (agents/critic.ts computes the verdict from the labels).
 */
export const criticDecodeShape = z.object({
  claims: z.array(z.object({ claim: z.string(), quote: z.string(), reasoning: z.string(), label: z.enum(CLAIM_LABELS) })),
  issues: z.array(issue),
  summary: z.string(),
  verdict: z.enum(['pass', 'revise', 'fail']),
});

/** The same answer as validated: lenient, so a near miss costs no repair call; code reads what it can. */
export const criticSchema = z.object({
  claims: z.optional(z.array(z.object({ claim: z.string(), quote: z.optional(z.string()), reasoning: z.optional(z.string()), label: z.optional(z.string()) }))),
  issues: z.optional(z.array(issue)),
  summary: z.optional(z.string()),
  verdict: z.optional(z.enum(['pass', 'revise', 'fail'])),
});
export type CriticAnswer = z.infer<typeof criticSchema>;

/** One claim as the critic labelled it (label null: left unlabelled). */
export interface LabeledClaim {
  claim: string;
  quote: string;
  reasoning: string;
  label: ClaimLabel | null;
}

/** The critique as written: code's issues and the labels' issues, the verdict computed by code. */
export interface Critique {
  issues: z.infer<typeof issue>[];
  summary: string;
  verdict: 'pass' | 'revise' | 'fail';
  claims?: LabeledClaim[];
}

export const skeletonSchema = z.object({
  areas: z.array(z.object({ name: z.string(), concepts: z.array(z.string()) })),
});
export type Skeleton = z.infer<typeof skeletonSchema>;

/** Caps applied when rendering, so one runaway answer cannot flood a note. */
export const LIMITS = { items: 30, areas: 7, conceptsPerArea: 10, keyPoints: 12, text: 1500 } as const;
