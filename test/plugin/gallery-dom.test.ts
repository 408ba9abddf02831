// @vitest-environment happy-dom
import { beforeAll, describe, expect, it } from 'vitest';
import { buildScenes, type Scene } from '../support/gallery-scenes';

/**
 * The gallery's scenes as the test suite sees them: not pixels, but what a person reads and
 * clicks — headings, buttons with their labels, links that lead to notes that exist.
 */

let scenes: Map<string, Scene>;

beforeAll(async () => {
  scenes = new Map((await buildScenes()).map((s) => [s.name, s]));
}, 180_000);

const scene = (name: string) => {
  const s = scenes.get(name);
  if (!s) throw new Error(`no scene ${name}`);
  return s.el;
};
const text = (el: Element) => el.textContent ?? '';
const buttons = (el: HTMLElement) => Array.from(el.querySelectorAll('button')).map((b) => ({ text: text(b), disabled: b.disabled }));
const headings = (el: HTMLElement) => Array.from(el.querySelectorAll('h2, h3, h4, .modal-title, .setting-item-heading .setting-item-name')).map(text);

describe('the gallery scenes', () => {
  it('all thirteen exist; every button says what it does; every note link resolves', () => {
    expect([...scenes.keys()].sort()).toEqual(['adopt-folder', 'domains-base', 'inbox', 'map-cycle', 'map-empty', 'map-evidence', 'map-problems', 'research-confirm', 'settings', 'signoff-blocked', 'signoff-ready', 'task', 'welcome']);
    for (const [name, s] of scenes) {
      expect(s.brokenLinks, name).toEqual([]);
      for (const b of buttons(s.el)) expect(b.text.trim(), `${name}: a button without a label`).not.toBe('');
      expect(headings(s.el).length, name).toBeGreaterThan(0);
    }
  });

  it('adopting a note with its folder: the rule among the writes, the folder named, its notes listed', () => {
    const el = scene('adopt-folder');
    expect([...el.querySelectorAll('code')].map((c) => text(c))).toEqual(['groundwork: domain', 'confidence: low', 'include: ["Bases/"]']);
    expect(text(el)).toContain('Take in its folder, Bases/');
    expect([...el.querySelectorAll('.groundwork-joining li')].map((li) => text(li))).toEqual(['Bases/Bases syntax', 'Bases/Functions', 'Bases/Views']);
    expect(buttons(el).map((b) => b.text)).toEqual(expect.arrayContaining(['Cancel', 'Adopt']));
  });

  it('welcome: three steps, the model list from the server, a way out', () => {
    const el = scene('welcome');
    expect(headings(el)).toEqual(expect.arrayContaining(['Getting started', '1. Connect a model', '2. Adopt a note as a domain', '3. Research it']));
    const options = Array.from(el.querySelectorAll('select.groundwork-model-select option')).map((o) => o.getAttribute('value'));
    expect(options).toEqual(expect.arrayContaining(['llama3.1:8b', 'qwen2.5:14b', 'gpt-4o-mini']));
    expect(buttons(el).map((b) => b.text)).toEqual(expect.arrayContaining(['Test', 'Choose a note…', 'Done: open the autonomy map', 'Skip for now']));
    expect(text(el)).toContain('Price per million tokens');
    expect(text(el)).toContain('Budget per run');
  });

  it('map of a fresh vault: says what a domain is and offers to adopt one', () => {
    const el = scene('map-empty');
    expect(text(el)).toContain('No domains yet');
    expect(buttons(el).filter((b) => b.text === 'Adopt a note as domain')).toHaveLength(2);
  });

  it('map after a cycle: each card has one next step, blockers link their notes, pending proposals lead to the inbox', () => {
    const el = scene('map-cycle');
    const card = (name: string) => Array.from(el.querySelectorAll<HTMLElement>('.groundwork-domain')).find((c) => text(c.querySelector('.groundwork-domain-title a')!) === name)!;
    const next = (name: string) => text(card(name).querySelector('.groundwork-next button.mod-cta')!);
    expect(next('LoRA fine-tuning')).toBe('Draft skeleton');
    expect(next('Kubernetes')).toBe('Sign off');
    expect(next('Static site builds')).toBe('Run a task');
    expect(next('Payments')).toBe('Research');
    expect(Array.from(card('LoRA fine-tuning').querySelectorAll('.groundwork-blockers a[data-href]')).map((a) => a.getAttribute('data-href'))).toEqual([
      'Groundwork/LoRA fine-tuning/LoRA fine-tuning distillate.md',
      'Groundwork/LoRA fine-tuning/LoRA fine-tuning critique.md',
    ]);
    expect(text(card('LoRA fine-tuning').querySelector('.groundwork-pending')!)).toBe('1 pending proposal: review in the inbox');
    expect(text(card('Static site builds').querySelector('.groundwork-domain-facts')!).match(/signed off/g)).toHaveLength(1);
    // Each fact once: open issues are a blocker, pending proposals a link, so the evidence does not repeat them.
    for (const name of ['LoRA fine-tuning', 'Kubernetes']) {
      expect(text(card(name)).match(/open critique issue/g)?.length ?? 0, name).toBeLessThanOrEqual(1);
      expect(text(card(name)).match(/pending/g)?.length ?? 0, name).toBeLessThanOrEqual(1);
    }
  });

  it('map with evidence: a domain on probation shows its outcomes and suggestion above the step that ends it', () => {
    const el = scene('map-evidence');
    const card = Array.from(el.querySelectorAll<HTMLElement>('.groundwork-domain')).find((c) => text(c.querySelector('.groundwork-domain-title a')!) === 'Static site builds')!;
    expect(card.closest('.groundwork-zone-assist')).not.toBeNull();
    expect(text(card.querySelector('.groundwork-badge-probation')!)).toBe('on probation');
    expect(text(card.querySelector('.groundwork-evidence-facts')!)).toContain('2 automated changes since the sign-off: 2 undone, 0 reverted');
    expect(text(card.querySelector('.groundwork-suggestion')!)).toContain('review, then sign off again');
    const step = card.querySelector('.groundwork-next button.mod-cta')!;
    expect(text(step)).toBe('Sign off');
    expect(card.querySelector('.groundwork-evidence')!.compareDocumentPosition(step) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('domains base: its three views over the vault, the mode column named as not the final word', () => {
    const el = scene('domains-base');
    expect(headings(el)).toEqual(expect.arrayContaining([expect.stringMatching(/^Domains \(\d+\)$/), expect.stringMatching(/^Waiting for your review \(\d+\)$/), expect.stringMatching(/^Pending proposals \(\d+\)$/)]));
    const [domains] = Array.from(el.querySelectorAll('table'));
    expect(Array.from(domains!.querySelectorAll('th')).map(text)).toEqual(['Note', 'Confidence', 'Critical', 'Autonomy cap', 'Signed off', 'Mode as written (the autonomy map decides)']);
    const rows = new Map(Array.from(domains!.querySelectorAll('tbody tr')).map((tr) => {
      const cells = Array.from(tr.querySelectorAll('td')).map(text);
      return [cells[0]!, cells[5]!];
    }));
    expect(rows.get('Static site builds')).toBe('automate');
    expect(rows.get('Payments')).toBe('assist');
    expect(rows.get('LoRA fine-tuning')).toBe('propose');
  });

  it('map with problems: each problem names its file; a note linked as a domain can be adopted; a capped domain does not say critical', () => {
    const el = scene('map-problems');
    const problems = text(el.querySelector('.groundwork-problems')!);
    expect(problems).toContain('Broken trust.md: confidence: "sure" is not valid');
    expect(problems).toContain('Notes/Lost.md: domain: [[Nowhere]] does not link to any note');
    expect(buttons(el).map((b) => b.text)).toContain('Adopt Reading list as domain');
    const legal = Array.from(el.querySelectorAll<HTMLElement>('.groundwork-domain')).find((c) => text(c).startsWith('Legal'))!;
    expect(text(legal)).toContain('capped at propose by autonomy');
    expect(legal.querySelector('.groundwork-badge-critical')).toBeNull();
  });

  it('inbox: newest first, each with domain, mode, target and diff, and its actions (edit only in assist: in propose the person picks an option)', () => {
    const el = scene('inbox');
    const items = Array.from(el.querySelectorAll<HTMLElement>('.groundwork-inbox-item'));
    expect(items.map((i) => text(i.querySelector('.groundwork-badge')!))).toEqual(['assist', 'propose']);
    expect(text(items[0]!)).toContain('Add a rollback section');
    expect(text(items[0]!)).toContain('Projects/Staging cluster runbook');
    expect(text(items[1]!)).toContain('Notes/Adapter rank experiments');
    for (const i of items) {
      expect(text(i.querySelector('.groundwork-diff')!)).toMatch(/^Changes .*\n?.*\+ /s);
      expect(buttons(i).map((b) => b.text)).toContain('Reject');
    }
    expect(buttons(items[0]!).map((b) => b.text)).toEqual(['Accept', 'Edit then accept', 'Reject']);
    expect(buttons(items[1]!).map((b) => b.text)).toEqual(['Accept option 1', 'Reject']);
    expect(items[1]!.querySelectorAll('input[type=radio]')).toHaveLength(3);
  });

  it('sign-off, blocked: says what blocks it and what it would write; cannot be confirmed', () => {
    const el = scene('signoff-blocked');
    expect(text(el.querySelector('.modal-title')!)).toBe('Sign off Kubernetes');
    expect(text(el)).toContain('What blocks the sign-off');
    // Blockers that a note clears link that note; issues are rendered Markdown, never raw asterisks.
    expect(Array.from(el.querySelectorAll('.groundwork-blockers a[data-href]')).map((a) => a.getAttribute('data-href'))).toEqual([
      'Groundwork/Kubernetes/Kubernetes distillate.md',
      'Groundwork/Kubernetes/Kubernetes critique.md',
    ]);
    expect(text(el)).not.toContain('**');
    expect(text(el.querySelector('.groundwork-writes')!)).toContain('confidence: medium → high');
    expect(buttons(el)).toEqual([
      { text: 'Cancel', disabled: false },
      { text: 'Sign off', disabled: true },
    ]);
  });

  it('sign-off, ready: the summary rendered as Markdown, the exact writes, Cancel and Sign off', () => {
    const el = scene('signoff-ready');
    expect(el.querySelector('.groundwork-summary p')).not.toBeNull();
    const writes = Array.from(el.querySelectorAll('.groundwork-writes li')).map(text);
    expect(writes[0]).toBe('confidence: medium → high');
    expect(writes[1]).toMatch(/^signed-off: \(unset\) → \d{4}-\d\d-\d\d$/);
    expect(writes[2]).toMatch(/^signed-off-distillate: \(unset\) → sha256:[0-9a-f]{12}$/);
    // A "revise" verdict whose issues are all ticked says so, rather than contradicting "Open issues (0)".
    expect(text(el)).toContain("Critic's verdict: revise, and every issue it raised is now ticked or deleted");
    expect(text(el.querySelector('.groundwork-after-signoff')!)).toContain('agents may act in this domain on their own');
    expect(buttons(el)).toEqual([
      { text: 'Cancel', disabled: false },
      { text: 'Sign off', disabled: false },
    ]);
  });

  it('research confirmation: sources, calls, tokens, cost and changes before anything runs', () => {
    const el = scene('research-confirm');
    expect(text(el.querySelector('.modal-title')!)).toBe('Research LoRA fine-tuning?');
    expect(headings(el)).toEqual(expect.arrayContaining([expect.stringMatching(/^Sources found \(\d+\)$/), 'Model calls', 'Changes']));
    expect(text(el)).toMatch(/\d+ model calls/);
    expect(text(el)).toMatch(/About [\d,]+ tokens, about \$\d+\.\d{4}/);
    expect(buttons(el).map((b) => b.text)).toEqual(['Cancel', 'Run research']);
  });

  it('task: the note, a way to choose another of the domain, the task', () => {
    const el = scene('task');
    expect(text(el.querySelector('.modal-title')!)).toBe('Run a task in LoRA fine-tuning');
    expect(text(el)).toContain('Notes/Adapter rank experiments');
    expect(buttons(el).map((b) => b.text)).toEqual(['Choose…', 'Cancel', 'Run']);
    expect(text(el.querySelector('textarea')!)).toBe('Summarize what the rank experiments found');
  });

  it('settings: the model list after Test connection, price, budget and the workflow switches', () => {
    const el = scene('settings');
    expect(Array.from(el.querySelectorAll('select.groundwork-model-select option')).map((o) => o.getAttribute('value'))).toEqual(expect.arrayContaining(['llama3.1:8b', 'gpt-4o-mini']));
    expect(el.querySelector('select.groundwork-model-select option[selected]')?.getAttribute('value')).toBe('llama3.1:8b');
    expect((el.querySelector('.groundwork-price-input') as HTMLInputElement).getAttribute('value')).toBe('0.1');
    for (const name of ['Price per million tokens', 'Budget per run', 'Confirm before research', 'Link generated notes from the domain note']) expect(text(el)).toContain(name);
  });
});
