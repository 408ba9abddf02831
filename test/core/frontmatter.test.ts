import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizeBody, parseNote, parseNoteThroughGrayMatter, splitFrontmatter } from '../../src/core/frontmatter';

declare global {
  var __pwned: unknown;
}

afterEach(() => {
  delete globalThis.__pwned;
});

describe('parseNote', () => {
  it('reads a frontmatter mapping and the body after it', () => {
    const note = parseNote('---\ngroundwork: domain\nconfidence: low\n---\n# Title\n\ntext\n');
    expect(note).toEqual({
      frontmatter: { groundwork: 'domain', confidence: 'low' },
      hasFrontmatter: true,
      body: '# Title\n\ntext\n',
      problems: [],
    });
  });

  it('gives the whole text as body when there is no frontmatter', () => {
    expect(parseNote('just text\n---\nmore')).toEqual({ frontmatter: null, hasFrontmatter: false, body: 'just text\n---\nmore', problems: [] });
    expect(parseNote('')).toEqual({ frontmatter: null, hasFrontmatter: false, body: '', problems: [] });
    // Four dashes are a horizontal rule, not an opening delimiter.
    expect(parseNote('----\na: 1\n---\n').hasFrontmatter).toBe(false);
  });

  it('accepts a note that is only frontmatter, with or without a final line ending', () => {
    expect(parseNote('---\na: 1\n---')).toMatchObject({ frontmatter: { a: 1 }, body: '', problems: [] });
    expect(parseNote('---\na: 1\n---\n')).toMatchObject({ frontmatter: { a: 1 }, body: '', problems: [] });
    expect(parseNote('---\n---\n')).toMatchObject({ frontmatter: {}, hasFrontmatter: true, problems: [] });
    expect(parseNote('---\n# only a comment\n\n---\nb')).toMatchObject({ frontmatter: {}, body: 'b', problems: [] });
    expect(parseNote('---\n...\n---\nb')).toMatchObject({ frontmatter: {}, body: 'b', problems: [] });
    expect(parseNote('---\n~\n---\nb').problems).toEqual(['Frontmatter is not a mapping of keys']);
  });

  it('handles a BOM and CRLF line endings', () => {
    const note = parseNote('\uFEFF---\r\nconfidence: high\r\ncritical: true\r\n---\r\nbody\r\n');
    expect(note).toEqual({ frontmatter: { confidence: 'high', critical: true }, hasFrontmatter: true, body: 'body\r\n', problems: [] });
    expect(parseNote('\uFEFFplain').body).toBe('plain');
  });

  it('uses the YAML 1.2 core schema', () => {
    const note = parseNote('---\nsigned-off: 2026-01-02\na: True\nb: yes\nc: ~\nd: 0o17\ne: 1.5\nf: "[[Link]]"\n---\n');
    expect(note.frontmatter).toEqual({ 'signed-off': '2026-01-02', a: true, b: 'yes', c: null, d: 15, e: 1.5, f: '[[Link]]' });
  });

  it('reports duplicate keys by name', () => {
    const note = parseNote('---\nconfidence: low\nother: 1\nconfidence: high\n---\nbody');
    expect(note.frontmatter).toBeNull();
    expect(note.hasFrontmatter).toBe(true);
    expect(note.body).toBe('body');
    expect(note.problems).toEqual(['Duplicate key "confidence" in frontmatter']);
  });

  it('treats keys that differ only in YAML form but name the same property as duplicates', () => {
    expect(parseNote('---\n1: a\n"1": b\n---\n').problems).toEqual(['Duplicate key "1" in frontmatter']);
  });

  it('reports malformed YAML with the note line number', () => {
    const note = parseNote('---\na: 1\nb: [x, y\nc: 2\n---\nbody');
    expect(note.frontmatter).toBeNull();
    expect(note.problems).toHaveLength(1);
    expect(note.problems[0]).toMatch(/^Malformed YAML frontmatter: .+ \(line \d+\)$/);
    // Line 1 is the opening ---, so the bad fourth line is reported as line 4, BOM and CRLF or not.
    expect(parseNote('---\na: 1\nb: 2\nc: d: e\n---\n').problems[0]).toMatch(/\(line 4\)$/);
    expect(parseNote('\uFEFF---\r\na: 1\r\nb: 2\r\nc: d: e\r\n---\r\n').problems[0]).toMatch(/\(line 4\)$/);
  });

  it('reports a block that holds more than one YAML document instead of reading the first', () => {
    const note = parseNote('---\na: 1\n...\nb: 2\n---\n');
    expect(note.frontmatter).toBeNull();
    expect(note.problems[0]).toMatch(/^Malformed YAML frontmatter: Source contains multiple documents/);
  });

  it('reports frontmatter that is not a mapping', () => {
    expect(parseNote('---\n- a\n- b\n---\n').problems).toEqual(['Frontmatter is not a mapping of keys']);
    expect(parseNote('---\njust words\n---\n').problems).toEqual(['Frontmatter is not a mapping of keys']);
    expect(parseNote('---\n? [a, b]\n: c\n---\n').frontmatter).toBeNull();
  });

  it('never executes ---js frontmatter', () => {
    for (const lang of ['js', 'javascript', 'JS']) {
      const note = parseNote(`---${lang}\n{ x: (globalThis.__pwned = true) }\n---\nbody`);
      expect(note.frontmatter).toBeNull();
      expect(note.hasFrontmatter).toBe(true);
      expect(note.body).toBe('body');
      expect(note.problems).toEqual(['JavaScript frontmatter (---js) is never executed']);
    }
    const wrapped = parseNote('---js\nglobalThis.__pwned = true; ({})\n---\n');
    expect(wrapped.frontmatter).toBeNull();
    expect(globalThis.__pwned).toBeUndefined();
  });

  it('refuses other frontmatter languages', () => {
    expect(parseNote('---coffee\nx: 1\n---\n').problems[0]).toMatch(/CoffeeScript frontmatter .* never executed/);
    expect(parseNote('---json\n{"a": 1}\n---\n').problems[0]).toMatch(/JSON frontmatter/);
    expect(parseNote('---toml\na = 1\n---\n').problems[0]).toMatch(/language "toml" is not supported/);
    expect(parseNote('---yaml\na: 1\n---\n').frontmatter).toEqual({ a: 1 });
  });

  it('reports a block that is never closed', () => {
    const note = parseNote('---\na: 1\nno end\n');
    expect(note).toEqual({ frontmatter: null, hasFrontmatter: true, body: '---\na: 1\nno end\n', problems: ['Frontmatter is not closed: no line with only --- ends it'] });
  });

  it('reports a block with a line starting with --- before the closing one', () => {
    expect(parseNote('---\na: 1\n---x: 2\n---\n').problems[0]).toMatch(/ambiguous/);
  });

  it('keeps readable frontmatter but reports YAML warnings', () => {
    const note = parseNote('---\na: !custom value\n---\n');
    expect(note.frontmatter).toEqual({ a: 'value' });
    expect(note.problems[0]).toMatch(/^Frontmatter warning: .*!custom/);
  });

  it('does not let a __proto__ key change the prototype', () => {
    const fm = parseNote('---\n__proto__: { polluted: true }\n---\n').frontmatter!;
    expect(Object.getPrototypeOf(fm)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not use gray-matter\'s content cache (results are independent)', () => {
    const text = '---\nlist: [a]\n---\n';
    const first = parseNote(text);
    (first.frontmatter!.list as string[]).push('mutated');
    expect(parseNote(text).frontmatter).toEqual({ list: ['a'] });
  });

  it('works without a Buffer global, as on mobile', () => {
    const saved = globalThis.Buffer;
    try {
      // @ts-expect-error simulating Obsidian mobile, where Node's Buffer does not exist
      delete globalThis.Buffer;
      expect(typeof (globalThis as Record<string, unknown>).Buffer).toBe('undefined');
      expect(parseNote('\uFEFF---\na: 1\n---\nb')).toEqual({ frontmatter: { a: 1 }, hasFrontmatter: true, body: 'b', problems: [] });
    } finally {
      globalThis.Buffer = saved;
    }
  });

  it('reads plain YAML blocks without gray-matter exactly as through it', () => {
    // Lines of every kind the readers treat differently: comments and blanks (gray-matter skips
    // a block of only those), the fast path's shapes, what only yaml reads, and what breaks it.
    const lines = ['a: 1', 'b: two words', '# comment', '', '  ', '  # indented comment', '#nospace', '- item', '  - item', 'c:', 'd: [x, y]', 'e: {x: 1}', 'f: &a v', 'g: *a', 'h: "q"', "i: 'q'", 'j: 1 # c', 'dup: 1', 'dup: 2',
      'excerpt_separator: "<!--"', 'excerpt_separator: {toString: 1}', 'excerpt_separator: [1]', '\t: tab', 'k: |', '  block', '%YAML 1.2', '...', 'x', ': nokey', '? complex', '__proto__: x', 'l: "unterminated', 'm: 2026-01-02', '---x: 1', 'n: \u0001'];
    const note = fc.record({
      bom: fc.boolean(),
      open: fc.constantFrom('---', '---  ', '--- \t', '---yaml', '---YAML'),
      eol: fc.constantFrom('\n', '\r\n'),
      block: fc.array(fc.constantFrom(...lines), { maxLength: 7 }),
      closed: fc.boolean(),
      body: fc.constantFrom('', 'Body [[x]]\n', '\n\nMore'),
    });
    fc.assert(
      fc.property(note, (n) => {
        const text = `${n.bom ? '\uFEFF' : ''}${[n.open, ...n.block].join(n.eol)}${n.eol}${n.closed ? `---${n.eol}` : ''}${n.body}`;
        expect(parseNote(text)).toEqual(parseNoteThroughGrayMatter(text));
      }),
      { numRuns: 3000 },
    );
    // The cases above that each branch rests on, once each for certain.
    for (const t of ['---\n---\nb', '---\n# only\n\n---\nb', '---   \na: 1\n---\n', '---\nexcerpt_separator: {toString: 1}\n---\n', '---\na: [\n---\n']) {
      expect(parseNote(t)).toEqual(parseNoteThroughGrayMatter(t));
    }
  });

  it('never throws, whatever the input', () => {
    for (const t of ['---', '---\n', '---\r', '\uFEFF', '---\n---', '--- \n---\n', '---\n&a a: *a\n---\n', '---\na: *nope\n---\n', '---\n%YAML 1.1\n---\n']) {
      expect(() => parseNote(t)).not.toThrow();
    }
  });
});

describe('splitFrontmatter', () => {
  it('gives exact offsets of the block', () => {
    const text = '\uFEFF---\r\na: 1\r\n---  \r\nbody';
    const s = splitFrontmatter(text)!;
    expect(s).toEqual({ start: 1, language: '', eol: '\r\n', contentStart: 6, contentEnd: 12, end: 19, closed: true });
    expect(text.slice(s.contentStart, s.contentEnd)).toBe('a: 1\r\n');
    expect(text.slice(s.end)).toBe('body');
    expect(splitFrontmatter('no')).toBeNull();
    expect(splitFrontmatter('---js\nx\n---\n')!.language).toBe('js');
    expect(splitFrontmatter('---\nx\n')!.closed).toBe(false);
  });
});

describe('normalizeBody', () => {
  it('strips BOM, unifies line endings, trailing blanks and trailing blank lines', () => {
    expect(normalizeBody('\uFEFFa  \r\nb\t\rc\n\n  \n')).toBe('a\nb\nc');
    expect(normalizeBody('\n\nx')).toBe('\n\nx');
    expect(normalizeBody('')).toBe('');
  });
});
