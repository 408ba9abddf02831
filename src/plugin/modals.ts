import { Component, FuzzySuggestModal, MarkdownRenderer, Modal, Setting, type App } from 'obsidian';
import { lineDiff } from '../core/line-diff';
import { formatWrite, verdictText, type SignOffReport } from '../agents/signoff';
import { blockerLinkText } from '../core/domain-card';
import { ruleText } from '../core/membership';
import type { ParsedOption } from '../agents/proposals';
import type { RunResult } from '../agents/research';

/** Cancel and a call-to-action, the way Obsidian's own dialogs end. */
function buttons(modal: Modal, el: HTMLElement, cta: string, onConfirm: () => void, disabled = false): HTMLButtonElement {
  const row = el.createDiv({ cls: 'modal-button-container' });
  const cancel = row.createEl('button', { text: 'Cancel' });
  cancel.addEventListener('click', () => modal.close());
  const ok = row.createEl('button', { text: cta, cls: 'mod-cta' });
  ok.disabled = disabled;
  ok.addEventListener('click', () => {
    if (ok.disabled) return;
    modal.close();
    onConfirm();
  });
  return ok;
}

function diffInto(el: HTMLElement, before: string | null, after: string, target: string): void {
  el.empty();
  el.createDiv({ text: `${before === null ? 'Creates' : 'Changes'} ${target}`, cls: 'groundwork-muted' });
  for (const line of lineDiff(before ?? '', after)) {
    el.createDiv({ text: `${line.op} ${line.text}`, cls: line.op === '+' ? 'groundwork-diff-add' : line.op === '-' ? 'groundwork-diff-del' : 'groundwork-diff-same' });
  }
}

export { diffInto };

/** Picks one note out of a given list (the domain's notes, or the vault's), by fuzzy search. */
export class NotePickerModal extends FuzzySuggestModal<string> {
  constructor(
    app: App,
    private readonly paths: string[],
    placeholder: string,
    private readonly choose: (path: string) => void,
  ) {
    super(app);
    this.setPlaceholder(placeholder);
    this.emptyStateText = 'No matching note.';
  }

  getItems(): string[] {
    return this.paths;
  }

  getItemText(path: string): string {
    return path.replace(/\.md$/i, '');
  }

  onChooseItem(path: string): void {
    this.choose(path);
  }
}

/** Asks for the task of "Run a task": on which of the domain's notes, and what to do. */
export class TaskModal extends Modal {
  private task = '';

  constructor(
    app: App,
    private readonly domain: string,
    private note: string,
    private readonly notes: string[],
    private readonly mode: string,
    private readonly submit: (task: string, note: string) => void,
  ) {
    super(app);
  }

