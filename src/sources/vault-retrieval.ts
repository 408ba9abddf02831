import { stripGroundworkSection } from '../core/groundwork-section';
import { parseNote } from '../core/frontmatter';
import { basename, GENERATED_KINDS, type GeneratedKind } from '../core/layout';
import type { VaultModel } from '../core/vault-model';
import { VaultError, type VaultPort } from '../vault/port';
import { isSourceEligible } from './eligibility';
import { terms, type FullTextIndex, type Pause } from './fulltext-index';
import { guessLanguage } from './language';
import { noteTitle, stripFences } from './note-title';
import { capText, DEFAULT_MAX_CHARS, failedSource, sourceFingerprint, type GatheredSource } from './types';

/**
 * Which notes of the vault the scout reads for a domain, best first. Candidates are the domain
 * note, its members, what it links to and what links to it (1 hop, then 2), and full-text
 * matches; each is scored by its relevance to the domain (BM25 of the domain's name, aliases,
 * headings and opening lines against the note's) combined with its link distance, and scaled
 * down for hubs (index pages: many links, little own text; or pages everything links to) and for
 * notes in another language than the domain note's (a note too short to tell takes its folder's).
 * A note two hops away counts as close only when the note between is small, not an index page,
 * and one neither close nor on topic is left out rather than spend a model call. Only notes that may be fed to agents
 * (isSourceEligible) are offered, and a note the scout may not read is not walked through
 * either: a low-confidence generated note's links are agent output, and following them would
 * let that output steer what the next agent reads.
 */

export type VaultReason = 'domain note' | 'member' | 'link' | 'backlink' | 'full-text' | GeneratedKind;

export interface VaultCandidate {
  path: string;
  reason: VaultReason;
  /** 0–1, higher is better; the domain note is 1. */
  score: number;
}

export interface GatherVaultOptions {
  vault: VaultPort;
  model: VaultModel;
  /** The index, or how to get it. */
  index: FullTextIndex | (() => Promise<FullTextIndex>);
  domainPath: string;
  outputFolder: string;
  limit: number;
  /**
   * Gives the event loop back during the member scan and, with `wholeLinkIndex`, while the model
   * resolves the links not resolved since they last changed (a second at 50k notes the first time).
   */
  pause?: Pause;
  /**
   * The model lives on (the plugin): every note's links are resolved once, through `pause`, and
   * kept current by the model. Otherwise (a one-shot run) only the links that can reach the notes
   * asked about are resolved: LinkGraph's backlinks by name, ~0.9 s less at 50k notes.
   */
  wholeLinkIndex?: boolean;
}

/**
 * model.membersOf, giving the event loop back as it goes: the scan resolves every note's domain
 * links and rules (tens of milliseconds at 50k notes, far more on a busy machine), and the
 * domain note's digest, started just before, waits on it to send its request.
 */
async function membersOf(model: VaultModel, domainPath: string, pause?: Pause): Promise<string[]> {
  if (!pause) return model.membersOf(domainPath);
  const out: string[] = [];
  let seen = 0;
  for (const r of model.all()) {
    if (++seen % 500 === 0) await pause();
    if (model.isMemberOf(r, domainPath)) out.push(r.path);
  }
  return out.sort();
}

const MAX_QUERY_TERMS = 24;

/**
 * The full-text query for a domain: its name, its aliases, its headings and the first lines of
 * its paragraphs, where people put what the domain is about. Link brackets and markup are dropped.
 */
export function domainQuery(domainPath: string, body: string, aliases: string[] = []): string {
  const parts = [basename(domainPath), ...aliases];
  const lines = stripFences(body).split(/\r?\n/);
  let firstLines = 0;
  let inParagraph = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') {
      inParagraph = false;
      continue;
    }
    if (/^#{1,6}\s/.test(line)) {
      parts.push(line.replace(/^#+\s*/, ''));
      inParagraph = false;
    } else if (!inParagraph && firstLines < 5) {
      parts.push(line);
      firstLines++;
      inParagraph = true;
    }
  }
  const words = parts
    .join(' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[[\]()*_`>#|!~=]/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');
  return words.slice(0, MAX_QUERY_TERMS).join(' ');
}

