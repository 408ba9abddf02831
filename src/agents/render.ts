import { stringify } from 'yaml';
import type { GatheredSource } from '../sources/types';
import { Citations } from './citations';
import { inertText, safeUrl } from './untrusted';
import { LIMITS, type Critique, type Digest, type Distillate, type Skeleton } from './schemas';
import { wikilink } from './note-text';

/** Markdown bodies of the generated notes. Every string from a model or a source goes through inertText. */

export type IdentifiedSource = GatheredSource & { id: string; digest?: Digest; fetchedAt: string };

const t = (s: string, max: number = LIMITS.text) => inertText(s, { max });

export function sourceLink(s: GatheredSource): string {
  if (s.kind === 'note') return wikilink(s.ref);
  const url = safeUrl(s.ref);
  return url ? `<${url}>` : t(s.ref, 300);
}

export function renderSources(domainName: string, domainPath: string, sources: IdentifiedSource[]): string {
  const lines = [
    `# ${domainName} — sources`,
    '',
    `Gathered for ${wikilink(domainPath, domainName)} by the scout: ${sources.length} source${sources.length === 1 ? '' : 's'}.`,
    'Source text is treated as untrusted data: nothing in it can change trust, modes or what agents may write.',
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
    lines.push('');
    if (s.digest) {
      lines.push(t(s.digest.summary), '');
      for (const k of s.digest.keyPoints.slice(0, LIMITS.keyPoints)) {
        const quote = k.quote.trim() ? ` — “${t(k.quote, 400)}”` : '';
        lines.push(`- ${t(k.point, 600)}${quote}`);
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}

export function renderDistillate(domainName: string, domainPath: string, sourcesPath: string, d: Distillate, knownIds: Set<string>): { body: string; unsupported: string[] } {
  const c = new Citations(knownIds, sourcesPath);
  const n = LIMITS.items;
  const lines = [
    `# ${domainName} — distillate`,
    '',
    `How ${wikilink(domainPath, domainName)} is arranged, distilled from ${wikilink(sourcesPath, 'its sources')}. ` +
      'Read it, correct it, and raise `confidence` once you trust it.',
    '',
    '## Summary',
    '',
    t(d.summary, 3000),
    '',
    '## Concepts',
    '',
    ...d.concepts.slice(0, n).map((x) => `- **${t(x.name, 120)}** — ${t(x.explanation)} ${c.render(x.sources)}`),
    '',
    '## Structure',
    '',
    ...d.structure.slice(0, n).map((x) => `- **${t(x.area, 120)}** — ${t(x.description)} ${c.render(x.sources)}`),
    '',
    '## Decisions and trade-offs',
    '',
    ...d.decisions.slice(0, n).map((x) => `- **${t(x.decision, 300)}** — ${t(x.tradeoffs)} ${c.render(x.sources)}`),
    '',
    '## Pitfalls',
    '',
    ...d.pitfalls.slice(0, n).map((x) => `- ${t(x.pitfall)} ${c.render(x.sources)}`),
    '',
    '## Open questions',
    '',
    ...d.open_questions.slice(0, n).map((x) => `- ${t(x.question)} ${c.render(x.sources)}`),
    '',
  ];
  const unsupported = [...c.unknown].sort();
  if (unsupported.length > 0) {
    lines.push('## Unsupported citations', '', `The distiller cited sources that do not exist: ${unsupported.join(', ')}. Claims citing them are unsupported.`, '');
  }
  const yamlData = {
    summary: inertText(d.summary, { max: 3000 }),
    concepts: d.concepts.slice(0, n).map((x) => ({ name: inertText(x.name, { max: 120 }), explanation: inertText(x.explanation), sources: x.sources.slice(0, 12) })),
    structure: d.structure.slice(0, n).map((x) => ({ area: inertText(x.area, { max: 120 }), description: inertText(x.description), sources: x.sources.slice(0, 12) })),
    decisions: d.decisions.slice(0, n).map((x) => ({ decision: inertText(x.decision, { max: 300 }), tradeoffs: inertText(x.tradeoffs), sources: x.sources.slice(0, 12) })),
    pitfalls: d.pitfalls.slice(0, n).map((x) => ({ pitfall: inertText(x.pitfall), sources: x.sources.slice(0, 12) })),
    open_questions: d.open_questions.slice(0, n).map((x) => ({ question: inertText(x.question), sources: x.sources.slice(0, 12) })),
  };
  lines.push('## Distillate (YAML)', '', '```yaml', stringify(yamlData, { lineWidth: 0 }).trimEnd().replace(/```/g, "'''"), '```', '');
  return { body: lines.join('\n'), unsupported };
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
    '## Issues',
    '',
    'Each issue is a task: tick it or delete it once it is resolved. Open issues block the sign-off.',
    '',
  ];
  lines.push(...critiqueIssueLines(cr, c));
  lines.push('');
  return lines.join('\n');
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

/** JSON Canvas 1.0: the domain on the left, areas in a column, each area's concepts to its right. */
export function renderCanvas(domainName: string, domainPath: string, s: Skeleton): string {
  const nodes: Record<string, unknown>[] = [];
  const edges: Record<string, unknown>[] = [];
  const areas = s.areas.slice(0, LIMITS.areas);
  const conceptH = 60;
  const gap = 20;
  const blockHeights = areas.map((a) => Math.max(1, Math.min(a.concepts.length, LIMITS.conceptsPerArea)) * (conceptH + gap) + 40);
  const total = blockHeights.reduce((x, y) => x + y, 0);
  nodes.push({ id: 'domain', type: 'file', file: domainPath, x: 0, y: Math.round(total / 2) - 40, width: 260, height: 80, color: '5' });
  let y = 0;
  areas.forEach((a, i) => {
    const h = blockHeights[i]!;
    const areaId = `area-${i + 1}`;
    nodes.push({ id: areaId, type: 'text', text: `## ${inertText(a.name, { max: 120 })}`, x: 400, y: y + Math.round(h / 2) - 40, width: 260, height: 80, color: '4' });
    edges.push({ id: `e-domain-${areaId}`, fromNode: 'domain', fromSide: 'right', toNode: areaId, toSide: 'left' });
    a.concepts.slice(0, LIMITS.conceptsPerArea).forEach((c, j) => {
      const id = `${areaId}-concept-${j + 1}`;
      nodes.push({ id, type: 'text', text: inertText(c, { max: 120 }), x: 800, y: y + 20 + j * (conceptH + gap), width: 280, height: conceptH });
      edges.push({ id: `e-${areaId}-${id}`, fromNode: areaId, fromSide: 'right', toNode: id, toSide: 'left' });
    });
    y += h;
  });
  return `${JSON.stringify({ nodes, edges }, null, '\t')}\n`;
}
