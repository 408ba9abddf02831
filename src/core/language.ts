/**
 * The language a note is written in, as far as code can tell cheaply: by script first (kana is
 * Japanese, Han alone Chinese, Hangul Korean, Cyrillic Russian or Ukrainian…), then, for Latin
 * text, by its commonest short words. Agents write their points in the language of the person's
 * domain note and keep quotes in the source's own; null when the text says too little to tell,
 * and then the prompt names no language.
 */

const SCRIPTS: ReadonlyArray<[RegExp, string]> = [
  [/[\uac00-\ud7af]/g, 'Korean'],
  [/[\u0400-\u04ff]/g, 'Cyrillic'],
  [/[\u0370-\u03ff]/g, 'Greek'],
  [/[\u0590-\u05ff]/g, 'Hebrew'],
  [/[\u0600-\u06ff]/g, 'Arabic'],
  [/[\u0900-\u097f]/g, 'Hindi'],
  [/[\u0e00-\u0e7f]/g, 'Thai'],
];
const KANA = /[\u3040-\u30ff]/g;
const HAN = /[\u4e00-\u9fff]/g;

/*
 * Common short words of each language that are not also common English words ("I", "to", "do",
 * "is", "die" would make an English note look Polish, Portuguese, Dutch or German). A tie goes to
 * the language listed first.
 */
const STOPWORDS: Record<string, string[]> = {
  English: ['the', 'and', 'of', 'to', 'is', 'in', 'that', 'it', 'for', 'with', 'a', 'i', 'we', 'our', 'not', 'are', 'this', 'on', 'so', 'be'],
  German: ['der', 'und', 'das', 'ist', 'nicht', 'mit', 'sich', 'auf', 'ein', 'eine'],
  French: ['le', 'les', 'et', 'des', 'est', 'une', 'pour', 'dans', 'que', 'sur'],
  Spanish: ['el', 'los', 'las', 'y', 'que', 'es', 'una', 'para', 'con', 'por'],
  Italian: ['il', 'che', 'di', 'e', 'per', 'non', 'sono', 'una', 'della', 'gli'],
  Portuguese: ['os', 'que', 'não', 'uma', 'para', 'com', 'é', 'da', 'em', 'um'],
  Dutch: ['de', 'het', 'een', 'en', 'van', 'niet', 'dat', 'op', 'voor', 'zijn'],
  Polish: ['nie', 'się', 'jest', 'że', 'na', 'oraz', 'jak', 'ale', 'dla', 'czy'],
};

const count = (text: string, re: RegExp): number => (text.match(re) ?? []).length;

export function languageOf(text: string): string | null {
  // Frontmatter, code, links and URLs say nothing about the language a person writes in.
  const prose = text
    .replace(/^---\n[\s\S]*?\n---\n/, ' ')
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/\[\[[^\]]*\]\]|https?:\/\/\S+/g, ' ');
  const letters = count(prose, /\p{L}/gu);
  if (letters < 12) return null;
  const kana = count(prose, KANA);
  const han = count(prose, HAN);
  // Japanese mixes kana and kanji; kana at all tells it from Chinese.
  if ((kana + han) / letters > 0.3) return kana > 0 ? 'Japanese' : 'Chinese';
  let best: [string, number] | null = null;
  for (const [re, name] of SCRIPTS) {
    const n = count(prose, re);
    if (n > (best?.[1] ?? 0)) best = [name, n];
  }
  if (best && best[1] / letters > 0.3) {
    if (best[0] === 'Cyrillic') return /[їєіґ]/i.test(prose) ? 'Ukrainian' : 'Russian';
    return best[0];
  }
  const words = prose.toLowerCase().match(/\p{L}+/gu) ?? [];
  let top: [string, number] = ['', 0];
  for (const [name, list] of Object.entries(STOPWORDS)) {
    const set = new Set(list);
    const n = words.filter((w) => set.has(w)).length;
    if (n > top[1]) top = [name, n];
  }
  return top[1] >= 2 ? top[0] : null;
}
