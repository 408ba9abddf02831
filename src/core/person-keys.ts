import { parseNote, splitFrontmatter } from './frontmatter';
import { TRUST_KEYS } from './trust';

/**
 * The frontmatter keys only the person writes (DESIGN §1): the trust keys, and the keys that say
 * what a note is and what a domain takes in (`groundwork`, `include`, `routines`). An agent from
 * outside Groundwork may change a note's text where its domain allows it, never these.
 */
export const PERSON_KEYS = [...TRUST_KEYS, 'groundwork', 'include', 'routines'] as const;

function comparable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Date ? x.toISOString() : x)) ?? 'undefined';
}

function blockBytes(text: string): string {
  const split = splitFrontmatter(text);
  return split?.closed ? text.slice(split.contentStart, split.contentEnd) : '';
}

/**
 * The person's keys whose value differs between two texts of a note (`before` null: a new note,
 * so any such key it sets counts). A frontmatter block that cannot be read is compared by its
 * bytes: when it changed, nobody can say which keys did, so it counts as a change of all of them.
 */
export function changedPersonKeys(before: string | null, after: string): string[] {
  const a = before === null ? { frontmatter: null } : parseNote(before);
  const b = parseNote(after);
  const unreadable = (before !== null && a.frontmatter === null && blockBytes(before) !== '') || (b.frontmatter === null && blockBytes(after) !== '');
  if (unreadable) return before !== null && blockBytes(before) === blockBytes(after) ? [] : [...PERSON_KEYS];
  const fa: Record<string, unknown> = a.frontmatter ?? {};
  const fb: Record<string, unknown> = b.frontmatter ?? {};
  return PERSON_KEYS.filter((k) => comparable(fa[k]) !== comparable(fb[k]));
}
