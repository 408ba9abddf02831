import { parseNote } from '../core/frontmatter';
import { basename } from '../core/layout';
import type { VaultModel } from '../core/vault-model';
import type { VaultPort } from '../vault/port';
import { throwIfAborted } from '../core/abort';
import type { AddressPolicy } from './address-policy';
import { fetchPage, type FetchLike } from './fetch-page';
import type { FullTextIndex, Pause } from './fulltext-index';
import type { HtmlToText } from './html-text';
import { endpointLabel, searchWeb } from './search-endpoint';
import { DEFAULT_MAX_CHARS, failedSource, type GatheredSource, type NumberedSource } from './types';
import { extractUrls, normalizeUrl } from './urls';
import { isSourceEligible } from './eligibility';
import { gatherVaultCandidates, readNoteSource } from './vault-retrieval';

/**
 * Everything the scout reads for one domain, numbered S1…Sn in the order the sources note lists
 * them: vault notes first (nearest to the domain first), then the URLs the person gave (in the
 * domain note and on the command), then web search results. Failed sources keep their place and
 * their number, with the reason, so the person sees what was tried and why it is missing.
 */

export interface GatherSourcesOptions {
  vault: VaultPort;
  model: VaultModel;
  /** The index, or how to get it: built only when the full-text stage has room to fill. */
  index: FullTextIndex | (() => Promise<FullTextIndex>);
  domainPath: string;
  outputFolder: string;
  /** Cap on the number of sources, failed ones included. */
  maxSources?: number;
  /** URLs given on the command (`--url`). */
  urls?: string[];
  /** A SearXNG-compatible endpoint; without it nothing is searched. */
  searchEndpoint?: string;
  fetch: FetchLike;
  htmlToText: HtmlToText;
  /** Which hosts pages and redirects may reach (DESIGN §5: the configured endpoints exempt exactly). */
  addresses: AddressPolicy;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, label: string) => void;
  /** Each source as soon as it is read, so its digest can start while the others are fetched. */
  onSource?: (source: NumberedSource) => void;
  /** Per-source text cap (characters). */
  maxChars?: number;
  timeoutMs?: number;
  maxBytes?: number;
  /** Pages fetched at once. */
  fetchConcurrency?: number;
  /** Gives the event loop back during the ranking's long loops, so digests already started get their requests out. */
  pause?: Pause;
  /** The model lives on: resolve every link once and keep them (GatherVaultOptions.wholeLinkIndex). */
  wholeLinkIndex?: boolean;
}

type Planned =
  | { kind: 'note'; path: string; reason: string; score: number }
  | { kind: 'web'; url: string; reason: string }
  | { kind: 'failed'; source: GatheredSource };

export const DEFAULT_MAX_SOURCES = 10;
const DEFAULT_FETCH_CONCURRENCY = 4;
/** Ranked notes kept in reserve for sources that turn out unusable. */
const SPARE_NOTES = 10;

async function domainNoteUrls(vault: VaultPort, domainPath: string): Promise<string[]> {
  try {
    return extractUrls(parseNote(await vault.read(domainPath)).body);
  } catch {
    // An unreadable domain note shows up as a failed source of its own; it just adds no URLs.
    return [];
  }
}

