import { checkNameLengths } from '../core/layout';
import { analyzeNote } from '../core/note-record';
import { parseNote } from '../core/frontmatter';
import type { FullTextIndex } from '../sources/fulltext-index';
import { openIndex } from '../sources/index-store';
import { slicer } from '../sources/slicer';
import { gatherSources } from '../sources/gather';
import type { NumberedSource } from '../sources/types';
import type { Critique } from './schemas';
import { costOf } from '../llm';
import { checkCancelled, nowIso, AgentError, type AgentContext } from './context';
import { adoptIfNeeded, digestDomain, domainName, findDomainNote, linkDomainNote, missingLinks, readOwnGenerated } from './domain-note';
import { GeneratedNotes, type WriteResult } from './generated-notes';
import type { EarlyDigest } from './early-digest';
import { estimateMessagesTokens } from '../core/tokens';
import { digestBudget, digestMessages, digestParts, digestSource, readCachedDigest, verifiedQuotes, type CheckedDigest, type DigestDomain } from './scout';
import { evidenceShares } from './evidence-shares';
import { distill, distillMessages, distillRoom } from './distiller';
import { newFence } from './untrusted';
import { codeCheckedIssues, critique, critiqueMessages } from './critic';
import { distillateForAgents, readDistillate } from '../core/distillate';
import { EvidenceChecker } from '../core/grounding';
import { draftSkeleton } from './mapper';
import { syncSkeletonCanvas } from './skeleton-canvas';
import { loadManifest, saveManifest } from './manifest';
import { noteText, wikilink } from './note-text';
import { renderCritique, renderDistillate, renderSkeleton, renderSources, type IdentifiedSource } from './render';

/**
 * The research cycle (DESIGN §2): scout → distill → critique, and the mapper on request. Each
 * step lands as a linked note under `<output>/<Domain>/`; a re-run never overwrites a note the
 * person edited (GeneratedNotes turns it into a proposal).
 */

export interface ResearchOptions {
  domain: string;
  maxSources: number;
  /** The context budget per source: characters of its text the scout digests (default 20,000). */
  maxChars?: number;
  urls?: string[];
  searchEndpoint?: string;
  /** Plan only: gather sources, count the calls and tokens, call no model, write nothing. */
  dryRun?: boolean;
  /** A live index (the plugin keeps one), or how to get it; loaded or built for the run when absent. */
  index?: FullTextIndex | (() => Promise<FullTextIndex>);
  /** Append the "## Groundwork" section of links to the domain note (default true; a plugin setting turns it off). */
  linkDomain?: boolean;
  /**
   * S1's digest, started before the run by a shell that had no model yet (the CLI,
   * early-digest.ts): taken over when it is exactly S1's digest, cancelled otherwise.
   */
  early?: EarlyDigest;
}

/** Options every step shares. */
export interface StepOptions {
  /** Append the "## Groundwork" section of links to the domain note (default true). */
  linkDomain?: boolean;
}

export interface DryRunPlan {
  calls: number;
  /** Digest calls: one per source, or one per part of a source too long for the window. */
  digestCalls: number;
  /** Sources too long for one digest call, split at paragraph boundaries. */
  splitSources: number;
  /** Distiller calls: more than one when the digests do not fit its window together. */
  distillCalls: number;
  /** The context window planned with, in tokens. */
  contextTokens: number;
  cachedDigests: number;
  estimatedTokens: number;
  estimatedCost: number | null;
  model: string;
  /** What a real run would change in the domain note, one sentence each (empty: nothing). */
  domainNoteChanges: string[];
  /** The notes a real run would write. */
  writes: string[];
}

export interface RunResult {
  domain: string;
  domainPath: string;
  sources: Omit<NumberedSource, 'text'>[];
  written: WriteResult[];
  plan?: DryRunPlan;
  adopted: boolean;
}

const RANKING_SLICE_MS = 5;

