import { afterEach, describe, expect, it } from 'vitest';
import { parseNote } from '../../src/core/frontmatter';
import { FrontmatterPatchError, patchFrontmatter } from '../../src/core/patch';

declare global {
  var __pwned: unknown;
}

afterEach(() => {
  delete globalThis.__pwned;
});

const NOTE = [
  '---',
  '# who owns this',
  "title: 'My note'   # single-quoted on purpose",
  'confidence: low # person-owned',
  'tags: [a, "b c"]',
  '',
  'sources:',
  '  - "[[S1]]"',
  '  - plain',
  '# trailing comment',
  '---',
  '# Body',
  '---',
  'not: frontmatter',
  '',
].join('\n');

describe('patchFrontmatter: setting and removing', () => {
  it('replaces only the value of an existing key, keeping its comment and every other byte', () => {
    const out = patchFrontmatter(NOTE, { confidence: 'high' });
    expect(out).toBe(NOTE.replace('confidence: low # person-owned', 'confidence: high # person-owned'));
  });

  it('appends a new key at the end of the block', () => {
    const out = patchFrontmatter(NOTE, { status: 'draft' });
    expect(out).toBe(NOTE.replace('# trailing comment\n---', '# trailing comment\nstatus: draft\n---'));
  });

  it('removes a key line with its same-line comment, nothing else', () => {
    expect(patchFrontmatter(NOTE, { confidence: undefined })).toBe(NOTE.replace('confidence: low # person-owned\n', ''));
    expect(patchFrontmatter(NOTE, { sources: undefined })).toBe(NOTE.replace('sources:\n  - "[[S1]]"\n  - plain\n', ''));
  });

  it('keeps flow style for an existing flow list and block style for a block list', () => {
    expect(patchFrontmatter(NOTE, { tags: ['x', 'y z'] })).toBe(NOTE.replace('tags: [a, "b c"]', 'tags: [x, y z]'));
    expect(patchFrontmatter(NOTE, { sources: ['[[S2]]'] })).toBe(NOTE.replace('sources:\n  - "[[S1]]"\n  - plain\n', 'sources:\n  - "[[S2]]"\n'));
    const unindented = '---\nlist:\n- a\n- b\nx: 1\n---\n';
    expect(patchFrontmatter(unindented, { list: ['c'] })).toBe('---\nlist:\n- c\nx: 1\n---\n');
  });

  it('renders a new list as a block list, an empty one as []', () => {
    expect(patchFrontmatter('---\na: 1\n---\n', { sources: ['[[S1]]', 'x'] })).toBe('---\na: 1\nsources:\n  - "[[S1]]"\n  - x\n---\n');
    expect(patchFrontmatter('---\na: 1\n---\n', { sources: [] })).toBe('---\na: 1\nsources: []\n---\n');
  });

  it('switches a value between scalar and list', () => {
    const note = '---\ndomain: "[[A]]" # one\nx: 1\n---\n';
    const listed = patchFrontmatter(note, { domain: ['[[A]]', '[[B]]'] });
    expect(listed).toBe('---\ndomain:\n  - "[[A]]"\n  - "[[B]]"\nx: 1\n---\n');
    expect(patchFrontmatter(listed, { domain: '[[A]]' })).toBe('---\ndomain: "[[A]]"\nx: 1\n---\n');
  });

  it('keeps a comment on the key line of a block list it replaces', () => {
    expect(patchFrontmatter('---\ntags: # mine\n  - a\n---\n', { tags: ['b'] })).toBe('---\ntags: # mine\n  - b\n---\n');
  });

  it('takes deeper-indented comment lines after a removed value with it, so they cannot join the value before', () => {
    const note = '---\ntext: |\n  lit\nlist:\n  - a\n  # about a\nnext: 1\n---\n';
    expect(patchFrontmatter(note, { list: undefined })).toBe('---\ntext: |\n  lit\nnext: 1\n---\n');
    expect(parseNote(patchFrontmatter(note, { list: undefined })).frontmatter).toEqual({ text: 'lit\n', next: 1 });
    // A single-line value keeps both its same-line comment and the indented note below it.
    expect(patchFrontmatter('---\na: 1 # c\n  # note\n---\n', { a: 2 })).toBe('---\na: 2 # c\n  # note\n---\n');
  });

  it('fills a key that had no value', () => {
    expect(patchFrontmatter('---\nstatus:\nx: 1\n---\n', { status: 'done' })).toBe('---\nstatus: done\nx: 1\n---\n');
    expect(patchFrontmatter('---\nstatus: # later\n---\n', { status: 'done' })).toBe('---\nstatus: done # later\n---\n');
  });

  it('replaces a multi-line value and a block scalar', () => {
    const note = '---\nsummary: |\n  line one\n  line two\nnext: 1\n---\nb';
    expect(patchFrontmatter(note, { summary: 'short' })).toBe('---\nsummary: short\nnext: 1\n---\nb');
    expect(patchFrontmatter('---\na: 1\n---\n', { text: 'two\nlines' })).toBe('---\na: 1\ntext: |-\n  two\n  lines\n---\n');
  });

  it('does several changes at once', () => {
    const out = patchFrontmatter(NOTE, { confidence: 'medium', title: undefined, generated: '2026-01-02T10:00:00Z', tokens: 1200 });
    expect(parseNote(out).frontmatter).toEqual({
      confidence: 'medium',
      tags: ['a', 'b c'],
      sources: ['[[S1]]', 'plain'],
      generated: '2026-01-02T10:00:00Z',
      tokens: 1200,
    });
    expect(out.startsWith('---\n# who owns this\nconfidence: medium # person-owned\n')).toBe(true);
  });

  it('matches keys exactly (case-sensitive)', () => {
    const out = patchFrontmatter('---\nConfidence: low\n---\n', { confidence: 'high' });
    expect(out).toBe('---\nConfidence: low\nconfidence: high\n---\n');
  });

  it('writes a value in an indented top-level mapping with the same indentation', () => {
    expect(patchFrontmatter('---\n  a: 1\n  b: [x]\n---\n', { c: ['q'], a: 2 })).toBe('---\n  a: 2\n  b: [x]\n  c:\n    - q\n---\n');
  });

  it('keeps the source form of untouched keys and values', () => {
    const note = '---\n"quoted key": \'single\'\nplain: "double"\nn: 0x1F\nflow: { a: 1 }\nz: 1\n---\n';
    expect(patchFrontmatter(note, { z: 2 })).toBe(note.replace('z: 1', 'z: 2'));
    expect(patchFrontmatter(note, { n: 31 })).toBe(note);
  });
});

