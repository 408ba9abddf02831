import type { ChatRequestBody, Handler } from '../test/support/openai-server';

/**
 * A scripted model that plants known errors in known proportions, for the planted-error eval
 * (eval/run.ts) and for anyone extending it: it answers the scout, the distiller and the critic
 * through the real loopback server, and records in a ledger every quote and claim it wrote and
 * what was wrong with it, so a run can be scored against the truth.
 *
 * Every choice is a pure function of (domain, source, point), never of request order, so two
 * runs plant exactly the same errors although the digests are requested concurrently.
 */

/** What a digest quote really is. */
export type QuoteKind = 'verbatim' | 'retyped' | 'fabricated' | 'wrong-source';
/**
 * What a distillate claim's evidence really is. The first three cite a source and a quote (the
 * lenient form); the `-point` kinds cite a key point by its id (`S3.2`), the form the decode
 * schema asks for, whose quote code copies in.
 */
export type ClaimKind = 'grounded' | 'unknown-id' | 'source-lacks-quote' | 'grounded-point' | 'unknown-point' | 'unverified-point';

export interface PlantedQuote {
  domain: string;
  sourceId: string;
  title: string;
  /** 1-based key point index: `S3.2` is point 2 of S3. */
  point: number;
  kind: QuoteKind;
  /** For retyped and fabricated quotes: how. */
  how: string;
  quote: string;
}

export interface PlantedClaim {
  domain: string;
  /** The claim's label as the critique names it (`Concepts: Claim 4`). */
  label: string;
  kind: ClaimKind;
  /** The ids the claim cites: sources (`S3`), or key points (`S3.2`) for the `-point` kinds. */
  cites: string[];
  quote: string;
}

export interface Ledger {
  quotes: PlantedQuote[];
  claims: PlantedClaim[];
}

export interface PlantPlan {
  /** Relative weights of each quote kind among the digest quotes. */
  quotes: Record<QuoteKind, number>;
  /** Relative weights of each claim kind among the distillate's claims. */
  claims: Record<ClaimKind, number>;
  /** Key points per digest. */
  pointsPerDigest: number;
  /** Changes every choice at once, for a second sample of the same proportions. */
  seed: string;
}

export const DEFAULT_PLAN: PlantPlan = {
  quotes: { verbatim: 40, retyped: 30, fabricated: 15, 'wrong-source': 15 },
  claims: { grounded: 30, 'unknown-id': 10, 'source-lacks-quote': 10, 'grounded-point': 30, 'unknown-point': 10, 'unverified-point': 10 },
  pointsPerDigest: 4,
  seed: 'groundwork-eval-1',
};

/** A corpus note as the planted model may quote it (the wrong-source quotes come from here). */
export interface CorpusNote {
  domain: string;
  title: string;
  sentences: string[];
}

/** FNV-1a over a string, as a number in [0, 1): a stable "random" choice per key. */
export function unitHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 2 ** 32;
}

function pick<K extends string>(weights: Record<K, number>, u: number): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((n, [, w]) => n + w, 0);
  let x = u * total;
  for (const [k, w] of entries) {
    if (x < w) return k;
    x -= w;
  }
  return entries[entries.length - 1]![0];
}

/** The sentences of a note body: its lines of prose, headings and blanks left out. */
export function sentencesOf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#') && !l.startsWith('[…cut'));
}

/**
 * Honest re-typings a model makes when it copies a quote: each keeps the words and their order.
 * Returns the new quote and what was done.
 */
