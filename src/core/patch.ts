import * as YAML from 'yaml';
import { frontmatterBlockProblems, readYamlMapping, splitFrontmatter } from './frontmatter';
import { GroundworkError } from './errors';

/**
 * The one function through which every frontmatter edit goes. It splices only the source ranges of
 * the pairs it changes, so comments, key order, quoting, flow lists, blank lines, line endings,
 * a BOM and the body stay byte for byte; every result is read back and checked before it is
 * returned, so a case the splicing does not handle is refused instead of written wrongly.
 */

export class FrontmatterPatchError extends GroundworkError {
  constructor(message: string) {
    super(message);
    this.name = 'FrontmatterPatchError';
  }
}

type Scalar = string | number | boolean | null;
/** What a frontmatter key may be set to; `undefined` removes the key. */
export type PatchValue = Scalar | readonly Scalar[];

interface Edit {
  from: number;
  to: number;
  insert: string;
}

interface RenderStyle {
  flow: boolean;
  indentSeq: boolean;
  flowPadding: boolean;
}

const DEFAULT_STYLE: RenderStyle = { flow: false, indentSeq: true, flowPadding: false };

/**
 * Sets the keys `changes` names (`undefined` removes one) and returns the new note text; a patch
 * that changes nothing returns `text` itself. Throws FrontmatterPatchError, with the note left to
 * the caller as it was, when the frontmatter is malformed, ---js, has duplicate keys, is not a
 * mapping, or is written in a form the splice cannot edit safely.
 */
