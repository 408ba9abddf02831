import { noteConfidence, readTrust, type Trust } from './trust';
import { decideMode } from './policy';
import type { NoteRecord } from './note-record';

/**
 * Sign-off rules (DESIGN §1): what blocks signing a domain off, when a sign-off has gone stale,
 * and the derived stage. Inputs are the domain's generated notes, already located.
 */

export interface DomainArtifacts {
  sources: NoteRecord | null;
  distillate: NoteRecord | null;
  critique: NoteRecord | null;
  skeleton: NoteRecord | null;
}

export type Stage = 'unexplored' | 'researched' | 'critiqued' | 'mapped' | 'signed-off';

/** A step of the cycle a button can start; a blocker that needs one names it. */
export type CycleStep = 'research' | 'critique' | 'skeleton';

/**
 * One thing that blocks the sign-off: either a note the person must read or edit (`path`), or a
 * step of the cycle that has not run (`step`). The map turns each into a link or a button.
 */
export interface Blocker {
  text: string;
  path: string | null;
  step: CycleStep | null;
}

export function signOffBlockerItems(a: DomainArtifacts): Blocker[] {
  const out: Blocker[] = [];
  if (!a.distillate) out.push({ text: 'No distillate yet: run research first', path: null, step: 'research' });
  else if (noteConfidence(a.distillate.frontmatter) !== 'high')
    out.push({ text: `Raise the distillate's confidence to high once you have read it (${a.distillate.path})`, path: a.distillate.path, step: null });
  if (!a.critique) out.push({ text: 'No critique yet: run the critic on the distillate', path: null, step: 'critique' });
  else if (a.critique.openTasks > 0)
    out.push({
      text: `${a.critique.openTasks} open critique issue${a.critique.openTasks === 1 ? '' : 's'}: tick or delete each task in ${a.critique.path}`,
      path: a.critique.path,
      step: null,
    });
  if (!a.skeleton) out.push({ text: 'No skeleton yet: draft the 3-level map', path: null, step: 'skeleton' });
  else if (noteConfidence(a.skeleton.frontmatter) === 'low')
    out.push({ text: `Review the skeleton and raise its confidence to at least medium (${a.skeleton.path})`, path: a.skeleton.path, step: null });
  return out;
}

export function signOffBlockers(a: DomainArtifacts): string[] {
  return signOffBlockerItems(a).map((b) => b.text);
}

/** Why a sign-off no longer holds, or null when it is fresh (or there is none). */
export function staleReason(trust: Trust, a: DomainArtifacts): string | null {
  if (!trust.signedOff) return null;
  if (trust.signedOffDistillate) {
    if (!a.distillate) return 'The signed-off distillate is gone';
    if (a.distillate.fingerprint !== trust.signedOffDistillate) return 'The distillate changed since the sign-off';
  }
  const critique = a.critique;
  // A critique made on or after the sign-off day with open issues reopens the question.
  if (critique && critique.openTasks > 0 && critique.generated && critique.generated.slice(0, 10) >= trust.signedOff)
    return 'A critique newer than the sign-off has open issues';
  return null;
}

export function stageOf(trust: Trust, a: DomainArtifacts, stale: boolean): Stage {
  if (trust.signedOff && !stale && trust.invalid.length === 0) return 'signed-off';
  if (a.skeleton) return 'mapped';
  if (a.critique) return 'critiqued';
  if (a.sources && a.distillate) return 'researched';
  return 'unexplored';
}

/**
 * What a sign-off leaves the domain's agents allowed to do, said before the person confirms: a
 * critical domain or one capped by `autonomy` does not reach automation, and a dialog that
 * promised it would misstate what the person is signing.
 */
export function afterSignOffText(fm: Record<string, unknown> | null, date: string, fingerprint: string | null): string {
  const signed = { ...(fm ?? {}), confidence: 'high', 'signed-off': date, ...(fingerprint !== null ? { 'signed-off-distillate': fingerprint } : {}) };
  const { trust } = readTrust('', signed);
  // A new sign-off restarts the probation count, so it is fresh and not on probation.
  const { mode, reason } = decideMode({ trust, freshSignOff: true, probation: false });
  if (mode === 'automate') return 'Then agents may act in this domain on their own, with a critic checking every change; each change is journaled and can be undone.';
  const what = mode === 'assist' ? 'agents draft and you edit and accept' : 'agents only propose options and you decide';
  if (reason === 'critical') return `It stays in the assist zone because it is critical: ${what}.`;
  if (reason === 'invalid-trust-value') return `A trust value is invalid, so it stays in the tension zone until you fix it: ${what}.`;
  return `Its autonomy key caps it at ${mode}: ${what}.`;
}
