import matter from 'gray-matter';
import { simpleFrontmatter } from './simple-yaml';
import * as YAML from 'yaml';

/**
 * Reading a note's frontmatter. Pure: no I/O, no Node API, no 'obsidian' (it runs on mobile).
 *
 * Where the block is comes from `splitFrontmatter` alone, so the reader and the surgical patch
 * (patch.ts) always agree on it; gray-matter then reads that block with the `yaml` package as its
 * engine, and its code-evaluating engines replaced by refusals.
 */

export interface ParsedNote {
  /** The frontmatter mapping, or null when there is none or it could not be read. */
  frontmatter: Record<string, unknown> | null;
  /** A leading --- block exists (even if broken). */
  hasFrontmatter: boolean;
  /** Text after the frontmatter block (or the whole text), BOM removed. */
  body: string;
  /** Plain-words problems; empty when the frontmatter (if any) was read cleanly. */
  problems: string[];
}

/** Exact offsets (UTF-16 code units into the original text, BOM included) of a frontmatter block. */
export interface FrontmatterSplit {
  /** 1 when the text starts with a BOM, else 0: where the opening `---` starts. */
  start: number;
  /** What follows `---` on the opening line, trimmed ('' for plain YAML, 'js' for `---js`). */
  language: string;
  /** Line ending of the opening line; '\n' when the opening line has none. */
  eol: '\n' | '\r\n';
  /** Start of the block's content: just after the opening line's line ending. */
  contentStart: number;
  /** End of the content = start of the closing `---` line; equals `end` when not closed. */
  contentEnd: number;
  /** After the closing line and its line ending: where the body starts. */
  end: number;
  /** False when no closing `---` line exists (the block then runs to the end of the text). */
  closed: boolean;
}

/** The options every YAML read uses: YAML 1.2 core schema, so `2026-01-02` stays a string. */
export const YAML_READ_OPTIONS = {
  version: '1.2',
  schema: 'core',
  uniqueKeys: true,
  prettyErrors: true,
  strict: true,
  // Warnings become problems instead of going to the console. Not 'silent': with it, yaml also
  // drops its "multiple documents" error and a block like `a: 1` / `...` / `b: 2` reads as {a: 1}.
  logLevel: 'error',
} as const satisfies YAML.ParseOptions & YAML.DocumentOptions & YAML.SchemaOptions;

const OPEN_LINE = /^---(?!-)([^\r\n]*)(\r?\n|$)/;
const CLOSE_LINE = /^---[ \t]*$/;

/**
 * Finds the leading frontmatter block: an opening line `---` (optionally followed by a language
 * tag, as gray-matter allows) and a closing line that is exactly `---` (trailing blanks allowed).
 * Returns null when the text does not start with one.
 */
export function splitFrontmatter(text: string): FrontmatterSplit | null {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const open = OPEN_LINE.exec(start === 0 ? text : text.slice(start));
  if (!open) return null;
  const language = (open[1] ?? '').trim();
  const eol = open[2] === '\r\n' ? '\r\n' : '\n';
  const contentStart = start + open[0].length;
  if (open[2] === '') {
    return { start, language, eol, contentStart, contentEnd: text.length, end: text.length, closed: false };
  }
  let lineStart = contentStart;
  while (lineStart < text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl === -1 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (CLOSE_LINE.test(line)) {
      return {
        start,
        language,
        eol,
        contentStart,
        contentEnd: lineStart,
        end: nl === -1 ? text.length : nl + 1,
        closed: true,
      };
    }
    if (nl === -1) break;
    lineStart = nl + 1;
  }
  return { start, language, eol, contentStart, contentEnd: text.length, end: text.length, closed: false };
}

