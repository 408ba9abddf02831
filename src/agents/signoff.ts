import { readDistillate } from '../core/distillate';
import { bodyFingerprint } from '../core/fingerprint';
import { parseNote } from '../core/frontmatter';
import { GENERATED_KINDS, type GeneratedKind } from '../core/layout';
import { analyzeNote } from '../core/note-record';
import { patchFrontmatter } from '../core/patch';
import { afterSignOffText, signOffBlockerItems, type Blocker } from '../core/signoff';
import { AgentError, nowIso, type AgentContext } from './context';
import { domainName, findDomainNote, readOwnGenerated } from './domain-note';
import { OutcomeLog } from '../journal';

/**
 * Signing a domain off: the person's command, the one place besides adoption where trust keys
 * are written. It shows what the person is signing (summary, verdict, open issues) and refuses
 * while anything blocks it.
 */

export interface SignOffReport {
  domain: string;
  domainPath: string;
  summary: string | null;
  verdict: string | null;
  openIssues: string[];
  blockers: string[];
  /** The same blockers with the note or step that clears each (the dialog links them). */
  blockerItems: Blocker[];
  /** What agents may do in the domain once it is signed off, in one sentence. */
  after: string;
  /** The critique's verdict was not "pass", but the person ticked or deleted every issue it raised. */
  issuesResolved: boolean;
  /** The fingerprint that would be recorded for the current distillate. */
  fingerprint: string | null;
  /** Exactly what signing would write on the domain note, each key with its value now and after. */
  writes: SignOffWrite[];
}

export interface SignOffWrite {
  key: 'confidence' | 'signed-off' | 'signed-off-distillate';
  from: string | null;
  to: string;
}

/** The critic's verdict as the person should read it now: "revise" alone would contradict an empty list of open issues. */
export function verdictText(r: Pick<SignOffReport, 'verdict' | 'issuesResolved'>): string {
  if (r.verdict === null) return 'no critique yet';
  return r.issuesResolved ? `${r.verdict}, and every issue it raised is now ticked or deleted` : r.verdict;
}

/** `confidence: low → high`, `signed-off: (unset) → 2026-01-02`. */
export function formatWrite(w: SignOffWrite): string {
  return `${w.key}: ${w.from ?? '(unset)'} → ${w.to}`;
}

function scalar(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

export async function signOffReport(ctx: AgentContext, domainArg: string): Promise<SignOffReport> {
  const rec = findDomainNote(ctx, domainArg);
  if (rec.role !== 'domain') throw new AgentError(`${rec.path} is not a domain (no "groundwork: domain")`);
  const name = domainName(rec);
  const texts = { sources: null, distillate: null, critique: null, skeleton: null } as Record<GeneratedKind, string | null>;
  // Decide on the notes as they are on disk now, not as last indexed; a distillate (or any other
  // of them) that another domain made is refused, never signed off for this one.
  for (const k of GENERATED_KINDS) texts[k] = (await readOwnGenerated(ctx, rec.path, k))?.text ?? null;
  const a = ctx.model.artifacts(rec.path);
  const distBody = texts.distillate !== null ? parseNote(texts.distillate).body : null;
  const critique = texts.critique !== null ? parseNote(texts.critique) : null;
  const fingerprint = distBody !== null ? bodyFingerprint(distBody) : null;
  const fm = parseNote(await ctx.vault.read(rec.path)).frontmatter ?? {};
  const writes: SignOffWrite[] = [
    { key: 'confidence', from: scalar(fm.confidence), to: 'high' },
    { key: 'signed-off', from: scalar(fm['signed-off']), to: nowIso(ctx).slice(0, 10) },
    ...(fingerprint !== null ? [{ key: 'signed-off-distillate' as const, from: scalar(fm['signed-off-distillate']), to: fingerprint }] : []),
  ];
  const blockerItems = signOffBlockerItems(a);
  const openIssues = critique ? [...critique.body.matchAll(/^\s*[-*+]\s+\[ \]\s+(.+)$/gm)].map((m) => m[1]!.trim()) : [];
  const verdict = typeof critique?.frontmatter?.verdict === 'string' ? critique.frontmatter.verdict : null;
  return {
    domain: name,
    domainPath: rec.path,
    // The summary of the YAML the person edits (the readable section of an old two-copy note).
    summary: distBody !== null ? readDistillate(distBody).summary?.trim() || null : null,
    verdict,
    openIssues,
    blockers: blockerItems.map((b) => b.text),
    blockerItems,
    after: afterSignOffText(fm, nowIso(ctx).slice(0, 10), fingerprint),
    issuesResolved: verdict !== null && verdict.toLowerCase() !== 'pass' && openIssues.length === 0,
    fingerprint,
    writes,
  };
}

/** Writes `signed-off`, `signed-off-distillate` and `confidence: high`; refuses while blocked. */
export async function signOff(ctx: AgentContext, domainArg: string): Promise<SignOffReport & { date: string }> {
  const report = await signOffReport(ctx, domainArg);
  if (report.blockers.length > 0) throw new AgentError(`${report.domain} cannot be signed off yet:\n${report.blockers.map((b) => `  - ${b}`).join('\n')}`);
  const time = nowIso(ctx);
  const date = time.slice(0, 10);
  const text = await ctx.vault.process(report.domainPath, (t) =>
    patchFrontmatter(t, { 'signed-off': date, 'signed-off-distillate': report.fingerprint, confidence: 'high' }),
  );
  ctx.model.set(analyzeNote(report.domainPath, text));
  // Probation and evidence count from this exact moment: a new sign-off clears a probation.
  await new OutcomeLog(ctx.data).recordSignOff(report.domainPath, time);
  return { ...report, date };
}
