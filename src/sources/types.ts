import { normalizeBody } from '../core/frontmatter';
import { sha256Hex } from '../core/fingerprint';

/**
 * What the scout reads: notes of the vault and web pages, each reduced to readable text. The
 * shape is the same for both so the sources note lists them side by side, failures included.
 */

export type SourceKind = 'note' | 'web';

export interface GatheredSource {
  kind: SourceKind;
  /** Vault path for notes, absolute http(s) URL for web pages. */
  ref: string;
  title: string;
  /** Readable text (markdown body for notes, main text for pages), capped. */
  text: string;
  /** `sha256:` + 12 hex of the normalized text (use sha256Hex from src/core/fingerprint.ts). */
  fingerprint: string;
  /** Why the scout picked it: 'domain note' | 'link' | 'backlink' | 'member' | 'full-text' | 'url' | 'search', or the domain's own generated note's kind ('distillate', 'skeleton'…). */
  reason: string;
  /** For vault notes: the scout's ranking score, 0–1 (relevance to the domain with link distance). */
  score?: number;
  /** For failed sources, a plain reason ('HTTP 404', 'timed out after 15 s', 'not text (image/png)', 'larger than 2 MB', 'only http(s) URLs are fetched'); the text is empty. */
  error?: string;
}

/** A gathered source with its citation id (`S1`…`Sn`), as the scout numbers them. */
export type NumberedSource = GatheredSource & { id: string };

/**
 * Default cap on a source's text: a long article or a short paper whole. A source longer than
 * one digest call can take is split into parts, not cut; this cap only bounds the cost of one
 * source, and text past it is marked as cut.
 */
export const DEFAULT_MAX_CHARS = 100_000;

/**
 * The fingerprint of a source's text. Line endings and trailing blanks are normalized first, so
 * the same page fetched on Windows and on Linux gets the same fingerprint.
 */
export function sourceFingerprint(text: string): string {
  return `sha256:${sha256Hex(normalizeBody(text)).slice(0, 12)}`;
}

/**
 * Cuts text at `maxChars`, at the last paragraph or line break before the cap when there is one
 * nearby, so a digest does not start from half a sentence; marks the cut so readers know.
 */
export function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = text.slice(0, maxChars);
  const floor = Math.floor(maxChars * 0.8);
  let cut = head.lastIndexOf('\n\n');
  if (cut < floor) cut = head.lastIndexOf('\n');
  if (cut < floor) cut = head.lastIndexOf(' ');
  if (cut < floor) cut = maxChars;
  return `${head.slice(0, cut).trimEnd()}\n\n[…cut at ${maxChars} characters]`;
}

/** A failed source: empty text, the reason in `error`, so the list still shows what was tried. */
export function failedSource(kind: SourceKind, ref: string, reason: string, error: string, title = ref): GatheredSource {
  return { kind, ref, title, text: '', fingerprint: sourceFingerprint(''), reason, error };
}