/** Measured on the example vault: what a digest, a distillate and a critique take, in tokens. */
const EXPECTED_OUT = { digest: 500, distill: 1800, critique: 1000 };
/** A digest as the distiller and the critic read it (summary, points, quotes, fence). */
const DIGEST_IN_PROMPT = 850;

function frontmatterFor(ctx: AgentContext, role: string, domainPath: string, extra: Record<string, unknown>) {
  return {
    groundwork: role,
    domain: wikilink(domainPath),
    confidence: 'low',
    status: 'draft',
    ...extra,
    generated: nowIso(ctx),
    model: ctx.llm.modelFor(role === 'sources' ? 'scout' : role === 'distillate' ? 'distiller' : role === 'critique' ? 'critic' : 'mapper'),
  };
}

export async function research(ctx: AgentContext, opts: ResearchOptions): Promise<RunResult> {
  let rec = findDomainNote(ctx, opts.domain);
  const adopted = rec.role !== 'domain';
  if (!opts.dryRun) rec = await adoptIfNeeded(ctx, rec);
  const name = domainName(rec);
  const domain = await digestDomain(ctx, rec);
  const folder = ctx.model.folderOf(rec.path);
  const notes = new GeneratedNotes(ctx.vault, ctx.data, ctx.outputFolder);
  const paths = {
    sources: ctx.model.generatedPath(rec.path, 'sources'),
    distillate: ctx.model.generatedPath(rec.path, 'distillate'),
    critique: ctx.model.generatedPath(rec.path, 'critique'),
  };
  // Before any model call: a name no file system takes would fail only at the first write.
  for (const p of Object.values(paths)) checkNameLengths(p);

  ctx.onProgress?.({ stage: 'gather', message: `Gathering up to ${opts.maxSources} sources for ${name}` });
  // The saved index, brought up to date with the notes that changed since, and saved again
  // (a dry run too: the index is a cache in the data folder, not a change to the vault).
  // Loading the index and ranking take seconds on a large vault; in slices, so that the domain
  // note's digest (started before them) gets its request to the model meanwhile.
  const pause = ctx.yieldNow ? slicer(RANKING_SLICE_MS, ctx.yieldNow).pause : undefined;
  const index =
    opts.index ??
    (async () => (await openIndex(ctx.vault, ctx.data, ctx.model, ctx.outputFolder, { pause, yieldNow: ctx.yieldNow, onProgress: (message) => ctx.onProgress?.({ stage: 'gather', message }) })).index);
  // Each source's digest starts as soon as the source is read, so the model is busy while the
  // scout still reads notes and fetches pages; the LLM layer's endpoint limit bounds them.
  const digests = new Map<string, CheckedDigest>();
  const digestJobs: Promise<void>[] = [];
  let digested = 0;
  // Unknown while the scout still gathers: a counter against a growing total would not add up.
  let digestTotal: number | undefined;
  const startDigest = (s: NumberedSource): void => {
    if (opts.dryRun || s.error) return;
    const started = (s.id === 'S1' && opts.early?.claim(rec.path, domain, s)) || digestSource(ctx.llm, ctx.data, domain, s, ctx.signal);
    const job = started.then((r) => {
      digests.set(s.id, r.digest);
      digested++;
      ctx.onProgress?.({ stage: 'digest', done: digested, total: digestTotal, message: `Digested ${s.id} ${s.title}` });
    });
    // Awaited together below; this only keeps a failure from counting as unhandled meanwhile.
    job.catch(() => undefined);
    digestJobs.push(job);
  };
  const gathered = await gatherSources({
    vault: ctx.vault,
    model: ctx.model,
    index,
    domainPath: rec.path,
    outputFolder: ctx.outputFolder,
    maxSources: opts.maxSources,
    maxChars: opts.maxChars,
    urls: opts.urls ?? [],
    searchEndpoint: opts.searchEndpoint,
    fetch: ctx.fetch,
    htmlToText: ctx.htmlToText,
    addresses: {
      allowHosts: ctx.network?.allowHosts,
      resolveHost: ctx.network?.resolveHost,
      // The person's own endpoints, exactly: never other paths of their hosts.
      exemptUrls: [ctx.llm.config.baseURL, ...(opts.searchEndpoint ? [opts.searchEndpoint] : [])],
    },
    signal: ctx.signal,
    onProgress: (done, total, label) => ctx.onProgress?.({ stage: 'gather', done, total, message: label }),
    onSource: startDigest,
    pause,
    wholeLinkIndex: ctx.keepsModel === true,
  }).catch(async (err: unknown) => {
    // No digest may be left running after the run ends; then a cancel reads as a cancel.
    await Promise.allSettled([...digestJobs, opts.early?.release()]);
    checkCancelled(ctx);
    throw err;
  });
  // S1 was handed over or never will be: an early digest not taken is not this run's.
  await opts.early?.release();
  checkCancelled(ctx);
  const usable = gathered.filter((s) => !s.error);
  const ids = gathered.map((s) => s.id);
  const strip = (s: NumberedSource) => {
    const { text: _text, ...rest } = s;
    return rest;
  };

  if (opts.dryRun) {
    // The same estimator and the same split as the real run: what is planned is what is sent.
    let cachedDigests = 0;
    let tokens = 0;
    let digestCalls = 0;
    const { answer } = digestBudget(ctx.llm);
    for (const s of usable) {
      if (await isDigestCached(ctx, s, domain.language)) {
        cachedDigests++;
        continue;
      }
      const parts = digestParts(ctx.llm, s);
      digestCalls += parts.length;
      parts.forEach((text, index) => {
        tokens += estimateMessagesTokens(digestMessages(domain, s, newFence(), { index, count: parts.length, text }).messages) + Math.min(answer, EXPECTED_OUT.digest);
      });
    }
    const digestTokens = usable.length * DIGEST_IN_PROMPT;
    const frame = estimateMessagesTokens(distillMessages(domain, [], ids, newFence()).messages);
    const distillCalls = Math.max(1, Math.ceil(digestTokens / Math.max(1, distillRoom(ctx.llm, domain, ids))));
    tokens += distillCalls * (frame + EXPECTED_OUT.distill) + digestTokens;
    // The critic reads the claims with their quotes (about as long as the distiller's answer), no digests.
    const criticFrame = estimateMessagesTokens(critiqueMessages(domain, [], newFence()).messages);
    tokens += criticFrame + EXPECTED_OUT.distill + EXPECTED_OUT.critique;
    const splitSources = usable.filter((s) => digestParts(ctx.llm, s).length > 1).length;
    const model = ctx.llm.modelFor('distiller');
    const domainNoteChanges: string[] = [];
    if (adopted) domainNoteChanges.push('Adds "groundwork: domain" to its properties, and "confidence: low" where no confidence is set.');
    if (opts.linkDomain !== false) {
      const missing = missingLinks(ctx, rec.path, await ctx.vault.read(rec.path), researchLinks(paths));
      if (missing.length > 0) domainNoteChanges.push(`Appends links to its ${missing.map((m) => m.label.toLowerCase()).join(', ')} under "## Groundwork".`);
    }
    return {
      domain: name,
      domainPath: rec.path,
      sources: gathered.map(strip),
      written: [],
      adopted,
      plan: {
        calls: digestCalls + 2 * distillCalls,
        digestCalls,
        splitSources,
        distillCalls,
        contextTokens: ctx.llm.contextWindow('scout'),
        cachedDigests,
        estimatedTokens: tokens,
        estimatedCost: costOf(ctx.llm.config.prices, model, Math.round(tokens * 0.8), Math.round(tokens * 0.2)),
        model,
        domainNoteChanges,
        writes: [paths.sources, paths.distillate, paths.critique],
      },
    };
  }

  // 1. The digests started while gathering; wait for all of them. allSettled, not all: when one
  // fails the others still finish (and are kept for a retry) before the run reports the failure.
  digestTotal = digestJobs.length;
  ctx.onProgress?.({ stage: 'digest', message: `Digesting ${digestTotal} source${digestTotal === 1 ? '' : 's'} (${digested} done)` });
  const settled = await Promise.allSettled(digestJobs);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  checkCancelled(ctx);
  const fetchedAt = nowIso(ctx);
  const identified: IdentifiedSource[] = gathered.map((s) => ({ ...s, digest: digests.get(s.id), fetchedAt }));
  const written: WriteResult[] = [];
  const task = (what: string) => ({ domainPath: rec.path, task: `Replace the ${what} of ${name} with a new version`, now: nowIso(ctx) });

  const scoutTokens = ctx.llm.usage.byRole.scout;
  written.push(
    await notes.write(
      paths.sources,
      noteText(frontmatterFor(ctx, 'sources', rec.path, { sources: gathered.length, tokens: scoutTokens ? scoutTokens.promptTokens + scoutTokens.completionTokens : 0 }), renderSources(name, rec.path, identified)),
      task('sources'),
    ),
  );
  await saveManifest(ctx.data, folder, { domainPath: rec.path, generated: fetchedAt, sources: gathered.map(strip) });

  // 2. Distill.
  if (usable.length === 0) throw new AgentError(`No usable source for ${name}: see ${paths.sources} for what failed`);
  ctx.onProgress?.({ stage: 'distill', message: `Distilling ${usable.length} digests` });
  const d = await distill(ctx.llm, domain, identified, [...new Set(usable.map((s) => s.id))], ctx.signal);
  checkCancelled(ctx);
  const known = new Set(usable.map((s) => s.id));
  const verified = verifiedQuotes(identified);
  const distBody = renderDistillate(name, rec.path, paths, d.distillate, new EvidenceChecker(known, verified));
  const shares = evidenceShares(identified, distBody, known);
  const distText = noteText(frontmatterFor(ctx, 'distillate', rec.path, { sources: wikilink(paths.sources), ...shares, tokens: d.tokens }), distBody);
  await announceMigration(ctx, paths.distillate);
  written.push(await notes.write(paths.distillate, distText, task('distillate')));

  // 3. Critique the distillate as it now stands in the vault (the person's version if they kept theirs).
  ctx.onProgress?.({ stage: 'critique', message: 'Critiquing the distillate' });
  const currentDist = parseNote(await ctx.vault.read(paths.distillate)).body;
  written.push(await runCritic(ctx, notes, domain, rec.path, paths, currentDist, identified, known, task('critique')));

  if (opts.linkDomain !== false) await linkDomainNote(ctx, rec.path, researchLinks(paths));
  await refreshModel(ctx, written);
  return { domain: name, domainPath: rec.path, sources: gathered.map(strip), written, adopted };
}

