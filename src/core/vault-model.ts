import { quotesVerifiedOf } from './grounding';
import { LinkGraph } from './link-graph';
import { findNotePath, LinkResolver } from './links';
import { RuleIndex, type IncludeRule } from './membership';
import { assignDomainFolders } from './domain-folders';
import { basename, GENERATED_KINDS, generatedPath, inboxFolder, isInside, safeName, type GeneratedKind } from './layout';
import type { NoteRecord } from './note-record';
import { decideMode, type ModeReason } from './policy';
import { signOffBlockerItems, staleReason, stageOf, type Blocker, type DomainArtifacts, type Stage } from './signoff';
import type { Confidence, Mode, Problem } from './trust';
import { evidenceOf, NO_EVIDENCE, onProbation, suggestionFor, type Evidence, type EvidenceFacts } from './evidence';

/**
 * The whole vault as the map sees it: one NoteRecord per note, kept up to date one file at a
 * time, with the domain map derived on demand from memory (no file is read to recompute it).
 */

export interface DomainEntry {
  name: string;
  path: string;
  confidence: Confidence | null;
  critical: boolean;
  mode: Mode;
  stage: Stage;
  signedOff: string | null;
  stale: boolean;
  /** Member notes: linked + included. */
  notes: number;
  /** Members whose `domain` property links this domain note. */
  linked: number;
  /** Members that joined by one of the domain's `include` rules only (no `domain` link to it). */
  included: number;
  /** Pending proposals in the inbox for this domain. */
  pending: number;
  /** What stands between the domain and its sign-off (empty when signed off and fresh). */
  blockers: string[];
  /** At least 2 of the last 10 automated changes since the sign-off were undone or reverted. */
  probation: boolean;
  evidence: Evidence;
  /** Vault paths of sources changed since their digest. */
  sourcesChanged: string[];
  /** What the evidence suggests, in one sentence; it never changes anything. */
  suggestion: string | null;
}

/** The map with the details the views show but the JSON contract leaves out. */
export interface DomainDetail extends DomainEntry {
  reason: ModeReason;
  autonomy: Mode | null;
  staleReason: string | null;
  /** Unticked issues in the domain's critique. */
  openIssues: number;
  memberPaths: string[];
  artifacts: Partial<Record<GeneratedKind, string>>;
  /** The blockers with the note or step that clears each (the map links them). */
  blockerItems: Blocker[];
  /** Paths of the domain's pending proposals. */
  pendingPaths: string[];
}

export interface AutonomyMap {
  domains: DomainDetail[];
  problems: Problem[];
}

export class VaultModel {
  private readonly records = new Map<string, NoteRecord>();
  private readonly resolver = new LinkResolver();
  /** Resolved links and backlinks, kept across questions (the scout's walk, the ranking). */
  private readonly graph = new LinkGraph(
    this.resolver,
    (path) => this.records.get(path)?.links,
    () => this.records.keys(),
  );
  /** Every domain's `include` rules, rebuilt on the first read after a domain note changed. */
  private rules: RuleIndex | null = null;
  /** Per domain note: the facts the shells gathered from the journal, proposals and sources. */
  private readonly evidence = new Map<string, EvidenceFacts>();
  /** Each domain note's folder name, recomputed on the first read after a domain or generated note changed. */
  private folders: Map<string, string> | null = null;

  constructor(readonly outputFolder: string) {}

  get size(): number {
    return this.records.size;
  }

  get(path: string): NoteRecord | undefined {
    return this.records.get(path);
  }

  all(): IterableIterator<NoteRecord> {
    return this.records.values();
  }

  set(record: NoteRecord): void {
    const old = this.records.get(record.path);
    if (old && !sameList(old.links, record.links)) this.graph.invalidate(record.path);
    if (hasRules(old) || hasRules(record)) this.rules = null;
    if (placesFolders(old) || placesFolders(record) || !old) this.folders = null;
    this.records.set(record.path, record);
    if (!old) {
      this.resolver.add(record.path);
      this.graph.pathAdded(record.path);
    }
  }

  delete(path: string): void {
    const old = this.records.get(path);
    if (!old) return;
    if (hasRules(old)) this.rules = null;
    // Any note: a deleted one can change what a generated note's link resolves to.
    this.folders = null;
    this.graph.pathRemoved(path);
    this.records.delete(path);
    this.resolver.remove(path);
  }

  rename(oldPath: string, record: NoteRecord): void {
    this.delete(oldPath);
    this.set(record);
  }

  /** The shells feed in what they measured; the map and the Gate derive probation from it. */
  setEvidence(domainPath: string, facts: EvidenceFacts): void {
    this.evidence.set(domainPath, facts);
  }

