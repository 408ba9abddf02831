import { abortError, anySignal, formatSeconds, raceAbort, timeoutSignal } from '../core/abort';
import { BodyTooLarge, readCappedBody } from '../llm/bounded-body';
import type { HtmlToText } from './html-text';
import { capText, DEFAULT_MAX_CHARS, failedSource, sourceFingerprint, type GatheredSource } from './types';
import { checkAddress, type AddressPolicy } from './address-policy';
import { checkFetchableUrl, normalizeUrl } from './urls';
import { GroundworkError } from '../core/errors';

/**
 * One web page as a source. The page is untrusted: nothing of the person's goes with the
 * request (no Authorization, no API key, no cookies), redirects are followed by hand so one to
 * `javascript:` or `file:` is refused, and time and size are capped so a slow or huge page costs
 * a line in the sources note, not the run. Failures come back as a source with `error`; only
 * the run's own cancel throws.
 */

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface FetchPageOptions {
  fetch: FetchLike;
  htmlToText: HtmlToText;
  /** Which hosts may be reached, checked on the URL and on every redirect hop. */
  addresses: AddressPolicy;
  timeoutMs?: number;
  maxBytes?: number;
  /** Cap on the text kept (characters). */
  maxChars?: number;
  /** The run's signal: aborting it rejects with the abort error. */
  signal?: AbortSignal;
  /** Why the page was picked ('url' or 'search'). */
  reason?: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_BYTES = 2_000_000;
const MAX_REDIRECTS = 5;

/** Request headers: a plain User-Agent and an Accept that names what we can read, nothing else. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  Accept: 'text/html, application/xhtml+xml, text/plain, text/markdown, application/json;q=0.9, */*;q=0.1',
  'User-Agent': 'Groundwork',
};

/** A failure the page is to blame for, reported on its source instead of thrown. */
export class PageError extends GroundworkError {
  constructor(message: string) {
    super(message);
    this.name = 'PageError';
  }
}

type TextKind = 'html' | 'plain' | 'json';

function textKind(mediaType: string): TextKind | null {
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return 'html';
  if (mediaType === 'text/plain' || mediaType === 'text/markdown' || mediaType === 'text/x-markdown') return 'plain';
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return 'json';
  return null;
}

function decode(bytes: Uint8Array, charset: string | null): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    // An unknown charset label: UTF-8 with replacement characters beats no text.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Without a Content-Type, a glance at the first bytes: markup is HTML, a NUL byte is binary. */
function sniff(bytes: Uint8Array): TextKind | null {
  const head = bytes.subarray(0, 512);
  if (head.includes(0)) return null;
  const start = new TextDecoder('utf-8').decode(head).trimStart().slice(0, 15).toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html') ? 'html' : 'plain';
}

function firstHeading(text: string): string | null {
  const m = /^#\s+(.+)$/m.exec(text);
  return m?.[1]?.trim() ?? null;
}

/**
 * Follows redirects one by one (at most 5), refusing any that leaves http(s) or reaches a refused
 * address: the address is checked before each hop is requested. (Obsidian's requestUrl follows
 * redirects itself, out of sight; there only the first URL and where it landed can be checked.)
 */
export async function fetchFollowing(
  url: string,
  fetchFn: FetchLike,
  signal: AbortSignal,
  addresses: AddressPolicy,
  headers: Record<string, string> = PAGE_HEADERS,
): Promise<{ res: Response; finalUrl: string }> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const refusedHost = await raceAbort(checkAddress(current, addresses), signal);
    if (refusedHost) throw new PageError(hop === 0 ? refusedHost : `redirected to ${current}, ${refusedHost}`);
    const res = await raceAbort(
      fetchFn(current, { method: 'GET', headers: { ...headers }, redirect: 'manual', credentials: 'omit', signal }),
      signal,
    );
    if (res.type === 'opaqueredirect') throw new PageError('redirected, and the redirect could not be followed safely');
    // Adapters that follow redirects themselves report where they ended up.
    const landed = res.url && res.url !== '' ? res.url : current;
    const landedProblem = checkFetchableUrl(landed) ?? (landed !== current ? await raceAbort(checkAddress(landed, addresses), signal) : null);
    if (landedProblem) {
      void res.body?.cancel().catch(() => undefined);
      throw new PageError(`redirected to a refused URL: ${landedProblem}`);
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || location === null) return { res, finalUrl: normalizeUrl(landed) ?? landed };
    void res.body?.cancel().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) throw new PageError(`more than ${MAX_REDIRECTS} redirects`);
    let next: string;
    try {
      next = new URL(location, current).href;
    } catch {
      throw new PageError(`redirected to an invalid URL`);
    }
    const problem = checkFetchableUrl(next);
    if (problem) throw new PageError(`refused a redirect to ${new URL(next).protocol} (${problem})`);
    current = next;
  }
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : null;
  const message = err instanceof Error ? err.message : String(err);
  return `could not reach the site (${code ?? message})`;
}

export async function fetchPage(url: string, opts: FetchPageOptions): Promise<GatheredSource> {
  const reason = opts.reason ?? 'url';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const run = opts.signal;
  if (run?.aborted) throw abortError(run);

  const ref = normalizeUrl(url) ?? url;
  const refused = checkFetchableUrl(url);
  if (refused) return failedSource('web', ref, reason, refused);

  const timeout = timeoutSignal(timeoutMs);
  const { signal, dispose } = anySignal(run, timeout);
  try {
    const { res, finalUrl } = await fetchFollowing(ref, opts.fetch, signal, opts.addresses);
    if (!res.ok) {
      void res.body?.cancel().catch(() => undefined);
      throw new PageError(`HTTP ${res.status}`);
    }
    const contentType = res.headers.get('content-type');
    const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const charset = /;\s*charset="?([^";\s]+)"?/i.exec(contentType ?? '')?.[1] ?? null;
    let kind = mediaType === '' ? undefined : textKind(mediaType);
    if (kind === null) {
      void res.body?.cancel().catch(() => undefined);
      throw new PageError(`not text (${mediaType})`);
    }
    const bytes = await readCappedBody(res, maxBytes, signal);
    if (kind === undefined) {
      kind = sniff(bytes);
      if (kind === null) throw new PageError('not text (no content type, binary content)');
    }
    const raw = decode(bytes, charset);
    let title: string;
    let text: string;
    if (kind === 'html') {
      const page = await opts.htmlToText(raw, finalUrl);
      title = page.title;
      text = page.text;
    } else if (kind === 'json') {
      try {
        text = JSON.stringify(JSON.parse(raw), null, 2);
      } catch {
        throw new PageError('not valid JSON');
      }
      title = finalUrl;
    } else {
      text = raw.replace(/\r\n?/g, '\n').trim();
      title = firstHeading(text) ?? finalUrl;
    }
    const capped = capText(text, maxChars);
    return { kind: 'web', ref, title: title || finalUrl, text: capped, fingerprint: sourceFingerprint(capped), reason };
  } catch (err) {
    if (run?.aborted) throw abortError(run);
    if (timeout?.aborted) return failedSource('web', ref, reason, `timed out after ${formatSeconds(timeoutMs)}`);
    if (err instanceof PageError || err instanceof BodyTooLarge) return failedSource('web', ref, reason, err.message);
    return failedSource('web', ref, reason, describeNetworkError(err));
  } finally {
    dispose();
  }
}