describe('patchFrontmatter: line endings, BOM, creation', () => {
  it('keeps CRLF, also in inserted and replaced lines', () => {
    const note = '---\r\na: 1\r\nlist:\r\n  - x\r\n---\r\nbody\r\n';
    expect(patchFrontmatter(note, { b: ['p', 'q'], list: ['r', 's'] })).toBe('---\r\na: 1\r\nlist:\r\n  - r\r\n  - s\r\nb:\r\n  - p\r\n  - q\r\n---\r\nbody\r\n');
    expect(patchFrontmatter(note, { a: undefined })).toBe('---\r\nlist:\r\n  - x\r\n---\r\nbody\r\n');
  });

  it('keeps a BOM', () => {
    expect(patchFrontmatter('\uFEFF---\na: 1\n---\nb', { a: 2 })).toBe('\uFEFF---\na: 2\n---\nb');
    expect(patchFrontmatter('\uFEFFtext', { a: 1 })).toBe('\uFEFF---\na: 1\n---\ntext');
  });

  it('creates a block at the very start when there is none, with the note\'s line ending', () => {
    expect(patchFrontmatter('# Title\n', { groundwork: 'domain', confidence: 'low' })).toBe('---\ngroundwork: domain\nconfidence: low\n---\n# Title\n');
    expect(patchFrontmatter('one\r\ntwo', { a: 'x' })).toBe('---\r\na: x\r\n---\r\none\r\ntwo');
    expect(patchFrontmatter('', { a: 'x' })).toBe('---\na: x\n---\n');
    expect(patchFrontmatter('----\nhr above', { a: 'x' })).toBe('---\na: x\n---\n----\nhr above');
  });

  it('leaves an empty block when the last key is removed', () => {
    expect(patchFrontmatter('---\na: 1\n---\nbody', { a: undefined })).toBe('---\n---\nbody');
    expect(patchFrontmatter('---\r\na: 1\r\n---\r\n', { a: undefined })).toBe('---\r\n---\r\n');
  });

  it('adds to an empty or comment-only block', () => {
    expect(patchFrontmatter('---\n---\nbody', { a: 1 })).toBe('---\na: 1\n---\nbody');
    expect(patchFrontmatter('---\n# note\n---\n', { a: 1 })).toBe('---\n# note\na: 1\n---\n');
  });
});

describe('patchFrontmatter: values that need quotes', () => {
  const cases: [string, unknown][] = [
    ['[[Link]]', '"[[Link]]"'],
    ['a: b', '"a: b"'],
    ['x # y', '"x # y"'],
    ['#tag', '"#tag"'],
    ['- item', '"- item"'],
    ['yes', '"yes"'],
    ['No', '"No"'],
    ['on', '"on"'],
    ['true', '"true"'],
    ['null', '"null"'],
    ['', '""'],
    ['12', '"12"'],
    ['2026-01-02', '"2026-01-02"'],
    ['  padded ', '"  padded "'],
    ["it's", "it's"],
    ['héllo wörld 🎉 日本', 'héllo wörld 🎉 日本'],
    ['{a}', '"{a}"'],
    ['@at', '"@at"'],
    ['*star', '"*star"'],
    ['%pct', '"%pct"'],
  ];
  it.each(cases)('writes %j so that it reads back as the same string', (value, rendered) => {
    const out = patchFrontmatter('---\nx: 1\n---\n', { v: value });
    expect(out).toBe(`---\nx: 1\nv: ${String(rendered)}\n---\n`);
    expect(parseNote(out).frontmatter).toEqual({ x: 1, v: value });
  });

  it('writes numbers, booleans and null as such', () => {
    const out = patchFrontmatter('---\n---\n', { num: 3, f: 2.5, t: true, no: false, z: null });
    // `no` is quoted as a key too: YAML 1.1 readers would take it as the boolean false.
    expect(out).toBe('---\nnum: 3\nf: 2.5\nt: true\n"no": false\nz: null\n---\n');
    expect(parseNote(out).frontmatter).toEqual({ num: 3, f: 2.5, t: true, no: false, z: null });
    expect(patchFrontmatter('---\n---\n', { list: ['y', 'n', 'x'] })).toBe('---\nlist:\n  - "y"\n  - "n"\n  - x\n---\n');
  });

  it('quotes keys that need it', () => {
    const out = patchFrontmatter('---\n---\n', { 'a: b': 1, yes: 'x', 'ключ 🎉': 'значение' });
    expect(parseNote(out).frontmatter).toEqual({ 'a: b': 1, yes: 'x', 'ключ 🎉': 'значение' });
    expect(out).toBe('---\n"a: b": 1\n"yes": x\nключ 🎉: значение\n---\n');
  });
});

