import { basename } from '../core/layout';

const H1 = /^# +(.+?)\s*#*\s*$/m;

/**
 * A note's title for a source list: its first `# ` heading when it has one (daily notes and
 * clippings often carry a better name there than in the file name), else the basename.
 */
export function noteTitle(path: string, body: string): string {
  const m = H1.exec(stripFences(body));
  const heading = m?.[1]?.trim();
  return heading ? heading : basename(path);
}

/** Fenced code is not prose: a `# comment` inside a shell block is not the note's title. */
export function stripFences(body: string): string {
  return body.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}
