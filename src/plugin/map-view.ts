import { ItemView, type WorkspaceLeaf } from 'obsidian';
import { ZONES } from '../core/map-render';
import { blockerLinkText, cardFacts, nextStep, NEXT_STEP_LABEL, showsCritical, zoneTitle, type NextStep } from '../core/domain-card';
import type { AutonomyMap, DomainDetail } from '../core/vault-model';
import type { LiveModel } from './live-model';
import { renderEvidence } from './evidence-card';

export const VIEW_TYPE_AUTONOMY_MAP = 'groundwork-autonomy-map';

/** What the map's buttons start; the plugin supplies them, so the view holds no workflow logic. */
export interface MapActions {
  step(step: NextStep, domainPath: string): void;
  /** Pick a note and adopt it as a domain (with a preview of the notes that would join). */
  adoptPicked(): void;
  /** Adopt this note as a domain (with the preview). */
  adopt(notePath: string): void;
  openInbox(): void;
  openNote(path: string): void;
}

const NOT_A_DOMAIN = /links to (.+), which is not a domain note/;

/**
 * The autonomy map as the home of the workflow: zones, and per domain its facts, the next step
 * as a button, what blocks its sign-off as links to the notes that clear it, and its pending
 * proposals. It follows the vault live.
 */
export class AutonomyMapView extends ItemView {
  private unsubscribe: (() => void) | null = null;
  /** A domain to scroll to and mark, once rendered (the file menu's "Show on autonomy map"). */
  private highlight: string | null = null;
  private last: AutonomyMap | null = null;