  evidenceFacts(domainPath: string): EvidenceFacts {
    return this.evidence.get(domainPath) ?? NO_EVIDENCE;
  }

  resolve(target: string, sourcePath = ''): string | null {
    return this.resolver.resolve(target, sourcePath);
  }

  /** The distinct notes a note links to (never itself), in link order; resolved once until something changes it. */
  linksFrom(path: string): string[] {
    return this.graph.linksFrom(path);
  }

  /**
   * The notes linking to a note (never itself), sorted. Before `linksReady`, found through the
   * links carrying the note's name (a few questions on a large vault); after it, from the whole
   * backlink index, kept up to date (many questions on a model that lives on).
   */
  backlinksTo(path: string): string[] {
    return this.graph.backlinksTo(path);
  }

  backlinkCount(path: string): number {
    return this.graph.backlinkCount(path);
  }

  /**
   * Resolves the links of every note not resolved since it last changed, yielding through
   * `pause` (the first time on 50k notes, over a second of work): after it, backlink answers are
   * immediate.
   */
  linksReady(pause?: () => Promise<void>): Promise<void> {
    return this.graph.ready(pause);
  }

  /**
   * Domain notes' paths a note belongs to: through its `domain` property first, then through
   * the domains' `include` rules. Everything that asks "is this note in D" (the map, the Gate,
   * the scout, routines) asks here.
   */
  domainsOf(record: NoteRecord): string[] {
    const { linked, included } = this.membership(record);
    return included.length === 0 ? linked : [...linked, ...included];
  }

  /** The two ways a note belongs to domains; `included` leaves out domains it also links. */
  membership(record: NoteRecord): { linked: string[]; included: string[] } {
    const linked: string[] = [];
    for (const t of record.domainLinks) {
      // A link resolves by its text and its source's path alone: a kept resolution serves any record of that path.
      const p = this.graph.resolveFrom(record.path, t);
      if (p && this.records.get(p)?.role === 'domain' && !linked.includes(p)) linked.push(p);
    }
    const included = this.includedBy(record).filter((d) => !linked.includes(d));
    return { linked, included };
  }

  /**
   * Domains whose `include` rules take the note. Only the person's own notes join by a rule:
   * never a domain note, a generated note, or anything under the output folder.
   */
  includedBy(record: NoteRecord): string[] {
    if (record.role !== null || isInside(record.path, this.outputFolder)) return [];
    return this.ruleIndex().match(record.path, record.tags).sort();
  }

  /** The person's notes a rule would take (never domain or generated notes), sorted: a preview of adopting it. */
  matching(rule: IncludeRule): string[] {
    const one = new RuleIndex();
    // A key no note has, so that no note is left out as "the domain note itself".
    one.add('\u0000', [rule]);
    const out: string[] = [];
    for (const r of this.records.values()) {
      if (r.role !== null || isInside(r.path, this.outputFolder)) continue;
      if (one.match(r.path, r.tags).length > 0) out.push(r.path);
    }
    return out.sort();
  }

  /** Every member note of a domain, linked or included, sorted by path. */
  membersOf(domainPath: string): string[] {
    const out: string[] = [];
    for (const r of this.records.values()) if (this.isMemberOf(r, domainPath)) out.push(r.path);
    return out.sort();
  }

  /** Whether a note is one of the domain's members (membersOf, one note at a time). */
  isMemberOf(record: NoteRecord, domainPath: string): boolean {
    if (record.path === domainPath || (record.role !== null && record.role !== 'domain')) return false;
    return this.domainsOf(record).includes(domainPath);
  }

  private ruleIndex(): RuleIndex {
    if (this.rules) return this.rules;
    const index = new RuleIndex();
    for (const r of this.records.values()) if (hasRules(r)) index.add(r.path, r.include);
    return (this.rules = index);
  }

  /**
   * The notes that would join if this note became a domain: those whose `domain` property links
   * to it, and those its own `include` rules take (never generated or domain notes), for the
   * adoption preview.
   */
  wouldJoin(path: string): string[] {
    const self = this.records.get(path);
    let rules: RuleIndex | null = null;
    if (self && hasRules(self)) {
      rules = new RuleIndex();
      rules.add(path, self.include);
    }
    const out: string[] = [];
    for (const r of this.records.values()) {
      if (r.path === path || r.role !== null || isInside(r.path, this.outputFolder)) continue;
      const linked = r.domainLinks.some((t) => this.resolve(t, r.path) === path);
      if (linked || (rules && rules.match(r.path, r.tags).length > 0)) out.push(r.path);
    }
    return out.sort();
  }

