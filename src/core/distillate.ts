import * as YAML from 'yaml';

/**
 * The distillate as the person edits it: one YAML block in the note (DESIGN §2), fenced as
 * ```groundwork-distillate so Obsidian can show it readably while the text stays the YAML. The
 * sign-off, the critic, the actor, the mapper, `groundwork show` and the Obsidian view all read
 * it through here, so what the person typed is what counts.
 *
 * Older notes held the distillate twice: readable sections, then a ```yaml copy. They are still
 * read — the YAML for the data, the readable sections for the summary shown at sign-off, and the
 * whole body for the agents, so nothing the person edited in either copy is lost — and reported
 * as old so the next write migrates them (through a proposal when the person had edited them).
 *
 * Reading is lenient: a claim with a missing field or a stray key is still read, and what cannot
 * be read becomes a problem in plain words, never an exception.
 */

export const DISTILLATE_FENCE = 'groundwork-distillate';

/** A quote a claim rests on, and the source it is from. `point` is the digest key point it matched (`S3.2`), when known. */
export interface Evidence {
  source: string;
  quote: string;
  point?: string;
}

export interface DistillateItem {
  /** Bold lead of the item (a concept's name, an area, a decision); null for pitfalls and questions. */
  title: string | null;
  text: string;
  evidence: Evidence[];
  /** Source ids cited without a quote (the old schema's `sources`). */
  sources: string[];
}

export interface SectionSpec {
  key: 'concepts' | 'structure' | 'decisions' | 'pitfalls' | 'open_questions';
  heading: string;
  titleField: string | null;
  textField: string;
  /** Whether its items are claims that must rest on a verified quote (open questions are not). */
  claim: boolean;
}

export const DISTILLATE_SECTIONS: readonly SectionSpec[] = [
  { key: 'concepts', heading: 'Concepts', titleField: 'name', textField: 'explanation', claim: true },
  { key: 'structure', heading: 'Structure', titleField: 'area', textField: 'description', claim: true },
  { key: 'decisions', heading: 'Decisions and trade-offs', titleField: 'decision', textField: 'tradeoffs', claim: true },
  { key: 'pitfalls', heading: 'Pitfalls', titleField: null, textField: 'pitfall', claim: true },
  { key: 'open_questions', heading: 'Open questions', titleField: null, textField: 'question', claim: false },
];

export type SectionKey = SectionSpec['key'];

export interface DistillateDoc {
  /** `single`: the one YAML block; `two-copy`: the old readable sections plus a ```yaml copy; `none`: no block found. */
  format: 'single' | 'two-copy' | 'none';
  /** The YAML text exactly as it stands in the note, or null. */
  yaml: string | null;
  summary: string | null;
  sections: Record<SectionKey, DistillateItem[]>;
  /** What could not be read, in plain words. */
  problems: string[];
}

export interface DistillateBlock {
  lang: string;
  yaml: string;
  /** Offsets of the whole fenced block (fences included) in the LF-normalized body. */
  start: number;
  end: number;
}

const FENCE = /^```[ \t]*([\w-]+)[ \t]*\n([\s\S]*?)\n?^```[ \t]*$/gm;

/** The distillate's fenced block: the one-copy fence first, else an old ```yaml copy. */
export function findDistillateBlock(body: string): DistillateBlock | null {
  const text = body.replace(/\r\n?/g, '\n');
  let old: DistillateBlock | null = null;
  for (const m of text.matchAll(FENCE)) {
    const lang = m[1]!.toLowerCase();
    const block = { lang, yaml: m[2]!, start: m.index, end: m.index + m[0].length };
    if (lang === DISTILLATE_FENCE) return block;
    if ((lang === 'yaml' || lang === 'yml') && !old) old = block;
  }
  return old;
}

/** A source id as agents and people type it ("S3", "s3", "[S3]"), normalized, or null. */
export function normalizeSourceId(raw: string): string | null {
  const m = /^\s*\[?\s*s\s*(\d{1,4})\s*\]?\s*$/i.exec(raw);
  return m ? `S${Number(m[1])}` : null;
}

const emptySections = (): Record<SectionKey, DistillateItem[]> => ({ concepts: [], structure: [], decisions: [], pitfalls: [], open_questions: [] });

function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function readEvidence(v: unknown, where: string, problems: string[]): Evidence[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problems.push(`${where}.evidence is not a list`);
    return [];
  }
  const out: Evidence[] = [];
  v.forEach((e, i) => {
    if (e && typeof e === 'object' && !Array.isArray(e)) {
      const o = e as Record<string, unknown>;
      const ev: Evidence = { source: str(o.source) ?? '', quote: str(o.quote) ?? '' };
      const point = str(o.point);
      if (point) ev.point = point;
      out.push(ev);
    } else if (typeof e === 'string') {
      // A bare id where a quote was expected: cited, but resting on no quote.
      out.push({ source: e, quote: '' });
    } else problems.push(`${where}.evidence[${i + 1}] is neither a source with a quote nor an id`);
  });
  return out;
}

// Hand-written or older distillates name an item's text by another section's field, or `claim` or
// `text`: show that text rather than an empty line, so nothing the person wrote disappears.
const TEXT_FIELDS = ['claim', 'text', 'explanation', 'description', 'tradeoffs', 'pitfall', 'question'];

