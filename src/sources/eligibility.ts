import { isInside } from '../core/layout';
import type { NoteRecord } from '../core/note-record';
import { noteConfidence } from '../core/trust';

/**
 * Whether a note may be fed to agents as a source (DESIGN §2). Agent output the person has not
 * vouched for must not come back as evidence, or the scout would cite the distiller citing the
 * scout: so generated notes still at `confidence: low` (missing or invalid counts as low) are
 * out, and so is everything under the output folder until the person raises its confidence.
 * A domain note is the person's own and always counts; its `confidence` says how well the person
 * knows the domain, not how far its text is trusted.
 */
export function isSourceEligible(record: NoteRecord, outputFolder: string): boolean {
  if (record.role === 'domain' && !isInside(record.path, outputFolder)) return true;
  const generated = record.role !== null && record.role !== 'domain';
  if (!generated && !isInside(record.path, outputFolder)) return true;
  return noteConfidence(record.frontmatter) !== 'low';
}
