import { DISTILLATE_SECTIONS, readDistillate, type DistillateDoc } from '../core/distillate';
import { groundDistillate, groundingIssues, pointId, type ClaimGrounding, type GroundingReport } from '../core/grounding';
import { toStrictJsonSchema, tightenSchema, type LlmClient } from '../llm';
import type { NumberedSource } from '../sources/types';
import { answerTokens, batchesThatFit, buildPrompt, dataRoom, type Prompt } from './prompt';
import { claimLabel, criticDecodeShape, criticSchema, type ClaimLabel, type CriticAnswer, type Critique, type LabeledClaim } from './schemas';
import { asDomain, verifiedQuotes, type CheckedDigest, type DigestDomain } from './scout';
import { newFence, type Fence } from './untrusted';

/**
 * The critic, claim by claim (DESIGN §2): it reads each numbered claim of the distillate followed
 * by the quotes that claim cites — not the whole distillate and every digest — and labels each
 * supported, partial, unsupported or contradicted, with the quote it judged by and its reasoning
 * before the label. Code then computes the verdict from the labels, turns every label short of
 * supported into an issue, and finds the gaps itself (verified key points no claim rests on).
 */

const CRITIC_SYSTEM =
  'You are the critic. Each numbered claim of a distillate is followed by the quotes it cites from its sources; code ' +
  'has marked each quote verified (found word for word in its source) or not. Judge each claim against its own quotes ' +
  'only, never against your memory: supported (the quotes say it), partial (they say only part of it), unsupported ' +
  '(they do not say it), contradicted (they say otherwise). For each claim write the quote you judged by (copied from ' +
  'its quotes; empty when it has none), your reasoning, then the label. Then list other issues (claims that conflict ' +
  'with each other, weak spots), a one-sentence summary, and your verdict.';

const CRITIC_ANSWER = 2000;
const MAX_ISSUES = 8;

type Cited = NumberedSource & { digest?: CheckedDigest };

/** A claim as the critic reads it: its number, its section and text, and its quotes with code's check of each. */
export interface NumberedClaim {
  id: string;
  grounding: ClaimGrounding;
  block: string;
}

function quoteLine(c: ClaimGrounding['checks'][number]): string {
  const q = c.evidence.quote.replace(/\s+/g, ' ').trim();
  const where = c.point ?? c.evidence.point ?? c.evidence.source;
  const quote = q ? `"${q}"` : '(no quote)';
  return c.ok ? `  - ${where}, verified: ${quote}` : `  - ${where}, NOT verified (${c.reason ?? 'not found'}): ${quote}`;
}

/** The distillate's claims, numbered C1… in section order, each with its quotes (open questions are no claims). */
export function numberedClaims(doc: DistillateDoc, report: GroundingReport): NumberedClaim[] {
  return report.claims.map((g, i) => {
    const item = doc.sections[g.section as keyof DistillateDoc['sections']][g.index]!;
    const heading = DISTILLATE_SECTIONS.find((s) => s.key === g.section)?.heading ?? g.section;
    const text = [item.title, item.text].filter((x) => x && x.trim()).join(' — ').replace(/\s+/g, ' ').trim();
    const quotes = g.checks.length ? g.checks.map(quoteLine) : ['  - (cites no quote)'];
    const id = `C${i + 1}`;
    return { id, grounding: g, block: `${id} (${heading}) ${text || '(empty)'}\n${quotes.join('\n')}` };
  });
}

export function critiqueMessages(domain: DigestDomain | string, claims: NumberedClaim[], fence: Fence): Prompt {
  const { name: domainName, language } = asDomain(domain);
  // The person reads the critique: its words in their language, the quotes as their sources wrote them.
  const lang = language ? ` Write the reasoning, issues and summary in ${language}; keep quotes as they are.` : '';
  const ids = claims.map((c) => c.id);
  const range = ids.length === 0 ? 'no claims' : ids.length === 1 ? ids[0]! : `${ids[0]}–${ids[ids.length - 1]}`;
  return buildPrompt(
    fence,
    CRITIC_SYSTEM,
    `Domain: ${domainName}\n\n${fence.wrap('CLAIMS', claims.map((c) => c.block).join('\n\n'))}`,
    `Label each claim (${range}) of the distillate of "${domainName}" against its quotes: the quote, your reasoning, then the label; then other issues, the summary and your verdict.${lang}`,
  );
}