export function patchFrontmatter(text: string, changes: Record<string, unknown>): string {
  const entries = Object.entries(changes);
  for (const [key, value] of entries) {
    if (value !== undefined && !isPatchValue(value)) {
      throw new FrontmatterPatchError(
        `The value for "${key}" cannot be written to frontmatter: only text, numbers, true/false, null and lists of those are supported`,
      );
    }
  }
  const split = splitFrontmatter(text);
  if (!split) return createBlock(text, entries as [string, PatchValue | undefined][]);

  if (!split.closed) throw new FrontmatterPatchError('The frontmatter is not closed (no line with only --- ends it), so it cannot be edited safely');
  const lang = split.language.toLowerCase();
  if (lang === 'js' || lang === 'javascript') throw new FrontmatterPatchError('JavaScript frontmatter (---js) is never executed or edited');
  if (lang !== '' && lang !== 'yaml' && lang !== 'yml') {
    throw new FrontmatterPatchError(`Frontmatter in language "${split.language}" cannot be edited; only YAML frontmatter can`);
  }
  const content = text.slice(split.contentStart, split.contentEnd);
  const blockProblems = frontmatterBlockProblems(content);
  if (blockProblems.length > 0) throw new FrontmatterPatchError(blockProblems.join('; '));

  const linesBefore = countNewlines(text, 0, split.contentStart);
  const read = readYamlMapping(content, linesBefore);
  if (read.errors.length > 0 || !read.mapping) {
    throw new FrontmatterPatchError(`The frontmatter cannot be edited safely: ${read.errors.join('; ')}`);
  }
  const mapping = read.mapping;
  const doc = read.doc;
  const map = YAML.isMap(doc.contents) ? doc.contents : null;

  const effective = entries.filter(([key, value]) => {
    const exists = read.keys.includes(key);
    if (value === undefined) return exists;
    return !exists || !deepEqual(mapping[key], value);
  }) as [string, PatchValue | undefined][];
  if (effective.length === 0) return text;

  if (map?.flow) {
    throw new FrontmatterPatchError('The frontmatter is written as a flow mapping ({ … }); it cannot be edited without rewriting it');
  }
  const eol = split.eol;
  const edits: Edit[] = [];
  let mapIndent = 0;
  const firstKey = map?.items[0]?.key;
  if (YAML.isNode(firstKey) && firstKey.range) mapIndent = indentOf(content, lineStartOf(content, firstKey.range[0]));

  const additions: string[] = [];
  for (const [key, value] of effective) {
    const index = read.keys.indexOf(key);
    if (index === -1) {
      if (value === undefined) continue;
      additions.push(indentLines(renderPair(key, value, DEFAULT_STYLE), mapIndent, eol) + eol);
      continue;
    }
    const pair = map?.items[index];
    if (!pair) throw new FrontmatterPatchError(`Could not locate "${key}" in the frontmatter`);
    const loc = locatePair(content, pair, key);
    checkAnchors(doc, pair, loc, key);
    if (value === undefined) {
      edits.push({ from: loc.lineStart, to: loc.spanEnd, insert: '' });
      continue;
    }
    edits.push(replaceEdit(content, pair, loc, key, value, eol));
  }
  if (additions.length > 0) {
    // New keys go at the end of the block, but before a `...` document end marker if there is one.
    const marker = /(?:^|\n)(\.\.\.)(?:[ \t#\r\n]|$)/.exec(content);
    const at = marker ? marker.index + marker[0].indexOf('...') : content.length;
    edits.push({ from: at, to: at, insert: additions.join('') });
  }

  const newContent = applyEdits(content, edits, () => {
    throw new FrontmatterPatchError('Two of the keys to change overlap in the frontmatter; nothing was changed');
  });
  const result = text.slice(0, split.contentStart) + newContent + text.slice(split.contentEnd);
  verify(result, text.slice(split.end), mapping, effective);
  return result;
}

function createBlock(text: string, entries: [string, PatchValue | undefined][]): string {
  const sets = entries.filter((e): e is [string, PatchValue] => e[1] !== undefined);
  if (sets.length === 0) return text;
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const nl = text.indexOf('\n');
  const eol = nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
  const lines = sets.map(([k, v]) => indentLines(renderPair(k, v, DEFAULT_STYLE), 0, eol) + eol).join('');
  const result = `${text.slice(0, start)}---${eol}${lines}---${eol}${text.slice(start)}`;
  verify(result, text.slice(start), {}, sets);
  return result;
}

interface PairLocation {
  /** Start of the line the key is on (content offsets). */
  lineStart: number;
  keyStart: number;
  /** Offset of the ':' after the key; -1 for an explicit `? key`. */
  colon: number;
  /** Written as `? key` / `: value`; such a pair is rewritten whole, as `key: value`. */
  explicit: boolean;
  /** After the line ending of the value's last line (its trailing same-line comment included). */
  valueLinesEnd: number;
  /** valueLinesEnd, plus deeper-indented comment lines that follow (see extendOverIndentedComments). */
  spanEnd: number;
  keyColumn: number;
}

function locatePair(content: string, pair: YAML.Pair, key: string): PairLocation {
  const keyNode = pair.key;
  if (!YAML.isScalar(keyNode) || !keyNode.range) throw cannotLocate(key);
  const [keyStart, keyEnd] = keyNode.range;
  const lineStart = lineStartOf(content, keyStart);
  const before = content.slice(lineStart, keyStart);
  // Before the key on its line: indentation, the key's own anchor/tag, and for an explicit key `? `.
  const explicit = /^[ \t]*\?[ \t]+(?:[&!][^ \t\r\n]*[ \t]+)*$/.test(before);
  if (!explicit && !/^[ \t]*(?:[&!][^ \t\r\n]*[ \t]+)*$/.test(before)) throw cannotLocate(key);
  let colon = -1;
  if (!explicit) {
    if (/[\r\n]/.test(content.slice(keyStart, keyEnd))) throw cannotLocate(key);
    colon = keyEnd;
    while (content[colon] === ' ' || content[colon] === '\t') colon++;
    if (content[colon] !== ':') throw cannotLocate(key);
  }
  const value = pair.value;
  let last = explicit ? keyEnd : colon + 1;
  if (YAML.isNode(value) && value.range) last = Math.max(last, value.range[1]);
  const nl = content.indexOf('\n', last - 1);
  const keyColumn = indentOf(content, lineStart);
  const valueLinesEnd = nl === -1 ? content.length : nl + 1;
  const spanEnd = extendOverIndentedComments(content, valueLinesEnd, keyColumn);
  return { lineStart, keyStart, colon, explicit, valueLinesEnd, spanEnd, keyColumn };
}

/**
 * Comment lines indented deeper than the key after a pair's value sit inside that pair's block
 * (yaml leaves them out of the value's range); left behind when the pair goes, they could join a
 * block scalar before it. Blank lines count only when such a comment follows them.
 */
function extendOverIndentedComments(content: string, spanEnd: number, keyColumn: number): number {
  let end = spanEnd;
  let pos = spanEnd;
  while (pos < content.length) {
    const nl = content.indexOf('\n', pos);
    const lineEnd = nl === -1 ? content.length : nl + 1;
    const line = content.slice(pos, lineEnd).replace(/\r?\n$/, '');
    if (/^[ \t]*$/.test(line)) {
      pos = lineEnd;
      continue;
    }
    if (indentOf(line, 0) > keyColumn && /^[ \t]*#/.test(line)) {
      end = pos = lineEnd;
      continue;
    }
    break;
  }
  return end;
}

function cannotLocate(key: string): FrontmatterPatchError {
  return new FrontmatterPatchError(`The key "${key}" is written in a form that cannot be edited line by line (e.g. an explicit "? key"); nothing was changed`);
}

/** An anchor inside the pair that an alias elsewhere uses would dangle once the pair changes. */
function checkAnchors(doc: YAML.Document.Parsed, pair: YAML.Pair, loc: PairLocation, key: string): void {
  const anchors = new Set<string>();
  const collect: YAML.visitor = {
    Node(_, node) {
      if (node.anchor) anchors.add(node.anchor);
    },
  };
  if (YAML.isNode(pair.key)) {
    if (pair.key.anchor) anchors.add(pair.key.anchor);
    YAML.visit(pair.key, collect);
  }
  if (YAML.isNode(pair.value)) {
    if (pair.value.anchor) anchors.add(pair.value.anchor);
    YAML.visit(pair.value, collect);
  }
  if (anchors.size === 0) return;
  YAML.visit(doc, {
    Alias(_, alias) {
      const at = alias.range?.[0] ?? -1;
      const inside = at >= loc.lineStart && at < loc.spanEnd;
      if (!inside && anchors.has(alias.source)) {
        throw new FrontmatterPatchError(`The value of "${key}" is referred to elsewhere in the frontmatter (*${alias.source}); it cannot be changed on its own`);
      }
    },
  });
}

function replaceEdit(content: string, pair: YAML.Pair, loc: PairLocation, key: string, value: PatchValue, eol: string): Edit {
  const old = pair.value;
  const style: RenderStyle = { ...DEFAULT_STYLE };
  if (YAML.isSeq(old) && old.range) {
    if (old.flow) {
      style.flow = true;
      style.flowPadding = /^\[[ \t]/.test(content.slice(old.range[0], old.range[0] + 2));
    } else {
      style.indentSeq = old.range[0] - lineStartOf(content, old.range[0]) > loc.keyColumn;
    }
  }
  if (loc.explicit) {
    return { from: loc.lineStart, to: loc.spanEnd, insert: indentLines(renderPair(key, value, style), loc.keyColumn, eol) + eol };
  }
  const rendered = renderValuePart(key, value, style);
  const keyLineNl = content.indexOf('\n', loc.colon);
  const keyLineEnd = keyLineNl === -1 ? content.length : keyLineNl;
  const singleLineOld = loc.valueLinesEnd === keyLineEnd + 1 || (keyLineNl === -1 && loc.valueLinesEnd === content.length);

  if (singleLineOld && !rendered.includes('\n')) {
    // Only the value's own characters change: spacing after the colon and a trailing comment stay.
    let valueStart = loc.colon + 1;
    while (content[valueStart] === ' ' || content[valueStart] === '\t') valueStart++;
    const c = content[valueStart];
    if (c === undefined || c === '#' || c === '\r' || c === '\n') {
      return { from: loc.colon + 1, to: loc.colon + 1, insert: rendered };
    }
    const valueEnd = YAML.isNode(old) && old.range ? old.range[1] : valueStart;
    if (valueEnd < valueStart || /[\r\n]/.test(content.slice(valueStart, valueEnd))) throw cannotLocate(key);
    return { from: valueStart, to: valueEnd, insert: rendered.replace(/^ /, '') };
  }

  const keyLineRest = content.slice(loc.colon + 1, keyLineEnd).replace(/\r$/, '');
  const keepKeyLine = rendered.startsWith('\n') && /^[ \t]*(#.*)?$/.test(keyLineRest);
  const prefix = keepKeyLine ? content.slice(loc.lineStart, loc.colon + 1) + keyLineRest : content.slice(loc.lineStart, loc.colon + 1);
  return { from: loc.lineStart, to: loc.spanEnd, insert: prefix + indentLines(rendered, loc.keyColumn, eol, true) + eol };
}

/** `key: value` as YAML text ('\n' line endings, no final newline). */
function renderPair(key: string, value: PatchValue, style: RenderStyle): string {
  return renderChecked(key, value, style, true);
}

/** The part after `key:` (starts with ' ' for an inline value or '\n' for a block one). */
function renderValuePart(key: string, value: PatchValue, style: RenderStyle): string {
  const text = renderChecked('k', value, style, false);
  return text.slice(2);
}

function renderChecked(key: string, value: PatchValue, style: RenderStyle, realKey: boolean): string {
  const text = render(key, value, style, realKey);
  if (readsBack(text, { [key]: value })) return text;
  throw new FrontmatterPatchError(
    realKey ? `The key "${key}" with its value cannot be written as YAML safely` : `The value for this key cannot be written as YAML safely`,
  );
}

/**
 * A string yaml would write plain under YAML 1.2 but not under 1.1 (`yes`, `n`, `2026-01-02`,
 * `1_000`) is read as a boolean, date or number by 1.1 readers; those are double-quoted so every
 * reader gets the same string.
 */
function needsQuotesFor11(s: string): boolean {
  const isPlain = (out: string) => !/^["'|>]/.test(out);
  const v12 = YAML.stringify(s, { version: '1.2', schema: 'core', lineWidth: 0 });
  if (!isPlain(v12)) return false;
  const v11 = YAML.stringify(s, { version: '1.1', lineWidth: 0 });
  return !isPlain(v11);
}

function render(key: string, value: PatchValue, style: RenderStyle, quoteKey: boolean): string {
  const doc = new YAML.Document(null, { version: '1.2', schema: 'core' });
  const keyNode = doc.createNode(key) as YAML.Scalar;
  const valueNode = doc.createNode(value) as YAML.Node;
  if (YAML.isSeq(valueNode)) valueNode.flow = style.flow || valueNode.items.length === 0;
  const quoteIfNeeded = (n: unknown) => {
    if (YAML.isScalar(n) && typeof n.value === 'string' && needsQuotesFor11(n.value)) n.type = 'QUOTE_DOUBLE';
  };
  if (quoteKey) quoteIfNeeded(keyNode);
  quoteIfNeeded(valueNode);
  if (YAML.isSeq(valueNode)) valueNode.items.forEach(quoteIfNeeded);
  const map = new YAML.YAMLMap(doc.schema);
  map.items.push(new YAML.Pair(keyNode, valueNode));
  doc.contents = map;
  const out = doc.toString({
    lineWidth: 0,
    minContentWidth: 0,
    indentSeq: style.indentSeq,
    flowCollectionPadding: style.flowPadding,
  });
  return out.replace(/\n$/, '');
}

function readsBack(yamlText: string, expected: Record<string, unknown>): boolean {
  const doc = YAML.parseDocument(yamlText, { version: '1.2', schema: 'core', logLevel: 'error' });
  if (doc.errors.length > 0 || doc.warnings.length > 0) return false;
  return deepEqual(doc.toJS(), expected);
}

/** Adds `column` spaces to each non-empty line after the first; joins with `eol`. */
function indentLines(s: string, column: number, eol: string, skipFirst = false): string {
  const pad = ' '.repeat(column);
  return s
    .split('\n')
    .map((line, i) => ((i === 0 && skipFirst) || line === '' ? line : pad + line))
    .join(eol);
}

function applyEdits(content: string, edits: Edit[], overlap: () => never): string {
  const sorted = [...edits].sort((a, b) => a.from - b.from || a.to - b.to);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.from < pos) overlap();
    out += content.slice(pos, e.from) + e.insert;
    pos = e.to;
  }
  return out + content.slice(pos);
}

/** The patched note must read back to exactly the old mapping with the changes, and the same body. */
function verify(result: string, body: string, before: Record<string, unknown>, changes: [string, PatchValue | undefined][]): void {
  const expected: Record<string, unknown> = { ...before };
  for (const [k, v] of changes) {
    // defineProperty: plain assignment of "__proto__" would set the prototype instead.
    if (v === undefined) delete expected[k];
    else Object.defineProperty(expected, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  const split = splitFrontmatter(result);
  const fail = (why: string): never => {
    throw new FrontmatterPatchError(
      `Could not change ${changes.map(([k]) => `"${k}"`).join(', ')} without disturbing the rest of the frontmatter (${why}); nothing was changed`,
    );
  };
  if (!split?.closed) return fail('the block would no longer be found');
  if (result.slice(split.end) !== body) return fail('the body would move');
  const content = result.slice(split.contentStart, split.contentEnd);
  if (frontmatterBlockProblems(content).length > 0) return fail('a line would start with ---');
  const read = readYamlMapping(content);
  if (!read.mapping) return fail(read.errors.join('; '));
  if (!deepEqual(read.mapping, expected)) return fail('it would read back differently');
}

function isPatchValue(v: unknown): v is PatchValue {
  if (isScalarValue(v)) return true;
  return Array.isArray(v) && v.every(isScalarValue);
}

function isScalarValue(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    const ob = b as Record<string, unknown>;
    const oa = a as Record<string, unknown>;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(ob, k) && deepEqual(oa[k], ob[k]));
  }
  return false;
}

function lineStartOf(s: string, pos: number): number {
  return pos <= 0 ? 0 : s.lastIndexOf('\n', pos - 1) + 1;
}

function indentOf(s: string, lineStart: number): number {
  let i = lineStart;
  while (s[i] === ' ') i++;
  return i - lineStart;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}
