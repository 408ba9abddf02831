import { describe, expect, it } from 'vitest';
import { distillateForAgents, readableDistillate, readDistillate } from '../../src/core/distillate';
import { groundDistillate, groundingIssues, quotesVerifiedShare } from '../../src/core/grounding';

const known = new Set(['S1', 'S2', 'S3']);
const verified = new Map<string, (string | null)[]>([
  ['S1', ['LoRA freezes the pre-trained weights', null]],
  ['S2', ['The rank r is usually between 4 and 64.']],
  ['S3', [null]],
]);

const note = (yaml: string) => `# D — distillate\n\nIntro with [[D]].\n\n\`\`\`groundwork-distillate\n${yaml}\n\`\`\`\n`;

const YAML_ONE = `summary: LoRA adapts big models cheaply.
concepts:
  - name: Frozen base
    explanation: The base weights do not change.
    evidence:
      - source: S1
        quote: “LoRA freezes the pre‑trained weights”
  - name: Rank
    explanation: A small rank is enough.
    evidence:
      - source: S1
        quote: The rank r is usually between 4 and 64.
  - name: Invented
    explanation: Nobody said this.
    evidence:
      - source: S2
        quote: LoRA always beats full fine-tuning.
structure:
  - area: Training
    description: Only the adapters train.
    evidence:
      - source: S9
        quote: whatever
decisions:
  - decision: Which rank
    tradeoffs: Quality against memory.
    evidence:
      - source: S2
        quote: rank r is usually between 4 … 64
pitfalls:
  - pitfall: No quote at all.
    evidence: [S3]
open_questions:
  - question: What about S7?
    evidence:
      - source: S7
        quote: x`;

describe('grounded claims', () => {
  const doc = readDistillate(note(YAML_ONE));
  const report = groundDistillate(doc, known, verified);
  const byLabel = new Map(report.claims.map((c) => [c.label, c]));

  it('reads the one YAML block', () => {
    expect(doc.format).toBe('single');
    expect(doc.problems).toEqual([]);
    expect(doc.summary).toBe('LoRA adapts big models cheaply.');
    expect(doc.sections.concepts).toHaveLength(3);
  });

  it('grounds a claim whose quote is a verified quote of the source it cites, variants and ellipses forgiven', () => {
    expect(byLabel.get('Concepts: Frozen base')).toMatchObject({ grounded: true, reason: null });
    expect(byLabel.get('Concepts: Frozen base')!.checks[0]!.point).toBe('S1.1');
    expect(byLabel.get('Decisions and trade-offs: Which rank')).toMatchObject({ grounded: true });
  });

  it('names a quote taken from another source', () => {
    expect(byLabel.get('Concepts: Rank')).toMatchObject({ grounded: false, reason: 'no verified quote holds it: its quote is not in S1 but in S2' });
  });

  it('names a fabricated quote, an unknown id and a claim without a quote', () => {
    expect(byLabel.get('Concepts: Invented')!.reason).toBe('no verified quote holds it: its quote is not among the verified quotes of S2');
    expect(byLabel.get('Structure: Training')).toMatchObject({ grounded: false, unknownIds: ['S9'] });
    expect(byLabel.get('Pitfalls: No quote at all.')!.reason).toBe('no verified quote holds it: it cites S3 without a quote');
  });

  it('counts open questions for unknown ids, not as claims', () => {
    expect(report.unknownIds).toEqual(['S7', 'S9']);
    expect(report.claims).toHaveLength(6);
    expect(report.share).toBeCloseTo(2 / 6);
  });

  it('turns every unknown id and every ungrounded claim into an unsupported issue', () => {
    const issues = groundingIssues(report, known);
    expect(issues.map((i) => i.claim)).toEqual(['Claims citing S7', 'Claims citing S9', 'Concepts: Rank', 'Concepts: Invented', 'Pitfalls: No quote at all.']);
    expect(issues.every((i) => i.kind === 'unsupported')).toBe(true);
    expect(issues[0]!.explanation).toBe('S7 is not one of the sources (S1, S2, S3)');
  });

  it('computes the share of verified quotes, null when there are none', () => {
    expect(quotesVerifiedShare([{ verified: 2, total: 3 }, { verified: 1, total: 1 }])).toBe(0.75);
    expect(quotesVerifiedShare([{ verified: 0, total: 0 }])).toBeNull();
  });

  it('prints the readable form with plain S3 citations, never wikilinks', () => {
    const text = readableDistillate(doc);
    expect(text).toContain('- Frozen base — The base weights do not change. [S1]');
    expect(text).toContain('    S1: “LoRA freezes the pre‑trained weights”');
    expect(text).not.toContain('[[');
  });

  it('gives the agents exactly the YAML the person edits', () => {
    expect(distillateForAgents(note(YAML_ONE))).toBe(YAML_ONE);
  });

  it('reports YAML that does not parse as a problem, never throws', () => {
    const bad = readDistillate(note('summary: [unclosed'));
    expect(bad.problems[0]).toMatch(/^The distillate YAML does not parse/);
    expect(distillateForAgents(note('summary: [unclosed'))).toContain('summary: [unclosed');
    expect(readDistillate(note('- just\n- a list')).problems).toEqual(['The distillate YAML is not a mapping of sections']);
  });
});

/** A distillate as the previous version wrote it: readable sections, then the YAML copy. */
const OLD = `# LoRA — distillate

How [[LoRA]] is arranged, distilled from [[G/LoRA sources|its sources]].

## Summary

The summary as the person corrected it in the readable section.

## Concepts

- **Adapter** — A small trainable matrix. ([[G/LoRA sources#S1|S1]])

## Distillate (YAML)

\`\`\`yaml
summary: The summary as the model wrote it.
concepts:
  - name: Adapter
    explanation: A small trainable matrix.
    sources:
      - S1
structure: []
decisions: []
pitfalls:
  - pitfall: Too high a rank.
    sources: [S4]
open_questions: []
\`\`\`
`;

describe('old two-copy distillates', () => {
  const doc = readDistillate(OLD);

  it('are read: the data from the YAML, the summary the person saw and edited', () => {
    expect(doc.format).toBe('two-copy');
    expect(doc.summary).toBe('The summary as the person corrected it in the readable section.');
    expect(doc.sections.concepts[0]).toEqual({ title: 'Adapter', text: 'A small trainable matrix.', evidence: [], sources: ['S1'] });
  });

  it('give the agents the whole body, so an edit in either copy is not lost', () => {
    expect(distillateForAgents(OLD)).toBe(OLD);
  });

  it('are one legacy issue, plus their unknown ids, not one issue per claim', () => {
    const report = groundDistillate(doc, new Set(['S1', 'S2']), new Map([['S1', ['x']]]));
    expect(report.legacy).toBe(true);
    const issues = groundingIssues(report, new Set(['S1', 'S2']));
    expect(issues.map((i) => i.claim)).toEqual(['Claims citing S4', '2 of 2 claims']);
    expect(issues[1]!.explanation).toMatch(/predates quoted evidence/);
  });

  it('are labelled old in the readable form', () => {
    expect(readableDistillate(doc)).toMatch(/^\(Old two-copy format/);
  });
});