function researchLinks(paths: { sources: string; distillate: string; critique: string }): { path: string; label: string }[] {
  return [
    { path: paths.sources, label: 'Sources' },
    { path: paths.distillate, label: 'Distillate' },
    { path: paths.critique, label: 'Critique' },
  ];
}

async function runCritic(
  ctx: AgentContext,
  notes: GeneratedNotes,
  domain: DigestDomain,
  domainPath: string,
  paths: { sources: string; distillate: string; critique: string },
  distillateBody: string,
  sources: IdentifiedSource[],
  known: Set<string>,
  task: { domainPath: string; task: string; now: string },
): Promise<WriteResult> {
  // Code's findings land in the critique first: should the critic fail or be cancelled, the
  // unsupported claims are already there, blocking the sign-off.
  const code = codeCheckedIssues(distillateBody, known, sources);
  // A critique the person edited is never written over: then only the final version is proposed.
  let first: WriteResult | null = null;
  if (code.issues.length > 0 && (await notes.isReplaceable(paths.critique))) {
    const pending = { verdict: 'revise' as const, summary: 'Code found the issues below; the critic has not run yet.', issues: code.issues };
    first = await notes.write(paths.critique, critiqueText(ctx, domain.name, domainPath, paths, pending, known, 0), task);
  }
  const c = await critique(ctx.llm, domain, code, [...known], ctx.signal);
  checkCancelled(ctx);
  const last = await notes.write(paths.critique, critiqueText(ctx, domain.name, domainPath, paths, c.critique, known, c.tokens), task);
  // Written twice in one run: to the person, a note this run created was created, not replaced.
  return first?.outcome === 'created' && last.outcome !== 'proposal' ? { ...last, outcome: 'created' } : last;
}

