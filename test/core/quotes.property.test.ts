import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeForQuotes, QuoteSource, quoteIsIn, quotePieces } from '../../src/core/quotes';

/*
 * The verifier's two promises, as properties over generated sources: any substring of a source,
 * re-typed with other whitespace, quote and dash characters (and with a span left out behind an
 * ellipsis), is found; the same substring with one whole word swapped for a word the source does
 * not contain is not.
 */

const NUM_RUNS = 500;

const WORDS = ['LoRA', 'adapter', 'rank', 'weights', 'frozen', 'the', 'a', 'of', 'Über', 'naïve', 'café', 'ﬁne', 'x2', '8-bit', 'GPU', 'model', 'is', 'low'];
const SWAP_IN = ['zebra', 'quokka', 'marmalade'];
const SINGLE = ["'", '‘', '’', '‛', '′'];
const DOUBLE = ['"', '“', '”', '„', '«', '»'];
const DASH = ['-', '‐', '‑', '‒', '–', '—', '―', '−'];
const SPACE = [' ', '  ', '\n', '\t', '\u00a0', ' \n ', '\r\n'];

type Tok = { kind: 'word' | 'single' | 'double' | 'dash' | 'space' | 'punct'; text: string };

const tokenArb: fc.Arbitrary<Tok> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...WORDS).map((text) => ({ kind: 'word' as const, text })) },
  { weight: 6, arbitrary: fc.constantFrom(...SPACE).map((text) => ({ kind: 'space' as const, text })) },
  { weight: 1, arbitrary: fc.constantFrom(...SINGLE).map((text) => ({ kind: 'single' as const, text })) },
  { weight: 1, arbitrary: fc.constantFrom(...DOUBLE).map((text) => ({ kind: 'double' as const, text })) },
  { weight: 1, arbitrary: fc.constantFrom(...DASH).map((text) => ({ kind: 'dash' as const, text })) },
  { weight: 1, arbitrary: fc.constantFrom(',', '.', ';', ':', '(', ')', '!').map((text) => ({ kind: 'punct' as const, text })) },
);

/** A source as tokens, words separated by at least one space so each word stays whole. */
const sourceArb = fc.array(tokenArb, { minLength: 3, maxLength: 60 }).map((toks) => {
  const out: Tok[] = [];
  for (const t of toks) {
    const prev = out[out.length - 1];
    if (prev && prev.kind === 'word' && t.kind === 'word') out.push({ kind: 'space', text: ' ' });
    out.push(t);
  }
  return out;
});

const join = (toks: Tok[]) => toks.map((t) => t.text).join('');

/** Re-types a token run with other characters of the same kind. */
function vary(toks: Tok[], pick: (n: number) => number): string {
  return toks
    .map((t) => {
      const choices = t.kind === 'space' ? SPACE : t.kind === 'single' ? SINGLE : t.kind === 'double' ? DOUBLE : t.kind === 'dash' ? DASH : [t.text];
      return choices[pick(choices.length)]!;
    })
    .join('');
}

const hasWord = (toks: Tok[]) => toks.some((t) => t.kind === 'word');

describe('quote verifier properties', () => {
  it('finds any substring of the source re-typed with other whitespace, quotes and dashes', () => {
    fc.assert(
      fc.property(sourceArb, fc.nat(), fc.nat(), fc.array(fc.nat(), { minLength: 80, maxLength: 80 }), (toks, a, b, picks) => {
        const i = a % toks.length;
        const j = i + 1 + (b % (toks.length - i));
        const slice = toks.slice(i, j);
        fc.pre(hasWord(slice));
        let k = 0;
        const quote = vary(slice, (n) => picks[k++ % picks.length]! % n);
        expect(quoteIsIn(join(toks), quote)).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('finds a raw character substring, even one that cuts words in half', () => {
    fc.assert(
      fc.property(sourceArb, fc.nat(), fc.nat(), (toks, a, b) => {
        const text = join(toks);
        const i = a % text.length;
        const quote = text.slice(i, i + 1 + (b % (text.length - i)));
        fc.pre(/[\p{L}\p{N}]/u.test(quote) && !/[\uD800-\uDBFF]$/.test(quote));
        expect(quoteIsIn(text, quote)).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('finds a substring with a middle span left out behind an ellipsis', () => {
    fc.assert(
      fc.property(sourceArb, fc.nat(), fc.nat(), fc.nat(), fc.constantFrom('…', '...', ' [...] ', '(…)', '. . .'), (toks, a, b, c, dots) => {
        const i = a % toks.length;
        const j = i + 1 + (b % (toks.length - i));
        fc.pre(j - i >= 3);
        const cut = i + 1 + (c % (j - i - 2));
        const head = toks.slice(i, cut);
        const tail = toks.slice(cut + 1, j);
        fc.pre(hasWord(head) && hasWord(tail));
        expect(quoteIsIn(join(toks), `${join(head)}${dots}${join(tail)}`)).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('does not find the substring once a whole word is swapped for one the source lacks', () => {
    fc.assert(
      fc.property(sourceArb, fc.nat(), fc.nat(), fc.nat(), fc.constantFrom(...SWAP_IN), (toks, a, b, c, swap) => {
        const i = a % toks.length;
        const j = i + 1 + (b % (toks.length - i));
        const slice = toks.slice(i, j);
        const wordAt = slice.map((t, n) => (t.kind === 'word' ? n : -1)).filter((n) => n >= 0);
        fc.pre(wordAt.length > 0);
        const w = wordAt[c % wordAt.length]!;
        const swapped = slice.map((t, n) => (n === w ? { ...t, text: swap } : t));
        expect(quoteIsIn(join(toks), join(swapped))).toBe(false);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('quote verifier examples', () => {
  const source = 'LoRA freezes the pre-trained weights and trains a “low-rank” update.\n\nIt is **cheap** — often 10,000× fewer parameters.';
  const s = new QuoteSource(source);

  it.each([
    ['exact', 'LoRA freezes the pre-trained weights'],
    ['straight quotes for curly ones', 'trains a "low-rank" update'],
    ['a dash typed as a hyphen, emphasis dropped', 'It is cheap - often 10,000× fewer parameters'],
    ['a line break as a space', 'update. It is cheap'],
    ['case and trailing period', 'lora freezes the pre-trained weights.'],
    ['an omitted span', 'LoRA freezes … a “low-rank” update'],
    ['wrapped in quote marks', '“LoRA freezes the pre-trained weights”'],
  ])('finds a quote with %s', (_what, quote) => {
    expect(s.check(quote)).toEqual({ found: true });
  });

  it.each([
    ['a swapped word', 'LoRA freezes the fine-tuned weights'],
    ['an invented sentence', 'LoRA always beats full fine-tuning'],
    ['pieces out of order', 'a “low-rank” update … LoRA freezes'],
    ['a changed number', 'often 10,001× fewer parameters'],
  ])('refuses %s', (_what, quote) => {
    expect(s.check(quote)).toEqual({ found: false, reason: 'not-found' });
  });

  it('calls an empty or punctuation-only quote empty, not found', () => {
    expect(s.check('')).toEqual({ found: false, reason: 'empty' });
    expect(s.check(' … ')).toEqual({ found: false, reason: 'empty' });
  });

  it('documents what the normalization does', () => {
    expect(normalizeForQuotes('“Ｆｕｌｌ” ﬁne — it’s\u00a0**OK**\u200b')).toBe('"full" fine - it\'s ok');
    expect(quotePieces('“one … two [...] three.”')).toEqual(['one', 'two', 'three']);
  });
});
