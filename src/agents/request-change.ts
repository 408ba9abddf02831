import { applyBodyEdit, EditError, frontmatterBytes } from '../core/edit';
import { sha256Hex } from '../core/fingerprint';
import { parseNote, splitFrontmatter } from '../core/frontmatter';
import { domainFolder, GENERATED_KINDS, isInside, normalizeVaultPath, PathError, safeName } from '../core/layout';
import { analyzeNote, type NoteRecord } from '../core/note-record';
import { changedPersonKeys } from '../core/person-keys';
import type { Mode } from '../core/trust';
import type { Journal } from '../journal';
import { ChangedSinceRead } from '../journal';
import { verifyChange } from './verifier';
import { checkCancelled, nowIso, type AgentContext } from './context';
import { domainName, readOwnGenerated } from './domain-note';
import { cleanDraft, modeOf, refreshDomain, textAfter } from './gate';
import { writeProposal, type ProposalOptionSpec } from './proposals';

/**
 * A change asked for by an agent outside Groundwork (through MCP): the same Gate as Groundwork's
 * own actor decides. The domain's mode, read live, says whether it is applied (automate, once
 * the critic passes it), drafted for the person (assist) or offered as options (propose); write
 * scope and the person's keys are enforced here, in code, whatever the agent sends.
 */

