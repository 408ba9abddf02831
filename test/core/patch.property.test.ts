import fc from 'fast-check';
import * as YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseNote, splitFrontmatter } from '../../src/core/frontmatter';
import { FrontmatterPatchError, patchFrontmatter, type PatchValue } from '../../src/core/patch';

/*
 * Generated notes mix comments, blank lines, CRLF, a BOM, unicode/emoji keys and values, plain,
 * single- and double-quoted scalars, flow and block lists, block scalars, tags, anchors, explicit
 * `? key` pairs, a `...` end marker, trailing comments and bodies with --- lines. The byte-level property: strip the lines of the pairs a patch names
 * (located independently here, from yaml's node ranges) from both the original and the patched
 * note, and the two texts must be identical; the part before the block's content, the closing
 * line and the body must be identical as they are.
 */

const NUM_RUNS = 1000;

// ---------- rendering helpers for generated notes ----------

/** YAML double-quoted form that escapes everything YAML would not accept raw. */
function dq(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfeff || cp === 0xfffe || cp === 0xffff || cp === 0x2028 || cp === 0x2029) {
      out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out + '"';
}

const printable = (s: string) => /^[\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u.test(s) && !s.includes('\ufeff');
const sq = (s: string) => `'${s.replace(/'/g, "''")}'`;

const SAFE_KEYS = ['title', 'confidence', 'tags', 'sources', 'domain', 'status', 'generated', 'ключ', '日本語', 'émoji🎉', '🚀', 'a-b', 'x_y', 'signed-off', 'with space', 'Confidence', 'n1', 'k.dot'];
const PLAIN_VALUES = ['low', 'high', 'medium', 'hello world', 'émoji 🎉 ok', '42', '3.5', '-7', 'true', 'False', 'null', '~', '2026-01-02', '0x1F', 'a-b_c', 'ünïcödé', 'word: no', "it's"].filter(
  (v) => v !== 'word: no',
);
const WORDS = ['alpha', 'beta gamma', 'ñ', '🎉', 'x-y', '12', 'true', 'δ'];
const COMMENT_TEXT = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => printable(s));

type KeyForm = { name: string; source: string };
const keyArb: fc.Arbitrary<KeyForm> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SAFE_KEYS).map((name) => ({ name, source: name })) },
  { weight: 2, arbitrary: fc.constantFrom(...SAFE_KEYS).map((name) => ({ name, source: dq(name) })) },
  { weight: 1, arbitrary: fc.constantFrom(...SAFE_KEYS).map((name) => ({ name, source: sq(name) })) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).map((name) => ({ name, source: dq(name) })) },
);

const itemArb = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.string({ unit: 'grapheme', maxLength: 8 }).map(dq),
  fc.string({ unit: 'grapheme-ascii', maxLength: 6 }).map(sq),
);

/** A value's source text as lines; the first line goes after `key:`. */
type ValueSource = (indent: string) => string[];
const valueArb: fc.Arbitrary<ValueSource> = fc.oneof(
  fc.constantFrom(...PLAIN_VALUES).map((v) => () => [` ${v}`]),
  fc.constant(() => ['']),
  fc.string({ unit: 'binary', maxLength: 12 }).map((v) => () => [` ${dq(v)}`]),
  fc
    .string({ unit: 'grapheme', maxLength: 12 })
    .filter(printable)
    .map((v) => () => [` ${sq(v)}`]),
  fc.integer().map((n) => () => [` ${n}`]),
  // Tags and (unreferenced) anchors are part of the value's source.
  fc.constantFrom(' !!str 12', ' !!str true', ' &anchor word', ' &a2 [x, y]').map((v) => () => [v]),
  fc.tuple(fc.array(itemArb, { maxLength: 4 }), fc.boolean()).map(([items, pad]) => () => [pad && items.length ? ` [ ${items.join(', ')} ]` : ` [${items.join(', ')}]`]),
  fc
    .tuple(fc.array(itemArb, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.option(COMMENT_TEXT, { nil: undefined }))
    .map(([items, indentSeq, inner]) => (indent: string) => {
      const pad = indent + (indentSeq ? '  ' : '');
      const lines = [''];
      items.forEach((it, i) => {
        lines.push(`${pad}- ${it}`);
        if (inner !== undefined && i === 0) lines.push(`${pad}# ${inner}`);
      });
      return lines;
    }),
  fc
    .tuple(fc.array(fc.constantFrom(...WORDS, 'a line', '---', '  more indented'), { minLength: 1, maxLength: 3 }), fc.constantFrom('|', '|-', '>'))
    .map(([lines, header]) => (indent: string) => [` ${header}`, ...lines.map((l) => `${indent}  ${l}`)]),
);

type Entry = { kind: 'pair'; key: KeyForm; value: ValueSource; comment?: string; explicit: boolean } | { kind: 'comment'; text: string; indent: boolean } | { kind: 'blank'; spaces: string };

const entryArb: fc.Arbitrary<Entry> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
      kind: fc.constant('pair' as const),
      key: keyArb,
      value: valueArb,
      comment: fc.option(COMMENT_TEXT, { nil: undefined }),
      explicit: fc.nat(9).map((n) => n === 0),
    }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('comment' as const), text: COMMENT_TEXT, indent: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('blank' as const), spaces: fc.constantFrom('', ' ', '  ') }) },
);

