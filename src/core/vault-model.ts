import { LinkResolver } from './links';
import { basename, generatedPath, inboxFolder, isInside, type GeneratedKind } from './layout';
import type { NoteRecord } from './note-record';
import { decideMode, type ModeReason } from './policy';
import { signOffBlockers, staleReason, stageOf, type DomainArtifacts, type Stage } from './signoff';
import type { Confidence, Mode, Problem } from './trust';

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
  /** Member notes: notes whose `domain` links to this domain note. */
  notes: number;
  /** Pending proposals in the inbox for this domain. */
  pending: number;
  /** What stands between the domain and its sign-off (empty when signed off and fresh). */
  blockers: string[];
}

/** The map with the details the views show but the JSON contract leaves out. */
export interface DomainDetail extends DomainEntry {
  reason: ModeReason;
  autonomy: Mode | null;
  staleReason: string | null;
  memberPaths: string[];
  artifacts: Partial<Record<GeneratedKind, string>>;
}

export interface AutonomyMap {
  domains: DomainDetail[];
  problems: Problem[];
}

export class VaultModel {
  private readonly records = new Map<string, NoteRecord>();
  private readonly resolver = new LinkResolver();

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
    if (!this.records.has(record.path)) this.resolver.add(record.path);
    this.records.set(record.path, record);
  }

  delete(path: string): void {
    if (this.records.delete(path)) this.resolver.remove(path);
  }

  rename(oldPath: string, record: NoteRecord): void {
    this.delete(oldPath);
    this.set(record);
  }

  resolve(target: string, sourcePath = ''): string | null {
    return this.resolver.resolve(target, sourcePath);
  }

  /** Domain notes' paths a note belongs to, through its `domain` property. */
  domainsOf(record: NoteRecord): string[] {
    const out: string[] = [];
    for (const t of record.domainLinks) {
      const p = this.resolve(t, record.path);
      if (p && this.records.get(p)?.role === 'domain' && !out.includes(p)) out.push(p);
    }
    return out;
  }

  /** The domain note named by a name or a vault-relative path, as the CLI's `<domain>` argument. */
  findDomain(nameOrPath: string): NoteRecord | null {
    const direct = this.records.get(nameOrPath) ?? this.records.get(`${nameOrPath}.md`);
    if (direct) return direct;
    const p = this.resolve(nameOrPath);
    return p ? (this.records.get(p) ?? null) : null;
  }

  artifacts(domainName: string): DomainArtifacts {
    const pick = (kind: GeneratedKind): NoteRecord | null => {
      const r = this.records.get(generatedPath(this.outputFolder, domainName, kind));
      return r && r.role === kind ? r : null;
    };
    return { sources: pick('sources'), distillate: pick('distillate'), critique: pick('critique'), skeleton: pick('skeleton') };
  }

  computeMap(): AutonomyMap {
    const problems: Problem[] = [];
    const members = new Map<string, string[]>();
    const pending = new Map<string, number>();
    const inbox = inboxFolder(this.outputFolder);

    for (const r of this.records.values()) {
      for (const message of r.problems) problems.push({ path: r.path, message });
      if (r.domainLinks.length === 0) continue;
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
        if (r.status === null || r.status === 'pending') for (const d of doms) pending.set(d, (pending.get(d) ?? 0) + 1);
        continue;
      }
      if (r.role !== null && r.role !== 'domain') continue;
      for (const d of doms) {
        if (d === r.path) continue;
        let list = members.get(d);
        if (!list) members.set(d, (list = []));
        list.push(r.path);
      }
    }

    const domains: DomainDetail[] = [];
    for (const r of this.records.values()) {
      if (r.role !== 'domain') continue;
      const name = basename(r.path);
      const a = this.artifacts(name);
      const stale = staleReason(r.trust, a);
      const { mode, reason } = decideMode({ trust: r.trust, freshSignOff: r.trust.signedOff !== null && stale === null });
      const stage = stageOf(r.trust, a, stale !== null);
      const memberPaths = (members.get(r.path) ?? []).sort();
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
        pending: pending.get(r.path) ?? 0,
        blockers: stage === 'signed-off' ? [] : signOffBlockers(a),
        reason,
        autonomy: r.trust.autonomy,
        staleReason: stale,
        memberPaths,
        artifacts,
      });
    }
    domains.sort((x, y) => x.name.localeCompare(y.name) || x.path.localeCompare(y.path));
    problems.sort((x, y) => x.path.localeCompare(y.path));
    return { domains, problems };
  }
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
      pending: d.pending,
      blockers: d.blockers,
    })),
    problems: map.problems,
  };
}
