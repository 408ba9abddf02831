import { noteConfidence, type Trust } from './trust';
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

export function signOffBlockers(a: DomainArtifacts): string[] {
  const blockers: string[] = [];
  if (!a.distillate) blockers.push('No distillate yet: run research first');
  else if (noteConfidence(a.distillate.frontmatter) !== 'high')
    blockers.push(`Raise the distillate's confidence to high once you have read it (${a.distillate.path})`);
  if (!a.critique) blockers.push('No critique yet: run the critic on the distillate');
  else if (a.critique.openTasks > 0)
    blockers.push(`${a.critique.openTasks} open critique issue${a.critique.openTasks === 1 ? '' : 's'}: tick or delete each task in ${a.critique.path}`);
  if (!a.skeleton) blockers.push('No skeleton yet: draft the 3-level map');
  else if (noteConfidence(a.skeleton.frontmatter) === 'low')
    blockers.push(`Review the skeleton and raise its confidence to at least medium (${a.skeleton.path})`);
  return blockers;
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
