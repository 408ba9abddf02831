import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainVaultPath, normalizeAnyVaultPath, normalizeVaultPath } from '../../src/core/layout';

/**
 * normalizeVaultPath skips its full pass for paths that are already normalized
 * (isPlainVaultPath). Held here to the full pass on paths built from the pieces that matter:
 * separators of both kinds, dot segments, the config folder, drive letters, `~`, blanks,
 * control characters and letters that NFC changes.
 */
const piece = fc.constantFrom('a', 'Notes', 'x y', '.', '..', '...', '/', '//', '\\', '~', 'C:', 'c:', ' ', '\t', '\u0000', '\u001f', '.obsidian', 'é', 'e\u0301', 'ſ', 'K', '#', '.md', '-');
const input = fc.array(piece, { minLength: 0, maxLength: 8 }).map((p) => p.join(''));

function outcome(f: () => string): string {
  try {
    return `ok ${f()}`;
  } catch (err) {
    return `refused ${(err as Error).message}`;
  }
}

describe('normalizeVaultPath', () => {
  it('returns exactly what the full pass returns, or refuses with its words', () => {
    fc.assert(
      fc.property(input, fc.constantFrom('.obsidian', '.config'), (p, configDir) => {
        expect(outcome(() => normalizeVaultPath(p, configDir))).toBe(outcome(() => normalizeAnyVaultPath(p, configDir)));
        if (isPlainVaultPath(p, configDir)) expect(normalizeAnyVaultPath(p, configDir)).toBe(p);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes the fast way for the paths a listing gives', () => {
    for (const p of ['Notes/Rank notes.md', 'Area 01/Note 123.md', 'a/.../b.md', 'Groundwork/Inbox/x (2).md']) expect(isPlainVaultPath(p, '.obsidian')).toBe(true);
    for (const p of ['', ' ', '/a.md', 'a//b.md', 'a/./b.md', '../a.md', 'a/..', '~/a.md', 'C:/a.md', 'a\\b.md', '.obsidian/app.json', 'é.md', 'a/']) expect(isPlainVaultPath(p, '.obsidian')).toBe(false);
  });
});