  /** The domain note named by a name or a vault-relative path, as the CLI's `<domain>` argument. */
  findDomain(nameOrPath: string): NoteRecord | null {
    const p = findNotePath(nameOrPath, (path) => this.records.has(path), this.resolver);
    return p ? (this.records.get(p) ?? null) : null;
  }

  /**
   * The name of the folder under the output folder that holds a domain's generated notes:
   * its name made safe, qualified by its parent folder when another domain note would share it
   * (src/core/domain-folders.ts). For a note that is not a domain, its name made safe.
   */
  folderOf(domainPath: string): string {
    if (!this.folders) {
      const domains: string[] = [];
      for (const r of this.records.values()) if (r.role === 'domain') domains.push(r.path);
      this.folders = assignDomainFolders(domains, (folder) => this.ownerOfFolder(folder));
    }
    return this.folders.get(domainPath) ?? safeName(basename(domainPath));
  }

  /** A generated note's path for a domain note (DESIGN §5 layout, in the domain's own folder). */
  generatedPath(domainPath: string, kind: GeneratedKind | 'canvas'): string {
    return generatedPath(this.outputFolder, this.folderOf(domainPath), kind);
  }

  /**
   * The domain note a generated note was made for: where its `domain` link resolves (a domain
   * note), or null when it has no such link (a person removed it: the folder decides then).
   */
  madeFor(record: NoteRecord): string | null {
    for (const t of record.domainLinks) {
      const p = this.resolve(t, record.path);
      if (p && this.records.get(p)?.role === 'domain') return p;
    }
    return null;
  }

  /** A generated note belongs to a domain unless it names another domain note. */
  belongsTo(record: NoteRecord, domainPath: string): boolean {
    const made = this.madeFor(record);
    return made === null || made === domainPath;
  }

  /** The domain that the generated notes already in a folder name, in the order they are made. */
  private ownerOfFolder(folder: string): string | null {
    for (const kind of GENERATED_KINDS) {
      const r = this.records.get(generatedPath(this.outputFolder, folder, kind));
      const made = r && r.role === kind ? this.madeFor(r) : null;
      if (made) return made;
    }
    return null;
  }

  /** A domain's generated notes; one in its folder that another domain made is not its own. */
  artifacts(domainPath: string): DomainArtifacts {
    const pick = (kind: GeneratedKind): NoteRecord | null => {
      const r = this.records.get(this.generatedPath(domainPath, kind));
      return r && r.role === kind && this.belongsTo(r, domainPath) ? r : null;
    };
    return { sources: pick('sources'), distillate: pick('distillate'), critique: pick('critique'), skeleton: pick('skeleton') };
  }

  /** Generated notes in a domain's folder that another domain made (two domains once shared a folder). */
  foreignArtifacts(domainPath: string): { path: string; madeFor: string }[] {
    const out: { path: string; madeFor: string }[] = [];
    for (const kind of GENERATED_KINDS) {
      const r = this.records.get(this.generatedPath(domainPath, kind));
      const made = r && r.role === kind ? this.madeFor(r) : null;
      if (made && made !== domainPath) out.push({ path: r!.path, madeFor: made });
    }
    return out;
  }

  /** Domain note paths in the map's order (by name, then path), without computing the map. */
  domainPaths(): string[] {
    const out: NoteRecord[] = [];
    for (const r of this.records.values()) if (r.role === 'domain') out.push(r);
    return out.sort((x, y) => byName.compare(basename(x.path), basename(y.path)) || byName.compare(x.path, y.path)).map((r) => r.path);
  }