const BODY_LINES = ['', '# Heading', 'Some text with ünïcode 🎉', '---', '--- ', 'key: value', '- [ ] task', '...', '```yaml', 'a: 1', '```'];

interface GeneratedNote {
  text: string;
  eol: string;
}

const noteArb: fc.Arbitrary<GeneratedNote> = fc
  .record({
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    hasFrontmatter: fc.nat(9).map((n) => n > 0),
    mapIndent: fc.nat(7).map((n) => (n === 0 ? '  ' : '')),
    entries: fc.array(entryArb, { maxLength: 10 }),
    documentEnd: fc.nat(9).map((n) => n === 0),
    body: fc.array(fc.constantFrom(...BODY_LINES), { maxLength: 6 }),
    bodyEndsWithEol: fc.boolean(),
  })
  .map(({ eol, bom, hasFrontmatter, mapIndent, entries, documentEnd, body, bodyEndsWithEol }) => {
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const e of entries) {
      if (e.kind === 'comment') lines.push(`${e.indent ? mapIndent : ''}# ${e.text}`);
      else if (e.kind === 'blank') lines.push(e.spaces);
      else {
        if (seen.has(e.key.name)) continue;
        seen.add(e.key.name);
        const v = e.value(mapIndent);
        const comment = e.comment !== undefined ? ` # ${e.comment}` : '';
        if (e.explicit) lines.push(`${mapIndent}? ${e.key.source}`, `${mapIndent}:${v[0]}${comment}`, ...v.slice(1));
        else lines.push(`${mapIndent}${e.key.source}:${v[0]}${comment}`, ...v.slice(1));
      }
    }
    if (documentEnd) lines.push('...');
    let bodyText = body.join(eol) + (bodyEndsWithEol && body.length ? eol : '');
    let text: string;
    if (hasFrontmatter) {
      text = ['---', ...lines, '---'].join(eol) + eol + bodyText;
    } else {
      bodyText = `Intro${eol}${bodyText}`;
      text = bodyText;
    }
    return { text: (bom ? '\uFEFF' : '') + text, eol };
  });

const STRINGS = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('yes', 'No', 'on', 'y', '[[Link]]', 'a: b', '#tag', 'x # y', '- x', '---', '...', '', ' lead', 'trail ', 'multi\nline', 'x\n---\ny', 'end\n', '2026-01-02', '0o17', '1_000', 'null', '~', 'true', '@x', '`x', '!x', '&x', '*x', '%x', '|', '>', '"q"', "'q'", '\t', 'é🎉', '\r\n', 'a\r\nb'),
);
const VALUES: fc.Arbitrary<PatchValue> = fc.oneof(STRINGS, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(STRINGS, { maxLength: 4 }));
const NEW_KEYS = fc.oneof(fc.constantFrom(...SAFE_KEYS, 'yes', 'n', 'a: b', '#k', '- k', '__proto__', '[x]', '0', '1.5'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }));

// ---------- independent locating of pairs ----------