  constructor(
    leaf: WorkspaceLeaf,
    private readonly live: LiveModel,
    private readonly actions: MapActions,
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

  /** Marks a domain's card and scrolls to it. */
  show(domainPath: string): void {
    this.highlight = domainPath;
    if (this.last) this.render(this.last);
  }

  render(map: AutonomyMap): void {
    this.last = map;
    const el = this.contentEl;
    el.empty();
    const head = el.createDiv({ cls: 'groundwork-map-head' });
    head.createEl('h2', { text: 'Autonomy map' });
    const tools = head.createDiv({ cls: 'groundwork-map-tools' });
    this.button(tools, 'Adopt a note as domain', () => this.actions.adoptPicked());
    this.button(tools, 'Open inbox', () => this.actions.openInbox());
    if (map.domains.length === 0) {
      const empty = el.createDiv({ cls: 'groundwork-empty' });
      empty.createEl('p', { text: 'No domains yet. A domain is a note about an area you work in; adopting it lets agents research it and decide, from your own trust, what agents may do there.' });
      this.button(empty, 'Adopt a note as domain', () => this.actions.adoptPicked(), true);
    }
    for (const zone of ZONES) {
      const domains = map.domains.filter((d) => d.mode === zone.mode);
      const section = el.createDiv({ cls: `groundwork-zone groundwork-zone-${zone.mode}` });
      const zhead = section.createDiv({ cls: 'groundwork-zone-head' });
      zhead.createEl('h3', { text: `${zone.title} (${domains.length})` });
      zhead.createEl('p', { text: zone.hint, cls: 'groundwork-muted' });
      for (const d of domains) this.renderDomain(section, d);
    }
    if (map.problems.length > 0) {
      const section = el.createDiv({ cls: 'groundwork-problems' });
      section.createEl('h3', { text: `Problems (${map.problems.length})` });
      const list = section.createEl('ul');
      const offered = new Set<string>();
      for (const p of map.problems) {
        const li = list.createEl('li');
        this.noteLink(li, p.path, p.path);
        li.appendText(`: ${p.message}`);
        // A note that others link as their domain but is not one: the fix is to adopt it.
        const target = NOT_A_DOMAIN.exec(p.message)?.[1];
        if (target && !offered.has(target)) {
          offered.add(target);
          li.appendText(' ');
          this.button(li, `Adopt ${target.replace(/\.md$/i, '')} as domain`, () => this.actions.adopt(target));
        }
      }
    }
    if (this.highlight) {
      const card = [...el.querySelectorAll<HTMLElement>('.groundwork-domain')].find((c) => c.getAttribute('data-domain-path') === this.highlight);
      card?.addClass('is-highlighted');
      card?.scrollIntoView?.({ block: 'center' });
    }
  }

  private renderDomain(parent: HTMLElement, d: DomainDetail): void {
    const card = parent.createDiv({ cls: 'groundwork-domain', attr: { 'data-domain-path': d.path } });
    const title = card.createDiv({ cls: 'groundwork-domain-title' });
    this.noteLink(title, d.path, d.name);
    title.createSpan({ cls: `groundwork-badge groundwork-badge-${d.mode}`, text: d.mode, attr: { title: zoneTitle(d.mode), 'data-zone': zoneTitle(d.mode) } });
    if (showsCritical(d)) title.createSpan({ cls: 'groundwork-badge groundwork-badge-critical', text: 'critical' });
    card.createDiv({ cls: 'groundwork-domain-facts groundwork-muted', text: cardFacts(d) });

    const kinds = (['sources', 'distillate', 'critique', 'skeleton'] as const).filter((k) => d.artifacts[k]);
    if (kinds.length > 0) {
      const links = card.createDiv({ cls: 'groundwork-artifacts' });
      for (const k of kinds) this.noteLink(links, d.artifacts[k]!, k);
    }
    // Why the domain stands where it does (outcomes, changed sources, a suggestion), just above what to do next.
    // Said once on the card: the pending proposals get their own link, open issues their blocker.
    const listsIssues = d.stage !== 'unexplored' && d.blockerItems.some((b) => b.path !== null && b.path === d.artifacts.critique);
    renderEvidence(card, d, (parent, path, label) => this.noteLink(parent, path, label), { pending: d.pendingPaths.length > 0, openIssues: listsIssues });

    const step = nextStep(d);
    const actions = card.createDiv({ cls: 'groundwork-next' });
    actions.createSpan({ cls: 'groundwork-muted', text: 'Next step:' });
    this.button(actions, NEXT_STEP_LABEL[step], () => this.actions.step(step, d.path), true).addClass(`groundwork-step-${step}`);
    if (step !== 'task') this.button(actions, NEXT_STEP_LABEL.task, () => this.actions.step('task', d.path)).addClass('groundwork-step-task');

    // Before research every blocker says "run research": the button says it once.
    const blockers = d.stage === 'unexplored' ? [] : d.blockerItems;
    if (blockers.length > 0) {
      card.createDiv({ cls: 'groundwork-subhead', text: 'Before the sign-off' });
      const ul = card.createEl('ul', { cls: 'groundwork-blockers' });
      for (const b of blockers) {
        const li = ul.createEl('li');
        // The link leads to the note: its path need not be spelled out in the text too.
        if (b.path) this.noteLink(li, b.path, blockerLinkText(b));
        else if (b.step) {
          const s = b.step;
          const a = li.createEl('a', { text: b.text, href: '#', cls: 'groundwork-step-link' });
          this.registerDomEvent(a, 'click', (evt) => {
            evt.preventDefault();
            this.actions.step(s, d.path);
          });
        } else li.setText(b.text);
      }
    }

    if (d.pendingPaths.length > 0) {
      const pending = card.createDiv({ cls: 'groundwork-pending' });
      const a = pending.createEl('a', { href: '#', text: `${d.pendingPaths.length} pending proposal${d.pendingPaths.length === 1 ? '' : 's'}: review in the inbox` });
      this.registerDomEvent(a, 'click', (evt) => {
        evt.preventDefault();
        this.actions.openInbox();
      });
    }
  }

  private button(parent: HTMLElement, text: string, onClick: () => void, cta = false): HTMLButtonElement {
    const b = parent.createEl('button', { text, cls: cta ? 'mod-cta' : undefined });
    this.registerDomEvent(b, 'click', (evt) => {
      evt.preventDefault();
      onClick();
    });
    return b;
  }

  private noteLink(parent: HTMLElement, path: string, label: string): void {
    const a = parent.createEl('a', { text: label, cls: 'internal-link', href: '#', attr: { 'data-href': path } });
    this.registerDomEvent(a, 'click', (evt) => {
      evt.preventDefault();
      this.actions.openNote(path);
    });
  }
}
