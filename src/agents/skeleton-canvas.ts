import { parseNote } from '../core/frontmatter';
import { isInside, normalizeVaultPath, PathError } from '../core/layout';
import { parseLinkValue } from '../core/links';
import { deriveCanvasText, sameSkeleton, skeletonFromCanvas, skeletonFromNote } from '../core/skeleton';
import type { VaultPort } from '../vault/port';

/**
 * Keeps a skeleton's canvas derived from its note: the plugin calls this whenever a skeleton
 * note changes, `groundwork skeleton --canvas` on request, and the mapper after each draft. A
 * canvas that already says what the note says is left alone (the person's layout stays); one that
 * disagrees is rewritten, keeping every card the person added by hand.
 */

export interface CanvasSync {
  canvasPath: string;
  outcome: 'created' | 'rewritten' | 'unchanged';
  areas: number;
}

export function canvasPathOf(skeletonPath: string): string {
  return skeletonPath.replace(/\.md$/i, '.canvas');
}

export function isSkeletonPath(path: string, outputFolder: string): boolean {
  return isInside(path, outputFolder) && / skeleton\.md$/i.test(path);
}

export async function syncSkeletonCanvas(vault: VaultPort, outputFolder: string, skeletonPath: string, opts: { force?: boolean } = {}): Promise<CanvasSync> {
  const canvasPath = normalizeVaultPath(canvasPathOf(skeletonPath), vault.configDir);
  if (!isInside(canvasPath, outputFolder)) throw new PathError(`Refused to write outside ${outputFolder}/: ${canvasPath}`);
  const note = parseNote(await vault.read(skeletonPath));
  const link = parseLinkValue(note.frontmatter?.domain);
  const domainPath = link ? `${link.replace(/\.md$/i, '')}.md` : skeletonPath;
  const skeleton = skeletonFromNote(note.body);
  const exists = (await vault.stat(canvasPath)) !== null;
  if (!exists) {
    await vault.create(canvasPath, deriveCanvasText(domainPath, skeleton, null));
    return { canvasPath, outcome: 'created', areas: skeleton.areas.length };
  }
  let outcome: CanvasSync['outcome'] = 'unchanged';
  await vault.process(canvasPath, (current) => {
    const shown = skeletonFromCanvas(current);
    if (!opts.force && shown && sameSkeleton(shown, skeleton)) return current;
    const next = deriveCanvasText(domainPath, skeleton, current);
    if (next !== current) outcome = 'rewritten';
    return next;
  });
  return { canvasPath, outcome, areas: skeleton.areas.length };
}
