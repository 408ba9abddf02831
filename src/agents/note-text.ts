import { stringify } from 'yaml';

/** Frontmatter + body for a generated note; keys in a fixed order so diffs stay readable. */
export function noteText(frontmatter: Record<string, unknown>, body: string): string {
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(frontmatter)) if (v !== undefined) clean[k] = v;
  const fm = stringify(clean, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
  return `---\n${fm}---\n${body.endsWith('\n') ? body : `${body}\n`}`;
}

/** The link text for a note path: its path without `.md`, which resolves whatever else shares its name. */
export function linkPath(path: string): string {
  return path.replace(/\.md$/i, '');
}

export function wikilink(path: string, label?: string): string {
  return label ? `[[${linkPath(path)}|${label}]]` : `[[${linkPath(path)}]]`;
}