/** The schema sent for one call: only this batch's claim ids, one label each; only real source ids. */
export function criticDecodeSchema(claimIds: string[], sourceIds: string[]) {
  return tightenSchema(toStrictJsonSchema(criticDecodeShape), {
    claims: { maxItems: Math.max(1, claimIds.length) },
    'claims[].claim': { enum: claimIds },
    issues: { maxItems: MAX_ISSUES },
    'issues[].sources[]': { enum: sourceIds },
  });
}

export interface CodeCheck {
  issues: Critique['issues'];
  grounding: GroundingReport;
  doc: DistillateDoc;
}

/**
 * Evidence problems found by code, not by a model (DESIGN §2): a YAML block that no longer
 * reads after the person's edits, ids that are no source, claims that rest on no verified quote
 * of the source they cite, and gaps — sources whose verified key points no claim rests on. They
 * are written into the critique before the critic runs.
 */
export function codeCheckedIssues(distillateBody: string, known: ReadonlySet<string>, sources: Cited[]): CodeCheck {
  const doc = readDistillate(distillateBody);
  const issues: Critique['issues'] = doc.problems.map((p) => ({ kind: 'weak-spot' as const, claim: 'The YAML distillate block', explanation: p, sources: [] }));
  const grounding = groundDistillate(doc, known, verifiedQuotes(sources));
  issues.push(...groundingIssues(grounding, known));
  // A distillate written before claims cited key points cannot use them: its one issue says re-research.
  if (!grounding.legacy) issues.push(...gapIssues(grounding, sources));
  return { issues, grounding, doc };
}

/** One `gap` issue per source with verified key points that no grounded claim rests on. */
export function gapIssues(report: GroundingReport, sources: Cited[]): Critique['issues'] {
  const used = new Set(report.claims.flatMap((c) => c.checks.filter((k) => k.ok && k.point).map((k) => k.point!)));
  const out: Critique['issues'] = [];
  for (const s of sources) {
    if (!s.digest || s.error) continue;
    const unused = s.digest.keyPoints
      .map((k, i) => ({ k, id: pointId(s.id, i + 1) }))
      .filter(({ k, id }) => k.verified && k.quote.trim() && !used.has(id));
    if (unused.length === 0) continue;
    const named = unused.slice(0, 4).map(({ k, id }) => `${id}${k.kind ? ` (${k.kind})` : ''} ${k.point.replace(/\s+/g, ' ').trim().slice(0, 120)}`);
    const more = unused.length > 4 ? `; and ${unused.length - 4} more` : '';
    out.push({ kind: 'gap', claim: `${s.id}: ${unused.length} verified point${unused.length === 1 ? '' : 's'} no claim uses`, explanation: `${named.join('; ')}${more}`, sources: [s.id] });
  }
  return out;
}

const VERDICTS: Critique['verdict'][] = ['pass', 'revise', 'fail'];
const worse = (a: Critique['verdict'], b: Critique['verdict']) => (VERDICTS.indexOf(b) > VERDICTS.indexOf(a) ? b : a);

/**
 * The verdict from the labels and the issues, never from the model's own word: a contradicted
 * claim fails; a claim short of supported, a claim left unlabelled, or any open issue means revise.
 */
export function verdictOf(labels: (ClaimLabel | null)[], issueCount: number): Critique['verdict'] {
  if (labels.includes('contradicted')) return 'fail';
  if (issueCount > 0 || labels.some((l) => l !== 'supported')) return 'revise';
  return 'pass';
}

const LABEL_ISSUE = { partial: 'weak-spot', unsupported: 'unsupported', contradicted: 'conflict' } as const;