  override onOpen(): void {
    this.setTitle(`Run a task in ${this.domain}`);
    const el = this.contentEl;
    el.addClass('groundwork-task');
    const what =
      this.mode === 'automate'
        ? 'Automate: the change is applied if the critic passes it, and can be undone.'
        : this.mode === 'assist'
          ? 'Assist: the agent drafts one change; you edit it (heading and text) in the inbox, then accept it.'
          : 'Propose: the agent offers options in the inbox; nothing changes until you pick one.';
    el.createEl('p', { text: what, cls: 'groundwork-muted' });
    const noteSetting = new Setting(el).setName('Note').setDesc(this.note.replace(/\.md$/i, ''));
    noteSetting.addButton((b) =>
      b.setButtonText('Choose…').onClick(() => {
        new NotePickerModal(this.app, this.notes, `A note of ${this.domain}`, (p) => {
          this.note = p;
          noteSetting.setDesc(p.replace(/\.md$/i, ''));
        }).open();
      }),
    );
    new Setting(el).setName('Task').addTextArea((t) => {
      t.setPlaceholder('What should the agent do?').onChange((v) => (this.task = v));
      t.inputEl.rows = 4;
      t.inputEl.addClass('groundwork-task-input');
    });
    buttons(this, el, 'Run', () => this.submit(this.task.trim(), this.note));
    const run = el.querySelector<HTMLButtonElement>('button.mod-cta')!;
    // An empty task runs nothing: the button says so instead of silently doing nothing.
    const sync = () => (run.disabled = this.task.trim() === '');
    el.querySelector('textarea')?.addEventListener('input', sync);
    sync();
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

/** Shows what the person is signing off and exactly what signing writes; confirm only when nothing blocks it. */
export class SignOffModal extends Modal {
  private readonly component = new Component();
  /** The summary being rendered. */
  rendering: Promise<void> = Promise.resolve();

  constructor(
    app: App,
    private readonly report: SignOffReport,
    private readonly confirm: () => void,
    private readonly openNote: (path: string) => void = () => {},
  ) {
    super(app);
  }

  override onOpen(): void {
    const r = this.report;
    const el = this.contentEl;
    el.addClass('groundwork-signoff');
    this.component.load();
    this.setTitle(`Sign off ${r.domain}`);
    el.createEl('h4', { text: 'Summary of the distillate' });
    const summary = el.createDiv({ cls: 'groundwork-summary markdown-rendered' });
    if (r.summary) this.rendering = MarkdownRenderer.render(this.app, r.summary, summary, r.domainPath, this.component);
    else summary.createEl('p', { text: 'No distillate yet.' });
    el.createEl('p', { text: `Critic's verdict: ${verdictText(r)}` });
    el.createEl('h4', { text: `Open issues (${r.openIssues.length})` });
    if (r.openIssues.length === 0) el.createEl('p', { text: 'None.', cls: 'groundwork-muted' });
    const issues = el.createEl('ul');
    // Each issue is Markdown (emphasis, citations as links to the sources): rendered as such, never shown raw.
    for (const i of r.openIssues) {
      const li = issues.createEl('li', { cls: 'markdown-rendered' });
      const done = MarkdownRenderer.render(this.app, i, li, r.domainPath, this.component).then(() => {
        // The renderer wraps one line in a paragraph; inside a list item it is one line of the list.
        const p = li.children.length === 1 && li.firstElementChild?.tagName === 'P' ? li.firstElementChild : null;
        if (p) li.replaceChildren(...Array.from(p.childNodes));
      });
      this.rendering = Promise.all([this.rendering, done]).then(() => undefined);
    }
    if (r.blockerItems.length > 0) {
      el.createEl('h4', { text: 'What blocks the sign-off' });
      const ul = el.createEl('ul', { cls: 'groundwork-blockers' });
      for (const b of r.blockerItems) {
        const li = ul.createEl('li');
        if (b.path) this.link(li, b.path, blockerLinkText(b));
        else li.setText(b.text);
      }
    }
    const head = el.createEl('h4', { text: r.blockers.length > 0 ? 'Once nothing blocks it, signing writes in ' : 'Signing writes in ' });
    this.link(head, r.domainPath, r.domainPath);
    const writes = el.createEl('ul', { cls: 'groundwork-writes' });
    for (const w of r.writes) writes.createEl('li').createEl('code', { text: formatWrite(w) });
    el.createEl('p', { cls: 'groundwork-muted groundwork-after-signoff', text: r.after });
    buttons(this, el, 'Sign off', this.confirm, r.blockers.length > 0);
  }

  /** A link to a note: the dialog closes and the note opens, where the person reads or edits it. */
  private link(parent: HTMLElement, path: string, text: string): void {
    const a = parent.createEl('a', { text, href: '#', cls: 'internal-link', attr: { 'data-href': path } });
    a.addEventListener('click', (evt) => {
      evt.preventDefault();
      this.close();
      this.openNote(path);
    });
  }

  override onClose(): void {
    this.component.unload();
    this.contentEl.empty();
  }
}

/** Research asks first: the dry run (sources, calls, tokens, cost, what changes) before any model call or write. */
export class ResearchConfirmModal extends Modal {
  constructor(
    app: App,
    private readonly plan: RunResult,
    private readonly confirm: () => void,
    private readonly maxSources: number,
  ) {
    super(app);
  }

  override onOpen(): void {
    const r = this.plan;
    const p = r.plan!;
    const el = this.contentEl;
    el.addClass('groundwork-research-confirm');
    this.setTitle(`Research ${r.domain}?`);
    el.createEl('p', { text: 'Nothing has been sent to the model yet. This is what the run would do.', cls: 'groundwork-muted' });
    const usable = r.sources.filter((s) => !s.error);
    el.createEl('h4', { text: `Sources found (${usable.length})` });
    const ul = el.createEl('ul', { cls: 'groundwork-sources' });
    for (const s of r.sources) {
      const li = ul.createEl('li');
      li.createEl('strong', { text: s.id });
      li.appendText(` ${s.title || s.ref}`);
      li.createSpan({ cls: 'groundwork-muted', text: s.error ? ` — not usable: ${s.error}` : ` — ${s.reason}` });
    }
    if (r.sources.length === 0) el.createEl('p', { text: 'No source found: link notes to the domain, or add web links to the domain note.' });
    else if (usable.length < this.maxSources) {
      // Fewer than asked is the ranking's choice, not a fault: say so, and how to give it more.
      el.createEl('p', {
        cls: 'groundwork-muted groundwork-fewer-sources',
        text:
          `${usable.length} of the ${this.maxSources} sources asked for: no other note is linked closely enough or says enough about the domain. ` +
          'Bring notes in with a domain link in their properties or an include rule (a folder or a tag) on the domain note, or add web links to the domain note.',
      });
    }
    el.createEl('h4', { text: 'Model calls' });
    const cost = p.estimatedCost === null ? 'cost unknown (set a price per million tokens in the settings)' : `about $${p.estimatedCost.toFixed(4)}`;
    const calls = el.createEl('ul', { cls: 'groundwork-plan' });
    const rounds = p.distillCalls === 1 ? '1 distill, 1 critique' : `${p.distillCalls} distill and ${p.distillCalls} critique batches`;
    const cached = p.cachedDigests > 0 ? ` (${p.cachedDigests} more already digested)` : '';
    calls.createEl('li', { text: `${p.calls} model call${p.calls === 1 ? '' : 's'}: ${p.digestCalls} digest${p.digestCalls === 1 ? '' : 's'}${cached}, ${rounds}` });
    calls.createEl('li', { text: `About ${p.estimatedTokens.toLocaleString('en-US')} tokens, ${cost}` });
    calls.createEl('li', { text: `Model: ${p.model}` });
    el.createEl('h4', { text: 'Changes' });
    const changes = el.createEl('ul', { cls: 'groundwork-changes' });
    const folder = p.writes[0]?.slice(0, p.writes[0].lastIndexOf('/')) ?? '';
    changes.createEl('li', { text: `Writes ${p.writes.map((w) => w.slice(w.lastIndexOf('/') + 1).replace(`${r.domain} `, '').replace(/\.md$/, '')).join(', ')} in ${folder}/` });
    if (p.domainNoteChanges.length === 0) changes.createEl('li', { text: `Leaves ${r.domainPath} as it is` });
    for (const c of p.domainNoteChanges) changes.createEl('li', { text: `${r.domainPath}: ${c}` });
    el.createEl('p', { cls: 'groundwork-muted', text: 'A note you have edited is never written over: you get a proposal to replace it instead.' });
    buttons(this, el, 'Run research', this.confirm, usable.length === 0);
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

/**
 * Adopting a note as a domain: what is written and which notes would join it. Reusable for any
 * kind of adoption (a note, a folder, a tag): the caller gives the title, the writes and the members.
 */
/** Adopting a note with its folder: the rule written on it, and the notes that would join by it. */
export interface AdoptFolderOption {
  /** The folder, without the trailing slash. */
  folder: string;
  joining: string[];
}

export class AdoptModal extends Modal {
  /** Whether the person ticked "Take in its folder" (the folder option, when there is one). */
  withFolder = false;

  constructor(
    app: App,
    private readonly spec: { title: string; writes: string[]; joining: string[]; confirmText?: string; folder?: AdoptFolderOption },
    private readonly confirm: (withFolder: boolean) => void,
  ) {
    super(app);
  }

  override onOpen(): void {
    this.render();
  }

  private render(): void {
    const el = this.contentEl;
    el.empty();
    el.addClass('groundwork-adopt');
    this.setTitle(this.spec.title);
    const folder = this.spec.folder;
    const rule = folder ? `include: ["${ruleText({ kind: 'folder', folder: folder.folder })}"]` : '';
    el.createEl('h4', { text: 'Writes' });
    const w = el.createEl('ul');
    for (const line of [...this.spec.writes, ...(this.withFolder ? [rule] : [])]) w.createEl('li').createEl('code', { text: line });
    // A note in a folder of notes on the same thing: one tick instead of a link in each of them.
    if (folder) {
      const more = folder.joining.filter((p) => !this.spec.joining.includes(p)).length;
      new Setting(el)
        .setName(`Take in its folder, ${folder.folder}/`)
        .setDesc(`${more} more note${more === 1 ? '' : 's'} would join now, and every note added to the folder later (${rule}).`)
        .addToggle((t) =>
          t.setValue(this.withFolder).onChange((v) => {
            this.withFolder = v;
            this.render();
          }),
        );
    }
    const joining = this.withFolder && folder ? [...new Set([...this.spec.joining, ...folder.joining])].sort() : this.spec.joining;
    el.createEl('h4', { text: `Notes that would join (${joining.length})` });
    if (joining.length === 0) {
      el.createEl('p', {
        cls: 'groundwork-muted',
        text: 'None yet. A note joins when its "domain" property links to the domain note, or when it matches an include rule on it (a folder or a tag).',
      });
    }
    const ul = el.createEl('ul', { cls: 'groundwork-joining' });
    const shown = joining.slice(0, 50);
    for (const p of shown) ul.createEl('li', { text: p.replace(/\.md$/i, '') });
    if (joining.length > shown.length) ul.createEl('li', { cls: 'groundwork-muted', text: `and ${joining.length - shown.length} more` });
    el.createEl('p', { cls: 'groundwork-muted', text: 'It starts in the tension zone: agents only propose options there until you research the domain and raise your confidence.' });
    buttons(this, el, this.spec.confirmText ?? 'Adopt', () => this.confirm(this.withFolder));
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
    const ok = buttons(this, el, 'Apply this change', () => this.accept(this.chosen), true);
    this.previewing = this.preview(this.chosen).then(
      (p) => {
        diffInto(diffEl, p.before, p.after, p.target);
        ok.disabled = false;
      },
      (err: unknown) => diffEl.setText(err instanceof Error ? err.message : String(err)),
    );
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}