function critiqueText(ctx: AgentContext, name: string, domainPath: string, paths: { sources: string; distillate: string }, c: Critique, known: Set<string>, tokens: number): string {
  const body = renderCritique(name, domainPath, paths.distillate, paths.sources, c, known);
  return noteText(frontmatterFor(ctx, 'critique', domainPath, { verdict: c.verdict, sources: wikilink(paths.sources), tokens }), body);
}

/** `critique`: re-runs the critic on the current distillate, the person's edits included. */
export async function critiqueDomain(ctx: AgentContext, domainArg: string, opts: StepOptions = {}): Promise<RunResult> {
  const rec = findDomainNote(ctx, domainArg);
  const name = domainName(rec);
  const paths = {
    sources: ctx.model.generatedPath(rec.path, 'sources'),
    distillate: ctx.model.generatedPath(rec.path, 'distillate'),
    critique: ctx.model.generatedPath(rec.path, 'critique'),
  };
  const distillateBody = parseNote(await readOrExplain(ctx, rec.path, name)).body;
  const domain = await digestDomain(ctx, rec);
  const { sources, known } = await manifestSources(ctx, rec.path, name, domain.language);
  ctx.onProgress?.({ stage: 'critique', message: 'Critiquing the distillate' });
  const notes = new GeneratedNotes(ctx.vault, ctx.data, ctx.outputFolder);
  const w = await runCritic(ctx, notes, domain, rec.path, paths, distillateBody, sources, known, {
    domainPath: rec.path,
    task: `Replace the critique of ${name} with a new version`,
    now: nowIso(ctx),
  });
  if (opts.linkDomain !== false) await linkDomainNote(ctx, rec.path, [{ path: paths.critique, label: 'Critique' }]);
  await refreshModel(ctx, [w]);
  return { domain: name, domainPath: rec.path, sources: sources.map(({ digest: _d, ...s }) => s), written: [w], adopted: false };
}

