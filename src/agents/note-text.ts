import { stringify } from 'yaml';

/** Frontmatter + body for a generated note; keys in a fixed order so diffs stay readable. */
export function noteText(frontmatter: Record<string, unknown>, body: string): string {
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(frontmatter)) if (v !== undefined) clean[k] = v;
  const fm = stringify(clean, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
  return `---\n${fm}---\n${body.endsWith('\n') ? body : `${body}\n`}`;
}

// The link helpers live in core (the journal, below agents, renders links too); re-exported for agents.
export { linkPath, wikilink } from '../core/links';
