import { citedIds, DISTILLATE_SECTIONS, itemLabel, normalizeSourceId, type DistillateDoc, type DistillateItem, type Evidence } from './distillate';
import { QuoteSource } from './quotes';

/**
 * Whether each distillate claim rests on evidence code can check (DESIGN §1, §2): a claim is
 * grounded when at least one of its evidence entries cites a real source and quotes text found in
 * a verified digest quote of that very source. Everything else — no quote, a quote the source's
 * digest does not hold (found in another source or nowhere), an id that is no source — is named,
 * so the critique can list it as an `unsupported` issue before any model looks at it.
 */

/**
 * The digest quotes of each usable source, by id (`S3`), in key point order; null where the
 * point's quote was not verified, so the position still names the point (`S3.2` is the second).
 */
export type VerifiedQuotes = ReadonlyMap<string, readonly (string | null)[]>;

/** The id of a source's n-th key point (1-based): `S3.2`. */
export function pointId(sourceId: string, n: number): string {
  return `${sourceId}.${n}`;
}

/** A key point id as agents and people type it (`S3.2`, `[s3.2]`), normalized, or null. */
export function normalizePointId(raw: string): string | null {
  const m = /^\s*\[?\s*s\s*(\d{1,4})\s*\.\s*(\d{1,3})\s*\]?\s*$/i.exec(raw);
  return m ? pointId(`S${Number(m[1])}`, Number(m[2])) : null;
}

