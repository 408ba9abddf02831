import { sha256Hex } from './fingerprint';
import { basename, cutToBytes, MAX_NAME_BYTES, safeName } from './layout';

/**
 * Which folder under the output folder holds each domain's generated notes (DESIGN §5).
 *
 * A domain's folder is its name made safe (`CUDA`). Two domain notes can share that name: the
 * same basename in different folders (`Work/CUDA.md`, `Home/CUDA.md`), or names equal once made
 * safe (`C#`, `C:`), or equal but for case (one folder on macOS and Windows). Then one of them
 * keeps the plain folder and every other one gets its name qualified by its note's parent folder
 * (`CUDA (Home)`; a note at the vault root by `vault root`), with a short fingerprint of its path
 * added only when that is still taken (`CUDA (Work 3fa2c1)`, two `Work/CUDA.md` in different places).
 *
 * Who gets a folder must never move an existing one: a folder goes to the domain that the
 * generated notes already in it name (their `domain` link), and only when they name none, by
 * path order (code units, so every platform agrees). So a vault where one `CUDA` was researched
 * keeps its folder when a second `CUDA` appears, whatever their paths.
 */

/** How two names compare as folder names: equal for a file system that ignores case. */
function folderKey(name: string): string {
  return name.toLowerCase();
}

/** `<name> (<qualifier>)`, the name cut (never the qualifier) so the whole stays within MAX_NAME_BYTES. */
function qualified(plain: string, qualifier: string): string {
  const suffix = ` (${cutToBytes(safeName(qualifier), 60).trim()})`;
  const head = cutToBytes(plain, MAX_NAME_BYTES - new TextEncoder().encode(suffix).length).replace(/[. ]+$/, '');
  return `${head}${suffix}`;
}

function parentName(domainPath: string): string {
  const slash = domainPath.lastIndexOf('/');
  return slash < 0 ? 'vault root' : basename(domainPath.slice(0, slash));
}

/**
 * The folder name of every domain note in `domainPaths`. `ownerOf(folder)` tells which domain
 * note the generated notes already in `folder` name, or null when there are none.
 */
export function assignDomainFolders(domainPaths: Iterable<string>, ownerOf: (folder: string) => string | null): Map<string, string> {
  const groups = new Map<string, { plain: string; paths: string[] }>();
  for (const path of domainPaths) {
    const plain = safeName(basename(path));
    const key = folderKey(plain);
    const g = groups.get(key);
    if (g) g.paths.push(path);
    else groups.set(key, { plain, paths: [path] });
  }
  const out = new Map<string, string>();
  const taken = new Set(groups.keys());
  const rest: { path: string; plain: string }[] = [];
  for (const g of groups.values()) {
    // Code-unit order, not the locale's: the same vault must give the same folders everywhere.
    g.paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const claimed = g.paths.length > 1 ? ownerOf(g.plain) : null;
    const owner = claimed !== null && g.paths.includes(claimed) ? claimed : g.paths[0]!;
    out.set(owner, g.plain);
    for (const p of g.paths) if (p !== owner) rest.push({ path: p, plain: g.plain });
  }
  rest.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const assign = (path: string, name: string): void => {
    taken.add(folderKey(name));
    out.set(path, name);
  };
  // First, a domain whose generated notes already sit in its qualified folder keeps it, so a
  // note added later (sorting earlier) never takes that folder over.
  const left: typeof rest = [];
  for (const r of rest) {
    const name = qualified(r.plain, parentName(r.path));
    if (!taken.has(folderKey(name)) && ownerOf(name) === r.path) assign(r.path, name);
    else left.push(r);
  }
  // Then the others in path order; a name in use, or holding another domain's notes, gets the
  // note path's fingerprint as well.
  for (const { path, plain } of left) {
    const name = qualified(plain, parentName(path));
    const owner = taken.has(folderKey(name)) ? null : ownerOf(name);
    if (!taken.has(folderKey(name)) && (owner === null || owner === path)) assign(path, name);
    else assign(path, qualified(plain, `${parentName(path)} ${sha256Hex(path).slice(0, 6)}`));
  }
  return out;
}
