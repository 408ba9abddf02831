import { analyzeNote } from '../core/note-record';
import { patchFrontmatter } from '../core/patch';
import { parseNote } from '../core/frontmatter';
import type { NoteRecord } from '../core/note-record';
import { basename, type GeneratedKind } from '../core/layout';
import type { AgentContext } from './context';
import { AgentError } from './context';
import { wikilink } from './note-text';
import { GROUNDWORK_SECTION_HEADING } from '../core/groundwork-section';
import { languageOf } from '../core/language';
import type { DigestDomain } from './scout';

/** Finding, adopting and linking the domain note: the only writes agents make outside the output folder. */

export function findDomainNote(ctx: AgentContext, arg: string): NoteRecord {
  const rec = ctx.model.findDomain(domainLookupKey(arg));
  if (!rec) throw new AgentError(`No note named "${arg}" in the vault; give a domain's name or its note's path`);
  if (hasBrokenFrontmatter(rec)) throw new AgentError(`${rec.path}: fix its frontmatter first (${rec.problems[0]})`);
  return rec;
}

/** The `<domain>` argument as a vault path or name is looked up (a Windows path's separators turned). */
export function domainLookupKey(arg: string): string {
  return arg.replace(/\\/g, '/');
}

/** Frontmatter no run may work from: the person fixes it first. */
export function hasBrokenFrontmatter(rec: NoteRecord): boolean {
  return rec.problems.some((p) => /YAML|JavaScript|Duplicate key|not a mapping/i.test(p));
}

/**
 * The domain as the scout and the distiller are told of it: its name, and the language its note
 * is written in, in which they write (quotes stay in their source's language).
 */
export async function digestDomain(ctx: AgentContext, rec: NoteRecord): Promise<DigestDomain> {
  return domainOfText(rec.path, (await ctx.vault.stat(rec.path)) ? await ctx.vault.read(rec.path) : '');
}

/** digestDomain from the note's text at hand. */
export function domainOfText(path: string, text: string): DigestDomain {
  return { name: basename(path), language: languageOf(text ? parseNote(text).body : '') };
}

/**
 * Makes a note a domain (`groundwork: domain`, and `confidence: low` where none is set): a
 * person's command, so it may write trust keys; nothing else of the note changes.
 */
export async function adoptIfNeeded(ctx: AgentContext, rec: NoteRecord): Promise<NoteRecord> {
  if (rec.role === 'domain') return rec;
  if (rec.role !== null) throw new AgentError(`${rec.path} is a generated ${rec.role} note, not a domain`);
  const text = await ctx.vault.process(rec.path, (current) => {
    const fm = parseNote(current).frontmatter ?? {};
    const confidenceSet = fm.confidence !== undefined && fm.confidence !== null && fm.confidence !== '';
    return patchFrontmatter(current, confidenceSet ? { groundwork: 'domain' } : { groundwork: 'domain', confidence: 'low' });
  });
  const updated = analyzeNote(rec.path, text);
  ctx.model.set(updated);
  return updated;
}

/** The targets a domain note's text does not link yet. */
export function missingLinks(ctx: AgentContext, domainPath: string, current: string, targets: { path: string; label: string }[]): { path: string; label: string }[] {
  const rec = analyzeNote(domainPath, current);
  const linked = new Set(rec.links.map((l) => ctx.model.resolve(l, domainPath) ?? l));
  return targets.filter((t) => !linked.has(t.path));
}

/** Appends links to the generated notes the domain note does not link yet; no existing line changes. */
export async function linkDomainNote(ctx: AgentContext, domainPath: string, targets: { path: string; label: string }[]): Promise<boolean> {
  let changed = false;
  const text = await ctx.vault.process(domainPath, (current) => {
    const missing = missingLinks(ctx, domainPath, current, targets);
    if (missing.length === 0) return current;
    changed = true;
    const eol = current.includes('\r\n') ? '\r\n' : '\n';
    const hasSection = current.split(/\r?\n/).some((l) => l.trim() === GROUNDWORK_SECTION_HEADING);
    const lines = [...(hasSection ? [] : ['', GROUNDWORK_SECTION_HEADING, '']), ...missing.map((t) => `- ${wikilink(t.path, t.label)}`)];
    const sep = current === '' || current.endsWith('\n') ? '' : eol;
    return `${current}${sep}${lines.join(eol)}${eol}`;
  });
  ctx.model.set(analyzeNote(domainPath, text));
  return changed;
}

/**
 * A domain's generated note as it is on disk now, or null when there is none. One in the
 * domain's folder that names another domain note (two domains once shared a folder) is refused:
 * the critic, the mapper, sign-off and the actor never work from another domain's distillate.
 */
export async function readOwnGenerated(ctx: AgentContext, domainPath: string, kind: GeneratedKind): Promise<{ path: string; text: string } | null> {
  const path = ctx.model.generatedPath(domainPath, kind);
  if (!(await ctx.vault.stat(path))) {
    ctx.model.delete(path);
    return null;
  }
  const text = await ctx.vault.read(path);
  const rec = analyzeNote(path, text);
  ctx.model.set(rec);
  const made = ctx.model.madeFor(rec);
  if (made !== null && made !== domainPath) {
    throw new AgentError(`${path} was made for ${made}, not for ${domainPath}, so it is not used; run research for ${basename(domainPath)} again to get its own ${kind} note`);
  }
  return { path, text };
}

export function domainName(rec: NoteRecord): string {
  return basename(rec.path);
}
