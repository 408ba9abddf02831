/**
 * A token estimate that knows scripts. Tokenizers of current models spend about one token per 4
 * characters of English, per 2.5 of Cyrillic and per 1.2 of Chinese or Japanese: a flat "4
 * characters a token" under-counts a Japanese source three times over, which is how a prompt
 * silently outgrows a local model's context. The figures lean high on purpose: an estimate that
 * is a little large wastes a little room, one that is small loses the start of the prompt.
 */

/** Tokens per character, by script. */
const RATE = {
  /** ASCII letters, digits and spaces: words of ~4 characters merge into one token. */
  ascii: 1 / 4,
  /** ASCII punctuation and symbols merge less (JSON, markdown). */
  asciiPunct: 1 / 2,
  /** Accented Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic… */
  alphabetic: 1 / 2.5,
  /** Han, kana, Hangul, full-width forms: close to one token a character. */
  cjk: 1 / 1.2,
  /** Emoji and everything rarer: often several tokens each. */
  other: 1,
} as const;

function rateOf(cp: number): number {
  if (cp < 0x80) {
    // Letters, digits and whitespace.
    if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x20 || cp === 0x0a || cp === 0x09 || cp === 0x0d) return RATE.ascii;
    return RATE.asciiPunct;
  }
  if (cp < 0x0800) return RATE.alphabetic; // Latin-1 … Arabic, Syriac, Thaana, NKo
  if (
    (cp >= 0x1100 && cp <= 0x11ff) || // Hangul Jamo
    (cp >= 0x2e80 && cp <= 0x9fff) || // CJK radicals, kana, CJK symbols, unified ideographs
    (cp >= 0xa960 && cp <= 0xa97f) ||
    (cp >= 0xac00 && cp <= 0xd7ff) || // Hangul syllables
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK compatibility ideographs
    (cp >= 0xff00 && cp <= 0xffef) || // full-width forms
    (cp >= 0x20000 && cp <= 0x3ffff) // CJK extensions
  ) {
    return RATE.cjk;
  }
  if (cp >= 0x2000 && cp <= 0x2bff) return RATE.asciiPunct; // general punctuation, arrows, math
  if (cp < 0x3000) return RATE.alphabetic; // Indic, Thai, Georgian, Ethiopic, extended Latin…
  return RATE.other;
}

/** The estimated token count of a text, for any mix of scripts. */
export function estimateTokens(text: string): number {
  return Math.ceil(rawTokens(text));
}

function rawTokens(text: string): number {
  let sum = 0;
  for (const ch of text) sum += rateOf(ch.codePointAt(0)!);
  return sum;
}

/** What each chat message costs beyond its text (role and separators), on the usual chat templates. */
export const TOKENS_PER_MESSAGE = 4;

export function estimateMessagesTokens(messages: ReadonlyArray<{ content: string }>): number {
  return messages.reduce((n, m) => n + estimateTokens(m.content) + TOKENS_PER_MESSAGE, 3);
}

/**
 * Splits text into pieces of at most `maxTokens` (estimated) each, at paragraph boundaries when it
 * can, then at line breaks, then after sentences, and only as a last resort inside a run of
 * characters with no break at all. Nothing is dropped or rewritten: every character of the text
 * is in exactly one piece, in order (the separators between pieces are the only thing not kept).
 */
export function splitByTokens(text: string, maxTokens: number): string[] {
  const limit = Math.max(16, Math.floor(maxTokens));
  if (rawTokens(text) <= limit) return [text];
  return pack(text.split(/\n{2,}/), '\n\n', limit, 0).filter((p) => p.trim() !== '');
}

const SENTENCE = /[^.!?。！？]+[.!?。！？]+["'”’)\]]*\s*|[^.!?。！？]+$/gu;

/** Packs units greedily; a unit too large on its own is split at the next finer boundary. */
function pack(units: string[], sep: string, limit: number, depth: number): string[] {
  const out: string[] = [];
  const sepTokens = rawTokens(sep);
  let current = '';
  let tokens = 0;
  for (const u of units) {
    const t = rawTokens(u);
    if (t > limit) {
      if (current) out.push(current);
      current = '';
      tokens = 0;
      out.push(...splitFiner(u, limit, depth));
      continue;
    }
    if (current && tokens + sepTokens + t > limit) {
      out.push(current);
      current = '';
      tokens = 0;
    }
    tokens += (current ? sepTokens : 0) + t;
    current = current ? current + sep + u : u;
  }
  if (current) out.push(current);
  return out;
}

function splitFiner(unit: string, limit: number, depth: number): string[] {
  if (depth < 1 && unit.includes('\n')) return pack(unit.split('\n'), '\n', limit, 1);
  if (depth < 2) {
    const sentences = unit.match(SENTENCE);
    // Only when the sentences are the whole unit: a pattern that skipped a character would lose it.
    if (sentences && sentences.length > 1 && sentences.join('') === unit) return pack(sentences, '', limit, 2);
  }
  // A run with no break at all (a table row, minified text): cut by length, losing no character.
  const out: string[] = [];
  let piece = '';
  let tokens = 0;
  for (const ch of unit) {
    const r = rateOf(ch.codePointAt(0)!);
    if (piece && tokens + r > limit) {
      out.push(piece);
      piece = '';
      tokens = 0;
    }
    piece += ch;
    tokens += r;
  }
  if (piece) out.push(piece);
  return out;
}