/** How far a candidate is from the domain note: members and direct links 1, two hops 2, text only 3. */
const PROXIMITY: Record<number, number> = { 0: 1, 1: 1, 2: 0.5, 3: 0.25 };
const RELEVANCE_WEIGHT = 0.6;
/** Full-text matches taken into the pool beyond the linked notes. */
const FULL_TEXT_POOL = 50;
/** Notes reached by links, at most: past a hub, the second hop is most of the vault. */
const MAX_POOL = 1000;
/** A note in another language than the domain note's keeps this share of its score. */
const OTHER_LANGUAGE = 0.2;
/**
 * A second-hop note reached through a first-hop note with this many links and backlinks or
 * fewer is as close as two hops get; through a hub of 120, a fifteenth of that: reaching a note
 * through an index page says next to nothing about it.
 */
const SMALL_NOTE_LINKS = 8;
/** Below this, a second-hop note (weakly tied, barely on topic) takes no slot at all. */
const MIN_SECOND_HOP_SCORE = 0.1;

/**
 * How much of its score a note keeps for being a hub. An index page (many links, under ~200
 * characters of own text per link) or a page nearly everything links to is rarely what a
 * domain is about, even when it is one link away.
 */
export function hubFactor(links: number, bodyChars: number, backlinks: number): number {
  let f = 1;
  if (links >= 10) f *= Math.min(1, Math.max(0.25, bodyChars / links / 200));
  if (backlinks > 25) f *= Math.max(0.25, 1 / (1 + Math.log2(backlinks / 25)));
  return f;
}

function aliasesOf(fm: Record<string, unknown> | null): string[] {
  const a = fm?.aliases;
  return (Array.isArray(a) ? a : [a]).filter((x): x is string => typeof x === 'string');
}

