import { parseNote } from '../core/frontmatter';
import { analyzeNote } from '../core/note-record';
import { patchFrontmatter } from '../core/patch';
import { fetchPage } from '../sources/fetch-page';
import { DEFAULT_MAX_CHARS, type NumberedSource } from '../sources/types';
import { readNoteSource } from '../sources/vault-retrieval';
import { Citations } from './citations';
import { checkCancelled, nowIso, AgentError, type AgentContext } from './context';
import { codeCheckedIssues, critique } from './critic';
import { digestDomain, domainName, findDomainNote, readOwnGenerated } from './domain-note';
import { GeneratedNotes, type WriteResult } from './generated-notes';
import { loadManifest, saveManifest } from './manifest';
import { ownGeneratedNotes } from './evidence';
import { noteText, wikilink } from './note-text';
import { critiqueIssueLines, renderSources, type IdentifiedSource } from './render';
import { evidenceShares } from './evidence-shares';
import { digestSource, type CheckedDigest } from './scout';
import { inertText } from './untrusted';

/**
 * `re-check sources` (DESIGN §1): the built-in routine task. It reads each source of the
 * domain's last research run again (vault notes and URLs), digests only those whose fingerprint
 * changed, and re-runs the critic on the current distillate against the new digests. The new
 * issues are added to the critique as open tasks, dated now: by the existing staleness rule a
 * signed-off domain whose ground shifted drops to assist by itself, and the map says why.
 */

export interface RecheckResult {
  domain: string;
  domainPath: string;
  /** Refs (vault paths, URLs) of the sources whose text changed. */
  changed: string[];
  /** Digest calls made (cached digests cost none). */
  digested: number;
  /** The critique, when the critic ran (nothing changed: it does not). */
  critique: { path: string; openIssues: number; verdict: string } | null;
  written: WriteResult[];
}

