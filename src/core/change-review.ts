import { lineDiff } from './line-diff';

/**
 * What code can tell about a change to a note before any model looks at it: which lines it
 * removes and adds, under which heading each removed line stood, and which URLs are new. Pure:
 * the verifier's code checks and its prompt are both built from this.
 */

export interface Section {
  /** The heading's text ('' for the lines before the first heading). */
  heading: string;
  level: number;
  /** Lines of the note, not blank, from this heading (itself included) to the next heading. */
  lines: number;
}

export interface ReviewedDiff {
  removed: Array<{ line: number; text: string; section: string }>;
  added: string[];
  /** The diff as `- ` / `+ ` / `  ` lines with a little context, for a prompt. */
  text: string;
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/;

export function headingKey(s: string): string {
  return s.replace(/^#+\s*/, '').trim().toLowerCase();
}

/** The heading each line of a note stands under (its innermost), outside code fences. */
function sectionOfLines(lines: string[]): { owner: string[]; sections: Map<string, Section> } {
  const owner: string[] = [];
  const sections = new Map<string, Section>([['', { heading: '', level: 0, lines: 0 }]]);
  let current = '';
  let inFence = false;
  for (const line of lines) {
    if (/^(```|~~~)/.test(line)) inFence = !inFence;
    const m = inFence ? null : HEADING.exec(line);
    if (m) {
      current = m[2]!.trim();
      if (!sections.has(headingKey(current))) sections.set(headingKey(current), { heading: current, level: m[1]!.length, lines: 0 });
    }
    owner.push(current);
    if (line.trim() !== '') sections.get(headingKey(current))!.lines++;
  }
  return { owner, sections };
}

export function sectionsOf(text: string): Section[] {
  return [...sectionOfLines(text.replace(/\r\n?/g, '\n').split('\n')).sections.values()];
}

export function reviewDiff(before: string, after: string, context = 2): ReviewedDiff {
  const a = before.replace(/\r\n?/g, '\n').split('\n');
  const { owner } = sectionOfLines(a);
  const ops = lineDiff(before, after, a.length);
  const removed: ReviewedDiff['removed'] = [];
  const added: string[] = [];
  let i = 0;
  const changedAt: number[] = [];
  ops.forEach((op, k) => {
    if (op.op === '-') {
      removed.push({ line: i, text: op.text, section: owner[i] ?? '' });
      changedAt.push(k);
      i++;
    } else if (op.op === '+') {
      added.push(op.text);
      changedAt.push(k);
    } else i++;
  });
  const keep = new Set<number>();
  for (const k of changedAt) for (let d = -context; d <= context; d++) keep.add(k + d);
  const shown: string[] = [];
  let last = -2;
  ops.forEach((op, k) => {
    if (!keep.has(k)) return;
    if (last >= 0 && k > last + 1) shown.push('  …');
    shown.push(`${op.op === ' ' ? ' ' : op.op} ${op.text}`);
    last = k;
  });
  return { removed, added, text: shown.join('\n') };
}

/** http(s) URLs in a text. */
export function urlsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\bhttps?:\/\/[^\s<>"'`)\]]+/gi)].map((m) => m[0].replace(/[.,;:!?]+$/, '')))];
}