function fallbackText(spec: SectionSpec, o: Record<string, unknown>): string {
  for (const key of TEXT_FIELDS) {
    if (key === spec.titleField) continue;
    const text = str(o[key]);
    if (text) return text;
  }
  return '';
}

function readItems(spec: SectionSpec, v: unknown, problems: string[]): DistillateItem[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problems.push(`${spec.key} is not a list`);
    return [];
  }
  const items: DistillateItem[] = [];
  v.forEach((raw, i) => {
    const where = `${spec.key}[${i + 1}]`;
    if (typeof raw === 'string') {
      items.push({ title: null, text: raw, evidence: [], sources: [] });
      return;
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`${where} is not a mapping`);
      return;
    }
    const o = raw as Record<string, unknown>;
    const sources = Array.isArray(o.sources) ? o.sources.map(str).filter((s): s is string => s !== null) : typeof o.sources === 'string' ? [o.sources] : [];
    items.push({
      title: spec.titleField ? str(o[spec.titleField]) : null,
      text: str(o[spec.textField]) ?? fallbackText(spec, o),
      evidence: readEvidence(o.evidence, where, problems),
      sources,
    });
  });
  return items;
}

/** The body's `## heading` section text, or null. */
export function markdownSection(body: string, heading: string): string | null {
  const esc = heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^## ${esc}[ \\t]*\\n([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(body.replace(/\r\n?/g, '\n'));
  const text = m?.[1]?.trim();
  return text ? text : null;
}

export function readDistillate(body: string): DistillateDoc {
  const block = findDistillateBlock(body);
  const doc: DistillateDoc = { format: 'none', yaml: null, summary: null, sections: emptySections(), problems: [] };
  if (!block) {
    doc.problems.push('No distillate YAML block found');
    doc.summary = markdownSection(body, 'Summary');
    return doc;
  }
  doc.format = block.lang === DISTILLATE_FENCE ? 'single' : 'two-copy';
  doc.yaml = block.yaml;
  let data: unknown;
  try {
    data = YAML.parse(block.yaml, { version: '1.2', schema: 'core', uniqueKeys: true, logLevel: 'error' });
  } catch (err) {
    doc.problems.push(`The distillate YAML does not parse: ${(err as Error).message.split('\n')[0]}`);
  }
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) {
    doc.problems.push('The distillate YAML is not a mapping of sections');
    data = null;
  }
  const o = (data ?? {}) as Record<string, unknown>;
  doc.summary = str(o.summary);
  for (const spec of DISTILLATE_SECTIONS) doc.sections[spec.key] = readItems(spec, o[spec.key], doc.problems);
  // The old format showed its readable Summary section at sign-off; keep showing what the person saw and edited there.
  if (doc.format === 'two-copy') doc.summary = markdownSection(body, 'Summary') ?? doc.summary;
  return doc;
}

/** Every cited id of an item, normalized where it can be, in order, once each. */
export function citedIds(item: DistillateItem): string[] {
  const ids = [...item.evidence.map((e) => e.source), ...item.sources].map((raw) => normalizeSourceId(raw) ?? raw.trim());
  return [...new Set(ids.filter((s) => s.length > 0))];
}

/** A claim's label for issues and progress: its section and its lead. */
export function itemLabel(spec: SectionSpec, item: DistillateItem): string {
  const lead = (item.title ?? item.text).replace(/\s+/g, ' ').trim();
  return `${spec.heading}: ${lead.length > 120 ? `${lead.slice(0, 119)}…` : lead || '(empty)'}`;
}

/**
 * What the agents read of the distillate: the YAML itself for a one-copy note (the person's
 * edits are in it), the whole body for anything else, so nothing is dropped.
 */
export function distillateForAgents(body: string): string {
  const doc = readDistillate(body);
  return doc.format === 'single' && doc.problems.length === 0 && doc.yaml !== null ? doc.yaml : body;
}

/**
 * The readable form for a terminal: sections, each claim with its citations as plain `S3`
 * and the quote it rests on. No wikilink syntax: a terminal cannot follow one.
 */
export function readableDistillate(doc: DistillateDoc): string {
  const lines: string[] = [];
  if (doc.format === 'two-copy') lines.push('(Old two-copy format: the next research run rewrites it with the YAML kept once.)', '');
  for (const p of doc.problems) lines.push(`Problem: ${p}`);
  if (doc.problems.length) lines.push('');
  lines.push('Summary', '', doc.summary?.trim() || '(none)', '');
  for (const spec of DISTILLATE_SECTIONS) {
    const items = doc.sections[spec.key];
    lines.push(spec.heading, '');
    if (items.length === 0) lines.push('  (none)');
    for (const item of items) {
      const ids = citedIds(item);
      const lead = item.title ? `${item.title.trim()} — ${item.text.trim()}` : item.text.trim();
      lines.push(`- ${lead}${ids.length ? ` [${ids.join(', ')}]` : ' [no source cited]'}`);
      for (const e of item.evidence) {
        const quote = e.quote.trim().replace(/^["“”'‘’]+|["“”'‘’]+$/g, '');
        if (quote) lines.push(`    ${normalizeSourceId(e.source) ?? e.source}: “${quote}”`);
      }
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