/** The note with the lines of the named top-level pairs removed (each pair: its key's line to its value's last line). */
function stripPairs(text: string, keys: Set<string>): string {
  const split = splitFrontmatter(text);
  if (!split?.closed) throw new Error('no frontmatter block');
  const content = text.slice(split.contentStart, split.contentEnd);
  const doc = YAML.parseDocument(content, { version: '1.2', schema: 'core' });
  if (!YAML.isMap(doc.contents)) return text;
  const lineStarts = [0];
  for (let i = 0; i < content.length; i++) if (content[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    while (lo + 1 < lineStarts.length && lineStarts[lo + 1]! <= offset) lo++;
    return lo;
  };
  const drop = new Set<number>();
  for (const pair of doc.contents.items) {
    const k = pair.key as YAML.Scalar<string | number | boolean | null>;
    const name = k.value === null ? '' : String(k.value);
    if (!keys.has(name)) continue;
    const value = pair.value as YAML.Node | null;
    const last = Math.max(k.range![1] + 1, value?.range ? value.range[1] : 0) - 1;
    let end = lineOf(last);
    // Comment lines indented deeper than the key right after the value belong to the pair too.
    const keyIndent = /^ */.exec(content.slice(lineStarts[lineOf(k.range![0])]))![0].length;
    for (let l = end + 1; l < lineStarts.length; l++) {
      const line = content.slice(lineStarts[l], lineStarts[l + 1] ?? content.length).replace(/\r?\n$/, '');
      if (/^[ \t]*$/.test(line)) continue;
      if (/^ */.exec(line)![0].length > keyIndent && /^[ \t]*#/.test(line)) end = l;
      else break;
    }
    for (let l = lineOf(k.range![0]); l <= end; l++) drop.add(l);
  }
  const kept = lineStarts
    .map((start, i) => content.slice(start, lineStarts[i + 1] ?? content.length))
    .filter((_, i) => !drop.has(i))
    .join('');
  return text.slice(0, split.contentStart) + kept + text.slice(split.contentEnd);
}

function applyChanges(before: Record<string, unknown>, changes: [string, PatchValue | undefined][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(before)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of changes) {
    if (v === undefined) delete out[k];
    else Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function toChanges(entries: [string, PatchValue | undefined][]): Record<string, PatchValue | undefined> {
  const o: Record<string, PatchValue | undefined> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const scenarioArb = noteArb.chain((note) => {
  const parsed = parseNote(note.text);
  const existing = Object.keys(parsed.frontmatter ?? {});
  const existingChanges = existing.length
    ? fc.array(fc.tuple(fc.constantFrom(...existing), fc.option(VALUES, { nil: undefined, freq: 3 })), { maxLength: 3 })
    : fc.constant([] as [string, PatchValue | undefined][]);
  const newChanges = fc.array(fc.tuple(NEW_KEYS, fc.option(VALUES, { nil: undefined, freq: 8 })), { maxLength: 3 });
  return fc.tuple(fc.constant(note), existingChanges, newChanges).map(([n, a, b]) => {
    const seen = new Set<string>();
    const changes: [string, PatchValue | undefined][] = [];
    for (const [k, v] of [...a, ...b]) {
      if (seen.has(k)) continue;
      seen.add(k);
      changes.push([k, v]);
    }
    return { note: n, changes };
  });
});

describe('patchFrontmatter properties', () => {
  it(`changes only the keys it names, byte for byte (${NUM_RUNS} generated notes)`, () => {
    const stats = { valid: 0, invalid: 0, created: 0, unchanged: 0 };
    fc.assert(
      fc.property(scenarioArb, ({ note, changes }) => {
        const { text, eol } = note;
        const parsed = parseNote(text);
        if (parsed.hasFrontmatter && (parsed.problems.length > 0 || !parsed.frontmatter)) {
          stats.invalid++;
          if (changes.length > 0) expect(() => patchFrontmatter(text, toChanges(changes))).toThrow(FrontmatterPatchError);
          return;
        }
        stats.valid++;
        const before = parsed.frontmatter ?? {};
        const result = patchFrontmatter(text, toChanges(changes));
        const expected = applyChanges(before, changes);

        // (a) the mapping is the old one with exactly the named changes
        const after = parseNote(result);
        expect(after.problems).toEqual([]);
        const anySet = changes.some(([, v]) => v !== undefined);
        if (!parsed.hasFrontmatter && !anySet) {
          expect(result).toBe(text);
          stats.unchanged++;
          return;
        }
        expect(after.frontmatter).toEqual(expected);
        expect(Object.getPrototypeOf(after.frontmatter)).toBe(Object.prototype);

        // (b) every other byte stays
        if (eol === '\r\n') expect(/(^|[^\r])\n/.test(result)).toBe(false);
        if (!parsed.hasFrontmatter) {
          stats.created++;
          const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
          const split = splitFrontmatter(result)!;
          expect(result.startsWith(`${bom}---${eol}`)).toBe(true);
          expect(result.slice(split.end)).toBe(text.slice(bom.length));
          return;
        }
        const s0 = splitFrontmatter(text)!;
        const s1 = splitFrontmatter(result)!;
        expect(result.slice(0, s1.contentStart)).toBe(text.slice(0, s0.contentStart));
        expect(result.slice(s1.contentEnd)).toBe(text.slice(s0.contentEnd));
        const touchedBefore = new Set(changes.map(([k]) => k).filter((k) => Object.prototype.hasOwnProperty.call(before, k)));
        const touchedAfter = new Set([...touchedBefore, ...changes.filter(([, v]) => v !== undefined).map(([k]) => k)]);
        expect(stripPairs(result, touchedAfter)).toBe(stripPairs(text, touchedBefore));
        if (result === text) stats.unchanged++;

        // a removal is exactly the deletion of the pair's lines
        const removals = changes.filter(([k, v]) => v === undefined && touchedBefore.has(k)).map(([k]) => k);
        if (removals.length > 0) {
          expect(patchFrontmatter(text, toChanges(removals.map((k) => [k, undefined])))).toBe(stripPairs(text, new Set(removals)));
        }

        // setting the values it already has changes nothing
        const same = Object.entries(after.frontmatter!).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x))));
        expect(patchFrontmatter(result, toChanges(same as [string, PatchValue][]))).toBe(result);
      }),
      { numRuns: NUM_RUNS },
    );
    console.log(`patch property: ${JSON.stringify(stats)}`);
    expect(stats.valid).toBeGreaterThan(NUM_RUNS * 0.9);
    // 1000 notes take a few seconds alone and over 30 s on a machine shared by the whole suite.
  }, 180_000);
});