export async function gatherVaultCandidates(opts: GatherVaultOptions): Promise<VaultCandidate[]> {
  const { vault, model, index, domainPath, outputFolder, limit } = opts;
  if (limit <= 0) return [];
  const domain = model.get(domainPath);
  if (!domain) return [];
  const eligible = (path: string): boolean => {
    const r = model.get(path);
    return r !== undefined && isSourceEligible(r, outputFolder);
  };

  // The pool: each candidate with the nearest way it was reached.
  const pool = new Map<string, { reason: VaultReason; distance: number }>();
  const offer = (path: string, reason: VaultReason, distance: number): void => {
    if (path === domainPath || pool.has(path) || !eligible(path)) return;
    pool.set(path, { reason, distance });
  };
  // Members as the map counts them (linked or included): the person's notes, not generated ones
  // (those raised to medium or high still come in below, as the backlinks they are).
  for (const p of await membersOf(model, domainPath, opts.pause)) offer(p, 'member', 1);

  // Links and backlinks, breadth first, walking only through notes the agents may read.
  if (opts.wholeLinkIndex) await model.linksReady(opts.pause);
  const visited = new Set<string>([domainPath]);
  // Second-hop notes: how closely each is tied to the domain through its best first-hop note.
  const closeness = new Map<string, number>();
  let frontier = [domainPath];
  for (let hop = 1; hop <= 2; hop++) {
    const next: string[] = [];
    const reach = (path: string, reason: VaultReason, through: number): void => {
      if (hop === 2 && pool.get(path)?.distance === 2) closeness.set(path, Math.max(closeness.get(path)!, through));
      if (visited.has(path) || !eligible(path) || pool.size >= MAX_POOL) return;
      visited.add(path);
      next.push(path);
      offer(path, reason, hop);
      if (hop === 2) closeness.set(path, through);
    };
    // How closely a note reached through `from` is tied: whole on the first hop.
    const throughOf = new Map<string, number>();
    for (const from of frontier) {
      const links = model.linksFrom(from);
      const through = hop === 1 ? 1 : Math.min(1, SMALL_NOTE_LINKS / (links.length + model.backlinkCount(from)));
      throughOf.set(from, through);
      for (const p of links) reach(p, 'link', through);
    }
    for (const from of frontier) for (const p of model.backlinksTo(from)) reach(p, 'backlink', throughOf.get(from)!);
    frontier = next;
  }

  let body = '';
  try {
    body = stripGroundworkSection(parseNote(await vault.read(domainPath)).body);
  } catch {
    // The domain note's name alone still makes a query.
  }
  const query = domainQuery(domainPath, body, aliasesOf(domain.frontmatter));
  const fullText = typeof index === 'function' ? await index() : index;
  for (const h of fullText.search(query, { limit: FULL_TEXT_POOL, exclude: (p) => p === domainPath || pool.has(p) || !eligible(p) })) offer(h.path, 'full-text', 3);

  // The domain's own generated notes (once the person raised them) say what they are.
  for (const [path, c] of pool) {
    const role = model.get(path)?.role;
    if (role && (GENERATED_KINDS as readonly string[]).includes(role) && path === model.generatedPath(domainPath, role as GeneratedKind)) c.reason = role as GeneratedKind;
  }

  const raw = fullText.scores(query, pool.keys());
  let best = 0;
  for (const v of raw.values()) best = Math.max(best, v.score);
  // As for full-text hits: past the first hop, one shared word ("view") is chance, not a topic.
  const minTerms = Math.min(2, new Set(terms(query)).size);
  const domainLang = fullText.langOf(domainPath) ?? guessLanguage(body) ?? fullText.folderLanguage(domainPath);
  const ranked: (VaultCandidate & { distance: number })[] = [];
  for (const [path, c] of pool) {
    const r = model.get(path)!;
    const match = raw.get(path);
    const relevance = best > 0 && match && (c.distance === 1 || match.matched >= minTerms) ? match.score / best : 0;
    const lang = fullText.languageAt(path);
    const langFactor = domainLang && lang && lang !== domainLang ? OTHER_LANGUAGE : 1;
    const hub = hubFactor(r.links.length, r.bodyChars, model.backlinkCount(path));
    const proximity = PROXIMITY[c.distance]! * (c.distance === 2 ? closeness.get(path)! : 1);
    const score = hub * langFactor * (RELEVANCE_WEIGHT * relevance + (1 - RELEVANCE_WEIGHT) * proximity);
    // The person linked the first hop; past it, a note must be close or on topic to earn a slot.
    if (c.distance === 2 && score < MIN_SECOND_HOP_SCORE) continue;
    ranked.push({ path, reason: c.reason, score, distance: c.distance });
  }
  ranked.sort((a, b) => b.score - a.score || a.distance - b.distance || a.path.localeCompare(b.path));
  const out: VaultCandidate[] = [{ path: domainPath, reason: 'domain note', score: 1 }];
  if (!eligible(domainPath)) out.pop();
  for (const c of ranked) {
    if (out.length >= limit) break;
    out.push({ path: c.path, reason: c.reason, score: Math.round(c.score * 1000) / 1000 });
  }
  return out;
}

/** A note as a source: its body without frontmatter, capped; a note that cannot be read fails plainly. */
export async function readNoteSource(vault: VaultPort, path: string, reason: string, capChars = DEFAULT_MAX_CHARS): Promise<GatheredSource> {
  let raw: string;
  try {
    raw = await vault.read(path);
  } catch (err) {
    const why =
      err instanceof VaultError && err.kind === 'not-found'
        ? 'note not found'
        : err instanceof VaultError && err.kind === 'not-text'
          ? 'not text (binary content)'
          : `could not read the note: ${err instanceof Error ? err.message : String(err)}`;
    return failedSource('note', path, reason, why, basename(path));
  }
  return noteSource(path, raw, reason, capChars);
}

/** A note's text as a source, exactly as readNoteSource gives it: for a caller that has already read the note. */
export function noteSource(path: string, raw: string, reason: string, capChars = DEFAULT_MAX_CHARS): GatheredSource {
  const body = stripGroundworkSection(parseNote(raw).body).trim();
  const text = capText(body, capChars);
  return { kind: 'note', ref: path, title: noteTitle(path, body), text, fingerprint: sourceFingerprint(text), reason };
}
