import { distillateForAgents } from '../core/distillate';
import { applyBodyEdit, EditError, frontmatterBytes, type BodyEdit } from '../core/edit';
import { sha256Hex } from '../core/fingerprint';
import { parseNote } from '../core/frontmatter';
import { basename, domainFolder, GENERATED_KINDS, isInside, normalizeVaultPath, parentFolder, safeName, PathError } from '../core/layout';
import { ruleText } from '../core/membership';
import { linkTarget } from '../core/links';
import { analyzeNote } from '../core/note-record';
import type { Mode } from '../core/trust';
import type { Journal, JournalEntry } from '../journal';
import { ChangedSinceRead } from '../journal';
import { checkCancelled, nowIso, AgentError, type AgentContext } from './context';
import { domainName, findDomainNote, readOwnGenerated } from './domain-note';
import { propose, type ActorOption } from './actor';
import { verifyChange } from './verifier';
import { noteText, wikilink } from './note-text';
import { writeProposal, type ProposalOptionSpec } from './proposals';
import { safeMarkdown } from './untrusted';
import { capText } from '../sources/types';
import { refreshEvidence } from './evidence';
import { modeOf } from './domain-mode';

export { modeOf };

/**
 * The Gate (DESIGN §1, §3): between the action agent and the vault. It reads the person's trust
 * live, decides by mode, and enforces write scope in code: a task in domain D touches only D's
 * notes, never their frontmatter, and creates notes only in D's folder under the output folder.
 */

export interface TaskRequest {
  domain: string;
  /** The note to act on; the domain note itself when absent. */
  note?: string;
  task: string;
}

export interface TaskOutcome {
  domain: string;
  mode: Mode;
  outcome: 'proposal' | 'applied';
  proposalPath?: string;
  entry?: JournalEntry;
  /** Why an automate run became a proposal (critic's reasons, a changed note). */
  reasons: string[];
  /** What the person should know about how the agents read the note (it was cut, for one). */
  notes: string[];
}

/**
 * How much of a note (and of the distillate) the actor and its critic read, as research caps
 * its sources: a 50 MB note would otherwise go to the model whole, for each of them.
 */
export const MAX_TASK_NOTE_CHARS = 60_000;
export const MAX_TASK_DISTILLATE_CHARS = 30_000;

function capForModel(label: string, text: string, max: number, notes: string[]): string {
  if (text.length <= max) return text;
  notes.push(`${label} has ${text.length.toLocaleString('en-US')} characters; the agents read its first ${max.toLocaleString('en-US')}`);
  return capText(text, max);
}

/**
 * Re-reads the domain note, its generated notes and its evidence (probation) so the decision uses
 * the frontmatter and the outcomes as they are now.
 */
export async function refreshDomain(ctx: AgentContext, domainPath: string, journal?: Journal): Promise<void> {
  const paths = [domainPath, ...GENERATED_KINDS.map((k) => ctx.model.generatedPath(domainPath, k))];
  for (const p of paths) {
    const st = await ctx.vault.stat(p);
    if (st) ctx.model.set(analyzeNote(p, await ctx.vault.read(p)));
    else ctx.model.delete(p);
  }
  await refreshEvidence({ vault: ctx.vault, data: ctx.data, model: ctx.model, outputFolder: ctx.outputFolder, now: ctx.now }, [domainPath], journal);
}

/** The note a task may change, refused unless it belongs to the task's domain. */
export function checkTarget(ctx: AgentContext, domainPath: string, notePath: string): string {
  const clean = normalizeVaultPath(notePath, ctx.vault.configDir);
  const rec = ctx.model.get(clean) ?? ctx.model.findDomain(notePath);
  if (!rec) throw new AgentError(`No note "${notePath}" in the vault`);
  if (isInside(rec.path, ctx.outputFolder)) throw new AgentError(`${rec.path} is a generated note: re-run its step instead of a task`);
  if (rec.path === domainPath) return rec.path;
  const owners = ctx.model.domainsOf(rec);
  if (!owners.includes(domainPath)) {
    const name = domainName(ctx.model.get(domainPath)!);
    const folder = parentFolder(rec.path);
    // A note of no domain is one property or one rule away from this one: say which.
    const rule = folder ? ` or put include: ["${ruleText({ kind: 'folder', folder })}"] on ${name}` : '';
    const bringIn = `give it domain: "[[${basename(domainPath)}]]"${rule}`;
    const where = owners.length ? `it belongs to ${owners.map((o) => domainName(ctx.model.get(o)!)).join(', ')}` : `it belongs to no domain; to bring it in, ${bringIn}`;
    throw new AgentError(`Refused: a task in ${name} may only change that domain's notes, and ${rec.path} is not one (${where})`);
  }
  return rec.path;
}

