import { evidenceFacts } from '../core/map-render';
import type { DomainDetail } from '../core/vault-model';

/**
 * Why a domain is in its zone, on its map card: the measured outcomes, changed sources and a
 * suggestion. A function of its own so any card layout can place it with one call.
 */
export function renderEvidence(
  card: HTMLElement,
  d: DomainDetail,
  link: (parent: HTMLElement, path: string, label: string) => void,
  said: { pending?: boolean; openIssues?: boolean } = {},
): void {
  const facts = evidenceFacts(d, said);
  if (facts.length === 0 && !d.suggestion && !d.probation) return;
  const box = card.createDiv({ cls: 'groundwork-evidence' });
  if (d.probation) box.createSpan({ cls: 'groundwork-badge groundwork-badge-probation', text: 'on probation' });
  if (facts.length > 0) box.createDiv({ cls: 'groundwork-evidence-facts groundwork-muted', text: facts.join(' · ') });
  if (d.sourcesChanged.length > 0) {
    const changed = box.createDiv({ cls: 'groundwork-evidence-sources' });
    changed.appendText('Changed: ');
    d.sourcesChanged.forEach((p, i) => {
      if (i > 0) changed.appendText(', ');
      link(changed, p, p.slice(p.lastIndexOf('/') + 1).replace(/\.md$/i, ''));
    });
  }
  if (d.suggestion) box.createDiv({ cls: 'groundwork-suggestion', text: d.suggestion });
}
