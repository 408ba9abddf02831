import { stripGroundworkSection } from '../core/groundwork-section';
import { parseNote } from '../core/frontmatter';
import { basename } from '../core/layout';
import type { VaultModel } from '../core/vault-model';
import { VaultError, type VaultPort } from '../vault/port';
import { isSourceEligible } from './eligibility';
import type { FullTextIndex } from './fulltext-index';
import { noteTitle, stripFences } from './note-title';
import { capText, DEFAULT_MAX_CHARS, failedSource, sourceFingerprint, type GatheredSource } from './types';

/**
 * Which notes of the vault the scout reads for a domain, nearest first: the domain note, its
 * members, what it links to and what links to it (1 hop, then 2), then full-text matches. Only
 * notes that may be fed to agents (isSourceEligible) are offered, and a note the scout may not
 * read is not walked through either: a low-confidence generated note's links are agent output,
 * and following them would let that output steer what the next agent reads.
 */

export type VaultReason = 'domain note' | 'member' | 'link' | 'backlink' | 'full-text';

export interface VaultCandidate {
  path: string;
  reason: VaultReason;
}

export interface GatherVaultOptions {
  vault: VaultPort;
  model: VaultModel;
  /** The index, or how to get it: built only when the full-text stage has room to fill. */
  index: FullTextIndex | (() => Promise<FullTextIndex>);
  domainPath: string;
  outputFolder: string;
  limit: number;
}

/** Target path → paths linking to it, built once per call from the model's records. */
export function buildBacklinks(model: VaultModel): Map<string, string[]> {
  const back = new Map<string, string[]>();
  for (const r of model.all()) {
    for (const t of r.links) {
      const p = model.resolve(t, r.path);
      if (!p || p === r.path) continue;
      let list = back.get(p);
      if (!list) back.set(p, (list = []));
      if (!list.includes(r.path)) list.push(r.path);
    }
  }
  for (const list of back.values()) list.sort();
  return back;
}

function resolvedLinks(model: VaultModel, path: string): string[] {
  const r = model.get(path);
  if (!r) return [];
  const out: string[] = [];
  for (const t of r.links) {
    const p = model.resolve(t, path);
    if (p && p !== path && !out.includes(p)) out.push(p);
  }
  return out;
}

const MAX_QUERY_TERMS = 24;

/**
 * The full-text query for a domain: its name, its headings and the first lines of its
 * paragraphs, where people put what the domain is about. Link brackets and markup are dropped.
 */
export function domainQuery(domainPath: string, body: string): string {
  const parts = [basename(domainPath)];
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

export async function gatherVaultCandidates(opts: GatherVaultOptions): Promise<VaultCandidate[]> {
  const { vault, model, index, domainPath, outputFolder, limit } = opts;
  const out: VaultCandidate[] = [];
  const seen = new Set<string>();
  if (limit <= 0) return out;
  const eligible = (path: string): boolean => {
    const r = model.get(path);
    return r !== undefined && isSourceEligible(r, outputFolder);
  };
  const add = (path: string, reason: VaultReason): boolean => {
    if (out.length >= limit) return false;
    if (seen.has(path) || !eligible(path)) return false;
    seen.add(path);
    out.push({ path, reason });
    return true;
  };
  const full = (): boolean => out.length >= limit;

  const domain = model.get(domainPath);
  if (!domain) return out;
  add(domainPath, 'domain note');

  // Members as the map counts them: the person's notes, not generated ones (those that were
  // raised to medium or high still come in below, as the backlinks they are).
  const members = model.membersOf(domainPath);
  for (const p of members) add(p, 'member');
  if (full()) return out;

  // Links and backlinks, breadth first, walking only through notes the agents may read.
  const backlinks = buildBacklinks(model);
  const visited = new Set<string>([domainPath]);
  let frontier = [domainPath];
  for (let hop = 1; hop <= 2 && !full(); hop++) {
    const next: string[] = [];
    const reach = (path: string, reason: VaultReason): void => {
      if (visited.has(path) || !eligible(path)) return;
      visited.add(path);
      next.push(path);
      add(path, reason);
    };
    for (const from of frontier) for (const p of resolvedLinks(model, from)) reach(p, 'link');
    for (const from of frontier) for (const p of backlinks.get(from) ?? []) reach(p, 'backlink');
    frontier = next;
  }
  if (full()) return out;

  let body = '';
  try {
    body = stripGroundworkSection(parseNote(await vault.read(domainPath)).body);
  } catch {
    // The domain note's name alone still makes a query.
  }
  const fullText = typeof index === 'function' ? await index() : index;
  const hits = fullText.search(domainQuery(domainPath, body), {
    limit: limit - out.length,
    exclude: (p) => seen.has(p) || !eligible(p),
  });
  for (const h of hits) add(h.path, 'full-text');
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
  const body = stripGroundworkSection(parseNote(raw).body).trim();
  const text = capText(body, capChars);
  return { kind: 'note', ref: path, title: noteTitle(path, body), text, fingerprint: sourceFingerprint(text), reason };
}