/** A note of no domain (unmapped ground), which only a person's accepted proposal may change. */
export function checkUnmapped(ctx: AgentContext, notePath: string): string {
  const clean = normalizeVaultPath(notePath, ctx.vault.configDir);
  const rec = ctx.model.get(clean);
  if (!rec) throw new AgentError(`No note "${notePath}" in the vault`);
  if (isInside(rec.path, ctx.outputFolder)) throw new AgentError(`${rec.path} is a generated note: re-run its step instead`);
  const owners = rec.role === 'domain' ? [rec.path] : ctx.model.domainsOf(rec);
  if (owners.length > 0) {
    throw new AgentError(`${rec.path} belongs to ${owners.map((o) => domainName(ctx.model.get(o)!)).join(', ')} since the proposal was made; ask for the change again so that domain's mode decides`);
  }
  return rec.path;
}

/** Whether a link target the model wrote leads to a note of the vault, outside the config folder. */
function inVault(ctx: AgentContext, target: string, from: string): boolean {
  const hit = ctx.model.resolve(target, from);
  return hit !== null && !hit.startsWith('.') && !hit.startsWith(`${ctx.vault.configDir}/`);
}

/** Wikilinks in model-written markdown stay only when they lead to a vault note; others become inert text. */
function vaultLinksOnly(ctx: AgentContext, from: string, md: string): string {
  return md
    .split(/(^(?:```|~~~)[^\n]*\n[\s\S]*?^(?:```|~~~)[ \t]*$)/m)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(/\[\[([^\]\n]+?)\]\]/g, (m, inner: string) => (linkTarget(inner) === '' || inVault(ctx, linkTarget(inner), from) ? m : `[\u200b[${inner}]\u200b]`)),
    )
    .join('');
}

/** Agent-written markdown as note content: no raw HTML, no frontmatter fence, links only to vault notes. */
export function cleanDraft(ctx: AgentContext, target: string, md: string): string {
  return vaultLinksOnly(ctx, target, safeMarkdown(md));
}

