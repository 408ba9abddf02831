import { abortError, anySignal, formatSeconds, raceAbort, timeoutSignal } from '../core/abort';
import type { FetchLike } from './fetch-page';
import { fetchFollowing, PAGE_HEADERS, PageError } from './fetch-page';
import type { AddressPolicy } from './address-policy';
import { checkFetchableUrl, normalizeUrl } from './urls';

/**
 * An optional web search through a SearXNG-compatible endpoint (`GET <endpoint>?q=…&format=json`
 * answering `{results: [{url, title, content}]}`). Like page fetches it sends no credentials of
 * the person's. A failure throws one plain Error naming the endpoint; the caller lists it and
 * goes on with the sources it has.
 */

export interface SearchResult {
  url: string;
  title: string;
  snippet: string;
}

export interface SearchWebOptions {
  fetch: FetchLike;
  /** Checked on redirects; the endpoint itself is the person's choice and is exempt. */
  addresses?: AddressPolicy;
  limit?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * The endpoint as named in messages: origin and path only, since a query string may carry an
 * instance token that does not belong in a note or a log.
 */
export function endpointLabel(endpointUrl: string): string {
  try {
    const u = new URL(endpointUrl);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'the search endpoint';
  }
}

export async function searchWeb(endpointUrl: string, query: string, opts: SearchWebOptions): Promise<SearchResult[]> {
  const label = endpointLabel(endpointUrl);
  const fail = (why: string): Error => new Error(`Search endpoint ${label}: ${why}`);
  const run = opts.signal;
  if (run?.aborted) throw abortError(run);
  const refused = checkFetchableUrl(endpointUrl);
  if (refused) throw fail(refused);

  const url = new URL(endpointUrl);
  url.searchParams.set('q', query);
  url.searchParams.set('format', 'json');
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const timeout = timeoutSignal(timeoutMs);
  const { signal, dispose } = anySignal(run, timeout);
  let body: unknown;
  try {
    // The configured endpoint is exempt exactly (its query included); any redirect is checked like a page's.
    const addresses = { ...opts.addresses, exemptUrls: [...(opts.addresses?.exemptUrls ?? []), url.href] };
    const { res } = await fetchFollowing(url.href, opts.fetch, signal, addresses, { ...PAGE_HEADERS, Accept: 'application/json' });
    if (!res.ok) {
      void res.body?.cancel().catch(() => undefined);
      throw fail(`HTTP ${res.status}`);
    }
    const text = await raceAbort(res.text(), signal);
    try {
      body = JSON.parse(text);
    } catch {
      throw fail('the answer is not JSON (is format=json enabled on the instance?)');
    }
  } catch (err) {
    if (run?.aborted) throw abortError(run);
    if (timeout?.aborted) throw fail(`timed out after ${formatSeconds(timeoutMs)}`);
    if (err instanceof Error && err.message.startsWith(`Search endpoint ${label}:`)) throw err;
    if (err instanceof PageError) throw fail(err.message);
    throw fail(`could not reach it (${err instanceof Error ? err.message : String(err)})`);
  } finally {
    dispose();
  }

  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) throw fail('the answer has no results list');
  const out: SearchResult[] = [];
  const seen = new Set<string>();
  const limit = opts.limit ?? 5;
  for (const r of results as Array<Record<string, unknown>>) {
    if (out.length >= limit) break;
    if (typeof r?.url !== 'string' || checkFetchableUrl(r.url) !== null) continue;
    const href = normalizeUrl(r.url);
    if (!href || seen.has(href)) continue;
    seen.add(href);
    out.push({
      url: href,
      title: typeof r.title === 'string' ? r.title.trim() : href,
      snippet: typeof r.content === 'string' ? r.content.trim() : '',
    });
  }
  return out;
}
