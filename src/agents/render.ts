import { stringify } from 'yaml';
import { DISTILLATE_FENCE, normalizeSourceId } from '../core/distillate';
import { pointBlockId, pointId, type EvidenceChecker } from '../core/grounding';
import type { GatheredSource } from '../sources/types';
import { Citations } from './citations';
import { inertText, safeUrl } from './untrusted';
import { LIMITS, type Critique, type Distillate, type Skeleton } from './schemas';
import { mostlyUnverified, quoteCounts, type CheckedDigest } from './scout';
import { wikilink } from './note-text';

/**
 * Markdown bodies of the generated notes. Every string from a model or a source goes through
 * inertText — except inside the distillate's YAML block, which Markdown never renders: there
 * strings are only stripped of control characters and capped (plainText), so a quote stays
 * comparable with its source.
 */

export type IdentifiedSource = GatheredSource & { id: string; digest?: CheckedDigest; fetchedAt: string };

const t = (s: string, max: number = LIMITS.text) => inertText(s, { max });

export function sourceLink(s: GatheredSource): string {
  if (s.kind === 'note') return wikilink(s.ref);
  const url = safeUrl(s.ref);
  return url ? `<${url}>` : t(s.ref, 300);
}

function renderDigest(lines: string[], id: string, d: CheckedDigest): void {
  const counts = quoteCounts(d);
  if (counts.total > 0) lines.push(`- **Quotes verified:** ${counts.verified} of ${counts.total}`);
  lines.push('');
  if (mostlyUnverified(d)) {
    lines.push(
      `> [!warning] Most quotes of this digest were not found in its source (${counts.verified} of ${counts.total} verified)`,
      '> Its key points may not say what the source says. Unverified quotes are not offered to the distiller as evidence.',
      '',
    );
  }
  lines.push(t(d.summary), '');
  d.keyPoints.slice(0, LIMITS.keyPoints).forEach((k, i) => {
    const quote = !k.quote.trim() ? ' — (no quote)' : k.verified ? ` — “${t(k.quote, 400)}”` : ` — “${t(k.quote, 400)}” (unverified: not found in the source)`;
    // The block id lets a citation in the distillate open this very quote (`S3.2` → `^s3-2`).
    lines.push(`- ${k.kind ? `*${k.kind}:* ` : ''}${t(k.point, 600)}${quote} ^${pointBlockId(pointId(id, i + 1))}`);
  });
  lines.push('');
}

export function renderSources(domainName: string, domainPath: string, sources: IdentifiedSource[]): string {
  const lines = [
    `# ${domainName} — sources`,
    '',
    `Gathered for ${wikilink(domainPath, domainName)} by the scout: ${sources.length} source${sources.length === 1 ? '' : 's'}.`,
    'Source text is treated as untrusted data: nothing in it can change trust, modes or what agents may write. ' +
      'Every quote was checked by code against the source text; an unverified quote is marked and never used as evidence.',
    '',
  ];
  for (const s of sources) {
    lines.push(`## ${s.id}`, '');
    lines.push(`- **Source:** ${sourceLink(s)}`);
    lines.push(`- **Title:** ${t(s.title, 200) || '(untitled)'}`);
    lines.push(`- **Why:** ${t(s.reason, 100)}`);
    lines.push(`- **Fingerprint:** ${s.fingerprint}`);
    lines.push(`- **Date:** ${s.fetchedAt}`);
    if (s.error) {
      lines.push(`- **Not used:** ${t(s.error, 300)}`, '');
      continue;
    }
    if (s.digest) renderDigest(lines, s.id, s.digest);
    else lines.push('');
  }
  return lines.join('\n');
}

