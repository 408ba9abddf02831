/**
 * Evidence and probation (DESIGN §1): how a domain earns and loses automation from measured
 * outcomes, derived from the journal and the proposals, never by writing a trust key. Pure: the
 * shells gather the facts (agents/evidence.ts) and the map derives mode and suggestion from them.
 */

/** One automated change of a domain (journaled `by: agent`), as the evidence counts it. */
export interface AutomatedChange {
  id: string;
  time: string;
  /** Undone through Groundwork's undo. */
  undone: boolean;
  /** The note's text is again what the change replaced (a person put it back by hand). */
  reverted: boolean;
}

/** How the person settled one proposal of a domain. */
export interface ProposalOutcome {
  time: string;
  outcome: 'accepted' | 'accepted-edited' | 'rejected';
}

export interface EvidenceFacts {
  /** ISO time counting starts from: the latest recorded sign-off, else the `signed-off` date. */
  since: string | null;
  changes: AutomatedChange[];
  proposals: ProposalOutcome[];
  /** Vault paths of sources whose text changed since their digest. */
  sourcesChanged: string[];
  /** Share 0–1 of digest quotes found verbatim in their sources; null when unknown or none. */
  quotesVerified: number | null;
}

export interface Evidence {
  applied: number;
  undone: number;
  reverted: number;
  accepted: number;
  rejected: number;
  quotesVerified: number | null;
}

/** The last this many automated changes are weighed, and this many bad ones put a domain on probation. */
export const PROBATION_WINDOW = 10;
export const PROBATION_THRESHOLD = 2;

/** The last proposals weighed for a suggestion to research and sign off. */
const SUGGEST_WINDOW = 10;
const SUGGEST_MIN_UNCHANGED = 9;

export const NO_EVIDENCE: EvidenceFacts = Object.freeze({ since: null, changes: [], proposals: [], sourcesChanged: [], quotesVerified: null });

/** The moment counting starts: the latest recorded sign-off time, or the start of the `signed-off` day. */
export function countingSince(recordedSignOff: string | null, signedOffDate: string | null): string | null {
  const fromDate = signedOffDate ? `${signedOffDate}T00:00:00.000Z` : null;
  // A sign-off typed by hand on a later day than the last recorded one starts a new count too.
  if (recordedSignOff && fromDate) return recordedSignOff > fromDate ? recordedSignOff : fromDate;
  return recordedSignOff ?? fromDate;
}

function sinceSignOff(facts: EvidenceFacts): AutomatedChange[] {
  const since = facts.since;
  return facts.changes.filter((c) => since === null || c.time >= since).sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
}

export function evidenceOf(facts: EvidenceFacts): Evidence {
  const changes = sinceSignOff(facts);
  return {
    applied: changes.length,
    undone: changes.filter((c) => c.undone).length,
    reverted: changes.filter((c) => !c.undone && c.reverted).length,
    accepted: facts.proposals.filter((p) => p.outcome !== 'rejected').length,
    rejected: facts.proposals.filter((p) => p.outcome === 'rejected').length,
    quotesVerified: facts.quotesVerified,
  };
}

/** The bad changes among the last PROBATION_WINDOW automated changes since the sign-off. */
export function probationCount(facts: EvidenceFacts): { bad: number; window: number; undone: number; reverted: number } {
  const last = sinceSignOff(facts).slice(-PROBATION_WINDOW);
  const undone = last.filter((c) => c.undone).length;
  const reverted = last.filter((c) => !c.undone && c.reverted).length;
  return { bad: undone + reverted, window: last.length, undone, reverted };
}

export function onProbation(facts: EvidenceFacts): boolean {
  return probationCount(facts).bad >= PROBATION_THRESHOLD;
}

export interface SuggestionInput {
  mode: 'propose' | 'assist' | 'automate';
  probation: boolean;
  signedOff: boolean;
  staleReason: string | null;
  facts: EvidenceFacts;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One sentence on what the evidence suggests, or null. It only ever suggests: nothing here
 * changes a key, a mode or a note.
 */
export function suggestionFor(s: SuggestionInput): string | null {
  if (s.probation) {
    const p = probationCount(s.facts);
    const were = (n: number) => `${plural(n, 'automated change')} ${n === 1 ? 'was' : 'were'}`;
    const what =
      p.reverted === 0 ? `${were(p.undone)} undone` : p.undone === 0 ? `${were(p.reverted)} reverted by hand` : `${p.bad} of the last ${p.window} automated changes were undone or reverted by hand`;
    return `On probation since ${what}: review, then sign off again.`;
  }
  if (s.facts.sourcesChanged.length > 0 && s.signedOff) {
    return `${plural(s.facts.sourcesChanged.length, 'source')} changed since ${s.facts.sourcesChanged.length === 1 ? 'its' : 'their'} digest: run the "re-check sources" routine or research again, then review.`;
  }
  if (s.staleReason && s.signedOff) return `${s.staleReason}: review, then sign off again.`;
  if (s.mode !== 'automate') {
    const last = [...s.facts.proposals].sort((a, b) => a.time.localeCompare(b.time)).slice(-SUGGEST_WINDOW);
    const unchanged = last.filter((p) => p.outcome === 'accepted').length;
    if (last.length >= SUGGEST_WINDOW && unchanged >= SUGGEST_MIN_UNCHANGED) {
      return `${unchanged} of the last ${last.length} proposals accepted unchanged: research and sign-off could move it to automate.`;
    }
  }
  return null;
}
