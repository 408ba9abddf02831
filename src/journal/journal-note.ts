import { wikilink } from '../core/links';
import type { JournalEntry } from './entry';

/**
 * The first line of the readable journal. It is how the plugin recognizes its own note: a note at
 * that path starting with anything else was replaced by the person and is left alone.
 */
export const JOURNAL_HEADING = '# Groundwork journal';

export function journalNotePath(outputFolder: string): string {
  return `${outputFolder}/Journal.md`;
}

/**
 * A table cell: a `|` would end the cell and a newline the row; `<` is escaped so a task text
 * never becomes HTML in the rendered note.
 */
export function tableCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\r\n|\r|\n/g, '<br>');
}

// A wikilink in a table cell: any `|` in it (an alias) must be escaped or it splits the cell.
function linkCell(path: string): string {
  return wikilink(path).replace(/\|/g, '\\|');
}

/** ISO time, shortened to what a person reads: to the second, in UTC. */
function readableTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}


/** The whole note, newest first. No frontmatter: it has no role among DESIGN's fixed ones. */
export function renderJournalNote(entries: readonly JournalEntry[]): string {
  const lines = [
    JOURNAL_HEADING,
    '',
    "Every change Groundwork applied to a note, newest first. Undo one with Groundwork's undo command or `groundwork undo <vault> [ENTRY]`; undo restores the exact text the change replaced, and refuses if the note changed again since.",
    '',
  ];
  if (entries.length === 0) {
    lines.push('No changes yet.');
    return `${lines.join('\n')}\n`;
  }
  lines.push('| Time | Note | Domain | Task | By | State | Entry | Proposal |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const e of [...entries].reverse()) {
    const state = e.state === 'undone' && e.undoneAt ? `undone ${readableTime(e.undoneAt)}` : e.awaiting ? 'waiting for the write' : e.state;
    const agent = e.author ? `${tableCell(e.author)} (automate)` : 'agent (automate)';
    const by = e.by === 'agent' ? agent : 'accepted proposal';
    const row = [
      readableTime(e.time),
      linkCell(e.path),
      e.domain ? linkCell(e.domain) : '',
      tableCell(e.task),
      by,
      state,
      `\`${e.id}\``,
      e.proposal ? linkCell(e.proposal) : '',
    ];
    lines.push(`| ${row.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** True when the text is the plugin's own journal note (its first line is the heading). */
export function isOwnJournalNote(text: string): boolean {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return first.trimEnd() === JOURNAL_HEADING;
}
