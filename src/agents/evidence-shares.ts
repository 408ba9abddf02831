import { readDistillate } from '../core/distillate';
import { groundDistillate, quotesVerifiedShare, shareValue } from '../core/grounding';
import type { IdentifiedSource } from './render';
import { quoteCounts, verifiedQuotes } from './scout';

export type EvidenceShares = Record<'quotes-verified' | 'claims-grounded', number | null>;

/**
 * The distillate's `quotes-verified` and `claims-grounded` (DESIGN §1), computed by code from
 * the digests of the sources as they are now: research writes them with the distillate, and a
 * re-check writes them again, since a changed source can leave a quote it no longer contains.
 */
export function evidenceShares(sources: IdentifiedSource[], distBody: string, known: ReadonlySet<string>): EvidenceShares {
  const counts = sources.filter((s) => s.digest && !s.error).map((s) => quoteCounts(s.digest!));
  const grounding = groundDistillate(readDistillate(distBody), known, verifiedQuotes(sources));
  return { 'quotes-verified': shareValue(quotesVerifiedShare(counts)), 'claims-grounded': shareValue(grounding.share) };
}