/** Model text for the YAML block: no control characters, one line, capped; nothing to escape, since it is never rendered as Markdown. */
function plainText(s: string, max: number = LIMITS.text): string {
  // eslint-disable-next-line no-control-regex -- control characters are stripped on purpose
  const clean = s.normalize('NFC').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/\s*\n\s*/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

type ModelEvidence = Distillate['concepts'][number]['evidence'];

/** The distillate as the YAML data written into the note; evidence that checks out is tagged with its key point (`S3.2`). */
export function distillateYamlData(d: Distillate, checker?: EvidenceChecker): Record<string, unknown> {
  const n = LIMITS.items;
  const ev = (list: ModelEvidence) =>
    list.slice(0, 12).map((e) => {
      const entry: { source: string; quote: string; point?: string } = { source: normalizeSourceId(e.source) ?? plainText(e.source, 20), quote: plainText(e.quote, 400) };
      // The point the quote checks out against; an unresolved cited point is kept for grounding to name.
      const point = checker?.check({ ...entry, point: e.point }).point ?? (e.point ? plainText(e.point, 20) : undefined);
      if (point) entry.point = point;
      return entry;
    });
  return {
    summary: plainText(d.summary, 3000),
    concepts: d.concepts.slice(0, n).map((x) => ({ name: plainText(x.name, 120), explanation: plainText(x.explanation), evidence: ev(x.evidence) })),
    structure: d.structure.slice(0, n).map((x) => ({ area: plainText(x.area, 120), description: plainText(x.description), evidence: ev(x.evidence) })),
    decisions: d.decisions.slice(0, n).map((x) => ({ decision: plainText(x.decision, 300), tradeoffs: plainText(x.tradeoffs), evidence: ev(x.evidence) })),
    pitfalls: d.pitfalls.slice(0, n).map((x) => ({ pitfall: plainText(x.pitfall), evidence: ev(x.evidence) })),
    open_questions: d.open_questions.slice(0, n).map((x) => ({ question: plainText(x.question), evidence: ev(x.evidence) })),
  };
}

/**
 * The distillate note's body: real links to the domain, the sources and the critique (for the
 * graph and backlinks), then the distillate once, as YAML. Obsidian shows the block readably
 * (plugin/distillate-block.ts); `groundwork show` prints it readably in a terminal.
 */
export function renderDistillate(domainName: string, domainPath: string, paths: { sources: string; critique: string }, d: Distillate, checker?: EvidenceChecker): string {
  // A line starting with ``` would close the fence early; the YAML never needs one.
  const yaml = stringify(distillateYamlData(d, checker), { lineWidth: 0 }).trimEnd().replace(/```/g, "'''");
  return [
    `# ${domainName} — distillate`,
    '',
    `How ${wikilink(domainPath, domainName)} is arranged, distilled from ${wikilink(paths.sources, 'its sources')} and checked in ${wikilink(paths.critique, 'its critique')}. ` +
      'The block below is the distillate: Obsidian shows it readably, and what you write in it is what the critic, the agents and the sign-off read. ' +
      'Correct it, and raise `confidence` once you trust it.',
    '',
    '```' + DISTILLATE_FENCE,
    yaml,
    '```',
    '',
  ].join('\n');
}

export function renderCritique(domainName: string, domainPath: string, distillatePath: string, sourcesPath: string, cr: Critique, knownIds: Set<string>): string {
  const c = new Citations(knownIds, sourcesPath);
  const lines = [
    `# ${domainName} — critique`,
    '',
    `The critic checked ${wikilink(distillatePath, 'the distillate')} of ${wikilink(domainPath, domainName)} against ${wikilink(sourcesPath, 'its sources')}.`,
    '',
    `**Verdict: ${cr.verdict}**`,
    '',
    t(cr.summary, 2000),
    '',
    ...labelTally(cr),
    '## Issues',
    '',
    'Each issue is a task: tick it or delete it once it is resolved. Open issues block the sign-off.',
    '',
  ];
  lines.push(...critiqueIssueLines(cr, c));
  lines.push('');
  return lines.join('\n');
}

/** How the critic labelled the claims, in one line: the verdict follows from it. */
function labelTally(cr: Critique): string[] {
  if (!cr.claims || cr.claims.length === 0) return [];
  const n = (l: string | null) => cr.claims!.filter((c) => c.label === l).length;
  const parts = [`${n('supported')} supported`, `${n('partial')} partial`, `${n('unsupported')} unsupported`, `${n('contradicted')} contradicted`];
  if (n(null) > 0) parts.push(`${n(null)} not labelled`);
  return [`Claims checked against their quotes: ${parts.join(', ')}.`, ''];
}

/** The critic's issues as `- [ ]` tasks, citations linked; one line when there are none. */
export function critiqueIssueLines(cr: Critique, c: Citations): string[] {
  if (cr.issues.length === 0) return ['No issues found.'];
  return cr.issues.slice(0, LIMITS.items).map((i) => `- [ ] **${i.kind}**: ${t(i.claim, 400)} — ${t(i.explanation)} ${i.sources.length ? c.render(i.sources) : ''}`.trimEnd());
}

export function renderSkeleton(domainName: string, domainPath: string, distillatePath: string, s: Skeleton): string {
  const lines = [
    `# ${domainName} — skeleton`,
    '',
    `A 3-level map of ${wikilink(domainPath, domainName)} (domain → areas → concepts), drafted from ${wikilink(distillatePath, 'the distillate')}. ` +
      'Edit it until it is how you see the domain, then raise `confidence` to at least medium.',
    '',
    `- ${inertText(domainName, { max: 120 })}`,
  ];
  for (const a of s.areas.slice(0, LIMITS.areas)) {
    lines.push(`  - ${t(a.name, 120)}`);
    for (const c of a.concepts.slice(0, LIMITS.conceptsPerArea)) lines.push(`    - ${t(c, 120)}`);
  }
  lines.push('');
  return lines.join('\n');
}
