import { ItemView, type WorkspaceLeaf } from 'obsidian';
import { ModelSettings, type SettingsHost } from './model-settings';

export const VIEW_TYPE_WELCOME = 'groundwork-welcome';

/** What the welcome view needs from the plugin. */
export interface WelcomeHost extends SettingsHost {
  adoptPicked(): Promise<void>;
  openMap(): Promise<unknown>;
  /** Domains not researched yet, to offer research on. */
  unexploredDomains(): Promise<{ name: string; path: string }[]>;
  researchFlow(path: string): Promise<void>;
}

/**
 * The first run, as a guide: connect a model (the dropdown fills from the server's list after
 * Test connection), set its price and a budget, adopt a note as a domain, research it. It opens
 * on first enable and stays out of the way once finished or skipped.
 */
export class WelcomeView extends ItemView {
  readonly model: ModelSettings;

  constructor(
    leaf: WorkspaceLeaf,
    private readonly host: WelcomeHost,
  ) {
    super(leaf);
    this.model = new ModelSettings(this.app, host, () => void this.render());
  }

  getViewType(): string {
    return VIEW_TYPE_WELCOME;
  }

  getDisplayText(): string {
    return 'Getting started';
  }

  override getIcon(): string {
    return 'map';
  }

  override async onOpen(): Promise<void> {
    await this.render();
  }

  /** Resolves when rendered (the research step lists the vault's domains). */
  async render(): Promise<void> {
    const el = this.contentEl;
    el.empty();
    el.addClass('groundwork-welcome');
    el.createEl('h2', { text: 'Getting started' });
    el.createEl('p', {
      text: 'Groundwork lets agents work in your vault as far as your own understanding allows: they only propose where you are still learning, draft where a domain is critical, and act on their own only where you have signed a domain off.',
    });

    const step1 = this.step(el, 1, 'Connect a model', 'Choose your server, test the connection, then pick a model from its list.');
    this.model.render(step1);

    const step2 = this.step(el, 2, 'Adopt a note as a domain', 'A domain is a note about an area you work in. Notes whose "domain" property links to it join it.');
    this.button(step2, 'Choose a note…', () => void this.host.adoptPicked());

    const step3 = this.step(el, 3, 'Research it', 'The scout gathers sources, the distiller writes a distillate, the critic checks it. You see the dry run — sources, calls, tokens, cost — before anything is sent.');
    const domains = await this.host.unexploredDomains();
    if (domains.length === 0) step3.createEl('p', { cls: 'groundwork-muted', text: 'Adopt a note first: it will appear here.' });
    for (const d of domains.slice(0, 5)) this.button(step3, `Research ${d.name}`, () => void this.host.researchFlow(d.path));

    const done = el.createDiv({ cls: 'groundwork-welcome-done' });
    this.button(
      done,
      'Done: open the autonomy map',
      () =>
        void (async () => {
          await this.host.trySettings({ onboardingDone: true });
          await this.host.openMap();
          this.leaf.detach();
        })(),
      true,
    );
    this.button(done, 'Skip for now', () =>
      void (async () => {
        await this.host.trySettings({ onboardingDone: true });
        this.leaf.detach();
      })(),
    );
  }

  private step(parent: HTMLElement, n: number, title: string, text: string): HTMLElement {
    const box = parent.createDiv({ cls: 'groundwork-welcome-step' });
    box.createEl('h3', { text: `${n}. ${title}` });
    box.createEl('p', { cls: 'groundwork-muted', text });
    return box;
  }

  private button(parent: HTMLElement, text: string, onClick: () => void, cta = false): HTMLButtonElement {
    const b = parent.createEl('button', { text, cls: cta ? 'mod-cta' : undefined });
    this.registerDomEvent(b, 'click', (evt) => {
      evt.preventDefault();
      onClick();
    });
    return b;
  }
}
