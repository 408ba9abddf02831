import type { App } from 'obsidian';
import { citedIds, DISTILLATE_SECTIONS, normalizeSourceId, readDistillate, type DistillateItem } from '../core/distillate';
import { pointBlockId } from '../core/grounding';

/**
 * Shows the ```groundwork-distillate block of a distillate note readably — sections, claims,
 * clickable `S3` citations that open the quote in the sources note — while the note's text stays
 * the YAML the person edits (DESIGN §2: no content twice). Built with DOM calls only; every
 * string is set as text, never parsed as HTML.
 */

/** The sources note a distillate cites: its `sources` frontmatter link, else its sibling by name. */
function sourcesLinkOf(app: App, distillatePath: string): string {
  const file = app.vault.getFileByPath(distillatePath);
  const raw: unknown = file ? app.metadataCache.getFileCache(file)?.frontmatter?.sources : undefined;
  const m = typeof raw === 'string' ? /^\[\[([^\]|#]+)/.exec(raw.trim()) : null;
  if (m) return m[1]!;
  return distillatePath.replace(/ distillate\.md$/i, ' sources').replace(/\.md$/i, '');
}

/** The sub-path a citation opens: the key point's block when the evidence names one, else the source's heading. */
export function citationTarget(sourcesLink: string, id: string, point?: string): string {
  return point && /^S\d+\.\d+$/.test(point) && point.startsWith(`${id}.`) ? `${sourcesLink}#^${pointBlockId(point)}` : `${sourcesLink}#${id}`;
}

function citation(app: App, parent: HTMLElement, sourcePath: string, label: string, target: string, quote: string): void {
  const a = parent.createEl('a', { text: label, cls: 'internal-link groundwork-citation', href: target });
  a.setAttr('data-href', target);
  if (quote) a.setAttr('aria-label', `“${quote}”`);
  a.addEventListener('click', (evt) => {
    evt.preventDefault();
    void app.workspace.openLinkText(target, sourcePath, false);
  });
}

function renderItem(app: App, ul: HTMLElement, item: DistillateItem, sourcesLink: string, sourcePath: string): void {
  const li = ul.createEl('li', { cls: 'groundwork-claim' });
  if (item.title) {
    li.createEl('strong', { text: item.title.trim() });
    li.appendText(' — ');
  }
  li.appendText(item.text.trim());
  const ids = citedIds(item);
  const cites = li.createSpan({ cls: 'groundwork-citations' });
  if (ids.length === 0) cites.createSpan({ text: 'no source cited', cls: 'groundwork-uncited' });
  ids.forEach((id, i) => {
    if (i > 0) cites.appendText(', ');
    const ev = item.evidence.find((e) => (normalizeSourceId(e.source) ?? e.source.trim()) === id && e.quote.trim());
    if (/^S\d+$/.test(id)) citation(app, cites, sourcePath, id, citationTarget(sourcesLink, id, ev?.point), ev?.quote.trim() ?? '');
    else cites.createSpan({ text: id, cls: 'groundwork-uncited' });
  });
  const quoted = item.evidence.filter((e) => e.quote.trim());
  if (quoted.length === 0) return;
  const quotes = li.createEl('ul', { cls: 'groundwork-quotes' });
  for (const e of quoted) {
    const q = quotes.createEl('li');
    const id = normalizeSourceId(e.source);
    if (id) citation(app, q, sourcePath, id, citationTarget(sourcesLink, id, e.point), e.quote.trim());
    else q.createSpan({ text: e.source || '(no id)', cls: 'groundwork-uncited' });
    q.appendText(`: “${e.quote.trim().replace(/^["“”]+|["“”]+$/g, '')}”`);
  }
}

export function renderDistillateBlock(app: App, source: string, el: HTMLElement, sourcePath: string): void {
  // The reader wants a body with the fence; the block's own text is exactly its YAML.
  const doc = readDistillate(`\`\`\`groundwork-distillate\n${source}\n\`\`\``);
  const sourcesLink = sourcesLinkOf(app, sourcePath);
  const root = el.createDiv({ cls: 'groundwork-distillate' });
  for (const p of doc.problems) root.createDiv({ text: p, cls: 'groundwork-distillate-problem' });
  root.createEl('h4', { text: 'Summary' });
  root.createEl('p', { text: doc.summary?.trim() || 'No summary yet.' });
  for (const spec of DISTILLATE_SECTIONS) {
    const items = doc.sections[spec.key];
    root.createEl('h4', { text: spec.heading });
    if (items.length === 0) {
      root.createEl('p', { text: 'None.', cls: 'groundwork-muted' });
      continue;
    }
    const ul = root.createEl('ul');
    for (const item of items) renderItem(app, ul, item, sourcesLink, sourcePath);
  }
  root.createEl('p', { text: 'Edit the YAML of this block to change the distillate; this view follows it.', cls: 'groundwork-muted' });
}