export const REQUEST_KINDS = ['replace-note', 'append-section', 'replace-section', 'create-note'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export interface RequestOption {
  title: string;
  kind: RequestKind;
  content: string;
  heading?: string;
}

export interface ChangeRequest {
  path: string;
  task: string;
  options: RequestOption[];
  /** The asking agent's name, recorded on the journal entry or the proposal. */
  author: string;
}

/** DESIGN §5: the answer of `request_change`; a refusal is an answer, not an error. */
export interface ChangeOutcome {
  outcome: 'applied' | 'proposal' | 'refused';
  mode: Mode;
  proposal?: string;
  reason?: string;
}

export const MAX_OPTIONS = 5;

const RANK: Record<Mode, number> = { propose: 0, assist: 1, automate: 2 };

class Refused extends Error {
  constructor(
    message: string,
    readonly mode: Mode = 'propose',
  ) {
    super(message);
  }
}

interface Concrete {
  spec: ProposalOptionSpec;
  after: string;
}

interface Target {
  path: string;
  /** The note's text now; null when the request creates it. */
  before: string | null;
  /** The domain whose mode decides; empty for unmapped ground. */
  domain: string;
  mode: Mode;
  /** Every domain the note belongs to now, for the membership check after the change. */
  owners: string[];
}

function lowest(ctx: AgentContext, owners: string[]): { domain: string; mode: Mode } {
  let best: { domain: string; mode: Mode } | null = null;
  for (const d of owners) {
    const mode = modeOf(ctx.model, d);
    if (best === null || RANK[mode] < RANK[best.mode]) best = { domain: d, mode };
  }
  // A note in no domain is unmapped ground: nothing changes there before the person decides.
  return best ?? { domain: '', mode: 'propose' };
}

function ownersOf(ctx: AgentContext, rec: NoteRecord): string[] {
  return rec.role === 'domain' ? [rec.path] : ctx.model.domainsOf(rec);
}

function domainList(ctx: AgentContext): string {
  const paths = ctx.model.computeMap().domains.map((d) => d.path);
  return paths.length ? paths.map((p) => `${domainFolder(ctx.outputFolder, ctx.model.folderOf(p))}/`).join(', ') : '(no domain yet)';
}

/** The vault path a request names, refused unless it is a note inside the vault, outside the config folder. */
function cleanPath(ctx: AgentContext, raw: string): string {
  let clean: string;
  try {
    clean = normalizeVaultPath(raw, ctx.vault.configDir);
  } catch (err) {
    if (err instanceof PathError) throw new Refused(`${err.message}. Only notes inside the vault, outside its ${ctx.vault.configDir}/ folder, can be changed; give a vault-relative path such as "Notes/My note.md"`);
    throw err;
  }
  if (!clean.toLowerCase().endsWith('.md')) throw new Refused(`Refused: ${clean} is not a note (.md); only notes can be changed`);
  return clean;
}

async function existingTarget(ctx: AgentContext, path: string): Promise<Target> {
  if (isInside(path, ctx.outputFolder)) {
    throw new Refused(`Refused: ${path} is a note Groundwork generated (everything under ${ctx.outputFolder}/); it changes only when the person re-runs its step or accepts a proposal`);
  }
  if (!(await ctx.vault.stat(path))) {
    throw new Refused(`There is no note ${path}. To add a note, use kind "create-note" with a path in a domain's folder: ${domainList(ctx)}`);
  }
  const before = await ctx.vault.read(path);
  const rec = analyzeNote(path, before);
  ctx.model.set(rec);
  if (rec.role !== null && rec.role !== 'domain') throw new Refused(`Refused: ${path} is a generated ${rec.role} note; it changes only through its own step`);
  // Trust is read live: each domain note (and its generated notes) as it is now.
  for (const d of ownersOf(ctx, rec)) await refreshDomain(ctx, d);
  const owners = ownersOf(ctx, rec);
  const { domain, mode } = lowest(ctx, owners);
  return { path, before, domain, mode, owners };
}

async function newNoteTarget(ctx: AgentContext, path: string): Promise<Target> {
  const parts = path.split('/');
  const folder = parts.slice(0, -1).join('/');
  const domain = [...ctx.model.all()].find((r) => r.role === 'domain' && domainFolder(ctx.outputFolder, ctx.model.folderOf(r.path)) === folder);
  if (!domain || parts.length !== ctx.outputFolder.split('/').length + 2) {
    throw new Refused(`Refused: agents create notes only in a domain's folder, ${ctx.outputFolder}/<Domain>/<name>.md (here: ${domainList(ctx)}); ${path} is not in one`);
  }
  if (GENERATED_KINDS.some((k) => ctx.model.generatedPath(domain.path, k) === path) || safeName(parts.at(-1)!.replace(/\.md$/i, '')) !== parts.at(-1)!.replace(/\.md$/i, '')) {
    throw new Refused(`Refused: ${path} is reserved for the domain's own notes or not a safe file name; choose another name`);
  }
  if (await ctx.vault.stat(path)) throw new Refused(`Refused: ${path} exists already; it is a note Groundwork generated, which changes only through its own step`);
  await refreshDomain(ctx, domain.path);
  return { path, before: null, domain: domain.path, mode: modeOf(ctx.model, domain.path), owners: [domain.path] };
}

/** The new text of a whole-note replacement: the note's properties stay exactly as they are. */
function replacedText(before: string, content: string, mode: Mode): string {
  const split = splitFrontmatter(content);
  let body = content;
  if (split?.closed) {
    const changed = changedPersonKeys(before, content);
    if (changed.length > 0) throw new Refused(`Refused: the change would set ${changed.join(', ')}, which only the person writes (trust keys and the note's role never change through an agent)`, mode);
    const given = parseNote(content).frontmatter;
    const current = parseNote(before).frontmatter;
    if (JSON.stringify(given) !== JSON.stringify(current)) {
      throw new Refused("Refused: request_change changes a note's text, not its properties; send the content without the frontmatter block (the note keeps its properties as they are)", mode);
    }
    body = content.slice(split.end);
  }
  const head = frontmatterBytes(before);
  const eol = before.includes('\r\n') ? '\r\n' : '\n';
  const text = body.replace(/\r\n?/g, '\n').replace(/\n*$/, '\n').split('\n').join(eol);
  return head + (head !== '' && !/\n$/.test(head) ? eol : '') + text;
}

function concrete(ctx: AgentContext, t: Target, o: RequestOption): Concrete | { error: string } {
  const heading = (o.heading ?? '').replace(/^#+\s*/, '').replace(/[\r\n]+/g, ' ').trim();
  try {
    switch (o.kind) {
      case 'create-note': {
        const content = cleanDraft(ctx, t.path, o.content);
        return { spec: { title: o.title, rationale: '', kind: 'create-note', target: t.path, content }, after: textAfter('create-note', null, undefined, content, t.domain) };
      }
      case 'replace-note': {
        const after = replacedText(t.before!, o.content, t.mode);
        return { spec: { title: o.title, rationale: '', kind: 'replace-note', target: t.path, content: after }, after };
      }
      case 'append-section':
      case 'replace-section': {
        if (!heading) return { error: `option "${o.title}" (${o.kind}) needs a heading` };
        const content = cleanDraft(ctx, t.path, o.content);
        return { spec: { title: o.title, rationale: '', kind: o.kind, target: t.path, heading, content }, after: applyBodyEdit(t.before!, { kind: o.kind, heading, content }) };
      }
    }
  } catch (err) {
    if (err instanceof EditError) return { error: `option "${o.title}": ${err.message}` };
    throw err;
  }
}

/** Refuses a change that touches the person's keys, or moves the note into or out of a domain. */
function checkScope(ctx: AgentContext, t: Target, c: Concrete): void {
  if (c.spec.kind === 'create-note') return;
  const changed = changedPersonKeys(t.before, c.after);
  if (changed.length > 0) throw new Refused(`Refused: the change would touch ${changed.join(', ')}, which only the person writes`, t.mode);
  const after = analyzeNote(t.path, c.after);
  const owners = ownersOf(ctx, after);
  const moved = [...owners.filter((o) => !t.owners.includes(o)), ...t.owners.filter((o) => !owners.includes(o))];
  if (moved.length > 0) {
    throw new Refused(`Refused: the change would move ${t.path} into or out of ${moved.map((m) => domainName(ctx.model.get(m)!)).join(', ')}; which domain a note belongs to is the person's choice`, t.mode);
  }
}

export async function requestChange(ctx: AgentContext, journal: Journal, req: ChangeRequest, opts: { criticUnavailable?: string } = {}): Promise<ChangeOutcome> {
  try {
    return await decide(ctx, journal, req, opts);
  } catch (err) {
    if (err instanceof Refused) return { outcome: 'refused', mode: err.mode, reason: err.message };
    throw err;
  }
}

async function decide(ctx: AgentContext, journal: Journal, req: ChangeRequest, opts: { criticUnavailable?: string }): Promise<ChangeOutcome> {
  const task = req.task.trim();
  if (!task) throw new Refused('The task is empty: say in a sentence what the change is for');
  if (req.options.length === 0) throw new Refused('No option given: send at least one {title, kind, content}');
  if (req.options.length > MAX_OPTIONS) throw new Refused(`Too many options (${req.options.length}); send at most ${MAX_OPTIONS}`);
  const creates = req.options.filter((o) => o.kind === 'create-note').length;
  if (creates > 0 && creates < req.options.length) throw new Refused('Options that create a note and options that edit one cannot be mixed in one request; send them separately');

  const path = cleanPath(ctx, req.path);
  const t = creates > 0 ? await newNoteTarget(ctx, path) : await existingTarget(ctx, path);
  const built = req.options.map((o) => concrete(ctx, t, o));
  const usable = built.filter((b): b is Concrete => 'spec' in b);
  const problems = built.filter((b): b is { error: string } => 'error' in b).map((b) => b.error);
  if (usable.length === 0) throw new Refused(`None of the options can be applied to ${t.path}: ${problems.join('; ')}`, t.mode);
  for (const u of usable) checkScope(ctx, t, u);

  const baseHashes: Record<string, string | null> = { [t.path]: t.before === null ? null : sha256Hex(t.before) };
  const proposal = async (mode: Mode, options: Concrete[], notes: string[]): Promise<string> =>
    writeProposal(ctx.vault, ctx.data, ctx.outputFolder, {
      domain: t.domain,
      mode,
      task,
      options: options.map((o) => o.spec),
      baseHashes,
      now: nowIso(ctx),
      notes: [...problems.map((p) => `An option was dropped: ${p}`), ...notes],
      author: req.author,
    });

  if (t.mode === 'propose') {
    const p = await proposal('propose', usable, []);
    const why = t.domain ? `${domainName(ctx.model.get(t.domain)!)} is in propose mode` : `${t.path} belongs to no domain (unmapped ground)`;
    return { outcome: 'proposal', mode: 'propose', proposal: p, reason: `${why}: the options wait in the person's inbox; nothing changed` };
  }
  if (t.mode === 'assist') {
    const extra = usable.length > 1 ? [`Only the first option is kept: in assist mode the person edits one draft (${usable.length - 1} more were sent)`] : [];
    const p = await proposal('assist', usable.slice(0, 1), extra);
    return { outcome: 'proposal', mode: 'assist', proposal: p, reason: `${domainName(ctx.model.get(t.domain)!)} is in assist mode: the draft waits for the person to edit and accept it; nothing changed` };
  }

  // automate: the critic checks the first option; anything short of a pass is a proposal.
  const chosen = usable[0]!;
  const fallback = async (reasons: string[]): Promise<ChangeOutcome> => {
    const p = await proposal('assist', [chosen], reasons);
    return { outcome: 'proposal', mode: 'automate', proposal: p, reason: reasons.join('; ') };
  };
  if (opts.criticUnavailable) return fallback([`The critic could not check the change (${opts.criticUnavailable}), so it waits for the person`]);
  const own = await readOwnGenerated(ctx, t.domain, 'distillate');
  const distillate = own ? parseNote(own.text).body : null;
  let verdict;
  try {
    // The verifier reads the change as a diff of the whole note, code checks first (see verifier.ts).
    verdict = await verifyChange(
      ctx.llm,
      { task, notePath: t.path, kind: chosen.spec.kind, heading: chosen.spec.heading, before: t.before ?? '', after: chosen.after, distillate },
      ctx.signal,
    );
  } catch (err) {
    checkCancelled(ctx);
    return fallback([`The critic could not check the change (${err instanceof Error ? err.message : String(err)}), so it waits for the person`]);
  }
  if (!verdict.pass) return fallback((verdict.reasons.length ? verdict.reasons : ['no reason given']).map((r) => `The verifier did not pass this change: ${r}`));
  // The trust may have changed while the critic worked: read it again right before applying.
  await refreshDomain(ctx, t.domain);
  if (modeOf(ctx.model, t.domain) !== 'automate') return fallback(['The domain left automate mode while the critic worked']);
  checkCancelled(ctx);
  try {
    const entry = await journal.apply({ path: t.path, expectedBefore: t.before, after: chosen.after, domain: t.domain, task, by: 'agent', author: req.author });
    ctx.model.set(analyzeNote(t.path, chosen.after));
    return { outcome: 'applied', mode: 'automate', reason: `Applied after the critic passed it; journal entry ${entry.id}, which the person can undo (groundwork undo <vault> ${entry.id})` };
  } catch (err) {
    if (!(err instanceof ChangedSinceRead)) throw err;
    return fallback([`${t.path} changed while the critic checked the change, so nothing was applied`]);
  }
}