/** Strip BOM, unify line endings, drop trailing blanks on lines and trailing blank lines (for fingerprints). */
export function normalizeBody(body: string): string {
  const lines = body
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t\f\v]+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** A YAML error or warning in plain words, with the line number in the note. */
function describeYamlError(e: YAML.YAMLError, lineOffset: number): string {
  const first = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
  const line = e.linePos?.[0]?.line;
  return line === undefined ? first : `${first} (line ${line + lineOffset})`;
}

/** The key of a pair as it appears in the JS mapping, or null when it is not a scalar. */
export function jsKeyOf(key: unknown): string | null {
  if (YAML.isScalar(key)) {
    const v = key.value;
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    return null;
  }
  if (key === null || key === undefined) return '';
  return null;
}

/** Result of reading a frontmatter YAML text (without its --- lines). */
export interface YamlMappingResult {
  doc: YAML.Document.Parsed;
  mapping: Record<string, unknown> | null;
  /** Problems that make the mapping unusable (mapping is then null). */
  errors: string[];
  /** Problems that leave the mapping readable. */
  warnings: string[];
  /** The JS key of each top-level pair, in order (only when the mapping is usable). */
  keys: string[];
}

/**
 * Reads YAML text as a frontmatter mapping. Shared by the reader and the patch so both judge a
 * block the same way. `lineOffset` turns YAML line numbers into note line numbers.
 */