export function retype(sentence: string, u: number): { quote: string; how: string } {
  const words = sentence.split(' ');
  const ways: { how: string; apply: () => string | null }[] = [
    { how: 'straight quotes and apostrophes made curly', apply: () => (/['"]/.test(sentence) ? sentence.replace(/'/g, '’').replace(/"([^"]*)"/g, '“$1”') : null) },
    { how: 'curly quotes and apostrophes made straight', apply: () => (/[‘’“”]/.test(sentence) ? sentence.replace(/[‘’]/g, "'").replace(/[“”]/g, '"') : null) },
    { how: 'dashes typed as hyphens', apply: () => (/[–—]/.test(sentence) ? sentence.replace(/[–—]/g, '-') : null) },
    { how: 'markdown emphasis dropped', apply: () => (sentence.includes('**') ? sentence.replace(/\*\*/g, '') : null) },
    { how: 'a middle span left out behind an ellipsis', apply: () => (words.length >= 9 ? `${words.slice(0, 3).join(' ')} … ${words.slice(-3).join(' ')}` : null) },
    { how: 'line break and double spaces inside', apply: () => (words.length >= 4 ? `${words.slice(0, 2).join(' ')}\n${words.slice(2, 4).join('  ')} ${words.slice(4).join(' ')}`.trim() : null) },
    { how: 'lower-cased start, final period dropped', apply: () => `${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`.replace(/\.$/, '') },
    { how: 'a clause: the first half of the sentence', apply: () => (words.length >= 8 ? words.slice(0, Math.ceil(words.length / 2)).join(' ') : null) },
  ];
  const start = Math.floor(u * ways.length);
  for (let i = 0; i < ways.length; i++) {
    const w = ways[(start + i) % ways.length]!;
    const q = w.apply();
    if (q !== null && q !== sentence) return { quote: q, how: w.how };
  }
  return { quote: sentence.replace(/ /g, '  '), how: 'double spaces' };
}

const SWAPS: [RegExp, string][] = [
  [/\b(\d+)\b/, 'NUM'],
  [/\bmost\b/i, 'few'],
  [/\bnever\b/i, 'always'],
  [/\bmore\b/i, 'less'],
  [/\bless\b/i, 'more'],
  [/\blower\b/i, 'higher'],
];

/** A quote the source never said: one word or number changed (the hard case), or an invented sentence. */
export function fabricate(sentence: string, domain: string, u: number): { quote: string; how: string } {
  if (u < 0.5) {
    for (const [re, to] of SWAPS) {
      const m = re.exec(sentence);
      if (!m) continue;
      const replacement = to === 'NUM' ? String(Number(m[1]) + 7) : to;
      return { quote: sentence.replace(re, replacement), how: `one word changed (${m[0]} → ${replacement})` };
    }
    const words = sentence.split(' ');
    const i = Math.min(words.length - 1, 2 + Math.floor(u * 10) % Math.max(1, words.length - 2));
    words[i] = 'notably';
    return { quote: words.join(' '), how: 'one word replaced by "notably"' };
  }
  return { quote: `Experts agree that ${domain.toLowerCase()} has become much simpler since 2020.`, how: 'an invented sentence' };
}

function userText(body: ChatRequestBody): string {
  return body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
}

function schemaName(body: ChatRequestBody): string {
  return body.response_format?.json_schema?.name ?? 'unknown';
}

const usage = (user: string, out: number) => ({ prompt_tokens: Math.ceil(user.length / 4), completion_tokens: out });

/** Verified quotes per source id as the distiller's prompt offers them. */
export function offeredQuotes(user: string): Map<string, { point: string; quote: string }[]> {
  const out = new Map<string, { point: string; quote: string }[]>();
  for (const m of user.matchAll(/^- \[((S\d+)\.\d+)\] .*? \(verified quote: "(.*)"\)$/gm)) {
    const list = out.get(m[2]!) ?? [];
    list.push({ point: m[1]!, quote: m[3]! });
    out.set(m[2]!, list);
  }
  return out;
}

/** The key points the distiller's prompt lists without a verified quote, by source id. */
function unverifiedPointIds(user: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of user.matchAll(/^- \[((S\d+)\.\d+)\] .*\(no verified quote\)$/gm)) {
    const list = out.get(m[2]!) ?? [];
    list.push(m[1]!);
    out.set(m[2]!, list);
  }
  return out;
}

const SECTIONS = [
  { key: 'concepts', heading: 'Concepts', make: (name: string, ev: unknown) => ({ name, explanation: `What ${name} says.`, evidence: ev }) },
  { key: 'structure', heading: 'Structure', make: (name: string, ev: unknown) => ({ area: name, description: `Where ${name} sits.`, evidence: ev }) },
  { key: 'decisions', heading: 'Decisions and trade-offs', make: (name: string, ev: unknown) => ({ decision: name, tradeoffs: `What ${name} costs.`, evidence: ev }) },
  { key: 'pitfalls', heading: 'Pitfalls', make: (name: string, ev: unknown) => ({ pitfall: name, evidence: ev }) },
] as const;

/**
 * The model. `corpus` is every note of the eval's vault (for wrong-source quotes); the ledger
 * fills as requests arrive.
 */