describe('patchFrontmatter: no-op', () => {
  it('returns the identical string when nothing changes', () => {
    for (const note of [NOTE, '---\r\na: 1\r\n---\r\n', 'no frontmatter', '\uFEFF---\n---\n']) {
      expect(patchFrontmatter(note, {})).toBe(note);
      expect(patchFrontmatter(note, { missing: undefined })).toBe(note);
    }
    expect(patchFrontmatter(NOTE, { confidence: 'low', tags: ['a', 'b c'], title: 'My note' })).toBe(NOTE);
    expect(patchFrontmatter('---\nn: 1.0\n---\n', { n: 1 })).toBe('---\nn: 1.0\n---\n');
  });
});

describe('patchFrontmatter: refusals', () => {
  const refuses = (note: string, changes: Record<string, unknown>, message: RegExp) => {
    let error: unknown;
    try {
      patchFrontmatter(note, changes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FrontmatterPatchError);
    expect((error as Error).message).toMatch(message);
  };

  it('refuses malformed YAML', () => {
    refuses('---\na: [1\nb: 2\n---\n', { b: 3 }, /cannot be edited safely: Malformed YAML frontmatter: .*line/);
    refuses('---\na: 1\nno end', { a: 2 }, /not closed/);
  });

  it('refuses duplicate keys, naming the key', () => {
    refuses('---\nconfidence: low\nconfidence: high\n---\n', { confidence: 'medium' }, /Duplicate key "confidence"/);
    refuses('---\nconfidence: low\nconfidence: high\n---\n', { other: 1 }, /Duplicate key "confidence"/);
  });

  it('refuses frontmatter that is not a mapping', () => {
    refuses('---\n- a\n---\n', { a: 1 }, /not a mapping/);
  });

  it('refuses ---js and never executes it', () => {
    refuses('---js\n{ x: (globalThis.__pwned = true) }\n---\n', { a: 1 }, /JavaScript frontmatter/);
    refuses('---javascript\nglobalThis.__pwned = true\n---\n', { a: undefined }, /JavaScript frontmatter/);
    expect(globalThis.__pwned).toBeUndefined();
  });

  it('refuses values it cannot write', () => {
    refuses('---\n---\n', { a: { nested: 1 } }, /cannot be written/);
    refuses('---\n---\n', { a: [['x']] }, /cannot be written/);
  });

  it('refuses to change a value an alias elsewhere refers to', () => {
    refuses('---\na: &x 1\nb: *x\n---\n', { a: 2 }, /referred to elsewhere/);
    expect(patchFrontmatter('---\na: &x 1\nb: *x\n---\n', { b: 2 })).toBe('---\na: &x 1\nb: 2\n---\n');
  });

  it('refuses a frontmatter written as one flow mapping rather than rewriting it', () => {
    refuses('---\n{a: 1, b: 2}\n---\n', { a: 2 }, /flow mapping/);
  });

  it('rewrites an explicit `? key` pair whole when it changes, and leaves it alone otherwise', () => {
    const note = '---\n? a\n: 1\nb: 2\n---\n';
    expect(patchFrontmatter(note, { a: 2 })).toBe('---\na: 2\nb: 2\n---\n');
    expect(patchFrontmatter(note, { a: undefined })).toBe('---\nb: 2\n---\n');
    expect(patchFrontmatter(note, { b: 3 })).toBe('---\n? a\n: 1\nb: 3\n---\n');
  });

  it('adds new keys before a `...` document end marker', () => {
    expect(patchFrontmatter('---\na: 1\n...\n---\n', { b: 2 })).toBe('---\na: 1\nb: 2\n...\n---\n');
  });

  it('leaves the text unchanged when it refuses (the caller still has the original)', () => {
    const note = '---\na: 1\na: 2\n---\nbody';
    expect(() => patchFrontmatter(note, { b: 1 })).toThrow(FrontmatterPatchError);
  });
});