export function readYamlMapping(yamlText: string, lineOffset = 0): YamlMappingResult {
  const doc = YAML.parseDocument(yamlText, YAML_READ_OPTIONS);
  const errors: string[] = [];
  const warnings = doc.warnings.map((w) => `Frontmatter warning: ${describeYamlError(w, lineOffset)}`);
  const result = (mapping: Record<string, unknown> | null, keys: string[] = []): YamlMappingResult => ({
    doc,
    mapping,
    errors,
    warnings,
    keys,
  });

  if (doc.errors.length > 0) {
    const dup = doc.errors.find((e) => e.code === 'DUPLICATE_KEY');
    if (dup) {
      for (const name of duplicateKeyNames(doc)) errors.push(`Duplicate key "${name}" in frontmatter`);
      if (errors.length === 0) errors.push(`Duplicate key in frontmatter: ${describeYamlError(dup, lineOffset)}`);
    }
    for (const e of doc.errors) {
      if (e.code !== 'DUPLICATE_KEY') errors.push(`Malformed YAML frontmatter: ${describeYamlError(e, lineOffset)}`);
    }
    // yaml reports an unclosed nesting once per level (40 levels, 40 equal lines): once is enough.
    return { ...result(null), errors: [...new Set(errors)], warnings: [...new Set(warnings)] };
  }

  const contents = doc.contents;
  if (contents === null) return result({});
  // An empty document (e.g. only a `...` end marker is left) has no keys; an explicit `~` is not a mapping.
  if (YAML.isScalar(contents) && contents.value === null && contents.range && contents.range[0] === contents.range[1] && !contents.tag && !contents.anchor) {
    return result({});
  }
  if (!YAML.isMap(contents)) {
    errors.push('Frontmatter is not a mapping of keys');
    return result(null);
  }

  // yaml would stringify collection keys (with a process warning); a note's keys are names.
  let badKey = false;
  YAML.visit(doc, {
    Pair(_, pair) {
      if (YAML.isCollection(pair.key)) badKey = true;
    },
  });
  if (badKey) {
    errors.push('Frontmatter has a key that is a list or mapping; keys must be plain names');
    return result(null);
  }

  const keys: string[] = [];
  const seen = new Set<string>();
  for (const pair of contents.items) {
    const k = jsKeyOf(pair.key);
    if (k === null) {
      errors.push('Frontmatter has a key that is not a plain name');
      return result(null);
    }
    // `1:` and `"1":` are different YAML keys but the same property name.
    if (seen.has(k)) {
      errors.push(`Duplicate key "${k}" in frontmatter`);
      return result(null);
    }
    seen.add(k);
    keys.push(k);
  }

  let mapping: unknown;
  try {
    mapping = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    errors.push(`Malformed YAML frontmatter: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    return result(null);
  }
  if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping)) {
    errors.push('Frontmatter is not a mapping of keys');
    return result(null);
  }
  return result(mapping as Record<string, unknown>, keys);
}

function duplicateKeyNames(doc: YAML.Document.Parsed): string[] {
  const names: string[] = [];
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const k = jsKeyOf(pair.key);
        if (k === null) continue;
        if (seen.has(k) && !names.includes(k)) names.push(k);
        seen.add(k);
      }
    },
  });
  return names;
}

class Refusal extends Error {}

function refuse(message: string) {
  return {
    parse: (): object => {
      throw new Refusal(message);
    },
  };
}

/**
 * gray-matter's toFile calls Buffer.from on string input, and Buffer does not exist on mobile.
 * A value that kind-of recognises as a buffer is passed through as-is and turned back into our
 * string with String(), so no Buffer is ever touched.
 */
class TextBox {
  constructor(private readonly text: string) {}
  static isBuffer(v: unknown): boolean {
    return v instanceof TextBox;
  }
  toString(): string {
    return this.text;
  }
}

/** Reads a note. Never throws. */
export function parseNote(text: string): ParsedNote {
  return guarded(text, false);
}

/**
 * parseNote with every block read through gray-matter, as it was before plain YAML skipped it:
 * the reference the tests hold the direct reading to.
 */
export function parseNoteThroughGrayMatter(text: string): ParsedNote {
  return guarded(text, true);
}

function guarded(text: string, alwaysGrayMatter: boolean): ParsedNote {
  try {
    return parseNoteUnsafe(text, alwaysGrayMatter);
  } catch (e) {
    // Defensive: the steps above catch what they expect; anything else is still a problem, not a crash.
    const split = safeSplit(text);
    return {
      frontmatter: null,
      hasFrontmatter: split !== null,
      body: stripBom(split?.closed ? text.slice(split.end) : text),
      problems: [`Frontmatter could not be read: ${e instanceof Error ? e.message : String(e)}`],
    };
  }
}

function safeSplit(text: string): FrontmatterSplit | null {
  try {
    return splitFrontmatter(text);
  } catch {
    return null;
  }
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function parseNoteUnsafe(text: string, alwaysGrayMatter: boolean): ParsedNote {
  const split = splitFrontmatter(text);
  if (!split) return { frontmatter: null, hasFrontmatter: false, body: stripBom(text), problems: [] };
  if (!split.closed) {
    return {
      frontmatter: null,
      hasFrontmatter: true,
      body: stripBom(text),
      problems: ['Frontmatter is not closed: no line with only --- ends it'],
    };
  }
  const body = text.slice(split.end);
  const content = text.slice(split.contentStart, split.contentEnd);
  const problems = frontmatterBlockProblems(content);
  if (problems.length > 0) return { frontmatter: null, hasFrontmatter: true, body, problems };

  const languageRaw = text.slice(split.start + 3, split.contentStart).replace(/\r?\n$/, '');
  // Plain YAML (no language after `---`, nearly every note): what gray-matter would hand its yaml
  // engine, read directly; gray-matter itself only added work per note (~5% of `map`).
  if (split.language === '' && !alwaysGrayMatter) return readYamlBlock(`${languageRaw}\n${content.replace(/\r?\n$/, '')}`, body);
  const holder: { result?: Pick<YamlMappingResult, 'mapping' | 'errors' | 'warnings'> } = {};
  // gray-matter sees exactly the block splitFrontmatter found; the leading newline it keeps in
  // `matter` makes YAML's line 1 the `---` line, so YAML line numbers are note line numbers.
  const canonical = `---${languageRaw}\n${content.replace(/\r?\n$/, '')}\n---\n`;
  const options = {
    engines: {
      yaml: {
        parse: (s: string): object => {
          // Most notes' frontmatter is a few `key: value` lines: read those without the full parser.
          const fast = simpleFrontmatter(s);
          holder.result = fast ? { mapping: fast, errors: [], warnings: [] } : readYamlMapping(s, 0);
          return holder.result.mapping ?? {};
        },
        stringify: (data: object): string => YAML.stringify(data, { version: '1.2', schema: 'core' }),
      },
      js: refuse('JavaScript frontmatter (---js) is never executed'),
      javascript: refuse('JavaScript frontmatter (---js) is never executed'),
      coffee: refuse('CoffeeScript frontmatter (---coffee) is never executed'),
      coffeescript: refuse('CoffeeScript frontmatter (---coffee) is never executed'),
      cson: refuse('CoffeeScript frontmatter (---cson) is never executed'),
      json: refuse('JSON frontmatter (---json) is not read; only YAML frontmatter is'),
    },
  };
  const lang = split.language.toLowerCase();
  if (lang !== '' && lang !== 'yaml' && lang !== 'yml' && !(lang in options.engines)) {
    return {
      frontmatter: null,
      hasFrontmatter: true,
      body,
      problems: [`Frontmatter language "${split.language}" is not supported; only YAML frontmatter is read`],
    };
  }
  try {
    // Always an options object: without one gray-matter caches results by content.
    matter({ content: new TextBox(canonical) } as unknown as { content: string }, options);
  } catch (e) {
    const message = e instanceof Refusal ? e.message : `Frontmatter could not be read: ${e instanceof Error ? e.message : String(e)}`;
    return { frontmatter: null, hasFrontmatter: true, body, problems: [message] };
  }
  // gray-matter skips the engine for a block of only comments and blanks: an empty mapping.
  const r = holder.result;
  if (!r) return { frontmatter: {}, hasFrontmatter: true, body, problems: [] };
  return {
    frontmatter: r.mapping,
    hasFrontmatter: true,
    body,
    problems: [...r.errors, ...r.warnings],
  };
}

/**
 * A plain YAML block as gray-matter reads it with the engine above (the `matter` text it passes:
 * the opening line's blanks, a newline, the content without its last line ending): a block of only
 * comments and blanks is an empty mapping, read by no engine; the rest goes to the fast path, else
 * to the yaml package. Equality with going through gray-matter is tested (test/core/frontmatter.test.ts).
 */
function readYamlBlock(matterText: string, body: string): ParsedNote {
  if (matterText.replace(/^\s*#[^\n]+/gm, '').trim() === '') return { frontmatter: {}, hasFrontmatter: true, body, problems: [] };
  let r: Pick<YamlMappingResult, 'mapping' | 'errors' | 'warnings'>;
  try {
    const fast = simpleFrontmatter(matterText);
    r = fast ? { mapping: fast, errors: [], warnings: [] } : readYamlMapping(matterText, 0);
    // gray-matter then looks for an excerpt at `excerpt_separator` in its (empty) content: a
    // value that cannot become a string fails there, and so here.
    const sep = r.mapping?.excerpt_separator;
    if (sep) ''.indexOf(sep as string);
  } catch (e) {
    return { frontmatter: null, hasFrontmatter: true, body, problems: [`Frontmatter could not be read: ${e instanceof Error ? e.message : String(e)}`] };
  }
  // gray-matter's data is the engine's answer or {}, never null: a broken block is {} there, and null here by its errors.
  return { frontmatter: r.mapping, hasFrontmatter: true, body, problems: [...r.errors, ...r.warnings] };
}

/**
 * A content line starting with `---` (like `---x: 1`) is where gray-matter and other readers
 * (Obsidian included) may end the block while we would not; such a block is ambiguous.
 */
export function frontmatterBlockProblems(content: string): string[] {
  if (/(^|\n)---/.test(content)) {
    return ['Frontmatter has a line starting with --- before its closing line; it is ambiguous where the block ends'];
  }
  return [];
}
