/**
 * The "## Groundwork" section the plugin appends to a domain note: links to its generated notes.
 * It is the plugin's bookkeeping, not the person's knowledge, so it is left out of the domain
 * note when the note is read as a source — otherwise each run would change the note's
 * fingerprint and pay for its digest again.
 */

export const GROUNDWORK_SECTION_HEADING = '## Groundwork';

const LINK_ITEM = /^\s*[-*+]\s+\[\[[^\]\n]+\]\]\s*$/;

/** Removes the section only while it holds nothing but link items, so a person's own prose there stays. */
export function stripGroundworkSection(body: string): string {
  const lines = body.split('\n');
  const start = lines.findIndex((l) => l.replace(/\r$/, '').trim() === GROUNDWORK_SECTION_HEADING);
  if (start < 0) return body;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!.replace(/\r$/, '');
    if (/^#{1,2}\s/.test(l)) {
      end = i;
      break;
    }
    if (l.trim() !== '' && !LINK_ITEM.test(l)) return body;
  }
  return [...lines.slice(0, start), ...lines.slice(end)].join('\n').replace(/\n{3,}$/, '\n');
}
