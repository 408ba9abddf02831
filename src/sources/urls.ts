import { stripFences } from './note-title';

/**
 * URLs in a note's body that the scout may fetch. Only http(s): `javascript:`, `file:`, `data:`
 * and app links are never fetched, and a URL carrying a user name or password is refused
 * rather than sent somewhere with the person's credentials in it.
 */

// Stops at whitespace and at characters that end a URL in markdown or HTML (`<>"'` and brackets
// of a link's text); parentheses are kept and balanced afterwards (Wikipedia URLs have them).
const BARE_URL = /\bhttps?:\/\/[^\s<>"'`\]]+/gi;
const IMAGE = /!\[[^\]\n]*\]\([^)\n]*\)/g;
const TRAILING = /[.,;:!?'"*_~]$/;

function trimTrailing(url: string): string {
  let u = url;
  for (;;) {
    if (TRAILING.test(u)) {
      u = u.slice(0, -1);
      continue;
    }
    if (u.endsWith(')')) {
      const open = (u.match(/\(/g) ?? []).length;
      const close = (u.match(/\)/g) ?? []).length;
      if (close > open) {
        u = u.slice(0, -1);
        continue;
      }
    }
    return u;
  }
}

/** The URL as fetched and compared: parsed, without its fragment (never sent to the server). */
export function normalizeUrl(url: string): string | null {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href;
  } catch {
    return null;
  }
}

/**
 * http(s) URLs in a note's markdown, in order of first appearance, de-duplicated: bare URLs,
 * `<autolinks>` and `[text](url)` links. Code (fenced and inline) holds examples, not sources,
 * and image embeds are pictures, not reading, so both are skipped.
 */
export function extractUrls(markdown: string): string[] {
  const text = stripFences(markdown).replace(/`[^`\n]*`/g, ' ').replace(IMAGE, ' ');
  const out: string[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(BARE_URL)) {
    const href = normalizeUrl(trimTrailing(m[0]));
    if (!href || !/^https?:/i.test(href) || seen.has(href)) continue;
    seen.add(href);
    out.push(href);
  }
  return out;
}

/** Null when the URL may be fetched, else the plain reason it is not. */
export function checkFetchableUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'only http(s) URLs are fetched';
  if (u.username !== '' || u.password !== '') return 'URLs with a user name or password are not fetched';
  return null;
}
