import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { domainsBase, MODE_COLUMN_NAME, PREDICATE_EXPRESSIONS, renderDomainsBase } from '../../src/core/domains-base';
import { decideMode, MODE_ROWS } from '../../src/core/policy';
import { readTrust } from '../../src/core/trust';
import { BasesEvaluator, formulaRefs, matchesFilter, parseExpression, type Row } from '../support/bases-expression';

interface BaseFile {
  formulas: Record<string, string>;
  properties: Record<string, { displayName: string }>;
  views: { type: string; name: string; filters?: unknown; order: string[]; sort?: { property: string; direction: string }[] }[];
}

const text = renderDomainsBase('Groundwork');
const base = parse(text) as BaseFile;
const ev = new BasesEvaluator(base.formulas);

/** Frontmatter keys Groundwork reads or writes (DESIGN §1), and Obsidian's file properties. */
const KNOWN_NOTE_KEYS = ['confidence', 'critical', 'autonomy', 'signed-off', 'signed-off-distillate', 'groundwork', 'domain', 'status', 'generated', 'mode', 'target', 'task'];
const KNOWN_FILE_KEYS = ['file.name', 'file.mtime', 'file.path'];

function filterStrings(f: unknown): string[] {
  if (f === undefined) return [];
  if (typeof f === 'string') return [f];
  return Object.values(f as Record<string, unknown[]>).flatMap((xs) => xs.flatMap(filterStrings));
}

describe('Groundwork/Domains.base', () => {
  it('is YAML with three table views and every referenced formula defined', () => {
    expect(base.views.map((v) => v.name)).toEqual(['Domains', 'Waiting for your review', 'Pending proposals']);
    expect(base.views.every((v) => v.type === 'table')).toBe(true);
    const expressions = [...Object.values(base.formulas), ...base.views.flatMap((v) => filterStrings(v.filters))];
    for (const e of expressions) {
      expect(() => parseExpression(e), e).not.toThrow();
      for (const ref of formulaRefs(e)) expect(base.formulas, `formula.${ref}`).toHaveProperty(ref);
    }
    const columns = [...base.views.flatMap((v) => [...v.order, ...(v.sort ?? []).map((s) => s.property)]), ...Object.keys(base.properties)];
    for (const col of columns) {
      if (col.startsWith('formula.')) expect(base.formulas).toHaveProperty(col.slice('formula.'.length));
      else if (col.startsWith('file.')) expect(KNOWN_FILE_KEYS).toContain(col);
      else expect(KNOWN_NOTE_KEYS).toContain(col.replace(/^note\./, ''));
    }
    // Every bare property an expression reads is one Groundwork knows.
    for (const e of expressions) {
      for (const m of e.matchAll(/note\["([^"]+)"\]|(?<![.\w"])([a-z][\w-]*)(?=\s*(?:==|!=))/g)) {
        expect(KNOWN_NOTE_KEYS).toContain(m[1] ?? m[2]);
      }
    }
  });

  it('names its mode column so that it does not pass for the final word', () => {
    expect(base.properties['formula.mode_as_written']?.displayName).toBe(MODE_COLUMN_NAME);
    expect(MODE_COLUMN_NAME).toMatch(/as written/);
    expect(base.views[0]!.order).toContain('formula.mode_as_written');
  });

  it('compiles exactly the rows of the mode table that read only the trust keys as written', () => {
    for (const row of MODE_ROWS) expect(PREDICATE_EXPRESSIONS[row.when] !== null, row.when).toBe(row.written);
  });

  // Each key: missing, empty, every valid value in mixed case and with spaces, and invalid ones.
  const VALUES: Record<string, unknown[]> = {
    confidence: [undefined, '', 'low', 'Medium', ' HIGH ', 'very high', true],
    critical: [undefined, null, true, false, 'TRUE', 'False', 'maybe'],
    autonomy: [undefined, 'propose', 'Assist', 'automate ', 'everything'],
    'signed-off': [undefined, '2026-01-01', '2026-02-30', 'yesterday'],
    'signed-off-distillate': [undefined, 'sha256:0123456789ab', 'SHA256:0123456789AB', 'md5:abc'],
  };

  function* combinations(keys: string[], acc: Record<string, unknown> = {}): Generator<Record<string, unknown>> {
    if (keys.length === 0) {
      yield acc;
      return;
    }
    const [k, ...rest] = keys;
    for (const v of VALUES[k!]!) yield* combinations(rest, v === undefined ? acc : { ...acc, [k!]: v });
  }

  it('gives the mode of the policy table for every combination of the trust keys (a fresh sign-off, no probation)', () => {
    let n = 0;
    const seen = new Set<string>();
    for (const fm of combinations(Object.keys(VALUES))) {
      const row: Row = { path: 'Domains/D.md', frontmatter: { groundwork: 'domain', ...fm } };
      const expected = decideMode({ trust: readTrust('D.md', fm).trust, freshSignOff: true }).mode;
      expect(ev.evaluate('formula.mode_as_written', row), JSON.stringify(fm)).toBe(expected);
      seen.add(expected);
      n++;
    }
    expect(n).toBe(7 * 7 * 5 * 4 * 4);
    expect([...seen].sort()).toEqual(['assist', 'automate', 'propose']);
  });

  it('lists domain notes, generated notes waiting at low confidence, and pending proposals', () => {
    const rows: Row[] = [
      { path: 'ML/LoRA.md', frontmatter: { groundwork: 'domain', confidence: 'low' } },
      { path: 'ML/Notes.md', frontmatter: { domain: '[[LoRA]]' } },
      { path: 'Groundwork/LoRA/LoRA distillate.md', frontmatter: { groundwork: 'distillate', confidence: 'low' } },
      { path: 'Groundwork/LoRA/LoRA critique.md', frontmatter: { groundwork: 'critique', confidence: 'bogus' } },
      { path: 'Groundwork/LoRA/LoRA skeleton.md', frontmatter: { groundwork: 'skeleton', confidence: 'High' } },
      { path: 'Groundwork/LoRA/LoRA sources.md', frontmatter: { groundwork: 'sources', confidence: 'low' } },
      { path: 'Groundwork/Inbox/p1.md', frontmatter: { groundwork: 'proposal', status: 'pending' } },
      { path: 'Groundwork/Inbox/p2.md', frontmatter: { groundwork: 'proposal', status: 'accepted' } },
      { path: 'Elsewhere/distillate.md', frontmatter: { groundwork: 'distillate' } },
    ];
    const shown = base.views.map((v) => rows.filter((r) => matchesFilter(ev, v.filters, r)).map((r) => r.path));
    expect(shown).toEqual([
      ['ML/LoRA.md'],
      ['Groundwork/LoRA/LoRA distillate.md', 'Groundwork/LoRA/LoRA critique.md'],
      ['Groundwork/Inbox/p1.md'],
    ]);
  });

  it('follows the output folder', () => {
    const other = domainsBase('Agents') as unknown as BaseFile;
    expect(filterStrings(other.views[1]!.filters)).toContain('file.inFolder("Agents")');
    expect(filterStrings(other.views[2]!.filters)).toContain('file.inFolder("Agents/Inbox")');
  });

  it('quotes every expression in single quotes, as Obsidian writes them', () => {
    for (const line of text.split('\n').filter((l) => l.includes('(') && !l.startsWith('#'))) expect(line, line).toMatch(/: '|- '/);
  });
});
