/**
 * The vault layout of DESIGN §5 and the path rules of §3: every path Groundwork writes is built
 * here, from names made safe for file names, and checked to stay inside the allowed folders.
 */
import { GroundworkError } from './errors';

export const DEFAULT_OUTPUT_FOLDER = 'Groundwork';

export const GENERATED_KINDS = ['sources', 'distillate', 'critique', 'skeleton'] as const;
export type GeneratedKind = (typeof GENERATED_KINDS)[number];

export const ROLES = ['domain', 'sources', 'distillate', 'critique', 'skeleton', 'proposal', 'map'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Longest domain-derived name, in UTF-8 bytes. File systems count bytes (255 a name), not
 * characters, and the longest name built from it is `<name> skeleton.canvas`: 255 − 16. Any name
 * whose generated files all fitted before keeps its folder; a longer one failed with
 * ENAMETOOLONG after the model calls were spent.
 */
export const MAX_NAME_BYTES = 255 - ' skeleton.canvas'.length;
/** The cut names always had, in UTF-16 units: kept so no existing folder is renamed. */
const MAX_NAME_UNITS = 120;

// Windows refuses a device name as a file or folder name, whatever its case, alone or before an
// extension (`con`, `NUL.txt`, `aux .md`: blanks before the dot do not count); `Aux sends` is an
// ordinary name. A `_` right after the device name makes it one too (a name made on Linux would
// otherwise not sync to Windows).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(?= *(\.|$))/i;
// Bidirectional controls make a name read differently from what it is (`invoice\u202Egpj.exe`).
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const encoder = new TextEncoder();

/** UTF-8 length of `text`. */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** The longest start of `text` that fits in `maxBytes` of UTF-8, never half a character. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = utf8Bytes(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** The first `units` UTF-16 units of `text`, without a half surrogate pair at the cut. */
function cutToUnits(text: string, units: number): string {
  const cut = text.slice(0, units);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * A domain name as a file name: characters that Obsidian or some file system refuses, or that
 * break wikilinks (`# ^ [ ] |`), become spaces; bidirectional controls go; no leading dots
 * (hidden files), no trailing dots or blanks; at most 120 characters and `maxBytes` of UTF-8
 * (default MAX_NAME_BYTES); a Windows device name (`CON`, `aux`, `NUL.txt`) gets a `_` after it.
 */
export function safeName(name: string, maxBytes = MAX_NAME_BYTES): string {
  const cleaned = name
    .normalize('NFC')
    .replace(BIDI, '')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f\\/:*?"<>|#^[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    // Dots and spaces together: '../../.x' becomes '.. .. .x', and stripping only the dots left ' .. .x', hidden once trimmed.
    .replace(/^[. ]+/, '');
  const cut = cutToBytes(cutToUnits(cleaned, MAX_NAME_UNITS), maxBytes)
    .replace(/[. ]+$/, '')
    .trim();
  if (cut === '') return 'Untitled';
  return cut.replace(WINDOWS_RESERVED, '$1_');
}

/**
 * Refuses, before any model call, a path with a name longer than file systems take: a run that
 * would fail at its first write is stopped while nothing is spent.
 */
export function checkNameLengths(path: string): void {
  for (const part of path.split('/')) {
    if (utf8Bytes(part) > 255) throw new PathError(`Refused a name longer than 255 bytes (${utf8Bytes(part)}): ${path}`);
  }
}

/**
 * A domain's folder under the output folder. `folder` is the name VaultModel.folderOf gives the
 * domain (its name made safe, qualified when two domains would share it), used as it is.
 */
export function domainFolder(outputFolder: string, folder: string): string {
  return `${outputFolder}/${folder}`;
}

/** A generated note's path in a domain's folder (DESIGN §5); `folder` as for domainFolder. */
export function generatedPath(outputFolder: string, folder: string, kind: GeneratedKind | 'canvas'): string {
  return kind === 'canvas' ? `${outputFolder}/${folder}/${folder} skeleton.canvas` : `${outputFolder}/${folder}/${folder} ${kind}.md`;
}

export function inboxFolder(outputFolder: string): string {
  return `${outputFolder}/Inbox`;
}

export function autonomyMapPath(outputFolder: string): string {
  return `${outputFolder}/Autonomy map.md`;
}

/** The folder a vault path is in: '' at the vault root. */
export function parentFolder(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basename(path: string): string {
  const file = path.slice(path.lastIndexOf('/') + 1);
  return file.toLowerCase().endsWith('.md') ? file.slice(0, -3) : file;
}

export class PathError extends GroundworkError {
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
  return isPlainVaultPath(input, configDir) ? input : normalizeAnyVaultPath(input, configDir);
}

// Printable ASCII but `\`, no `/` first or last or twice, no `.` or `..` segment, no leading `~`
// or drive letter: such a path is already normalized (ASCII is its own NFC).
const PLAIN_PATH = /^(?![~/]|[a-zA-Z]:)(?:(?!\.\.?(?:\/|$))[\x20-\x2e\x30-\x5b\x5d-\x7e]+(?:\/|$))+$/;

/**
 * A path that normalizeVaultPath would return unchanged, told without its NFC pass and its
 * splits: every read of a note goes through here (a third of a 10k-note load's path work).
 */
export function isPlainVaultPath(input: string, configDir: string): boolean {
  if (!PLAIN_PATH.test(input) || input.endsWith('/') || input.trim() === '') return false;
  const slash = input.indexOf('/');
  return (slash < 0 ? input : input.slice(0, slash)) !== configDir;
}

/** normalizeVaultPath for any input: the reference the fast path is held to. */
export function normalizeAnyVaultPath(input: string, configDir: string): string {
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