/** Turns one actor option into a concrete, scope-checked change; null (with a reason) when it cannot apply. */
function concreteOption(ctx: AgentContext, domainPath: string, target: string, baseText: string, o: ActorOption): { spec: ProposalOptionSpec; after: string | null } | { error: string } {
  const content = cleanDraft(ctx, target, o.content);
  // A heading is model text too: no raw HTML, no link schemes, no frontmatter fence.
  const heading = safeMarkdown(o.heading.replace(/^#+\s*/, '').replace(/[\r\n]+/g, ' ')).trim();
  try {
    switch (o.kind) {
      case 'create-note': {
        const name = safeName(o.noteName || o.title);
        // Only the name comes from the model; the folder is fixed by code.
        const path = normalizeVaultPath(`${domainFolder(ctx.outputFolder, ctx.model.folderOf(domainPath))}/${name}.md`, ctx.vault.configDir);
        if (ctx.model.get(path)) return { error: `a note ${path} already exists` };
        const text = noteText({ domain: wikilink(domainPath), confidence: 'low' }, content);
        return { spec: { title: o.title, rationale: o.rationale, kind: 'create-note', target: path, content }, after: text };
      }
      case 'add-links': {
        // Links only to notes that exist in the vault: never a path out of it, into the config folder, or a scheme.
        const links = o.links.map((l) => l.replace(/[[\]|#^\r\n]/g, '').trim()).filter((l) => l && inVault(ctx, l, target));
        if (links.length === 0) return { error: 'none of its links leads to a note in the vault' };
        const edit: BodyEdit = { kind: 'add-links', links };
        const after = applyBodyEdit(baseText, edit);
        return { spec: { title: o.title, rationale: o.rationale, kind: 'add-links', target, content: links.map((l) => `- [[${l}]]`).join('\n') }, after };
      }
      case 'replace-section':
      case 'append-section': {
        const after = applyBodyEdit(baseText, { kind: o.kind, heading, content });
        return { spec: { title: o.title, rationale: o.rationale, kind: o.kind, target, heading, content }, after };
      }
    }
  } catch (err) {
    if (err instanceof EditError || err instanceof PathError) return { error: err.message };
    throw err;
  }
}

/** The new full text for an option, from the text now in the proposal note (the person's edits included). */
export function textAfter(kind: ProposalOptionSpec['kind'], current: string | null, heading: string | undefined, content: string, domainPath: string): string {
  switch (kind) {
    case 'create-note':
      return noteText({ domain: wikilink(domainPath), confidence: 'low' }, content);
    case 'replace-note':
      return content.endsWith('\n') ? content : `${content}\n`;
    case 'add-links':
      return applyBodyEdit(current ?? '', { kind: 'add-links', links: [...content.matchAll(/\[\[([^\]|#]+)/g)].map((m) => m[1]!) });
    case 'replace-section':
    case 'append-section':
      return applyBodyEdit(current ?? '', { kind, heading: heading ?? '', content });
  }
}

export async function runTask(ctx: AgentContext, journal: Journal, req: TaskRequest): Promise<TaskOutcome> {
  if (!req.task.trim()) throw new AgentError('The task is empty: say what the agent should do');
  const domainRec = findDomainNote(ctx, req.domain);
  if (domainRec.role !== 'domain') throw new AgentError(`${domainRec.path} is not a domain (no "groundwork: domain"); research it first to adopt it`);
  const domainPath = domainRec.path;
  await refreshDomain(ctx, domainPath, journal);
  const target = checkTarget(ctx, domainPath, req.note ?? domainPath);
  const mode = modeOf(ctx.model, domainPath);

  const baseText = await ctx.vault.read(target);
  const distPath = ctx.model.generatedPath(domainPath, 'distillate');
  const readNotes: string[] = [];
  const own = await readOwnGenerated(ctx, domainPath, 'distillate');
  const fullDistillate = own ? distillateForAgents(parseNote(own.text).body) : null;
  const distillate = fullDistillate === null ? null : capForModel(distPath, fullDistillate, MAX_TASK_DISTILLATE_CHARS, readNotes);
  const body = capForModel(target, parseNote(baseText).body, MAX_TASK_NOTE_CHARS, readNotes);

  const actor = await propose(ctx.llm, mode, req.task, target, body, distillate, ctx.signal);
  checkCancelled(ctx);
  const concrete = actor.options.map((o) => concreteOption(ctx, domainPath, target, baseText, o));
  const usable = concrete.filter((c): c is { spec: ProposalOptionSpec; after: string | null } => 'spec' in c);
  const problems = concrete.filter((c): c is { error: string } => 'error' in c).map((c) => `An option was dropped: ${c.error}`);
  if (usable.length === 0) throw new AgentError(`The agent's change cannot be applied to ${target}: ${problems.join('; ')}`);
  for (const u of usable) {
    // Belt and braces: whatever the edit, the target's frontmatter bytes (trust keys) are unchanged.
    if (u.spec.kind !== 'create-note' && u.after !== null && frontmatterBytes(u.after) !== frontmatterBytes(baseText)) throw new AgentError('Refused: the change would touch the note’s properties');
  }

  const baseHashes: Record<string, string | null> = {};
  for (const u of usable) baseHashes[u.spec.target] = u.spec.kind === 'create-note' ? null : sha256Hex(baseText);
  const proposal = async (m: Mode, notes: string[]) =>
    writeProposal(ctx.vault, ctx.data, ctx.outputFolder, {
      domain: domainPath,
      mode: m,
      task: req.task,
      options: m === 'propose' ? usable.map((u) => u.spec) : [usable[0]!.spec],
      baseHashes,
      now: nowIso(ctx),
      model: actor.model,
      tokens: actor.tokens,
      notes: [...readNotes, ...problems, ...notes],
    });

  if (mode !== 'automate') {
    checkCancelled(ctx);
    const path = await proposal(mode, []);
    return { domain: domainPath, mode, outcome: 'proposal', proposalPath: path, reasons: [], notes: readNotes };
  }

  const chosen = usable[0]!;
  // The verifier sees the change as a diff of the whole note, and the note it lands in.
  const creates = chosen.spec.kind === 'create-note';
  const v = await verifyChange(
    ctx.llm,
    { task: req.task, notePath: chosen.spec.target, kind: chosen.spec.kind, heading: chosen.spec.heading, before: creates ? '' : baseText, after: chosen.after!, distillate },
    ctx.signal,
  );
  checkCancelled(ctx);
  if (!v.pass) {
    const reasons = v.reasons.length ? v.reasons : ['The verifier did not pass the change'];
    const path = await proposal('assist', reasons.map((r) => `The verifier did not pass this change: ${r}`));
    return { domain: domainPath, mode, outcome: 'proposal', proposalPath: path, reasons, notes: readNotes };
  }
  // The trust may have changed while the model worked: read it again right before applying.
  await refreshDomain(ctx, domainPath, journal);
  if (modeOf(ctx.model, domainPath) !== 'automate') {
    const path = await proposal('assist', ['The domain left automate mode while the agent worked']);
    return { domain: domainPath, mode, outcome: 'proposal', proposalPath: path, reasons: ['The domain left automate mode while the agent worked'], notes: readNotes };
  }
  checkCancelled(ctx);
  try {
    const entry = await journal.apply({
      path: chosen.spec.target,
      expectedBefore: chosen.spec.kind === 'create-note' ? null : baseText,
      after: chosen.after!,
      domain: domainPath,
      task: req.task,
      by: 'agent',
    });
    ctx.model.set(analyzeNote(chosen.spec.target, chosen.after!));
    return { domain: domainPath, mode, outcome: 'applied', entry, reasons: [], notes: readNotes };
  } catch (err) {
    if (!(err instanceof ChangedSinceRead)) throw err;
    const reason = `${chosen.spec.target} changed since the agent read it, so nothing was applied`;
    const path = await proposal('assist', [reason]);
    return { domain: domainPath, mode, outcome: 'proposal', proposalPath: path, reasons: [reason], notes: readNotes };
  }
}