/** The issues a claim's label raises; an ungrounded claim code already named is not named twice as unsupported. */
function labelIssue(c: NumberedClaim, l: LabeledClaim): Critique['issues'][number] | null {
  if (l.label === 'supported' || l.label === null) return null;
  if (l.label === 'unsupported' && !c.grounding.grounded) return null;
  const quote = l.quote.trim() ? ` (judged by: “${l.quote.replace(/\s+/g, ' ').trim().slice(0, 300)}”)` : '';
  return { kind: LABEL_ISSUE[l.label], claim: c.grounding.label, explanation: `${l.label[0]!.toUpperCase()}${l.label.slice(1)} (${c.id}): ${l.reasoning.trim() || 'no reason given'}${quote}`, sources: c.grounding.cited.filter((id) => /^S\d+$/.test(id)) };
}

/** The labels a batch's answer gave, one per claim it was asked about (the first when repeated). */
function labelsOf(batch: NumberedClaim[], answer: CriticAnswer): Map<string, LabeledClaim> {
  const asked = new Set(batch.map((c) => c.id));
  const out = new Map<string, LabeledClaim>();
  for (const a of answer.claims ?? []) {
    const id = a.claim.trim().toUpperCase();
    if (!asked.has(id) || out.has(id)) continue;
    out.set(id, { claim: id, quote: a.quote ?? '', reasoning: a.reasoning ?? '', label: claimLabel(a.label) });
  }
  return out;
}

/**
 * The critic reads the numbered claims with their quotes, in batches when they do not all fit
 * its window. Code's issues (`code`) come first in the critique; the labels add theirs.
 */
export async function critique(llm: LlmClient, domain: DigestDomain | string, code: CodeCheck, ids: string[], signal?: AbortSignal) {
  const claims = numberedClaims(code.doc, code.grounding);
  const answer = answerTokens(llm, 'critic', CRITIC_ANSWER, 0.35);
  const room = dataRoom(llm, 'critic', answer, critiqueMessages(domain, [], newFence()).messages);
  const byBlock = new Map(claims.map((c) => [c.block, c]));
  const batches = claims.length === 0 ? [] : batchesThatFit(claims.map((c) => c.block), Math.max(room, 1)).map((b) => b.map((block) => byBlock.get(block)!));
  const results = await Promise.all(
    batches.map((batch) => {
      const fence = newFence();
      const schema = criticDecodeSchema(batch.map((c) => c.id), ids);
      return llm.structured<CriticAnswer>({ role: 'critic', schema: criticSchema, schemaName: 'critique', ...critiqueMessages(domain, batch, fence), decodeSchema: schema, maxTokens: answer, signal });
    }),
  );
  const labelled = new Map<string, LabeledClaim>();
  results.forEach((r, i) => {
    for (const [id, l] of labelsOf(batches[i]!, r.data)) labelled.set(id, l);
  });
  const labels: LabeledClaim[] = claims.map((c) => labelled.get(c.id) ?? { claim: c.id, quote: '', reasoning: '', label: null });
  const issues: Critique['issues'] = [...code.issues];
  claims.forEach((c, i) => {
    const issue = labelIssue(c, labels[i]!);
    if (issue) issues.push(issue);
  });
  const unchecked = labels.filter((l) => l.label === null).map((l) => l.claim);
  if (unchecked.length > 0) {
    issues.push({ kind: 'weak-spot', claim: `${unchecked.length} claim${unchecked.length === 1 ? '' : 's'} the critic did not label`, explanation: `${unchecked.join(', ')}: check them against their quotes, or run the critique again`, sources: [] });
  }
  issues.push(...results.flatMap((r) => r.data.issues ?? []).slice(0, MAX_ISSUES * Math.max(1, results.length)));
  const verdict = verdictOf(labels.map((l) => l.label), issues.length);
  const said = results.reduce<Critique['verdict'] | null>((w, r) => (r.data.verdict ? (w === null ? r.data.verdict : worse(w, r.data.verdict)) : w), null);
  const summaries = results.map((r) => (r.data.summary ?? '').trim()).filter(Boolean);
  if (said && said !== verdict) summaries.push(`(The critic itself said ${said}; the verdict follows from its labels and the issues.)`);
  const data: Critique = { summary: summaries.join(' '), claims: labels, issues, verdict };
  const tokens = results.reduce((n, r) => n + r.usage.promptTokens + r.usage.completionTokens, 0);
  return { critique: data, tokens, model: results[0]?.model ?? llm.modelFor('critic') };
}
