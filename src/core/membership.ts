import { stripCode } from './links';

/**
 * Membership by rule (DESIGN §1): a domain note's `include` names folders (`"Notes/ML/"`) and
 * tags (`"#lora"`, which also takes `#lora/…`) whose notes belong to the domain without each
 * carrying a `domain` link. `include` is the person's key: a rule that cannot be read is a
 * problem naming the file, and is ignored.
 */

export type IncludeRule = { kind: 'folder'; folder: string } | { kind: 'tag'; tag: string };

const TAG_BODY = /^[\p{L}\p{M}\p{N}_/-]+$/u;

/** A tag as Obsidian compares them: lowercase, no `#`, no trailing `/`; null when it is not a tag. */
export function normalizeTag(raw: string): string | null {
  let t = raw.trim();
  if (t.charCodeAt(0) === 35) t = t.slice(1);
  while (t.endsWith('/')) t = t.slice(0, -1);
  t = t.toLowerCase();
  if (t === '' || t.startsWith('/')) return null;
  // A plain loop for the common ASCII tag; the Unicode check only for the rest.
  let digitsOnly = true;
  let ascii = true;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 97 && c <= 122) digitsOnly = false;
    else if (c === 95 || c === 45) digitsOnly = false;
    else if (c === 47) {
      if (t.charCodeAt(i - 1) === 47) return null;
    } else if (c >= 48 && c <= 57) continue;
    else if (c < 128) return null;
    else ascii = false;
  }
  if (!ascii) {
    if (!TAG_BODY.test(t)) return null;
    digitsOnly = /^[\d/]+$/.test(t);
  }
  // `#1984` is not a tag in Obsidian: a tag needs one character that is not a digit.
  return digitsOnly ? null : t;
}

function describeRule(raw: string): string {
  return `include: ${JSON.stringify(raw)}`;
}

/** Reads `include` of a domain note: its rules, and one problem per rule that cannot be read. */
export function parseInclude(raw: unknown): { rules: IncludeRule[]; problems: string[] } {
  const rules: IncludeRule[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null || raw === '') return { rules, problems };
  const values = Array.isArray(raw) ? raw : [raw];
  for (const v of values) {
    if (v === null || v === undefined || v === '') {
      // `- #lora` unquoted is a YAML comment, which leaves an empty entry behind.
      problems.push('include: an entry is empty; write a folder ending in "/" ("Notes/ML/") or a quoted tag ("#lora")');
      continue;
    }
    if (typeof v !== 'string') {
      problems.push(`include: ${JSON.stringify(v)} is not a rule; write a folder ending in "/" ("Notes/ML/") or a quoted tag ("#lora")`);
      continue;
    }
    const s = v.trim();
    if (s.startsWith('#')) {
      const tag = normalizeTag(s);
      if (tag) pushUnique(rules, { kind: 'tag', tag });
      else problems.push(`${describeRule(v)} is not a tag; a tag is letters, digits, "_", "-" and "/" after "#", like "#lora" or "#ml/lora"`);
      continue;
    }
    if (s.endsWith('/')) {
      const folder = s.replace(/\/+$/, '');
      const parts = folder.split('/');
      if (folder === '') problems.push(`${describeRule(v)} names the whole vault; name a folder, like "Notes/ML/"`);
      else if (s.startsWith('/') || /^[a-z]:/i.test(s) || s.includes('\\')) problems.push(`${describeRule(v)} is not a vault folder; write it relative to the vault, like "Notes/ML/"`);
      else if (parts.some((p) => p === '' || p === '.' || p === '..')) problems.push(`${describeRule(v)} is not a plain folder path; write it like "Notes/ML/" (no "..", "." or "//")`);
      else pushUnique(rules, { kind: 'folder', folder: folder.normalize('NFC') });
      continue;
    }
    problems.push(`${describeRule(v)} is neither a folder (ending in "/", like "Notes/ML/") nor a tag (starting with "#", like "#lora")`);
  }
  return { rules, problems };
}

function pushUnique(rules: IncludeRule[], rule: IncludeRule): void {
  if (!rules.some((r) => (r.kind === 'tag' && rule.kind === 'tag' ? r.tag === rule.tag : r.kind === 'folder' && rule.kind === 'folder' && r.folder === rule.folder))) rules.push(rule);
}

