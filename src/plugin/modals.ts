import { Modal, Setting, type App } from 'obsidian';
import { lineDiff } from '../core/line-diff';
import type { SignOffReport } from '../agents/signoff';
import type { InboxItem, ParsedOption } from '../agents/proposals';

/** Asks for the task of "Run a task in this domain". */
export class TaskModal extends Modal {
  private task = '';

  constructor(
    app: App,
    private readonly domain: string,
    private readonly note: string,
    private readonly mode: string,
    private readonly submit: (task: string) => void,
  ) {
    super(app);
  }

  override onOpen(): void {
    this.setTitle(`Run a task in ${this.domain}`);
    this.contentEl.createEl('p', { text: `On ${this.note}. Mode: ${this.mode}.`, cls: 'groundwork-muted' });
    new Setting(this.contentEl).setName('Task').addTextArea((t) => {
      t.setPlaceholder('What should the agent do?').onChange((v) => (this.task = v));
      t.inputEl.rows = 4;
      t.inputEl.addClass('groundwork-task-input');
    });
    new Setting(this.contentEl).addButton((b) =>
      b
        .setButtonText('Run')
        .setCta()
        .onClick(() => {
          if (!this.task.trim()) return;
          this.close();
          this.submit(this.task.trim());
        }),
    );
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

/** Shows what the person is signing off, and what blocks it. */
export class SignOffModal extends Modal {
  constructor(
    app: App,
    private readonly report: SignOffReport,
    private readonly confirm: () => void,
  ) {
    super(app);
  }

  override onOpen(): void {
    const r = this.report;
    const el = this.contentEl;
    this.setTitle(`Sign off ${r.domain}`);
    el.createEl('h4', { text: 'Summary of the distillate' });
    el.createEl('p', { text: r.summary ?? 'No distillate yet.' });
    el.createEl('p', { text: `Critic's verdict: ${r.verdict ?? 'no critique yet'}` });
    el.createEl('h4', { text: `Open issues (${r.openIssues.length})` });
    const issues = el.createEl('ul');
    for (const i of r.openIssues) issues.createEl('li', { text: i });
    if (r.blockers.length > 0) {
      el.createEl('h4', { text: 'What blocks the sign-off' });
      const ul = el.createEl('ul', { cls: 'groundwork-blockers' });
      for (const b of r.blockers) ul.createEl('li', { text: b });
    } else {
      el.createEl('p', { text: 'Once signed off, agents may act in this domain on their own, with a critic checking every change; each change is journaled and can be undone.' });
    }
    new Setting(el).addButton((b) => {
      b.setButtonText('Sign off').setCta().setDisabled(r.blockers.length > 0);
      b.onClick(() => {
        this.close();
        this.confirm();
      });
    });
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

/** Lets the person pick an option, see exactly what it changes, and accept it. */
export class AcceptModal extends Modal {
  private chosen: number;
  /** The diff being computed for the shown option. */
  previewing: Promise<void> = Promise.resolve();

  constructor(
    app: App,
    private readonly proposal: string,
    private readonly options: ParsedOption[],
    private readonly preview: (option: number) => Promise<{ target: string; before: string | null; after: string }>,
    private readonly accept: (option: number) => void,
  ) {
    super(app);
    this.chosen = options[0]?.n ?? 1;
  }

  override onOpen(): void {
    this.setTitle('Accept proposal');
    this.render();
  }

  private render(): void {
    const el = this.contentEl;
    el.empty();
    el.createEl('p', { text: this.proposal, cls: 'groundwork-muted' });
    if (this.options.length > 1) {
      new Setting(el).setName('Option').addDropdown((d) => {
        for (const o of this.options) d.addOption(String(o.n), `${o.n}: ${o.title}`);
        d.setValue(String(this.chosen)).onChange((v) => {
          this.chosen = Number(v);
          this.render();
        });
      });
    }
    const diffEl = el.createEl('pre', { cls: 'groundwork-diff', text: 'Computing the change…' });
    const actions = new Setting(el);
    let acceptButton: { setDisabled(d: boolean): unknown } | null = null;
    actions.addButton((b) => {
      acceptButton = b;
      b.setButtonText('Apply this change').setCta().setDisabled(true);
      b.onClick(() => {
        this.close();
        this.accept(this.chosen);
      });
    });
    this.previewing = this.preview(this.chosen).then(
      (p) => {
        diffEl.empty();
        diffEl.createDiv({ text: `${p.before === null ? 'Creates' : 'Changes'} ${p.target}`, cls: 'groundwork-muted' });
        for (const line of lineDiff(p.before ?? '', p.after)) {
          diffEl.createDiv({ text: `${line.op} ${line.text}`, cls: line.op === '+' ? 'groundwork-diff-add' : line.op === '-' ? 'groundwork-diff-del' : '' });
        }
        acceptButton?.setDisabled(false);
      },
      (err: unknown) => diffEl.setText(err instanceof Error ? err.message : String(err)),
    );
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

/** The pending proposals, each with its domain, mode and task. */
export class InboxModal extends Modal {
  constructor(
    app: App,
    private readonly items: InboxItem[],
    private readonly openNote: (path: string) => void,
  ) {
    super(app);
  }

  override onOpen(): void {
    this.setTitle(`Inbox (${this.items.length} pending)`);
    if (this.items.length === 0) this.contentEl.createEl('p', { text: 'No pending proposals.' });
    for (const i of this.items) {
      const row = this.contentEl.createDiv({ cls: 'groundwork-inbox-item' });
      const a = row.createEl('a', { text: i.task || i.id, href: '#' });
      a.addEventListener('click', (evt) => {
        evt.preventDefault();
        this.close();
        this.openNote(i.path);
      });
      row.createDiv({ cls: 'groundwork-muted', text: `${i.domain} · ${i.mode} · ${i.options} option${i.options === 1 ? '' : 's'}` });
    }
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}
