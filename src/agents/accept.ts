import { sha256Hex } from '../core/fingerprint';
import { isInside, normalizeVaultPath } from '../core/layout';
import { analyzeNote } from '../core/note-record';
import { parseNote } from '../core/frontmatter';
import type { Journal, JournalEntry } from '../journal';
import { ChangedSinceRead } from '../journal';
import { AgentError, type AgentContext } from './context';
import { checkTarget, checkUnmapped, textAfter } from './gate';
import { findProposal, optionContentHash, parseOptions, pruneProposalRecords, readProposalRecord, setStatus } from './proposals';
import { OutcomeLog } from '../journal';
import { nowIso } from './context';

/**
 * Accepting a proposal: the person's decision. It applies exactly the text now in the chosen
 * option (their edits included), only if the target is still what the agent read, and only
 * inside the proposal's domain; the change is journaled like any other.
 */

export interface AcceptPlan {
  proposalPath: string;
  option: number;
  target: string;
  before: string | null;
  after: string;
  domain: string;
  task: string;
  /** The person changed the option's text before accepting it. */
  edited: boolean;
  /** The heading of the section the option adds or replaces; null for other kinds. */
  heading: string | null;
}

/** What the person changed besides the option's text (which they edit in the note itself). */
export interface AcceptEdits {
  /** A new heading for a section the option adds or replaces. */
  heading?: string;
}

/** A heading is one line of plain text: no line breaks, no leading #s. */
export function cleanHeading(heading: string): string {
  return heading.replace(/[\r\n]+/g, ' ').replace(/^#+\s*/, '').trim();
}

export async function planAccept(ctx: AgentContext, idOrPath: string, option?: number, edits: AcceptEdits = {}): Promise<AcceptPlan> {
  const proposalPath = await findProposal(ctx.vault, ctx.outputFolder, idOrPath);
  const text = await ctx.vault.read(proposalPath);
  const fm = parseNote(text).frontmatter;
  const status = typeof fm?.status === 'string' ? fm.status : 'pending';
  if (status !== 'pending') throw new AgentError(`${proposalPath} is ${status}, not pending`);
  const record = await readProposalRecord(ctx.data, proposalPath);
  if (!record) throw new AgentError(`${proposalPath} has no record in the plugin's data (it was not written by this vault's Groundwork); re-run the task`);
  const options = parseOptions(text);
  if (options.length === 0) throw new AgentError(`${proposalPath} has no option block left to apply`);
  const n = option ?? (options.length === 1 ? options[0]!.n : undefined);
  if (n === undefined) throw new AgentError(`${proposalPath} has ${options.length} options: choose one with --option N`);
  const chosen = options.find((o) => o.n === n);
  const spec = record.options[n - 1];
  if (!chosen || !spec) throw new AgentError(`${proposalPath} has no option ${n} (it has ${options.map((o) => o.n).join(', ')})`);

  const target = normalizeVaultPath(spec.target, ctx.vault.configDir);
  if (spec.kind === 'create-note' || (spec.kind === 'replace-note' && isInside(target, ctx.outputFolder))) {
    // Created notes live in the output folder only; a replaced one there is a generated note's new version.
    if (!isInside(target, ctx.outputFolder)) throw new AgentError(`Refused: ${target} is outside ${ctx.outputFolder}/`);
  } else if (record.domain === '') {
    checkUnmapped(ctx, target);
  } else {
    checkTarget(ctx, record.domain, target);
  }
  const exists = await ctx.vault.stat(target);
  const before = exists ? await ctx.vault.read(target) : null;
  const expectedHash = record.baseHashes[spec.target] ?? null;
  if (spec.kind === 'create-note') {
    if (before !== null) throw new AgentError(`${target} exists already; the proposal would create it`);
  } else if (before === null) {
    throw new AgentError(`${target} is gone since the proposal was made`);
  } else if (expectedHash !== null && sha256Hex(before) !== expectedHash) {
    throw new AgentError(`${target} changed since the proposal was made; the proposal stays pending — re-run the task to get one that fits the note as it is now`);
  }
  const sectioned = spec.kind === 'append-section' || spec.kind === 'replace-section';
  const heading = sectioned && edits.heading !== undefined && cleanHeading(edits.heading) ? cleanHeading(edits.heading) : spec.heading;
  const after = textAfter(spec.kind, before, heading, chosen.content, record.domain);
  const proposed = record.contentHashes?.[n - 1];
  const edited = proposed !== undefined && (proposed !== optionContentHash(chosen.content) || (sectioned && heading !== spec.heading));
  return { proposalPath, option: n, target, before, after, domain: record.domain, task: record.task, edited, heading: sectioned ? (heading ?? null) : null };
}

export async function acceptProposal(ctx: AgentContext, journal: Journal, idOrPath: string, option?: number, edits: AcceptEdits = {}): Promise<{ plan: AcceptPlan; entry: JournalEntry }> {
  const plan = await planAccept(ctx, idOrPath, option, edits);
  let entry: JournalEntry;
  try {
    entry = await journal.apply({ path: plan.target, expectedBefore: plan.before, after: plan.after, domain: plan.domain, task: plan.task, by: 'accept', proposal: plan.proposalPath });
  } catch (err) {
    if (err instanceof ChangedSinceRead) throw new AgentError(`${plan.target} changed while accepting; nothing was applied and the proposal stays pending`);
    throw err;
  }
  await setStatus(ctx.vault, plan.proposalPath, 'accepted');
  await new OutcomeLog(ctx.data).record({ domain: plan.domain, time: nowIso(ctx), kind: plan.edited ? 'accepted-edited' : 'accepted', proposal: plan.proposalPath });
  ctx.model.set(analyzeNote(plan.target, plan.after));
  await pruneProposalRecords(ctx.vault, ctx.data, ctx.now?.() ?? new Date());
  return { plan, entry };
}

export async function rejectProposal(ctx: AgentContext, idOrPath: string): Promise<string> {
  const proposalPath = await findProposal(ctx.vault, ctx.outputFolder, idOrPath);
  const fm = parseNote(await ctx.vault.read(proposalPath)).frontmatter;
  const status = typeof fm?.status === 'string' ? fm.status : 'pending';
  if (status !== 'pending') throw new AgentError(`${proposalPath} is ${status}, not pending`);
  // Read before the status changes: once rejected, retention may remove the record.
  const record = await readProposalRecord(ctx.data, proposalPath);
  await setStatus(ctx.vault, proposalPath, 'rejected');
  if (record) await new OutcomeLog(ctx.data).record({ domain: record.domain, time: nowIso(ctx), kind: 'rejected', proposal: proposalPath });
  await pruneProposalRecords(ctx.vault, ctx.data, ctx.now?.() ?? new Date());
  return proposalPath;
}
