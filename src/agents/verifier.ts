import * as z from 'zod/mini';
import { headingKey, reviewDiff, sectionsOf, urlsIn, type ReviewedDiff } from '../core/change-review';
import { estimateMessagesTokens } from '../core/tokens';
import type { LlmClient } from '../llm';
import { answerTokens, buildPrompt, type Prompt } from './prompt';
import { newFence, type Fence } from './untrusted';

/**
 * The verifier of an automatic change: the last thing between a model's edit and a person's note
 * in automate mode, so it is built to say no. Code checks come first (new URLs, text removed from
 * sections the task did not name, a heading that does not exist) and a failing one ends the
 * review. Then a model, possibly a stronger one than the actor's, answers named questions about
 * the diff, each with its evidence before its answer; the change passes only if every answer is
 * the passing one, and "unsure" is not.
 */

export interface ChangeUnderReview {
  task: string;
  notePath: string;
  kind: string;
  /** The section the change targets (replace-section), if any. */
  heading?: string;
  /** The note's full text before ('' for a new note) and after. */
  before: string;
  after: string;
  distillate: string | null;
}

export const MODEL_CHECKS = {
  does_the_task: { question: 'Does the change do what the task asks?', pass: 'yes' },
  removes_unrequested_text: { question: 'Does it remove text (removed lines, marked "-") that the task did not ask to remove?', pass: 'no' },
  adds_unsupported_claim: { question: 'Does it add a claim that neither the note nor the distillate supports?', pass: 'no' },
  contradicts_distillate: { question: 'Does it contradict the distillate?', pass: 'no' },
  adds_link_or_url: { question: 'Does it add a link or URL the task did not ask for?', pass: 'no' },
} as const;
export type ModelCheck = keyof typeof MODEL_CHECKS;

export type CheckOutcome = 'pass' | 'fail' | 'unsure';
export interface CheckResult {
  check: string;
  by: 'code' | 'model';
  evidence: string;
  result: CheckOutcome;
}

export interface Verification {
  pass: boolean;
  checks: CheckResult[];
  /** Why it failed, one line per failed or unsure check; empty when it passed. */
  reasons: string[];
  tokens: number;
}

const answer = z.object({ evidence: z.string(), answer: z.enum(['yes', 'no', 'unsure']) });
/** One field per check, evidence before the answer, in a fixed order a small model can follow. */
export const verificationSchema = z.object(Object.fromEntries(Object.keys(MODEL_CHECKS).map((k) => [k, answer])) as Record<ModelCheck, typeof answer>);
export type VerificationAnswer = z.infer<typeof verificationSchema>;

/** Removing more than this share of a note's lines is never automatic. */
const MAX_REMOVED_SHARE = 0.5;

export function codeChecks(c: ChangeUnderReview, diff: ReviewedDiff = reviewDiff(c.before, c.after)): CheckResult[] {
  const checks: CheckResult[] = [];
  const task = c.task.toLowerCase();

  const oldUrls = new Set(urlsIn(c.before));
  const newUrls = urlsIn(diff.added.join('\n')).filter((u) => !oldUrls.has(u) && !task.includes(u.toLowerCase()));
  checks.push(
    newUrls.length > 0
      ? { check: 'new URLs', by: 'code', evidence: `adds ${newUrls.join(', ')}, which neither the note nor the task contains`, result: 'fail' }
      : { check: 'new URLs', by: 'code', evidence: 'adds no URL that is not already in the note or the task', result: 'pass' },
  );

  const sections = sectionsOf(c.before);
  if (c.heading !== undefined && c.kind === 'replace-section') {
    const exists = sections.some((s) => s.heading && headingKey(s.heading) === headingKey(c.heading!));
    checks.push({ check: 'heading exists', by: 'code', evidence: exists ? `the note has a section "${c.heading}"` : `the note has no section "${c.heading}"`, result: exists ? 'pass' : 'fail' });
  }

  // Removed lines count against the section they stood in; the targeted section may change.
  const target = c.kind === 'replace-section' && c.heading ? headingKey(c.heading) : null;
  const removedBySection = new Map<string, number>();
  for (const r of diff.removed) if (r.text.trim() !== '') removedBySection.set(headingKey(r.section), (removedBySection.get(headingKey(r.section)) ?? 0) + 1);
  const unasked: string[] = [];
  for (const [key, n] of removedBySection) {
    if (key === target) continue;
    const s = sections.find((x) => headingKey(x.heading) === key);
    const name = s?.heading || '(the start of the note)';
    // A task that names the section may mean to change it; the model judges that case.
    if (s?.heading && task.includes(key)) continue;
    unasked.push(`${n} of ${Math.max(n, s?.lines ?? n)} lines of "${name}"`);
  }
  checks.push(
    unasked.length > 0
      ? { check: 'sections kept', by: 'code', evidence: `removes ${unasked.join(', ')}, which the task does not name`, result: 'fail' }
      : { check: 'sections kept', by: 'code', evidence: 'removes nothing outside the section it targets', result: 'pass' },
  );

  const total = sections.reduce((n, s) => n + s.lines, 0);
  const removed = diff.removed.filter((r) => r.text.trim() !== '').length;
  const added = diff.added.filter((t) => t.trim() !== '').length;
  // Rewriting a section replaces its lines; deleting most of a note without replacing them is not automatic.
  if (total > 0 && removed / total > MAX_REMOVED_SHARE && added < removed / 2) {
    checks.push({ check: 'share removed', by: 'code', evidence: `removes ${removed} of the note's ${total} lines`, result: 'fail' });
  }
  return checks;
}

