import { ItemView, type WorkspaceLeaf } from 'obsidian';
import { ZONES } from '../core/map-render';
import type { AutonomyMap, DomainDetail } from '../core/vault-model';
import type { LiveModel } from './live-model';
import { renderEvidence } from './evidence-card';

export const VIEW_TYPE_AUTONOMY_MAP = 'groundwork-autonomy-map';

const REASON_TEXT: Record<DomainDetail['reason'], string> = {
  critical: 'critical: agents only draft',
  'invalid-trust-value': 'a trust value is invalid: fail safe',
  'low-confidence': 'confidence low or unset',
  'medium-confidence': 'confidence medium',
  'not-signed-off': 'confidence high, not signed off',
  'stale-sign-off': 'the sign-off is stale',
  probation: 'on probation: automated changes were undone',
  'signed-off': 'signed off',
};

/** The autonomy map as a live view: zones, domains, what blocks each one, and the problems. */
export class AutonomyMapView extends ItemView {
  private unsubscribe: (() => void) | null = null;

  constructor(
    leaf: WorkspaceLeaf,
    private readonly live: LiveModel,
  ) {
    super(leaf);
  }

  getViewType(): string {
    return VIEW_TYPE_AUTONOMY_MAP;
  }

  getDisplayText(): string {
    return 'Autonomy map';
  }

  override getIcon(): string {
    return 'map';
  }

  override async onOpen(): Promise<void> {
    this.contentEl.addClass('groundwork-map');
    this.contentEl.createEl('p', { text: 'Reading the vault…', cls: 'groundwork-muted' });
    this.unsubscribe = this.live.onChange((map) => this.render(map));
    const model = await this.live.ensure();
    this.render(model.computeMap());
  }

  override async onClose(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  render(map: AutonomyMap): void {
    const el = this.contentEl;
    el.empty();
    el.createEl('h2', { text: 'Autonomy map' });
    if (map.domains.length === 0) {
      el.createEl('p', { text: 'No domains yet. Add "groundwork: domain" to a note\'s properties to make it one.', cls: 'groundwork-muted' });
    }
    for (const zone of ZONES) {
      const domains = map.domains.filter((d) => d.mode === zone.mode);
      const section = el.createDiv({ cls: `groundwork-zone groundwork-zone-${zone.mode}` });
      const head = section.createDiv({ cls: 'groundwork-zone-head' });
      head.createEl('h3', { text: `${zone.title} (${domains.length})` });
      head.createEl('p', { text: zone.hint, cls: 'groundwork-muted' });
      for (const d of domains) this.renderDomain(section, d);
    }
    if (map.problems.length > 0) {
      const section = el.createDiv({ cls: 'groundwork-problems' });
      section.createEl('h3', { text: `Problems (${map.problems.length})` });
      const list = section.createEl('ul');
      for (const p of map.problems) {
        const li = list.createEl('li');
        this.noteLink(li, p.path, p.path);
        li.appendText(`: ${p.message}`);
      }
    }
  }

  private renderDomain(parent: HTMLElement, d: DomainDetail): void {
    const card = parent.createDiv({ cls: 'groundwork-domain' });
    const title = card.createDiv({ cls: 'groundwork-domain-title' });
    this.noteLink(title, d.path, d.name);
    title.createSpan({ cls: `groundwork-badge groundwork-badge-${d.mode}`, text: d.mode });
    if (d.critical) title.createSpan({ cls: 'groundwork-badge groundwork-badge-critical', text: 'critical' });
    const facts = card.createDiv({ cls: 'groundwork-domain-facts groundwork-muted' });
    const signed = d.signedOff ? `signed off ${d.signedOff}${d.stale ? ' (stale)' : ''}` : 'not signed off';
    facts.setText(
      `${REASON_TEXT[d.reason]} · stage ${d.stage} · ${signed} · ${d.notes} note${d.notes === 1 ? '' : 's'} · ${d.pending} pending`,
    );
    if (d.staleReason) card.createDiv({ cls: 'groundwork-stale', text: d.staleReason });
    const kinds = (['sources', 'distillate', 'critique', 'skeleton'] as const).filter((k) => d.artifacts[k]);
    if (kinds.length > 0) {
      const links = card.createDiv({ cls: 'groundwork-artifacts' });
      for (const k of kinds) this.noteLink(links, d.artifacts[k]!, k);
    }
    renderEvidence(card, d, (parent, path, label) => this.noteLink(parent, path, label));
    if (d.blockers.length > 0 && d.stage !== 'unexplored') {
      const ul = card.createEl('ul', { cls: 'groundwork-blockers' });
      for (const b of d.blockers) ul.createEl('li', { text: b });
    }
  }

  private noteLink(parent: HTMLElement, path: string, label: string): void {
    const a = parent.createEl('a', { text: label, cls: 'internal-link', href: '#' });
    this.registerDomEvent(a, 'click', (evt) => {
      evt.preventDefault();
      void this.app.workspace.openLinkText(path, '', false);
    });
  }
}