  computeMap(): AutonomyMap {
    const problems: Problem[] = [];
    const members = new Map<string, string[]>();
    const linkedCount = new Map<string, number>();
    const pending = new Map<string, string[]>();
    const inbox = inboxFolder(this.outputFolder);

    const addMember = (d: string, path: string): void => {
      let list = members.get(d);
      if (!list) members.set(d, (list = []));
      list.push(path);
    };
    const rules = this.ruleIndex();
    for (const r of this.records.values()) {
      for (const message of r.problems) problems.push({ path: r.path, message });
      // By rule: only what no link already made a member counts as included.
      const byRule = rules.empty ? NO_PATHS : this.includedBy(r);
      if (r.domainLinks.length === 0) {
        for (const d of byRule) addMember(d, r.path);
        continue;
      }
      // One resolution per link serves both the membership and the problems (this loop runs
      // over every note on each map update).
      const doms: string[] = [];
      for (const t of r.domainLinks) {
        const p = this.resolve(t, r.path);
        const target = p ? this.records.get(p) : undefined;
        if (!p) problems.push({ path: r.path, message: `domain: [[${t}]] does not link to any note` });
        else if (target?.role === 'domain') {
          if (!doms.includes(p)) doms.push(p);
        } else if (r.role !== 'domain') problems.push({ path: r.path, message: `domain: [[${t}]] links to ${p}, which is not a domain note (groundwork: domain)` });
      }
      if (r.role === 'proposal' && isInside(r.path, inbox)) {
        if (r.status === null || r.status === 'pending') for (const d of doms) pending.set(d, [...(pending.get(d) ?? []), r.path]);
        continue;
      }
      if (r.role !== null && r.role !== 'domain') continue;
      for (const d of doms) {
        if (d === r.path) continue;
        addMember(d, r.path);
        linkedCount.set(d, (linkedCount.get(d) ?? 0) + 1);
      }
      for (const d of byRule) if (!doms.includes(d)) addMember(d, r.path);
    }

    const domains: DomainDetail[] = [];
    for (const r of this.records.values()) {
      if (r.role !== 'domain') continue;
      const name = basename(r.path);
      const a = this.artifacts(r.path);
      for (const f of this.foreignArtifacts(r.path)) {
        problems.push({ path: f.path, message: `was made for ${f.madeFor}, but it is in the folder of ${r.path}, so neither domain uses it; run research for ${f.madeFor} again to get its own, then delete this one` });
      }
      const stale = staleReason(r.trust, a);
      const facts = this.evidenceFacts(r.path);
      const probation = onProbation(facts);
      const { mode, reason } = decideMode({ trust: r.trust, freshSignOff: r.trust.signedOff !== null && stale === null, probation });
      const stage = stageOf(r.trust, a, stale !== null);
      const memberPaths = (members.get(r.path) ?? []).sort();
      const blockerItems = stage === 'signed-off' ? [] : signOffBlockerItems(a);
      const artifacts: Partial<Record<GeneratedKind, string>> = {};
      for (const k of ['sources', 'distillate', 'critique', 'skeleton'] as const) {
        const rec = a[k];
        if (rec) artifacts[k] = rec.path;
      }
      domains.push({
        name,
        path: r.path,
        confidence: r.trust.confidence,
        critical: r.trust.critical,
        mode,
        stage,
        signedOff: r.trust.signedOff,
        stale: stale !== null,
        notes: memberPaths.length,
        linked: linkedCount.get(r.path) ?? 0,
        included: memberPaths.length - (linkedCount.get(r.path) ?? 0),
        pending: pending.get(r.path)?.length ?? 0,
        blockers: blockerItems.map((b) => b.text),
        probation,
        // The share of verified quotes is the distillate's own (`quotes-verified`, computed by code when it was written).
        evidence: { ...evidenceOf(facts), quotesVerified: quotesVerifiedOf(a.distillate?.frontmatter) ?? facts.quotesVerified },
        sourcesChanged: facts.sourcesChanged,
        suggestion: suggestionFor({ mode, probation, signedOff: r.trust.signedOff !== null, staleReason: stale, facts }),
        reason,
        autonomy: r.trust.autonomy,
        staleReason: stale,
        openIssues: a.critique?.openTasks ?? 0,
        memberPaths,
        artifacts,
        blockerItems,
        pendingPaths: (pending.get(r.path) ?? []).sort(),
      });
    }
    domains.sort((x, y) => byName.compare(x.name, y.name) || byName.compare(x.path, y.path));
    problems.sort((x, y) => byName.compare(x.path, y.path));
    return { domains, problems };
  }
}

const NO_PATHS: string[] = [];

/** The order of `localeCompare` (the same default locale and options), without its per-call set-up. */
const byName = new Intl.Collator();

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
}

/** Domain and generated notes decide who owns which folder. */
function placesFolders(r: NoteRecord | undefined): boolean {
  return r !== undefined && (r.role === 'domain' || (GENERATED_KINDS as readonly string[]).includes(r.role ?? ''));
}

function hasRules(r: NoteRecord | undefined): boolean {
  return r !== undefined && r.role === 'domain' && r.include.length > 0;
}

/** The JSON contract of `map --json` (DESIGN §5): exactly these keys per domain. */
export function mapToJson(map: AutonomyMap): { domains: DomainEntry[]; problems: Problem[] } {
  return {
    domains: map.domains.map((d) => ({
      name: d.name,
      path: d.path,
      confidence: d.confidence,
      critical: d.critical,
      mode: d.mode,
      stage: d.stage,
      signedOff: d.signedOff,
      stale: d.stale,
      notes: d.notes,
      linked: d.linked,
      included: d.included,
      pending: d.pending,
      blockers: d.blockers,
      probation: d.probation,
      evidence: d.evidence,
      sourcesChanged: d.sourcesChanged,
      suggestion: d.suggestion,
    })),
    problems: map.problems,
  };
}
