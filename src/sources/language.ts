/**
 * A rough guess of a text's language, enough to keep a domain's sources in the domain note's
 * language when a vault holds translations of the same pages (Obsidian's own help has a dozen).
 * Scripts first (kana → ja, Hangul → ko, Han → zh, Cyrillic → ru…); Latin-script text by its
 * commonest short words. Null when the text is too short or too mixed to say.
 */

const SCRIPTS: [RegExp, string][] = [
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/gu, 'ja'],
  [/\p{Script=Hangul}/gu, 'ko'],
  [/\p{Script=Han}/gu, 'zh'],
  [/\p{Script=Cyrillic}/gu, 'ru'],
  [/\p{Script=Arabic}/gu, 'ar'],
  [/\p{Script=Greek}/gu, 'el'],
  [/\p{Script=Hebrew}/gu, 'he'],
  [/\p{Script=Thai}/gu, 'th'],
  [/\p{Script=Devanagari}/gu, 'hi'],
];

const LATIN_WORDS: Record<string, string[]> = {
  en: ['the', 'and', 'of', 'to', 'is', 'in', 'that', 'it', 'for', 'you', 'with', 'are', 'this', 'on', 'can'],
  de: ['der', 'die', 'und', 'das', 'ist', 'nicht', 'mit', 'ein', 'eine', 'sie', 'auf', 'für', 'den', 'wird', 'auch'],
  fr: ['le', 'la', 'les', 'et', 'des', 'est', 'une', 'du', 'dans', 'pour', 'que', 'vous', 'pas', 'sur', 'avec'],
  es: ['el', 'la', 'los', 'las', 'y', 'es', 'una', 'del', 'para', 'que', 'con', 'por', 'puede', 'como', 'más'],
  it: ['il', 'la', 'di', 'che', 'è', 'e', 'per', 'una', 'con', 'non', 'sono', 'della', 'gli', 'puoi', 'nel'],
  pt: ['o', 'a', 'os', 'de', 'que', 'é', 'do', 'da', 'em', 'um', 'uma', 'para', 'não', 'com', 'você'],
  nl: ['de', 'het', 'een', 'en', 'van', 'is', 'dat', 'niet', 'je', 'op', 'te', 'met', 'voor', 'zijn', 'kun'],
};

const WORD_LANG = new Map<string, string[]>();
for (const [lang, words] of Object.entries(LATIN_WORDS)) {
  for (const w of words) WORD_LANG.set(w, [...(WORD_LANG.get(w) ?? []), lang]);
}

const SAMPLE = 1000;

export function guessLanguage(text: string): string | null {
  const sample = text.length > SAMPLE ? text.slice(0, SAMPLE) : text;
  // One cheap pass first: most notes are plain Latin script, and need no script regex at all.
  let letters = 0;
  let nonLatin = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c < 0x250)) letters++;
    else if (c >= 0x370 && !(c >= 0x2000 && c < 0x2c00) && !(c >= 0xd800 && c < 0xe000)) {
      letters++;
      nonLatin++;
    }
  }
  if (letters < 20) return null;
  if (nonLatin >= letters * 0.05) {
    // Japanese mixes kana into Han text; any real share of kana says Japanese, not Chinese.
    for (const [re, lang] of SCRIPTS) {
      const n = sample.match(re)?.length ?? 0;
      if (lang === 'ja' ? n >= letters * 0.05 : n >= letters * 0.3) return lang;
    }
    if (nonLatin >= letters * 0.3) return null;
  }
  const counts = new Map<string, number>();
  for (const m of sample.toLowerCase().matchAll(/\p{L}+/gu)) {
    const langs = WORD_LANG.get(m[0]);
    if (langs) for (const lang of langs) counts.set(lang, (counts.get(lang) ?? 0) + 1);
  }
  let first: [string, number] | null = null;
  let second = 0;
  for (const e of counts) {
    if (!first || e[1] > first[1]) {
      second = first?.[1] ?? 0;
      first = e;
    } else if (e[1] > second) second = e[1];
  }
  if (!first || first[1] < 3 || first[1] < second * 1.5) return null;
  return first[0];
}