/** `skeleton`: the mapper drafts the 3-level map from the current distillate and critique. */
export async function skeletonDomain(ctx: AgentContext, domainArg: string, opts: StepOptions = {}): Promise<RunResult> {
  const rec = findDomainNote(ctx, domainArg);
  const name = domainName(rec);
  const distPath = ctx.model.generatedPath(rec.path, 'distillate');
  const distillateBody = parseNote(await readOrExplain(ctx, rec.path, name)).body;
  const critique = await readOwnGenerated(ctx, rec.path, 'critique');
  const critiqueText = critique ? parseNote(critique.text).body : null;
  ctx.onProgress?.({ stage: 'skeleton', message: 'Drafting the skeleton' });
  const s = await draftSkeleton(ctx.llm, name, distillateForAgents(distillateBody), critiqueText, ctx.signal);
  checkCancelled(ctx);
  const notes = new GeneratedNotes(ctx.vault, ctx.data, ctx.outputFolder);
  const skelPath = ctx.model.generatedPath(rec.path, 'skeleton');
  const canvasPath = ctx.model.generatedPath(rec.path, 'canvas');
  const task = { domainPath: rec.path, task: `Replace the skeleton of ${name} with a new draft`, now: nowIso(ctx) };
  const written = [
    await notes.write(skelPath, noteText(frontmatterFor(ctx, 'skeleton', rec.path, { sources: wikilink(ctx.model.generatedPath(rec.path, 'sources')), canvas: wikilink(canvasPath), tokens: s.tokens }), renderSkeleton(name, rec.path, distPath, s.skeleton)), task),
  ];
  // The canvas follows the note as it now stands: the person's version when the draft became a proposal.
  written.push(await writeCanvas(ctx, skelPath));
  if (opts.linkDomain !== false) await linkDomainNote(ctx, rec.path, [{ path: skelPath, label: 'Skeleton' }]);
  await refreshModel(ctx, written);
  return { domain: name, domainPath: rec.path, sources: [], written, adopted: false };
}