export async function recheckSources(ctx: AgentContext, domainArg: string, opts: { maxChars?: number } = {}): Promise<RecheckResult> {
  const rec = findDomainNote(ctx, domainArg);
  if (rec.role !== 'domain') throw new AgentError(`${rec.path} is not a domain (no "groundwork: domain")`);
  const name = domainName(rec);
  const folder = ctx.model.folderOf(rec.path);
  const manifest = await loadManifest(ctx.data, folder);
  if (!manifest || manifest.domainPath !== rec.path) throw new AgentError(`No research run is recorded for ${name}: run research first, then its sources can be re-checked`);
  const paths = {
    sources: ctx.model.generatedPath(rec.path, 'sources'),
    distillate: ctx.model.generatedPath(rec.path, 'distillate'),
    critique: ctx.model.generatedPath(rec.path, 'critique'),
  };
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;

  // 1. Read every source again; the ones whose fingerprint moved are the ones that changed.
  ctx.onProgress?.({ stage: 'gather', done: 0, total: manifest.sources.length, message: `Re-reading ${manifest.sources.length} sources of ${name}` });
  const fresh: NumberedSource[] = [];
  const changed: string[] = [];
  const own = ownGeneratedNotes(ctx.model, rec.path);
  for (const [i, old] of manifest.sources.entries()) {
    checkCancelled(ctx);
    if (own.has(old.ref)) {
      // Its own generated notes stay as digested: re-check writes the critique itself.
      const text = old.error ? '' : await readNoteSource(ctx.vault, old.ref, old.reason, maxChars).then((s) => s.text);
      fresh.push({ ...old, text });
      continue;
    }
    const now =
      old.kind === 'note'
        ? await readNoteSource(ctx.vault, old.ref, old.reason, maxChars)
        : await fetchPage(old.ref, {
            fetch: ctx.fetch,
            htmlToText: ctx.htmlToText,
            signal: ctx.signal,
            reason: old.reason,
            maxChars,
            // The same address rules as research: a page that now redirects inward is refused.
            addresses: { allowHosts: ctx.network?.allowHosts, resolveHost: ctx.network?.resolveHost, exemptUrls: [ctx.llm.config.baseURL] },
          });
    const source: NumberedSource = { ...now, id: old.id, reason: old.reason };
    fresh.push(source);
    if (source.fingerprint !== old.fingerprint || Boolean(source.error) !== Boolean(old.error)) changed.push(old.ref);
    ctx.onProgress?.({ stage: 'gather', done: i + 1, total: manifest.sources.length, message: old.ref });
  }
  if (changed.length === 0) return { domain: name, domainPath: rec.path, changed, digested: 0, critique: null, written: [] };

  // 2. Digests: an unchanged source's digest comes from the store (no call), a changed one is new.
  const domain = await digestDomain(ctx, rec);
  const digests = new Map<string, CheckedDigest>();
  let digested = 0;
  const usable = fresh.filter((s) => !s.error);
  await Promise.all(
    usable.map(async (s) => {
      const r = await digestSource(ctx.llm, ctx.data, domain, s, ctx.signal);
      if (!r.cached && r.tokens > 0) digested++;
      digests.set(s.id, r.digest);
      ctx.onProgress?.({ stage: 'digest', done: digests.size, total: usable.length, message: `Digested ${s.id} ${s.title}` });
    }),
  );
  checkCancelled(ctx);
  const fetchedAt = nowIso(ctx);
  const identified: IdentifiedSource[] = fresh.map((s) => ({ ...s, digest: digests.get(s.id), fetchedAt }));
  const known = new Set(usable.map((s) => s.id));

  // 3. The critic, on the distillate as it stands now (the person's edits included).
  const ownDistillate = await readOwnGenerated(ctx, rec.path, 'distillate');
  if (!ownDistillate) throw new AgentError(`${name} has no distillate (${paths.distillate}): run research first`);
  const distillateBody = parseNote(ownDistillate.text).body;
  ctx.onProgress?.({ stage: 'critique', message: `Critiquing the distillate against ${changed.length} changed source${changed.length === 1 ? '' : 's'}` });
  // Code's evidence checks first (unknown ids, claims on no verified quote); the critic sees them.
  const code = codeCheckedIssues(distillateBody, known, identified);
  const c = await critique(ctx.llm, domain, code, [...known], ctx.signal);
  checkCancelled(ctx);

  // 4. Write: the sources note (a proposal if the person edited it), the run's record, and the
  // critique's new section — appended, so the issues the person ticked stay as they ticked them.
  const notes = new GeneratedNotes(ctx.vault, ctx.data, ctx.outputFolder);
  const now = nowIso(ctx);
  const task = (what: string) => ({ domainPath: rec.path, task: `Replace the ${what} of ${name} after a re-check of its sources`, now });
  const written: WriteResult[] = [];
  const sourcesFm = { groundwork: 'sources', domain: wikilink(rec.path), confidence: 'low', status: 'draft', sources: fresh.length, generated: now, model: ctx.llm.modelFor('scout') };
  written.push(await notes.write(paths.sources, noteText(sourcesFm, renderSources(name, rec.path, identified)), task('sources')));
  await saveManifest(ctx.data, folder, { domainPath: rec.path, generated: fetchedAt, sources: fresh.map(({ text: _t, ...rest }) => rest) });

  const changedLabels = fresh.filter((s) => changed.includes(s.ref)).map((s) => `${s.id} (${inertText(s.title, { max: 120 })})`);
  const issueLines = critiqueIssueLines(c.critique, new Citations(known, paths.sources));
  const section = (current: string): string => {
    const { lines, repeated } = withoutOpenRepeats(issueLines, current);
    return [
      `## Re-check ${now.slice(0, 10)}`,
      '',
      `Sources changed since they were digested: ${changedLabels.join(', ')}. The critic checked ${wikilink(paths.distillate, 'the distillate')} against the new digests: **${c.critique.verdict}**.`,
      '',
      ...lines,
      ...(repeated > 0 ? [...(lines.length > 0 ? [''] : []), `${repeated} issue${repeated === 1 ? '' : 's'} it raised again ${repeated === 1 ? 'is' : 'are'} already open above.`] : []),
      '',
    ].join('\n');
  };
  let critiqueText: string;
  if (await ctx.vault.stat(paths.critique)) {
    critiqueText = await notes.update(paths.critique, (current) => {
      const patched = patchFrontmatter(current, { verdict: c.critique.verdict, generated: now, tokens: c.tokens });
      return `${patched.replace(/\s*$/, '')}\n\n${section(current)}`;
    });
    written.push({ path: paths.critique, outcome: 'replaced' });
  } else {
    const fm = { groundwork: 'critique', domain: wikilink(rec.path), confidence: 'low', status: 'draft', verdict: c.critique.verdict, sources: wikilink(paths.sources), tokens: c.tokens, generated: now, model: ctx.llm.modelFor('critic') };
    const w = await notes.write(paths.critique, noteText(fm, `# ${name} — critique\n\n${section('')}`), task('critique'));
    written.push(w);
    critiqueText = await ctx.vault.read(paths.critique);
  }
  // The evidence shares follow the sources as they are now: a changed source may no longer hold a quote.
  const shares = evidenceShares(identified, distillateBody, known);
  // Written only when a share moved: an unchanged distillate is not rewritten, and no `modify` event fires for it.
  if (patchFrontmatter(ownDistillate.text, shares) !== ownDistillate.text) {
    await notes.update(paths.distillate, (current) => patchFrontmatter(current, shares));
    written.push({ path: paths.distillate, outcome: 'replaced' });
  }
  const record = analyzeNote(paths.critique, critiqueText);
  ctx.model.set(record);
  for (const w of written) if (w.path.endsWith('.md')) ctx.model.set(analyzeNote(w.path, await ctx.vault.read(w.path)));
  return { domain: name, domainPath: rec.path, changed, digested, critique: { path: paths.critique, openIssues: record.openTasks, verdict: c.critique.verdict }, written };
}

/**
 * The issue lines that are not already open tasks in the critique: a critic that finds the same
 * issue again on every re-check would otherwise stack copies of it. A ticked one is listed
 * again: the person closed it before the sources changed.
 */
function withoutOpenRepeats(issueLines: string[], critique: string): { lines: string[]; repeated: number } {
  const key = (line: string) => line.replace(/^- \[ \] /, '').replace(/\s+/g, ' ').trim();
  const open = new Set<string>();
  for (const m of critique.matchAll(/^[ \t]*- \[ \] (.*)$/gm)) open.add(key(m[1]!));
  const lines = issueLines.filter((l) => !(l.startsWith('- [ ] ') && open.has(key(l))));
  return { lines, repeated: issueLines.length - lines.length };
}
