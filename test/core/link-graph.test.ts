import { describe, expect, it } from 'vitest';
import { analyzeNote } from '../../src/core/note-record';
import { VaultModel } from '../../src/core/vault-model';
import { rng } from '../../bench/src/stats';

/**
 * The model keeps resolved links and backlinks between questions and re-resolves only what a
 * change can affect. Whatever the changes, its answers must be a fresh model's on the same notes.
 */

// Few names in few folders: names repeat across folders, so which one a link picks depends on
// the source's folder, the path length, and which of them exist at the moment.
const NAMES = ['Alpha', 'beta', 'Gamma', 'Delta', 'Hub'];
const FOLDERS = ['', 'a/', 'a/b/', 'c/'];

function fresh(notes: Map<string, string>): VaultModel {
  const m = new VaultModel('Groundwork');
  for (const [path, text] of notes) m.set(analyzeNote(path, text));
  return m;
}

function answers(m: VaultModel, paths: Iterable<string>): Record<string, { links: string[]; back: string[]; count: number; domains: string[] | null }> {
  const out: Record<string, { links: string[]; back: string[]; count: number; domains: string[] | null }> = {};
  for (const p of paths) {
    const record = m.get(p);
    out[p] = { links: m.linksFrom(p), back: m.backlinksTo(p), count: m.backlinkCount(p), domains: record ? m.domainsOf(record) : null };
  }
  return out;
}

describe('resolved links and backlinks kept by the model', () => {
  // With linksReady, the whole backlink index is kept up to date; without it (a one-shot run),
  // backlinks are found through the links that carry a note's name. A fresh model answers the
  // other way round from the live one in each case, so each way is held to the other.
  it.each([
    ['kept whole (after linksReady), against fresh models asked by name', true, false],
    ['found by name (no linksReady), against fresh models that build the whole index', false, true],
  ])('answer as a fresh model does after creates, deletes, renames and edits, memberships too: %s', async (_name, liveReady, freshReady) => {
    const r = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const randomPath = (): string => `${pick(FOLDERS)}${pick(NAMES)}${r() < 0.2 ? ' 2' : ''}.md`;
    const randomText = (): string => {
      const links: string[] = [];
      for (let i = Math.floor(r() * 5); i > 0; i--) {
        const name = pick(NAMES);
        const form = r();
        // A bare name, a path-qualified one, a differently cased one, a missing one.
        links.push(form < 0.5 ? `[[${name}]]` : form < 0.7 ? `[[${pick(FOLDERS)}${name}]]` : form < 0.85 ? `[[${name.toUpperCase()}|x]]` : `[[${name} 2]]`);
      }
      // Some notes are domain notes (of any name), some name a domain in their `domain` property.
      const fm = [r() < 0.25 ? 'groundwork: domain' : '', r() < 0.4 ? `domain: "[[${pick(NAMES)}]]"` : ''].filter((l) => l !== '');
      return `${fm.length > 0 ? `---\n${fm.join('\n')}\n---\n` : ''}Text ${links.join(' ')}\n`;
    };

    const notes = new Map<string, string>();
    for (let i = 0; i < 12; i++) notes.set(randomPath(), randomText());
    const live = fresh(notes);
    if (liveReady) await live.linksReady();

    const every = (): Set<string> => new Set([...notes.keys(), ...FOLDERS.flatMap((f) => NAMES.map((n) => `${f}${n}.md`))]);
    for (let step = 0; step < 400; step++) {
      const op = r();
      const existing = [...notes.keys()];
      if (op < 0.3 || existing.length === 0) {
        const p = randomPath();
        const text = randomText();
        notes.set(p, text);
        live.set(analyzeNote(p, text));
      } else if (op < 0.5) {
        const p = pick(existing);
        notes.delete(p);
        live.delete(p);
      } else if (op < 0.7) {
        const from = pick(existing);
        const to = randomPath();
        if (notes.has(to)) continue;
        const text = notes.get(from)!;
        notes.delete(from);
        notes.set(to, text);
        // As the plugin does on a rename event: the record moves, its text is not read again.
        live.rename(from, { ...live.get(from)!, path: to });
      } else {
        const p = pick(existing);
        const text = op < 0.85 ? randomText() : `${notes.get(p)!}more text\n`;
        notes.set(p, text);
        live.set(analyzeNote(p, text));
      }
      // Ask only now and then, so changes also pile up between questions.
      if (step % 3 === 0) {
        const other = fresh(notes);
        if (freshReady) await other.linksReady();
        expect(answers(live, every()), `after step ${step}`).toEqual(answers(other, every()));
      }
    }
  });

  it('resolves a link again when a note of its name appears closer to the source, and when that note goes', () => {
    const m = fresh(
      new Map([
        ['x/src.md', 'See [[Target]] and [[Missing]]'],
        ['far/away/Target.md', 'far'],
      ]),
    );
    expect(m.linksFrom('x/src.md')).toEqual(['far/away/Target.md']);
    expect(m.backlinksTo('far/away/Target.md')).toEqual(['x/src.md']);
    m.set(analyzeNote('x/Target.md', 'near'));
    expect(m.linksFrom('x/src.md')).toEqual(['x/Target.md']);
    expect(m.backlinksTo('far/away/Target.md')).toEqual([]);
    expect(m.backlinksTo('x/Target.md')).toEqual(['x/src.md']);
    m.set(analyzeNote('Missing.md', 'now here'));
    expect(m.linksFrom('x/src.md')).toEqual(['x/Target.md', 'Missing.md']);
    m.delete('x/Target.md');
    expect(m.linksFrom('x/src.md')).toEqual(['far/away/Target.md', 'Missing.md']);
    expect(m.backlinkCount('far/away/Target.md')).toBe(1);
  });

  it('leaves a note out of its own links and backlinks', () => {
    const m = fresh(new Map([['Self.md', 'I am [[Self]], see [[Other]]'], ['Other.md', '[[Self]]']]));
    expect(m.linksFrom('Self.md')).toEqual(['Other.md']);
    expect(m.backlinksTo('Self.md')).toEqual(['Other.md']);
    expect(m.backlinkCount('Self.md')).toBe(1);
  });
});