/** Runs `work` over `items`, at most `limit` at a time, results in input order. */
async function pool<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export async function gatherSources(opts: GatherSourcesOptions): Promise<NumberedSource[]> {
  const { vault, model, index, domainPath, outputFolder, signal } = opts;
  const maxSources = Math.max(0, Math.floor(opts.maxSources ?? DEFAULT_MAX_SOURCES));
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  throwIfAborted(signal);
  if (maxSources === 0) return [];

  // The URLs the person chose: in the domain note, then on the command, each once.
  const personUrls: string[] = [];
  const seenUrls = new Set<string>();
  const addUrl = (list: string[], url: string): void => {
    const key = normalizeUrl(url) ?? url;
    if (seenUrls.has(key)) return;
    seenUrls.add(key);
    list.push(url);
  };
  for (const u of await domainNoteUrls(vault, domainPath)) addUrl(personUrls, u);
  for (const u of opts.urls ?? []) addUrl(personUrls, u.trim());

  /*
   * The domain note is always S1 when the agents may read it (the ranking puts it first): it is
   * read and handed on before the ranking, so its digest starts while the full-text index loads
   * (seconds on a large vault) instead of after it.
   */
  const domainRecord = model.get(domainPath);
  const first: GatheredSource | null = domainRecord && isSourceEligible(domainRecord, outputFolder) ? { ...(await readNoteSource(vault, domainPath, 'domain note', maxChars)), score: 1 } : null;
  if (first) opts.onSource?.({ id: 'S1', ...first });

  /*
   * Vault candidates come first in the list, but room is kept for the person's URLs: a URL they
   * named is never crowded out by the scout's own guesses. The domain note always keeps its
   * place. A source that cannot be used (a page that does not answer, a note gone) does not use
   * up a slot: it stays listed with its reason, and the next-best note takes the slot. So the
   * ranking is asked for spare notes beyond the ones planned.
   */
  const reservedForUrls = Math.min(personUrls.length, maxSources - 1);
  const noteSlots = maxSources - reservedForUrls;
  const ranked = await gatherVaultCandidates({ vault, model, index, domainPath, outputFolder, limit: noteSlots + reservedForUrls + SPARE_NOTES, pause: opts.pause, wholeLinkIndex: opts.wholeLinkIndex });
  const spare = ranked.slice(noteSlots);
  const plan: Planned[] = ranked.slice(0, noteSlots).map((c) => ({ kind: 'note', path: c.path, reason: c.reason, score: c.score }));
  for (const url of personUrls) if (plan.length < maxSources) plan.push({ kind: 'web', url, reason: 'url' });

  if (opts.searchEndpoint && plan.length < maxSources) {
    throwIfAborted(signal);
    const room = maxSources - plan.length;
    const query = basename(domainPath);
    try {
      const results = await searchWeb(opts.searchEndpoint, query, { fetch: opts.fetch, addresses: opts.addresses, limit: room + seenUrls.size, signal, timeoutMs: opts.timeoutMs });
      const fresh: string[] = [];
      for (const r of results) addUrl(fresh, r.url);
      for (const url of fresh.slice(0, room)) plan.push({ kind: 'web', url, reason: 'search' });
    } catch (err) {
      throwIfAborted(signal);
      const message = err instanceof Error ? err.message : String(err);
      plan.push({ kind: 'failed', source: failedSource('web', endpointLabel(opts.searchEndpoint), 'search', message, `Search: ${query}`) });
    }
  }

  // The total grows while spare notes replace failed sources; progress reports the current one.
  const results: GatheredSource[] = [];
  let done = 0;
  const report = (label: string, i: number, handedOn = false): void => {
    done++;
    opts.onProgress?.(done, plan.length, label);
    if (!handedOn) opts.onSource?.({ id: `S${i + 1}`, ...results[i]! });
  };
  const readPlanned = async (i: number): Promise<void> => {
    const p = plan[i]!;
    if (p.kind === 'web') return;
    if (i === 0 && first && p.kind === 'note' && p.path === domainPath) {
      results[0] = first;
      report(p.path, 0, true);
      return;
    }
    throwIfAborted(signal);
    results[i] = p.kind === 'note' ? { ...(await readNoteSource(vault, p.path, p.reason, maxChars)), score: p.score } : p.source;
    report(p.kind === 'note' ? p.path : p.source.ref, i);
  };

  // Notes first, one at a time: local reads are quick and keep the vault's I/O calm.
  const planned = plan.length;
  for (let i = 0; i < planned; i++) await readPlanned(i);

  const web = plan.flatMap((p, i) => (p.kind === 'web' ? [{ p, i }] : []));
  await pool(web, opts.fetchConcurrency ?? DEFAULT_FETCH_CONCURRENCY, async ({ p, i }) => {
    throwIfAborted(signal);
    results[i] = await fetchPage(p.url, {
      fetch: opts.fetch,
      htmlToText: opts.htmlToText,
      addresses: opts.addresses,
      signal,
      reason: p.reason,
      maxChars,
      timeoutMs: opts.timeoutMs,
      maxBytes: opts.maxBytes,
    });
    report(p.url, i);
  });

  // Every failed source hands its slot to the next-best note, until the slots are full or the
  // spare notes run out.
  let usable = results.filter((r) => !r.error).length;
  while (usable < maxSources && spare.length > 0 && results.length > usable) {
    const c = spare.shift()!;
    plan.push({ kind: 'note', path: c.path, reason: c.reason, score: c.score });
    await readPlanned(plan.length - 1);
    if (!results[plan.length - 1]!.error) usable++;
  }

  return results.map((s, i) => ({ id: `S${i + 1}`, ...s }));
}
