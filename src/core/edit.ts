import { splitFrontmatter } from './frontmatter';
import { GroundworkError } from './errors';

/**
 * The edits an action may make to a note's body (DESIGN §5 act step): replace or append a section,
 * add links. Pure text in, text out. The frontmatter block is never touched — its bytes are copied
 * through — so no action can change a trust key, whatever the model wrote.
 */

export type BodyEdit =
  | { kind: 'replace-section'; heading: string; content: string }
  | { kind: 'append-section'; heading: string; content: string }
  | { kind: 'add-links'; links: string[] };

export class EditError extends GroundworkError {
  constructor(message: string) {
    super(message);
    this.name = 'EditError';
  }
}

function splitNote(text: string): { head: string; body: string; eol: string } {
  const split = splitFrontmatter(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // An unclosed block is not frontmatter to Obsidian; the head is then only a BOM, if any.
  const headEnd = split?.closed ? split.end : text.startsWith('\uFEFF') ? 1 : 0;
  return { head: text.slice(0, headEnd), body: text.slice(headEnd), eol };
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/;

function headingKey(s: string): string {
  return s.replace(/^#+\s*/, '').trim().toLowerCase();
}

/** Lines of the body with their line endings kept, so untouched lines stay byte-identical. */
function lines(body: string): string[] {
  return body.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function withEol(content: string, eol: string): string {
  const normalized = content.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  return normalized.split('\n').join(eol) + eol;
}

export function applyBodyEdit(text: string, edit: BodyEdit): string {
  const { head, body, eol } = splitNote(text);
  switch (edit.kind) {
    case 'replace-section': {
      const ls = lines(body);
      let inFence = false;
      let start = -1;
      let level = 0;
      for (let i = 0; i < ls.length; i++) {
        const l = ls[i]!.replace(/\r?\n$/, '');
        if (/^(```|~~~)/.test(l)) inFence = !inFence;
        if (inFence) continue;
        const m = HEADING.exec(l);
        if (m && headingKey(m[2]!) === headingKey(edit.heading)) {
          start = i;
          level = m[1]!.length;
          break;
        }
      }
      if (start < 0) throw new EditError(`No section "${edit.heading}" in the note`);
      let end = ls.length;
      inFence = false;
      for (let i = start + 1; i < ls.length; i++) {
        const l = ls[i]!.replace(/\r?\n$/, '');
        if (/^(```|~~~)/.test(l)) inFence = !inFence;
        if (inFence) continue;
        const m = HEADING.exec(l);
        if (m && m[1]!.length <= level) {
          end = i;
          break;
        }
      }
      const keepBlankBefore = end < ls.length ? eol : '';
      const replaced = `${ls[start]!.endsWith('\n') ? ls[start]! : ls[start]! + eol}${withEol(edit.content, eol)}${keepBlankBefore}`;
      return head + ls.slice(0, start).join('') + replaced + ls.slice(end).join('');
    }
    case 'append-section': {
      const title = edit.heading.replace(/^#+\s*/, '').replace(/[\r\n]+/g, ' ').trim();
      if (!title) throw new EditError('A new section needs a heading');
      const sep = body === '' ? '' : body.endsWith('\n') ? eol : eol + eol;
      return `${head}${body}${sep}## ${title}${eol}${eol}${withEol(edit.content, eol)}`;
    }
    case 'add-links': {
      const existing = new Set([...body.matchAll(/\[\[([^\]|#]+)/g)].map((m) => m[1]!.trim().toLowerCase()));
      const add = [...new Set(edit.links.map((l) => l.replace(/[[\]|#^\r\n]/g, '').trim()).filter((l) => l && !existing.has(l.toLowerCase())))];
      if (add.length === 0) return text;
      const sep = body === '' || body.endsWith('\n') ? '' : eol;
      return `${head}${body}${sep}${add.map((l) => `- [[${l}]]`).join(eol)}${eol}`;
    }
  }
}

/** The frontmatter block's exact bytes, for checking that an applied text left it untouched. */
export function frontmatterBytes(text: string): string {
  return splitNote(text).head;
}