async function writeCanvas(ctx: AgentContext, skelPath: string): Promise<WriteResult> {
  const r = await syncSkeletonCanvas(ctx.vault, ctx.outputFolder, skelPath, { force: true });
  return { path: r.canvasPath, outcome: r.outcome === 'rewritten' ? 'replaced' : r.outcome };
}

/** `skeleton --canvas`: rewrites only the canvas, from the skeleton note as the person left it. No model. */
export async function skeletonCanvasDomain(ctx: AgentContext, domainArg: string): Promise<RunResult> {
  const rec = findDomainNote(ctx, domainArg);
  const name = domainName(rec);
  const skelPath = ctx.model.generatedPath(rec.path, 'skeleton');
  if (!(await ctx.vault.stat(skelPath))) throw new AgentError(`${name} has no skeleton yet (${skelPath}): run skeleton first`);
  return { domain: name, domainPath: rec.path, sources: [], written: [await writeCanvas(ctx, skelPath)], adopted: false };
}

/** The domain's own distillate (never another domain's), or a clear error when it has none yet. */
async function readOrExplain(ctx: AgentContext, domainPath: string, name: string): Promise<string> {
  const own = await readOwnGenerated(ctx, domainPath, 'distillate');
  if (!own) throw new AgentError(`${name} has no distillate yet (${ctx.model.generatedPath(domainPath, 'distillate')}): run research first`);
  return own.text;
}

async function manifestSources(ctx: AgentContext, domainPath: string, name: string, language: string | null): Promise<{ sources: IdentifiedSource[]; known: Set<string> }> {
  const m = await loadManifest(ctx.data, ctx.model.folderOf(domainPath));
  // A record another domain's run left (two domains once shared a folder) is not this one's.
  if (!m || m.domainPath !== domainPath) throw new AgentError(`No research run is recorded for ${name}: run research first`);
  const sources: IdentifiedSource[] = [];
  for (const s of m.sources) {
    const entry: IdentifiedSource = { ...s, text: '', fetchedAt: m.generated };
    if (!s.error) {
      const d = await readCachedDigest(ctx.llm, ctx.data, entry, language);
      if (d) entry.digest = d;
    }
    sources.push(entry);
  }
  return { sources, known: new Set(sources.filter((s) => s.digest).map((s) => s.id)) };
}

async function isDigestCached(ctx: AgentContext, s: NumberedSource, language: string | null): Promise<boolean> {
  return (await readCachedDigest(ctx.llm, ctx.data, s, language)) !== null;
}

/** The model learns of the run's notes at once, so the map and the next step see them. */
async function refreshModel(ctx: AgentContext, written: WriteResult[]): Promise<void> {
  await Promise.all(
    written.flatMap((w) => [w.path, w.proposalPath].filter((p): p is string => !!p && p.endsWith('.md'))).map(async (p) => {
      ctx.model.set(analyzeNote(p, await ctx.vault.read(p)));
    }),
  );
}

/** An old two-copy distillate is rewritten in the one-copy form by this write: say so, never silently. */
async function announceMigration(ctx: AgentContext, path: string): Promise<void> {
  if (!(await ctx.vault.stat(path))) return;
  const doc = readDistillate(parseNote(await ctx.vault.read(path)).body);
  if (doc.format !== 'two-copy') return;
  ctx.onProgress?.({
    stage: 'distill',
    message: `${path} is in the old two-copy format (readable sections and a YAML copy); the new distillate keeps the YAML once. If you edited the old note, it becomes a proposal to review, not an overwrite.`,
  });
}