export function plantedModel(corpus: CorpusNote[], plan: PlantPlan = DEFAULT_PLAN): { handler: Handler; ledger: Ledger } {
  const ledger: Ledger = { quotes: [], claims: [] };

  const digest = (user: string) => {
    const domain = /^Domain: (.*)$/m.exec(user)?.[1] ?? '';
    // The source as the scout fences it: `⟦BEGIN UNTRUSTED SOURCE S3 <nonce>⟧`, a title line, the text.
    const fenced = /⟦BEGIN UNTRUSTED SOURCE (S\d+)[^⟧]*⟧\n(?:Title: (.*)\n)?([\s\S]*?)\n⟦END UNTRUSTED SOURCE/.exec(user);
    const sourceId = fenced?.[1] ?? 'S0';
    const title = fenced?.[2] ?? '';
    const text = fenced?.[3] ?? '';
    const sentences = sentencesOf(text);
    const others = corpus.filter((n) => n.domain === domain && n.title !== title).flatMap((n) => n.sentences);
    const keyPoints = [];
    for (let p = 1; p <= Math.min(plan.pointsPerDigest, Math.max(1, sentences.length)); p++) {
      const key = `${plan.seed}|${domain}|${title}|${p}`;
      const sentence = sentences[(p - 1) % Math.max(1, sentences.length)] ?? title;
      let kind = pick(plan.quotes, unitHash(`${key}|kind`));
      if (kind === 'wrong-source' && others.length === 0) kind = 'fabricated';
      let quote = sentence;
      let how = '';
      if (kind === 'retyped') ({ quote, how } = retype(sentence, unitHash(`${key}|how`)));
      else if (kind === 'fabricated') ({ quote, how } = fabricate(sentence, domain, unitHash(`${key}|how`)));
      else if (kind === 'wrong-source') {
        quote = others[Math.floor(unitHash(`${key}|other`) * others.length)]!;
        how = 'a sentence of another note of the domain';
      }
      ledger.quotes.push({ domain, sourceId, title, point: p, kind, how, quote });
      keyPoints.push({ point: `Point ${p} of ${title}`, quote });
    }
    return { json: { summary: `What ${title} says.`, keyPoints }, usage: usage(user, 200) };
  };

  const distill = (user: string) => {
    const domain = /^Domain: (.*)$/m.exec(user)?.[1] ?? '';
    const offered = offeredQuotes(user);
    const unverified = unverifiedPointIds(user);
    const ids = [...offered.keys()];
    const out: Record<string, unknown[]> = { concepts: [], structure: [], decisions: [], pitfalls: [], open_questions: [] };
    let n = 0;
    ids.forEach((id, i) => {
      offered.get(id)!.forEach(({ point, quote }, j) => {
        n++;
        const key = `${plan.seed}|${domain}|claim|${id}|${j}`;
        let kind = pick(plan.claims, unitHash(key));
        const other = ids[(i + 1) % ids.length]!;
        // A claim may only be planted on another source when that source does not hold the same quote.
        if (kind === 'source-lacks-quote' && (other === id || offered.get(other)!.some((o) => o.quote === quote))) kind = 'grounded';
        // A source whose every point was verified has no unverified point to cite: an unknown one instead.
        const weak = unverified.get(id) ?? [];
        if (kind === 'unverified-point' && weak.length === 0) kind = 'unknown-point';
        let cites: string[];
        let evidence: unknown[];
        if (kind === 'grounded-point' || kind === 'unknown-point' || kind === 'unverified-point') {
          const cited = kind === 'grounded-point' ? point : kind === 'unknown-point' ? `${id}.${90 + j}` : weak[j % weak.length]!;
          cites = [cited];
          evidence = [{ point: cited }];
        } else {
          cites = kind === 'grounded' ? [id] : kind === 'unknown-id' ? [`S${90 + n}`] : [other];
          evidence = cites.map((source) => ({ source, quote }));
        }
        const section = SECTIONS[n % SECTIONS.length]!;
        const name = `Claim ${n}`;
        out[section.key]!.push(section.make(name, evidence));
        ledger.claims.push({ domain, label: `${section.heading}: ${name}`, kind, cites, quote });
      });
    });
    return { json: { summary: `${domain} in ${ids.length} sources.`, ...out }, usage: usage(user, 800) };
  };

  const handler: Handler = (body) => {
    const user = userText(body);
    switch (schemaName(body)) {
      case 'source_digest':
        return digest(user);
      case 'distillate':
        return distill(user);
      case 'critique':
        // The eval measures what code catches: the scripted critic adds nothing of its own.
        return { json: { verdict: 'revise', summary: 'Scripted critic: code checks only.', issues: [] }, usage: usage(user, 50) };
      default:
        return { status: 400, errorMessage: `the planted model does not answer ${schemaName(body)}` };
    }
  };
  return { handler, ledger };
}