/** The Obsidian block id that marks a key point in the sources note: `s3-2` for `S3.2`. */
export function pointBlockId(point: string): string {
  return point.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

export interface EvidenceCheck {
  evidence: Evidence;
  ok: boolean;
  /** Why it does not hold, in plain words; null when ok. */
  reason: string | null;
  /** The `S3.2` key point whose quote holds it, when found. */
  point: string | null;
}

export interface ClaimGrounding {
  label: string;
  section: string;
  index: number;
  grounded: boolean;
  cited: string[];
  unknownIds: string[];
  checks: EvidenceCheck[];
  /** Why it is not grounded; null when grounded. */
  reason: string | null;
}

export interface GroundingReport {
  claims: ClaimGrounding[];
  /** Share of claims that are grounded, or null when there are none. */
  share: number | null;
  /** Cited ids that are no usable source, across the whole distillate (open questions too). */
  unknownIds: string[];
  /** Claims cite ids the old way (`sources`) and none carries evidence: written before claims carried quotes. */
  legacy: boolean;
}

/** Checks quotes against the verified digest quotes of each source, normalizing each quote once. */
export class EvidenceChecker {
  private readonly bySource = new Map<string, (QuoteSource | null)[]>();

  constructor(
    private readonly known: ReadonlySet<string>,
    verified: VerifiedQuotes,
  ) {
    for (const [id, quotes] of verified) this.bySource.set(id, quotes.map((q) => (q === null ? null : new QuoteSource(q))));
  }

  /** Index (1-based) of the verified quote of `id` that holds `quote`, or 0. */
  private pointOf(id: string, quote: string): number {
    const qs = this.bySource.get(id) ?? [];
    const i = qs.findIndex((q) => q !== null && q.has(quote));
    return i + 1;
  }

  /** The 1-based index of key point `point` (`S3.2`) of source `id` when it has a verified quote, or 0. */
  private verifiedPointOf(id: string, point: string): number {
    const p = normalizePointId(point);
    if (!p || !p.startsWith(`${id}.`)) return 0;
    const n = Number(p.slice(id.length + 1));
    return (this.bySource.get(id) ?? [])[n - 1] ? n : 0;
  }

  check(e: Evidence): EvidenceCheck {
    const id = normalizeSourceId(e.source);
    const label = id ?? (e.source.trim() || '(no id)');
    if (!id || !this.known.has(id)) return { evidence: e, ok: false, reason: `${label} is not one of the sources`, point: null };
    if (!e.quote.trim()) {
      // A key point cited by its id alone (`point: S3.2`) rests on that point's verified quote.
      const at = e.point ? this.verifiedPointOf(id, e.point) : 0;
      if (at > 0) return { evidence: e, ok: true, reason: null, point: pointId(id, at) };
      return { evidence: e, ok: false, reason: e.point ? `${e.point.trim()} is no verified key point of ${id}` : `it cites ${id} without a quote`, point: null };
    }
    const at = this.pointOf(id, e.quote);
    if (at > 0) return { evidence: e, ok: true, reason: null, point: pointId(id, at) };
    const elsewhere = [...this.bySource.keys()].filter((other) => other !== id && this.pointOf(other, e.quote) > 0);
    return {
      evidence: e,
      ok: false,
      reason: elsewhere.length
        ? `its quote is not in ${id} but in ${elsewhere.join(', ')}`
        : `its quote is not among the verified quotes of ${id}`,
      point: null,
    };
  }
}

function groundItem(checker: EvidenceChecker, known: ReadonlySet<string>, section: string, index: number, label: string, item: DistillateItem): ClaimGrounding {
  const cited = citedIds(item);
  const unknownIds = cited.filter((id) => !known.has(id));
  const checks = item.evidence.map((e) => checker.check(e));
  const grounded = checks.some((c) => c.ok);
  let reason: string | null = null;
  if (!grounded) {
    if (cited.length === 0) reason = 'it cites no source';
    else if (checks.length === 0) reason = `it cites ${cited.join(', ')} but quotes nothing`;
    else reason = `no verified quote holds it: ${[...new Set(checks.map((c) => c.reason))].join('; ')}`;
  }
  return { label, section, index, grounded, cited, unknownIds, checks, reason };
}

export function groundDistillate(doc: DistillateDoc, known: ReadonlySet<string>, verified: VerifiedQuotes): GroundingReport {
  const checker = new EvidenceChecker(known, verified);
  const claims: ClaimGrounding[] = [];
  const unknown = new Set<string>();
  let anyEvidence = false;
  let anyOldCitation = false;
  for (const spec of DISTILLATE_SECTIONS) {
    doc.sections[spec.key].forEach((item, i) => {
      const g = groundItem(checker, known, spec.key, i, itemLabel(spec, item), item);
      for (const id of g.unknownIds) unknown.add(id);
      if (item.evidence.length > 0) anyEvidence = true;
      if (item.sources.length > 0) anyOldCitation = true;
      if (spec.claim) claims.push(g);
    });
  }
  const grounded = claims.filter((c) => c.grounded).length;
  return {
    claims,
    share: claims.length === 0 ? null : grounded / claims.length,
    unknownIds: [...unknown].sort(),
    legacy: claims.length > 0 && anyOldCitation && !anyEvidence,
  };
}

export interface UnsupportedIssue {
  kind: 'unsupported';
  claim: string;
  explanation: string;
  sources: string[];
}

/**
 * The `unsupported` issues code writes into the critique: one per unknown id, one per ungrounded
 * claim — or, for a distillate written before claims carried quotes, one for all of them, since
 * its claims could not have quoted and a list of each would only bury the one fix (re-research).
 */
export function groundingIssues(report: GroundingReport, known: ReadonlySet<string>): UnsupportedIssue[] {
  const issues: UnsupportedIssue[] = [];
  const knownList = [...known].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).join(', ') || 'none';
  for (const id of report.unknownIds) {
    issues.push({ kind: 'unsupported', claim: `Claims citing ${id}`, explanation: `${id} is not one of the sources (${knownList})`, sources: [] });
  }
  const ungrounded = report.claims.filter((c) => !c.grounded);
  if (report.legacy) {
    issues.push({
      kind: 'unsupported',
      claim: `${ungrounded.length} of ${report.claims.length} claims`,
      explanation: 'This distillate predates quoted evidence: its claims cite sources but no quote code can check. Re-run research to ground them, or check each against the sources note.',
      sources: [],
    });
    return issues;
  }
  for (const c of ungrounded) {
    // A claim whose only fault is an unknown id is already named by that id's issue.
    if (c.cited.length > 0 && c.unknownIds.length === c.cited.length) continue;
    issues.push({ kind: 'unsupported', claim: c.label, explanation: `Ungrounded: ${c.reason ?? 'no verified quote'}`, sources: c.cited.filter((id) => known.has(id)) });
  }
  return issues;
}

/** The share of digest quotes code found in their sources, or null when there are none. */
export function quotesVerifiedShare(counts: Iterable<{ verified: number; total: number }>): number | null {
  let v = 0;
  let t = 0;
  for (const c of counts) {
    v += c.verified;
    t += c.total;
  }
  return t === 0 ? null : v / t;
}

/** A share as frontmatter carries it: rounded to 2 decimals, null stays null. */
export function shareValue(x: number | null): number | null {
  return x === null ? null : Math.round(x * 100) / 100;
}

/**
 * `evidence.quotesVerified` of the map (DESIGN §5): the share of digest quotes code found in
 * their sources, as the research run recorded it on the distillate; null without one.
 */
export function quotesVerifiedOf(distillateFrontmatter: Record<string, unknown> | null | undefined): number | null {
  const v = distillateFrontmatter?.['quotes-verified'];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1 ? v : null;
}
