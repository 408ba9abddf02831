import { parseNote, splitFrontmatter } from './frontmatter';
import { bodyFingerprint } from './fingerprint';
import { linksOutsideCode, parseLinkValue, stripCode } from './links';
import { parseInclude, tagsOutsideCode, type IncludeRule } from './membership';
import { ROLES, type Role } from './layout';
import { readTrust, TRUST_KEYS, type Trust } from './trust';
import { parseRoutines, type Routine } from './routines';

/**
 * What the map needs to know of one note, derived from its text once: the rest of the note is
 * not kept, so a 50,000-note vault costs its metadata, not its text.
 */
export interface NoteRecord {
  path: string;
  role: Role | null;
  frontmatter: Record<string, unknown> | null;
  trust: Trust;
  /** Targets of the `domain` property (link text, unresolved). */
  domainLinks: string[];
  /** Every outgoing link target (body and frontmatter). */
  links: string[];
  /** Tags (property and body), lowercase, without `#`: what `include` tag rules match. */
  tags: string[];
  /** A domain note's `include` rules (only read on domain notes; invalid ones are problems). */
  include: IncludeRule[];
  /** Characters of the body: with the link count, what tells a hub (a list of links) from a page. */
  bodyChars: number;
  /** The file's size and mtime when it was read (-1 when unknown): the full-text index's key. */
  size: number;
  mtime: number;
  problems: string[];
  /** Fingerprint of the body, kept for distillates (sign-off freshness). */
  fingerprint: string | null;
  /** Unticked `- [ ]` tasks, kept for critiques (open issues). */
  openTasks: number;
  /** `generated` of a generated note, ISO text. */
  generated: string | null;
  status: string | null;
  /** A domain note's standing orders (its `routines` key); empty for every other note. */
  routines: readonly Routine[];
}

// Most notes have no tags and no rules: one shared empty list each instead of one per record.
const NONE: string[] = [];
const NONE_RULES: IncludeRule[] = [];
const NO_ROUTINES: readonly Routine[] = Object.freeze([]);

const TASK_OPEN = /^\s*[-*+]\s+\[ \]\s+\S/gm;

/**
 * A copy of a string that shares no memory with the text it was cut from. V8 keeps substrings
 * as slices of their parent, so a record holding a link target would keep its whole note alive
 * (measured: 6 KB per record instead of 1.2 KB, 240 MB of 443 MB at 50k notes).
 */
function detach(s: string): string {
  return (' ' + s).slice(1);
}

/** A frontmatter block with a `groundwork: domain` line, whatever else is wrong with it. */
function declaresDomain(text: string): boolean {
  const split = splitFrontmatter(text);
  if (!split) return false;
  return /^groundwork:[ \t]*(["']?)domain\1[ \t]*(#.*)?\r?$/im.test(text.slice(split.contentStart, split.contentEnd));
}

export function analyzeNote(path: string, text: string, stat?: { size: number; mtime: number }): NoteRecord {
  const parsed = parseNote(text);
  const problems = [...parsed.problems];
  const fm = parsed.frontmatter;
  if (text.replace(/^\uFEFF/, '').trim() === '') problems.push('The note is empty');
  else if (parsed.hasFrontmatter && parsed.body.trim() === '' && problems.length === 0) problems.push('The note has frontmatter but no text');

  let role: Role | null = null;
  const rawRole = fm?.groundwork;
  if (rawRole !== undefined && rawRole !== null) {
    const r = typeof rawRole === 'string' ? rawRole.trim().toLowerCase() : '';
    if ((ROLES as readonly string[]).includes(r)) role = r as Role;
    else problems.push(`groundwork: ${JSON.stringify(rawRole)} is not a known role; use one of ${ROLES.join(', ')}`);
  }

  const { trust, problems: trustProblems } = readTrust(path, fm);
  for (const p of trustProblems) problems.push(p.message);
  if (fm === null && declaresDomain(text)) {
    // Its frontmatter cannot be read, but it says it is a domain: keep it on the map, in the
    // safest mode, rather than let it vanish from the person's view (DESIGN §1: fail safe).
    role = 'domain';
    trust.invalid = [...TRUST_KEYS];
  }

  const domainLinks: string[] = [];
  const rawDomain = fm?.domain;
  if (rawDomain !== undefined && rawDomain !== null && rawDomain !== '') {
    const values = Array.isArray(rawDomain) ? rawDomain : [rawDomain];
    for (const v of values) {
      const t = parseLinkValue(v);
      if (t) domainLinks.push(detach(t));
      else problems.push(`domain: ${JSON.stringify(v)} is not a link; write it as "[[Domain name]]"`);
    }
  }

  const include: IncludeRule[] = [];
  if (role === 'domain' && fm) {
    const r = parseInclude(fm.include);
    include.push(...r.rules.map((x) => (x.kind === 'tag' ? { kind: 'tag' as const, tag: detach(x.tag) } : { kind: 'folder' as const, folder: detach(x.folder) })));
    problems.push(...r.problems);
  }
  // Links and tags are both read outside code: the code is taken out once for both.
  const outsideCode = stripCode(parsed.body);
  const tags = tagsOutsideCode(outsideCode, fm);
  let routines = NO_ROUTINES;
  if (role === 'domain' && fm) {
    const parsedRoutines = parseRoutines(fm.routines);
    problems.push(...parsedRoutines.problems);
    if (parsedRoutines.routines.length > 0) routines = parsedRoutines.routines;
  }

  const status = typeof fm?.status === 'string' ? fm.status.trim().toLowerCase() : null;
  const generated = typeof fm?.generated === 'string' ? fm.generated : fm?.generated instanceof Date ? fm.generated.toISOString() : null;

  return {
    path,
    role,
    frontmatter: fm,
    trust,
    domainLinks,
    links: linksOutsideCode(outsideCode, fm).map(detach),
    tags: tags.length === 0 ? NONE : tags.map(detach),
    include: include.length === 0 ? NONE_RULES : include,
    bodyChars: parsed.body.length,
    size: stat?.size ?? -1,
    mtime: stat?.mtime ?? -1,
    problems,
    fingerprint: role === 'distillate' ? bodyFingerprint(parsed.body) : null,
    openTasks: role === 'critique' ? (parsed.body.match(TASK_OPEN) ?? []).length : 0,
    generated,
    status,
    routines,
  };
}

/** A note that could not be read as text gets a record that only carries its problem. */
export function unreadableRecord(path: string, message: string): NoteRecord {
  return {
    path,
    role: null,
    frontmatter: null,
    trust: { confidence: null, critical: false, autonomy: null, signedOff: null, signedOffDistillate: null, invalid: [] },
    domainLinks: [],
    links: [],
    tags: NONE,
    include: NONE_RULES,
    bodyChars: 0,
    size: -1,
    mtime: -1,
    problems: [message],
    fingerprint: null,
    openTasks: 0,
    generated: null,
    status: null,
    routines: NO_ROUTINES,
  };
}
