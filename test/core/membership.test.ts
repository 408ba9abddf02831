import { describe, expect, it } from 'vitest';
import { analyzeNote } from '../../src/core/note-record';
import { VaultModel, mapToJson } from '../../src/core/vault-model';
import { extractTags, parseInclude } from '../../src/core/membership';

function model(notes: Record<string, string>): VaultModel {
  const m = new VaultModel('Groundwork');
  for (const [path, text] of Object.entries(notes)) m.set(analyzeNote(path, text));
  return m;
}

const domain = (include: string, extra = '') => `---\ngroundwork: domain\nconfidence: low\ninclude: ${include}\n${extra}---\nThe domain.\n`;

describe('include rules: folders and tags', () => {
  it('a folder rule takes every note below the folder, at any depth, and nothing beside it', () => {
    const m = model({
      'ML.md': domain('"Notes/ML/"'),
      'Notes/ML/a.md': 'A\n',
      'Notes/ML/deep/er/b.md': 'B\n',
      'Notes/MLOps/c.md': 'C: a sibling folder sharing a prefix\n',
      'Notes/d.md': 'D\n',
    });
    const ml = m.computeMap().domains[0]!;
    expect(ml.memberPaths).toEqual(['Notes/ML/a.md', 'Notes/ML/deep/er/b.md']);
    expect(ml).toMatchObject({ notes: 2, linked: 0, included: 2 });
  });

  it('a tag rule takes notes tagged in the tags property or the body, nested tags too, case-insensitively', () => {
    const m = model({
      'LoRA.md': domain('["#lora"]'),
      'prop.md': '---\ntags: [LoRA, other]\n---\nP\n',
      'prop-string.md': '---\ntags: "#ml, lora"\n---\nP\n',
      'body.md': 'Some text #lora here\n',
      'nested.md': 'Text\n\n#lora/rank-experiments\n',
      'prefix-only.md': '#lorax is another tag\n',
      'code.md': '```\n#lora in code\n```\n`#lora` inline\n',
      'heading.md': '# lora\n\nA heading, not a tag\n',
      'anchor.md': 'See [x](https://example.com/#lora)\n',
    });
    expect(m.computeMap().domains[0]!.memberPaths).toEqual(['body.md', 'nested.md', 'prop-string.md', 'prop.md']);
  });

  it('splits linked from included; a note both linked and matched counts once, as linked', () => {
    const m = model({
      'ML.md': domain('["Notes/ML/", "#ml"]'),
      'Notes/ML/both.md': '---\ndomain: "[[ML]]"\n---\nB\n',
      'Notes/ML/rule.md': 'R\n',
      'elsewhere.md': '---\ndomain: "[[ML]]"\n---\nE\n',
      'tagged.md': '#ml\n',
    });
    const ml = m.computeMap().domains[0]!;
    expect(ml).toMatchObject({ notes: 4, linked: 2, included: 2 });
    const json = mapToJson(m.computeMap()).domains[0]!;
    expect(json).toMatchObject({ notes: 4, linked: 2, included: 2 });
  });

  it('other domain notes and generated notes never join by a rule', () => {
    const m = model({
      'ML.md': domain('["Notes/", "#ml"]'),
      'Notes/Other domain.md': '---\ngroundwork: domain\ntags: [ml]\n---\nO\n',
      'Notes/Groundwork-like.md': '---\ngroundwork: distillate\n---\n#ml\n',
      'Notes/person.md': 'Mine #ml\n',
      'Groundwork/ML/ML sources.md': '---\ngroundwork: sources\n---\n#ml\n',
      'Groundwork/ML/Agent made.md': '---\nconfidence: low\n---\n#ml agent-written, without a role\n',
    });
    const ml = m.computeMap().domains.find((d) => d.name === 'ML')!;
    expect(ml.memberPaths).toEqual(['Notes/person.md']);
    expect(m.domainsOf(m.get('Notes/Other domain.md')!)).toEqual([]);
  });

  it('a note matched by two domains belongs to both; domainsOf lists links first', () => {
    const m = model({
      'A.md': domain('"Shared/"'),
      'B.md': domain('"#b"'),
      'C.md': '---\ngroundwork: domain\n---\nC\n',
      'Shared/n.md': '---\ndomain: "[[C]]"\ntags: [b]\n---\nN\n',
    });
    expect(m.domainsOf(m.get('Shared/n.md')!)).toEqual(['C.md', 'A.md', 'B.md']);
    expect(m.membership(m.get('Shared/n.md')!)).toEqual({ linked: ['C.md'], included: ['A.md', 'B.md'] });
    expect(m.membersOf('A.md')).toEqual(['Shared/n.md']);
  });

  it('follows edits and renames one note at a time', () => {
    const m = model({
      'ML.md': domain('"Notes/ML/"'),
      'Notes/ML/a.md': 'A\n',
      'Notes/b.md': 'B\n',
    });
    const members = () => m.computeMap().domains.find((d) => d.name === 'ML')!.memberPaths;
    expect(members()).toEqual(['Notes/ML/a.md']);
    // A note moved into the folder joins; one moved out leaves.
    m.rename('Notes/b.md', { ...m.get('Notes/b.md')!, path: 'Notes/ML/b.md' });
    m.rename('Notes/ML/a.md', { ...m.get('Notes/ML/a.md')!, path: 'Notes/a.md' });
    expect(members()).toEqual(['Notes/ML/b.md']);
    // A tag typed into a note joins it; the domain's rule edited changes who is in.
    m.set(analyzeNote('Notes/a.md', 'Now #ml\n'));
    m.set(analyzeNote('ML.md', domain('["#ml"]')));
    expect(members()).toEqual(['Notes/a.md']);
    // The domain note renamed keeps its rules; deleted, nobody is a member of it.
    m.rename('ML.md', { ...m.get('ML.md')!, path: 'Areas/ML.md' });
    expect(m.domainsOf(m.get('Notes/a.md')!)).toEqual(['Areas/ML.md']);
    m.delete('Areas/ML.md');
    expect(m.domainsOf(m.get('Notes/a.md')!)).toEqual([]);
  });

  it('an invalid rule is a problem naming the file and is ignored; the valid ones still apply', () => {
    const m = model({
      'ML.md': '---\ngroundwork: domain\ninclude:\n  - Notes/ML\n  - "#"\n  - "../outside/"\n  - "/"\n  - 42\n  - #unquoted\n  - "Notes/Real/"\n---\nML\n',
      'Notes/Real/x.md': 'X\n',
      'Notes/ML/y.md': 'Y\n',
      'Plain.md': '---\ninclude: "whatever"\n---\nNot a domain: its include is not read\n',
    });
    const map = m.computeMap();
    expect(map.domains[0]!.memberPaths).toEqual(['Notes/Real/x.md']);
    expect(map.problems.map((p) => p.path)).toEqual(Array(6).fill('ML.md'));
    const messages = map.problems.map((p) => p.message).join('\n');
    expect(messages).toContain('include: "Notes/ML" is neither a folder');
    expect(messages).toContain('include: "#" is not a tag');
    expect(messages).toContain('include: "../outside/" is not a plain folder path');
    expect(messages).toContain('include: "/" names the whole vault');
    expect(messages).toContain('include: 42 is not a rule');
    expect(messages).toContain('an entry is empty');
    // The domain's trust is not touched by a bad rule: it stays in its own mode.
    expect(map.domains[0]!.reason).not.toBe('invalid-trust-value');
  });
});

describe('parsing helpers', () => {
  it('reads tags like Obsidian: no all-digit tags, trailing slashes dropped, deduplicated', () => {
    expect(extractTags('#1984 #y1984 #a/b/ (#Paren) x#no', { tags: ['#A/B', 'c'] }).sort()).toEqual(['a/b', 'c', 'paren', 'y1984']);
  });

  it('deduplicates rules and keeps their kinds', () => {
    expect(parseInclude(['#ML', '#ml', 'X/', 'X//'])).toEqual({
      rules: [
        { kind: 'tag', tag: 'ml' },
        { kind: 'folder', folder: 'X' },
      ],
      problems: [],
    });
  });
});
