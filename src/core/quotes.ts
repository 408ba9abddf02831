/**
 * Is a "verbatim quote" really in its source? A model copies text with small, honest changes —
 * curly quotes made straight, a line break made a space, an omitted span marked with "…" — and
 * with dishonest ones: a word swapped, a sentence made up. The check forgives the first kind and
 * nothing else. Both the source and the quote go through the same normalization:
 *
 * 1. Unicode NFKC (so "ﬁ" is "fi", a non-breaking space a space, "…" three dots, full-width
 *    letters plain ones);
 * 2. every single quote or apostrophe form (‘ ’ ‚ ‛ ′ ` ´) becomes `'`, every double quote form
 *    (“ ” „ ‟ ″ « ») becomes `"`, every dash or minus (‐ ‑ ‒ – — ― − ﹘ ﹣) becomes `-`;
 * 3. invisible characters (soft hyphen, zero-width spaces and joiners, BOM) and markdown emphasis
 *    markers (`*`, `_`) are dropped, so `**bold**` in a note matches "bold" in a quote;
 * 4. letters are lower-cased (a quote that starts a sentence mid-source is still the source);
 * 5. every run of whitespace becomes one space.
 *
 * Then the quote is cut at each ellipsis ("...", ". . .", "[…]", "(…)"): every piece, with the
 * quote marks and sentence punctuation at its ends trimmed, must occur in the source, in order,
 * without overlapping. A quote with no piece left (empty, or only punctuation) is not verified.
 */

const SINGLE_QUOTES = /[\u2018\u2019\u201a\u201b\u2032\u0060\u00b4]/g;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g;
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63]/g;
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff*_]/g;
const ELLIPSIS = /[[(]?\s*(?:\.\s*){2}\.\s*[\])]?/g;
const EDGE = /^[\s"'.,;:!?]+|[\s"'.,;:!?]+$/g;

/** Steps 1–5 of the normalization above, for source text and quote alike. */
export function normalizeForQuotes(text: string): string {
  return text
    .normalize('NFKC')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

/** The pieces of a quote that must each be found, in order: cut at every ellipsis. */
export function quotePieces(quote: string): string[] {
  return normalizeForQuotes(quote)
    .split(ELLIPSIS)
    .map((p) => p.replace(EDGE, ''))
    .filter((p) => p.length > 0);
}

export type QuoteCheck = { found: true } | { found: false; reason: 'empty' | 'not-found' };

/** A source's text, normalized once, to check any number of quotes against it. */
export class QuoteSource {
  private readonly haystack: string;

  constructor(text: string) {
    this.haystack = normalizeForQuotes(text);
  }

  check(quote: string): QuoteCheck {
    const pieces = quotePieces(quote);
    if (pieces.length === 0) return { found: false, reason: 'empty' };
    let from = 0;
    for (const p of pieces) {
      const at = this.haystack.indexOf(p, from);
      if (at < 0) return { found: false, reason: 'not-found' };
      from = at + p.length;
    }
    return { found: true };
  }

  has(quote: string): boolean {
    return this.check(quote).found;
  }
}

export function quoteIsIn(text: string, quote: string): boolean {
  return new QuoteSource(text).has(quote);
}