export function ruleText(rule: IncludeRule): string {
  return rule.kind === 'folder' ? `${rule.folder}/` : `#${rule.tag}`;
}

// A tag's characters, read from just after its `#` (sticky: only there).
const TAG_AT = /[\p{L}\p{M}\p{N}_/-]+/uy;
const BEFORE_TAG = new Set([' ', '\t', '\n', '\r', '(', ',', ';', '\u00a0']);

/**
 * `#tags` in a text: a `#` at the start or after a blank (so not `a#b`, not a heading's `# `).
 * A scan from `#` to `#` rather than one regex over the text: the map reads every note's body,
 * and a Unicode-class regex tried at every position cost ~60 µs per note.
 */
function bodyTags(text: string, add: (raw: string) => void): void {
  for (let i = text.indexOf('#'); i !== -1; i = text.indexOf('#', i + 1)) {
    if (i > 0 && !BEFORE_TAG.has(text[i - 1]!)) continue;
    TAG_AT.lastIndex = i + 1;
    const m = TAG_AT.exec(text);
    if (m) add(m[0]);
  }
}

/**
 * A note's tags as Obsidian sees them: the `tags` (or `tag`) property, as a list or a string
 * of names split by commas or blanks, and `#tags` in the body outside code. Lowercase, no `#`.
 */
export function extractTags(body: string, frontmatter: Record<string, unknown> | null): string[] {
  return tagsOutsideCode(body.includes('#') ? stripCode(body) : '', frontmatter);
}

/** extractTags for a body that stripCode already took the code out of. */
export function tagsOutsideCode(text: string, frontmatter: Record<string, unknown> | null): string[] {
  const out = new Set<string>();
  const add = (raw: string): void => {
    const t = normalizeTag(raw);
    if (t) out.add(t);
  };
  for (const key of ['tags', 'tag']) {
    const v = frontmatter?.[key];
    const values = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
    for (const x of values) {
      if (typeof x !== 'string') continue;
      // A list item is one tag; a single string may hold several, split by commas or blanks.
      if (!Array.isArray(v) && /[,\s]/.test(x.trim())) for (const part of x.split(/[,\s]+/)) add(part);
      else add(x);
    }
  }
  if (text.includes('#')) bodyTags(text, add);
  return [...out];
}

/** `a/b/c.md` → `a/b`, `a`: the folders a note is below. */
function* ancestors(path: string): Generator<string> {
  let i = path.lastIndexOf('/');
  while (i > 0) {
    const folder = path.slice(0, i);
    yield folder;
    i = folder.lastIndexOf('/');
  }
}

/** `ml/lora/x` → `ml/lora/x`, `ml/lora`, `ml`: the rules' tags a note's tag answers to. */
function* tagPrefixes(tag: string): Generator<string> {
  let t = tag;
  for (;;) {
    yield t;
    const i = t.lastIndexOf('/');
    if (i <= 0) return;
    t = t.slice(0, i);
  }
}

/**
 * Every domain's rules, indexed by folder and by tag, so that finding the domains a note joins
 * by rule costs a lookup per parent folder and per tag, not a pass over every domain.
 */
export class RuleIndex {
  private readonly byFolder = new Map<string, string[]>();
  private readonly byTag = new Map<string, string[]>();

  add(domainPath: string, rules: readonly IncludeRule[]): void {
    for (const r of rules) {
      const map = r.kind === 'folder' ? this.byFolder : this.byTag;
      const key = r.kind === 'folder' ? r.folder : r.tag;
      const list = map.get(key);
      if (!list) map.set(key, [domainPath]);
      else if (!list.includes(domainPath)) list.push(domainPath);
    }
  }

  get empty(): boolean {
    return this.byFolder.size === 0 && this.byTag.size === 0;
  }

  /** Domain note paths whose rules take a note with this path and these tags, in no set order. */
  match(path: string, tags: readonly string[]): string[] {
    if (this.empty) return [];
    const out: string[] = [];
    const take = (list: string[] | undefined): void => {
      if (list) for (const d of list) if (d !== path && !out.includes(d)) out.push(d);
    };
    if (this.byFolder.size > 0) for (const f of ancestors(path)) take(this.byFolder.get(f));
    if (this.byTag.size > 0) for (const t of tags) for (const p of tagPrefixes(t)) take(this.byTag.get(p));
    return out;
  }
}
