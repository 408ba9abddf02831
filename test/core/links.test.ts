import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { extractLinks, findNotePath, findNotePathIn, LinkResolver, parseLinkValue, stripCode } from '../../src/core/links';

describe('links', () => {
  it('reads the target of a frontmatter link value', () => {
    expect(parseLinkValue('[[LoRA fine-tuning]]')).toBe('LoRA fine-tuning');
    expect(parseLinkValue(' [[Areas/K8s#Deploy|Kubernetes]] ')).toBe('Areas/K8s');
    expect(parseLinkValue('LoRA fine-tuning')).toBeNull();
    expect(parseLinkValue(42)).toBeNull();
    expect(parseLinkValue('[[#heading]]')).toBeNull();
  });

  it('extracts wikilinks and local markdown links, skipping code and external URLs', () => {
    const body = 'See [[A]], [[B|bee]], ![[C.png]], [d](Folder/D%20E.md) and [web](https://x.org).\n```\n[[NotThis]]\n```\n`[[NorThis]]`';
    expect(extractLinks(body, { up: '[[Parent]]', list: ['[[A]]', 'x'] })).toEqual(['Parent', 'A', 'B', 'C.png', 'Folder/D E.md']);
  });

  it('resolves like Obsidian: path, then basename in the same folder, then the shortest path', () => {
    const r = new LinkResolver();
    for (const p of ['Kubernetes.md', 'Archive/Old/Kubernetes.md', 'Work/Note.md', 'Work/Deep/Note.md', 'Other/Note.md']) r.add(p);
    expect(r.resolve('Kubernetes')).toBe('Kubernetes.md');
    expect(r.resolve('Archive/Old/Kubernetes')).toBe('Archive/Old/Kubernetes.md');
    expect(r.resolve('Old/Kubernetes.md')).toBe('Archive/Old/Kubernetes.md');
    expect(r.resolve('note', 'Work/Deep/X.md')).toBe('Work/Deep/Note.md');
    expect(r.resolve('Note', 'Elsewhere/X.md')).toBe('Work/Note.md');
    expect(r.resolve('Missing')).toBeNull();
    r.remove('Kubernetes.md');
    expect(r.resolve('Kubernetes')).toBe('Archive/Old/Kubernetes.md');
  });

  it('finds a note from a listing alone exactly as from the whole vault, by path, path without .md, or name', () => {
    const paths = ['Kubernetes.md', 'Archive/Old/Kubernetes.md', 'Kubernetes notes.md', 'K8s/kubernetes.MD', 'Work/Note.md', 'Other/Note.md', 'Notes/C# basics.md', 'Root.md', 'Folder.md/Inner.md'];
    const all = new LinkResolver();
    for (const p of paths) all.add(p);
    const whole = (arg: string) => findNotePath(arg, (p) => paths.includes(p), all);
    const args = ['Kubernetes', 'kubernetes', 'KUBERNETES.md', 'Archive/Old/Kubernetes', 'Old/Kubernetes.md', 'K8s/kubernetes.MD', 'K8s/Kubernetes', 'Note', 'Other/Note', 'c# basics', '/Root', 'Folder.md/Inner', 'Kubernetes notes', 'Nothing', 'Note/'];
    for (const arg of args) expect(findNotePathIn(arg, paths), arg).toBe(whole(arg));
    // The cases above do find notes (the comparison is not all nulls).
    expect(args.map((a) => findNotePathIn(a, paths)).filter(Boolean).length).toBeGreaterThan(10);
  });
});

/** extractLinks as it was written with regexes (before the indexOf scan): the reference. */
function extractLinksByRegex(body: string, frontmatter: Record<string, unknown> | null): string[] {
  const target = (inner: string): string => (inner.split('|')[0] ?? '').split('#')[0]!.trim();
  const out = new Set<string>();
  const scan = (text: string): void => {
    for (const m of text.matchAll(/!?\[\[([^\]\n]+?)\]\]/g)) {
      const t = target(m[1] ?? '');
      if (t) out.add(t);
    }
  };
  if (frontmatter) {
    const visit = (v: unknown): void => {
      if (typeof v === 'string') scan(v);
      else if (Array.isArray(v)) v.forEach(visit);
    };
    Object.values(frontmatter).forEach(visit);
  }
  const text = stripCode(body);
  scan(text);
  for (const m of text.matchAll(/\[[^\]\n]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const href = m[1] ?? '';
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#')) continue;
    let decoded = href;
    try {
      decoded = decodeURIComponent(href);
    } catch {
      // kept as written
    }
    const t = target(decoded);
    if (t) out.add(t);
  }
  return [...out];
}

describe('link extraction without regexes', () => {
  it('finds exactly what the regexes found, in the same order', () => {
    // Texts built from the characters that decide a match: brackets, embeds, aliases, headings, line breaks, code.
    const piece = fc.constantFrom('[[', ']]', '[', ']', '!', '|', '#', 'a', 'B c', ' ', '\n', '`', '```\n', '(x.md)', '](', 'é');
    const text = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, fc.array(text, { maxLength: 3 }), (body, values) => {
        const fm = { a: values, b: values[0] ?? null };
        expect(extractLinks(body, fm)).toEqual(extractLinksByRegex(body, fm));
      }),
      { numRuns: 5000 },
    );
    for (const t of ['[[a]b]]', '[[a [[b]]', '[[[x]]', '[[]]', '![[e.png]]', '[[x|y#z]]', '[[ #h ]]', '[[a\n]]', '[[a]', '[[a]]]]', 'x [[ y ]] [[y]]', '[[a#b|c]]']) {
      expect(extractLinks(t, null)).toEqual(extractLinksByRegex(t, null));
    }
  });
});
