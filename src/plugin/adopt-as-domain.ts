import { Modal, Notice, Setting, SuggestModal, TFolder, type App, type Plugin } from 'obsidian';
import { adoptRule, planRule, type RulePlan } from '../agents/adopt-rule';
import type { AgentContext } from '../agents/context';
import { basename, isInside } from '../core/layout';
import { ruleText, type IncludeRule } from '../core/membership';
import type { LiveModel } from './live-model';
import { describe } from './agent-runner';

/**
 * "Adopt as domain" on a folder (the file explorer's folder menu) or on a tag (a command with a
 * tag picker): shows which notes would join and which note gets the `include` rule, and writes
 * the rule only when the person confirms.
 */

const PREVIEW_NAMES = 8;

export function registerAdoptAsDomain(plugin: Plugin, live: LiveModel, context: () => Promise<AgentContext>, outputFolder: () => string): void {
  const app = plugin.app;
  const preview = async (rule: IncludeRule): Promise<void> => {
    try {
      const model = await live.ensure();
      const plan = planRule(model, rule);
      if (plan.already) {
        new Notice(`Groundwork: ${plan.domainPath} already includes ${ruleText(rule)}.`);
        return;
      }
      new AdoptRuleModal(app, plan, () => write(plan)).open();
    } catch (err) {
      new Notice(`Groundwork: ${describe(err)}`, 0);
    }
  };
  const write = async (plan: RulePlan): Promise<void> => {
    try {
      const ctx = await context();
      // Planned against the model of a moment ago: plan again, so the note written is the one shown.
      const fresh = planRule(ctx.model, plan.rule);
      await adoptRule(ctx, fresh);
      live.notify();
      new Notice(`Groundwork: ${basename(fresh.domainPath)} now includes ${ruleText(plan.rule)} (${fresh.joining.length} note${fresh.joining.length === 1 ? '' : 's'} joined).`);
    } catch (err) {
      new Notice(`Groundwork: Adopt as domain failed. ${describe(err)}`, 0);
    }
  };

  plugin.registerEvent(
    app.workspace.on('file-menu', (menu, file) => {
      if (!(file instanceof TFolder) || file.isRoot() || isInside(file.path, outputFolder())) return;
      menu.addItem((item) =>
        item
          .setTitle('Adopt as domain')
          .setIcon('target')
          .onClick(() => void preview({ kind: 'folder', folder: file.path })),
      );
    }),
  );
  plugin.addCommand({
    id: 'adopt-tag-as-domain',
    name: 'Adopt a tag as a domain',
    callback: () =>
      void live.ensure().then((model) => {
        const counts = new Map<string, number>();
        for (const r of model.all()) if (r.role === null) for (const t of r.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
        const tags = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
        new TagPicker(app, tags, (tag) => void preview({ kind: 'tag', tag })).open();
      }),
  });
}

/** The plan in plain words: which note, which rule, how many notes join, the first of them. */
export class AdoptRuleModal extends Modal {
  /** The write started by "Adopt" (tests await it). */
  writing: Promise<void> | null = null;

  constructor(
    app: App,
    private readonly plan: RulePlan,
    private readonly confirm: () => Promise<void>,
  ) {
    super(app);
  }

  override onOpen(): void {
    const { plan } = this;
    const rule = ruleText(plan.rule);
    const el = this.contentEl;
    this.setTitle(`Adopt ${rule} as a domain`);
    const n = plan.joining.length;
    el.createEl('p', { text: n === 0 ? 'No note would join yet: the rule also takes notes added later.' : `${n} note${n === 1 ? '' : 's'} would join ${basename(plan.domainPath)}:` });
    if (n > 0) {
      const list = el.createEl('ul', { cls: 'groundwork-adopt-preview' });
      for (const p of plan.joining.slice(0, PREVIEW_NAMES)) list.createEl('li', { text: basename(p) });
      if (n > PREVIEW_NAMES) list.createEl('li', { text: `and ${n - PREVIEW_NAMES} more`, cls: 'groundwork-muted' });
    }
    const what = plan.create
      ? `Creates ${plan.domainPath} as a domain (confidence low) with include: "${rule}".`
      : plan.adopt
        ? `Makes ${plan.domainPath} a domain (confidence low where none is set) and adds include: "${rule}".`
        : `Adds include: "${rule}" to ${plan.domainPath}.`;
    el.createEl('p', { text: what, cls: 'groundwork-muted' });
    new Setting(el)
      .addButton((b) =>
        b
          .setButtonText('Adopt')
          .setCta()
          .onClick(() => {
            this.close();
            this.writing = this.confirm();
          }),
      )
      .addButton((b) => b.setButtonText('Cancel').onClick(() => this.close()));
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

class TagPicker extends SuggestModal<[string, number]> {
  constructor(
    app: App,
    private readonly tags: [string, number][],
    private readonly pick: (tag: string) => void,
  ) {
    super(app);
    this.setPlaceholder('Choose a tag: its notes join the domain');
  }

  getSuggestions(query: string): [string, number][] {
    const q = query.replace(/^#/, '').toLowerCase();
    return this.tags.filter(([t]) => t.includes(q)).slice(0, 100);
  }

  renderSuggestion([tag, count]: [string, number], el: HTMLElement): void {
    el.createDiv({ text: `#${tag}` });
    el.createEl('small', { text: `${count} note${count === 1 ? '' : 's'}`, cls: 'groundwork-muted' });
  }

  onChooseSuggestion([tag]: [string, number]): void {
    this.pick(tag);
  }
}
