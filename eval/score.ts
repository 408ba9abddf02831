import type { Ledger, PlantedClaim, PlantedQuote } from './planted-model';

/**
 * Scores a research run against the planted model's ledger, from the notes the run wrote — the
 * sources note (a quote marked unverified) and the critique (an `unsupported` issue) — exactly
 * as a person would see them.
 */

export interface DomainNotes {
  domain: string;
  sources: string;
  critique: string;
}

export interface Row {
  kind: string;
  level: 'digest quote' | 'distillate claim';
  /** true: an error the checks should catch; false: correct evidence they must leave alone. */
  planted: boolean;
  count: number;
  /** Errors caught, or correct items falsely flagged. */
  flagged: number;
}

export interface Miss {
  kind: string;
  domain: string;
  where: string;
  what: string;
  how?: string;
  quote?: string;
}

/** Block ids of the key points marked unverified in a sources note (`s3-2`). */
export function unverifiedPoints(sourcesNote: string): Set<string> {
  const out = new Set<string>();
  for (const m of sourcesNote.matchAll(/^- .*\(unverified: [^)]*\) \^(s\d+-\d+)$/gm)) out.add(m[1]!);
  return out;
}

/** Every point block id present in a sources note, verified or not. */
export function allPoints(sourcesNote: string): Set<string> {
  return new Set([...sourcesNote.matchAll(/ \^(s\d+-\d+)$/gm)].map((m) => m[1]!));
}

/** The `unsupported` issues of a critique, by the claim they name. */
export function unsupportedClaims(critique: string): Set<string> {
  return new Set([...critique.matchAll(/^- \[ \] \*\*unsupported\*\*: (.*?) — /gm)].map((m) => m[1]!));
}

const QUOTE_ROWS: { kind: PlantedQuote['kind']; label: string; planted: boolean }[] = [
  { kind: 'fabricated', label: 'fabricated quote', planted: true },
  { kind: 'wrong-source', label: 'quote from the wrong source', planted: true },
  { kind: 'verbatim', label: 'correct quote, verbatim', planted: false },
  { kind: 'retyped', label: 'correct quote, re-typed (quotes, dashes, spaces, ellipsis, case)', planted: false },
];

const CLAIM_ROWS: { kind: PlantedClaim['kind']; label: string; planted: boolean }[] = [
  { kind: 'unknown-id', label: 'citation of an unknown id', planted: true },
  { kind: 'source-lacks-quote', label: 'claim citing a source that lacks its quote', planted: true },
  { kind: 'grounded', label: 'correct claim', planted: false },
  { kind: 'unknown-point', label: 'citation of a key point id that does not exist (S3.91)', planted: true },
  { kind: 'unverified-point', label: 'citation of a key point whose quote is unverified', planted: true },
  { kind: 'grounded-point', label: 'correct claim citing a verified key point by id', planted: false },
];

export function score(ledger: Ledger, notes: DomainNotes[]): { rows: Row[]; misses: Miss[] } {
  const byDomain = new Map(notes.map((n) => [n.domain, n]));
  const misses: Miss[] = [];
  const rows: Row[] = [];
  const quoteFlagged = (q: PlantedQuote): boolean | null => {
    const n = byDomain.get(q.domain);
    const id = `${q.sourceId.toLowerCase()}-${q.point}`;
    if (!n || !allPoints(n.sources).has(id)) return null;
    return unverifiedPoints(n.sources).has(id);
  };
  for (const r of QUOTE_ROWS) {
    const qs = ledger.quotes.filter((q) => q.kind === r.kind);
    let flagged = 0;
    for (const q of qs) {
      const f = quoteFlagged(q);
      if (f) flagged++;
      if (f !== r.planted) {
        misses.push({ kind: r.label, domain: q.domain, where: `${q.sourceId}.${q.point} (${q.title})`, what: f === null ? 'not in the sources note' : r.planted ? 'not caught' : 'falsely flagged', how: q.how || undefined, quote: q.quote });
      }
    }
    rows.push({ kind: r.label, level: 'digest quote', planted: r.planted, count: qs.length, flagged });
  }
  for (const r of CLAIM_ROWS) {
    const cs = ledger.claims.filter((c) => c.kind === r.kind);
    let flagged = 0;
    for (const c of cs) {
      const issues = unsupportedClaims(byDomain.get(c.domain)?.critique ?? '');
      const f = issues.has(c.label) || c.cites.some((id) => issues.has(`Claims citing ${id}`));
      if (f) flagged++;
      if (f !== r.planted) misses.push({ kind: r.label, domain: c.domain, where: c.label, what: r.planted ? 'not caught' : 'falsely flagged' });
    }
    rows.push({ kind: r.label, level: 'distillate claim', planted: r.planted, count: cs.length, flagged });
  }
  return { rows, misses };
}

const pct = (a: number, b: number) => (b === 0 ? '—' : `${Math.round((a / b) * 1000) / 10}%`);

/** The results as a Markdown table: planted errors with how many were caught, correct evidence with how many were falsely flagged. */
export function table(rows: Row[]): string {
  const lines = ['| level | kind | planted | caught | falsely flagged |', '|---|---|---:|---:|---:|'];
  for (const r of rows) {
    if (r.planted) lines.push(`| ${r.level} | ${r.kind} | ${r.count} | ${r.flagged} (${pct(r.flagged, r.count)}) | — |`);
    else lines.push(`| ${r.level} | ${r.kind} (not an error) | ${r.count} correct | — | ${r.flagged} (${pct(r.flagged, r.count)}) |`);
  }
  return lines.join('\n');
}
