import { ItemView, type WorkspaceLeaf } from 'obsidian';
import type { AcceptPlan } from '../agents/accept';
import type { InboxItem, ParsedOption } from '../agents/proposals';
import type { LiveModel } from './live-model';
import { diffInto } from './modals';

export const VIEW_TYPE_INBOX = 'groundwork-inbox';

/** A change the person made in the inbox before accepting: the option's text, its heading. */
export interface InboxEdits {
  content?: string;
  heading?: string;
}

/** What the inbox's buttons do; the plugin supplies them. */
export interface InboxActions {
  /** Pending proposals, newest first. */
  list(): Promise<InboxItem[]>;
  options(path: string): Promise<ParsedOption[]>;
  preview(path: string, option: number, edits: InboxEdits): Promise<AcceptPlan>;
  /** Applies the option (after writing an edit into the proposal note); returns a line for the person. */
  accept(path: string, option: number, edits: InboxEdits): Promise<string>;
  reject(path: string): Promise<string>;
  openNote(path: string): void;
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)}`;
}

/**
 * The inbox as a side view the person works in: pending proposals newest first, each with its
 * domain, mode, target note and the diff of what accepting would change; accept (choosing an
 * option), edit then accept (assist, not propose), or reject — in place. A handled proposal leaves the list; its note
 * stays on disk with its status.
 */
export class InboxView extends ItemView {
  private unsubscribe: (() => void) | null = null;
  /** The last refresh, so tests and the gallery can wait for it. */
  refreshing: Promise<void> = Promise.resolve();
  /** Previews being computed for the shown items. */
  previews: Promise<unknown>[] = [];
  private editing = 0;
  private staleWhileEditing = false;
  /** What the last action did; shown above the list until the next action. */
  private status: string | null = null;

  constructor(
    leaf: WorkspaceLeaf,
    private readonly live: LiveModel,
    private readonly actions: InboxActions,
  ) {
    super(leaf);
  }

  getViewType(): string {
    return VIEW_TYPE_INBOX;
  }

  getDisplayText(): string {
    return 'Groundwork inbox';
  }

  override getIcon(): string {
    return 'inbox';
  }

  override async onOpen(): Promise<void> {
    this.contentEl.addClass('groundwork-inbox');
    this.unsubscribe = this.live.onChange(() => void this.refresh());
    await this.refresh();
  }

  override async onClose(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Re-reads the inbox; an edit in progress is never thrown away by a refresh. */
  refresh(): Promise<void> {
    if (this.editing > 0) {
      this.staleWhileEditing = true;
      return this.refreshing;
    }
    this.refreshing = this.refreshing.then(() => this.renderNow());
    return this.refreshing;
  }

  private async renderNow(): Promise<void> {
    let items: InboxItem[];
    try {
      items = await this.actions.list();
    } catch (err) {
      this.contentEl.empty();
      this.contentEl.createEl('p', { text: `The inbox could not be read: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    const el = this.contentEl;
    el.empty();
    this.previews = [];
    el.createEl('h2', { text: `Inbox (${items.length} pending)` });
    if (this.status) el.createDiv({ cls: 'groundwork-inbox-done', text: this.status });
    if (items.length === 0) el.createEl('p', { cls: 'groundwork-muted', text: 'Nothing to decide. Proposals from tasks and re-runs appear here, newest first.' });
    for (const item of items) await this.renderItem(el, item);
  }

  private async renderItem(parent: HTMLElement, item: InboxItem): Promise<void> {
    const card = parent.createDiv({ cls: `groundwork-inbox-item groundwork-mode-${item.mode}`, attr: { 'data-proposal': item.path, 'data-id': item.id } });
    const title = card.createDiv({ cls: 'groundwork-inbox-title' });
    this.link(title, item.path, item.task || item.id);
    title.createSpan({ cls: `groundwork-badge groundwork-badge-${item.mode}`, text: item.mode });
    const facts = card.createDiv({ cls: 'groundwork-muted groundwork-inbox-facts' });
    facts.appendText(`${item.domain.split('/').pop() ?? item.domain} · ${when(item.created)} · id ${item.id} · `);
    if (item.note) this.link(facts, item.note, item.note.replace(/\.md$/i, ''));
    else facts.appendText('a new note');

    let options: ParsedOption[] = [];
    try {
      options = await this.actions.options(item.path);
    } catch (err) {
      card.createDiv({ cls: 'groundwork-error', text: err instanceof Error ? err.message : String(err) });
    }
    let chosen = options[0]?.n ?? 1;
    const edits: InboxEdits = {};
    const choice = card.createDiv({ cls: 'groundwork-options' });
    const diffEl = card.createEl('pre', { cls: 'groundwork-diff', text: 'Computing the change…' });
    const errorEl = card.createDiv({ cls: 'groundwork-error' });
    const row = card.createDiv({ cls: 'groundwork-inbox-actions' });
    const accept = row.createEl('button', { text: options.length > 1 ? `Accept option ${chosen}` : 'Accept', cls: 'mod-cta' });
    // DESIGN: in propose the person picks one of the options; editing a draft is assist's way.
    const edit = item.mode === 'propose' ? null : row.createEl('button', { text: 'Edit then accept' });
    const reject = row.createEl('button', { text: 'Reject', cls: 'mod-warning' });
    const editor = card.createDiv({ cls: 'groundwork-inbox-editor' });
    editor.hide();

    const preview = (): void => {
      accept.disabled = true;
      const p = this.actions.preview(item.path, chosen, edits).then(
        (plan) => {
          diffInto(diffEl, plan.before, plan.after, plan.target);
          errorEl.setText('');
          accept.disabled = false;
          return plan;
        },
        (err: unknown) => {
          diffEl.setText('');
          errorEl.setText(err instanceof Error ? err.message : String(err));
          return null;
        },
      );
      this.previews.push(p);
    };

    if (options.length > 1) {
      choice.createDiv({ cls: 'groundwork-muted', text: 'Choose an option:' });
      for (const o of options) {
        const label = choice.createEl('label', { cls: 'groundwork-option' });
        const radio = label.createEl('input', { type: 'radio', attr: { name: `option-${item.id}`, value: String(o.n) } });
        radio.checked = o.n === chosen;
        label.appendText(` ${o.n}: ${o.title}`);
        radio.addEventListener('change', () => {
          if (!radio.checked) return;
          chosen = o.n;
          accept.setText(`Accept option ${chosen}`);
          preview();
        });
      }
    }
    preview();

    const act = async (job: () => Promise<string>): Promise<void> => {
      for (const b of [accept, edit, reject]) if (b) b.disabled = true;
      try {
        this.status = await job();
        await this.refresh();
      } catch (err) {
        errorEl.setText(err instanceof Error ? err.message : String(err));
        for (const b of [accept, edit, reject]) if (b) b.disabled = false;
      }
    };

    accept.addEventListener('click', () => void act(() => this.actions.accept(item.path, chosen, edits)));
    reject.addEventListener('click', () => void act(() => this.actions.reject(item.path)));
    edit?.addEventListener('click', () => void openEditor());
    const openEditor = async (): Promise<void> => {
      if (editor.isShown()) return;
      this.editing++;
      editor.empty();
      editor.show();
      const option = options.find((o) => o.n === chosen);
      const plan = await this.actions.preview(item.path, chosen, {}).catch(() => null);
      let headingInput: HTMLInputElement | null = null;
      // A section the option adds or replaces: its heading is the person's to change too.
      if (plan && plan.heading !== null) {
        editor.createEl('label', { text: 'Heading', cls: 'groundwork-muted' });
        headingInput = editor.createEl('input', { type: 'text', cls: 'groundwork-heading-input' });
        headingInput.value = plan.heading;
      }
      editor.createEl('label', { text: 'Text', cls: 'groundwork-muted' });
      const area = editor.createEl('textarea', { cls: 'groundwork-edit-input' });
      area.rows = 8;
      area.value = option?.content ?? '';
      const buttonsRow = editor.createDiv({ cls: 'groundwork-inbox-actions' });
      const save = buttonsRow.createEl('button', { text: 'Accept edited', cls: 'mod-cta' });
      const cancel = buttonsRow.createEl('button', { text: 'Cancel' });
      const done = (): void => {
        editor.hide();
        this.editing = Math.max(0, this.editing - 1);
      };
      cancel.addEventListener('click', () => {
        done();
        if (this.staleWhileEditing) {
          this.staleWhileEditing = false;
          void this.refresh();
        }
      });
      save.addEventListener('click', () => {
        edits.content = area.value;
        if (headingInput) edits.heading = headingInput.value;
        done();
        this.staleWhileEditing = false;
        void act(() => this.actions.accept(item.path, chosen, edits));
      });
    };
  }

  private link(parent: HTMLElement, path: string, label: string): void {
    const a = parent.createEl('a', { text: label, href: '#', cls: 'internal-link', attr: { 'data-href': path } });
    this.registerDomEvent(a, 'click', (evt) => {
      evt.preventDefault();
      this.actions.openNote(path);
    });
  }
}
