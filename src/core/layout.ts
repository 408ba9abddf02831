/**
 * The vault layout of DESIGN §5 and the path rules of §3: every path Groundwork writes is built
 * here, from names made safe for file names, and checked to stay inside the allowed folders.
 */

export const DEFAULT_OUTPUT_FOLDER = 'Groundwork';

export const GENERATED_KINDS = ['sources', 'distillate', 'critique', 'skeleton'] as const;
export type GeneratedKind = (typeof GENERATED_KINDS)[number];

export const ROLES = ['domain', 'sources', 'distillate', 'critique', 'skeleton', 'proposal', 'map'] as const;
export type Role = (typeof ROLES)[number];

/**
 * A domain name as a file name: characters that Obsidian or some file system refuses, or that
 * break wikilinks (`# ^ [ ] |`), become spaces; no leading dots (hidden files), no trailing dots.
 */
export function safeName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f\\/:*?"<>|#^[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    // Dots and spaces together: '../../.x' becomes '.. .. .x', and stripping only the dots left ' .. .x', hidden once trimmed.
    .replace(/^[. ]+/, '')
    .replace(/[. ]+$/, '')
    .slice(0, 120)
    .trim();
  return cleaned === '' ? 'Untitled' : cleaned;
}

export function domainFolder(outputFolder: string, domain: string): string {
  return `${outputFolder}/${safeName(domain)}`;
}

export function generatedPath(outputFolder: string, domain: string, kind: GeneratedKind | 'canvas'): string {
  const name = safeName(domain);
  return kind === 'canvas'
    ? `${outputFolder}/${name}/${name} skeleton.canvas`
    : `${outputFolder}/${name}/${name} ${kind}.md`;
}

export function inboxFolder(outputFolder: string): string {
  return `${outputFolder}/Inbox`;
}

export function autonomyMapPath(outputFolder: string): string {
  return `${outputFolder}/Autonomy map.md`;
}

export function basename(path: string): string {
  const file = path.slice(path.lastIndexOf('/') + 1);
  return file.toLowerCase().endsWith('.md') ? file.slice(0, -3) : file;
}

export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

/**
 * Normalizes a vault-relative path and refuses one that could leave the vault or touch the
 * config folder: absolute paths, drive letters, `..`, empty segments are errors, not fixes.
 */
export function normalizeVaultPath(input: string, configDir: string): string {
  const raw = input.replace(/\\/g, '/').normalize('NFC');
  if (raw.trim() === '') throw new PathError('Refused an empty path');
  if (raw.startsWith('/') || /^[a-z]:/i.test(raw) || raw.startsWith('~')) throw new PathError(`Refused an absolute path: ${input}`);
  // eslint-disable-next-line no-control-regex -- control characters never belong in a note path
  if (/[\u0000-\u001f]/.test(raw)) throw new PathError(`Refused a path with control characters: ${JSON.stringify(input)}`);
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new PathError(`Refused a path that leaves its folder: ${input}`);
  if (parts.length === 0) throw new PathError(`Refused an empty path: ${input}`);
  if (parts[0] === configDir) throw new PathError(`Refused a path inside the config folder ${configDir}: ${input}`);
  return parts.join('/');
}

/**
 * The output folder by the write-scope rule: a normalized vault path (no `..`, not absolute, no
 * control characters) and no hidden segment (the config folder is one, and Obsidian does not
 * show notes under any other), so a folder the Gate would refuse is never accepted as a setting.
 */
export function checkOutputFolder(input: string): { ok: true; folder: string } | { ok: false; problem: string } {
  let folder: string;
  try {
    folder = normalizeVaultPath(input.trim(), '.obsidian');
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  }
  if (folder.split('/').some((part) => part.startsWith('.'))) {
    return { ok: false, problem: `Refused a hidden folder (a name starting with a dot is the config folder or not shown in Obsidian): ${input}` };
  }
  return { ok: true, folder };
}

/** True when `path` is `folder` itself or inside it. */
export function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}