const VERIFIER_SYSTEM =
  'You verify an automatic change to a person\'s note before it is applied without them. You get the task, the diff ' +
  '(lines starting with "-" are removed, "+" added) and the domain\'s signed-off distillate. Answer each question with ' +
  'the evidence first (quote the diff or the distillate), then yes, no or unsure. Be strict: when in doubt, answer unsure.';

function checkList(hasDistillate: boolean): string {
  return Object.entries(MODEL_CHECKS)
    .filter(([k]) => hasDistillate || k !== 'contradicts_distillate')
    .map(([k, v]) => `${k}: ${v.question}`)
    .join('\n');
}

export function verifierMessages(c: ChangeUnderReview, diff: ReviewedDiff, fence: Fence = newFence()): Prompt {
  const data =
    `Task: ${c.task}\nNote: ${c.notePath}\nChange: ${c.kind}${c.heading ? ` of the section "${c.heading}"` : ''}\n\n` +
    `${fence.wrap('DIFF', diff.text || '(no line changes)')}` +
    (c.distillate ? `\n\n${fence.wrap('DISTILLATE', c.distillate)}` : '');
  const task = `Verify the change against the task "${c.task}". Answer every question, evidence first:\n${checkList(c.distillate !== null)}`;
  return buildPrompt(fence, VERIFIER_SYSTEM, data, task);
}

/** The verdict from the answers, by code: a passing answer on every check, nothing else passes. */
export function judgeAnswers(a: VerificationAnswer, hasDistillate: boolean): CheckResult[] {
  return (Object.keys(MODEL_CHECKS) as ModelCheck[]).map((k) => {
    if (k === 'contradicts_distillate' && !hasDistillate) return { check: k, by: 'model', evidence: 'no distillate to contradict', result: 'pass' };
    const got = a[k];
    const result: CheckOutcome = got.answer === 'unsure' ? 'unsure' : got.answer === MODEL_CHECKS[k].pass ? 'pass' : 'fail';
    return { check: k, by: 'model', evidence: got.evidence.trim(), result };
  });
}

function reasonsOf(checks: CheckResult[]): string[] {
  return checks.filter((c) => c.result !== 'pass').map((c) => `${c.check} (${c.result === 'unsure' ? 'unsure, which fails' : 'failed'}): ${c.evidence || 'no evidence given'}`);
}

const VERIFIER_ANSWER = 1200;

export async function verifyChange(llm: LlmClient, c: ChangeUnderReview, signal?: AbortSignal): Promise<Verification> {
  const diff = reviewDiff(c.before, c.after);
  const code = codeChecks(c, diff);
  if (code.some((x) => x.result !== 'pass')) return { pass: false, checks: code, reasons: reasonsOf(code), tokens: 0 };

  const maxTokens = answerTokens(llm, 'verifier', VERIFIER_ANSWER, 0.3);
  const prompt = verifierMessages(c, diff);
  if (estimateMessagesTokens(prompt.messages) > llm.promptRoom('verifier', maxTokens)) {
    // A change the verifier cannot read whole is not one it can pass.
    const check: CheckResult = { check: 'fits the verifier', by: 'code', evidence: `the diff and the distillate do not fit the verifier's ${llm.contextWindow('verifier')}-token window`, result: 'unsure' };
    return { pass: false, checks: [...code, check], reasons: reasonsOf([check]), tokens: 0 };
  }
  const r = await llm.structured({ role: 'verifier', schema: verificationSchema, schemaName: 'verification', ...prompt, maxTokens, signal });
  const checks = [...code, ...judgeAnswers(r.data, c.distillate !== null)];
  const reasons = reasonsOf(checks);
  return { pass: reasons.length === 0, checks, reasons, tokens: r.usage.promptTokens + r.usage.completionTokens };
}
