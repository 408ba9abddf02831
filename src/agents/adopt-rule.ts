import { parseNote } from '../core/frontmatter';
import { basename, isInside, parentFolder, safeName } from '../core/layout';
import { parseInclude, ruleText, type IncludeRule } from '../core/membership';
import { analyzeNote, type NoteRecord } from '../core/note-record';
import { patchFrontmatter } from '../core/patch';
import type { VaultModel } from '../core/vault-model';
import { AgentError, type AgentContext } from './context';

/**
 * "Adopt as domain" on a folder or a tag: a person's command that writes an `include` rule on a
 * domain note, so that every note of the folder (or with the tag) joins the domain at once. The
 * domain note is the folder's own note (`ML/ML.md`, or `ML.md` beside the folder) or the note
 * named like the tag when there is one; otherwise it is created. Nothing is written before the
 * person saw the plan: which note, the rule, and the notes that would join.
 */

export interface RulePlan {
  rule: IncludeRule;
  /** The note that gets the rule. */
  domainPath: string;
  /** The note does not exist yet and will be created. */
  create: boolean;
  /** It is not a domain yet: adopting writes `groundwork: domain` (and `confidence: low` where none is set). */
  adopt: boolean;
  /** The rule is already there: nothing to write. */
  already: boolean;
  /** Notes that would join (not already members of that domain), sorted. */
  joining: string[];
}

function usable(rec: NoteRecord | undefined, outputFolder: string): rec is NoteRecord {
  return rec !== undefined && (rec.role === null || rec.role === 'domain') && !isInside(rec.path, outputFolder);
}

/**
 * The plan for a rule: on `onNote` when given (adopting a note with its folder), otherwise on
 * the folder's or tag's own note, found or to be created.
 */
export function planRule(model: VaultModel, rule: IncludeRule, onNote?: string): RulePlan {
  const out = model.outputFolder;
  if (rule.kind === 'folder' && isInside(rule.folder, out)) throw new AgentError(`${rule.folder}/ holds Groundwork's generated notes; it cannot be a domain's folder`);
  let domainPath: string;
  if (onNote !== undefined) {
    if (!model.get(onNote)) throw new AgentError(`No note ${onNote} in the vault`);
    domainPath = onNote;
  } else if (rule.kind === 'folder') {
    const name = basename(rule.folder);
    const parent = rule.folder.includes('/') ? `${parentFolder(rule.folder)}/` : '';
    const inside = `${rule.folder}/${name}.md`;
    const beside = `${parent}${name}.md`;
    domainPath = [inside, beside].find((p) => usable(model.get(p), out)) ?? inside;
  } else {
    const name = rule.tag.slice(rule.tag.lastIndexOf('/') + 1);
    const found = model.resolve(name);
    domainPath = found && usable(model.get(found), out) ? found : `${safeName(name)}.md`;
  }
  const rec = model.get(domainPath);
  if (rec && !usable(rec, out)) throw new AgentError(`${domainPath} is a generated note; it cannot hold a domain's rules`);
  const members = new Set(rec ? model.membersOf(domainPath) : []);
  const joining = model.matching(rule).filter((p) => p !== domainPath && !members.has(p));
  const already = rec?.role === 'domain' && rec.include.some((r) => ruleText(r) === ruleText(rule));
  return { rule, domainPath, create: !rec, adopt: rec?.role !== 'domain', already, joining };
}

/** Writes the plan: creates or adopts the domain note and adds the rule; returns the note's record. */
export async function adoptRule(ctx: AgentContext, plan: RulePlan): Promise<NoteRecord> {
  const rule = ruleText(plan.rule);
  let text: string;
  if (plan.create) {
    const title = plan.rule.kind === 'folder' ? basename(plan.rule.folder) : `#${plan.rule.tag}`;
    text = `---\ngroundwork: domain\nconfidence: low\ninclude:\n  - ${JSON.stringify(rule)}\n---\n# ${basename(plan.domainPath)}\n\nThe notes ${plan.rule.kind === 'folder' ? `in ${title}/` : `tagged ${title}`}.\n`;
    await ctx.vault.create(plan.domainPath, text);
  } else {
    text = await ctx.vault.process(plan.domainPath, (current) => {
      const parsed = parseNote(current);
      if (parsed.hasFrontmatter && parsed.frontmatter === null) throw new AgentError(`${plan.domainPath}: fix its frontmatter first (${parsed.problems[0] ?? 'it cannot be read'})`);
      const fm = parsed.frontmatter ?? {};
      const raw = fm.include;
      const existing = raw === undefined || raw === null || raw === '' ? [] : Array.isArray(raw) ? (raw as unknown[]) : [raw];
      if (existing.some((v) => typeof v === 'object' && v !== null)) throw new AgentError(`${plan.domainPath}: its include has entries that are not plain text; add "${rule}" by hand`);
      // Rules that cannot be read stay as the person wrote them; the new one is added after.
      const kept = existing.filter((v): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
      const have = parseInclude(existing).rules.map(ruleText);
      const changes: Record<string, unknown> = {};
      if (fm.groundwork !== 'domain') changes.groundwork = 'domain';
      if (fm.confidence === undefined || fm.confidence === null || fm.confidence === '') changes.confidence = 'low';
      if (!have.includes(rule)) changes.include = [...kept, rule];
      return Object.keys(changes).length === 0 ? current : patchFrontmatter(current, changes);
    });
  }
  const rec = analyzeNote(plan.domainPath, text);
  ctx.model.set(rec);
  return rec;
}
