import { Notice, type App } from 'obsidian';
import { GeneratedNotes } from '../agents/generated-notes';
import type { DataFolder, VaultPort } from '../vault/port';
import { domainsBasePath, renderDomainsBase } from '../core/domains-base';

export type DomainsBaseOutcome = Awaited<ReturnType<GeneratedNotes['writeUnlessEdited']>>;

/**
 * Writes `<output folder>/Domains.base` unless the person edited it, and says what happened.
 * `open` shows the base (Obsidian opens it in its Bases view) when a person asked for it.
 * It reads no note, so it never makes the plugin index the vault.
 */
export async function writeDomainsBase(
  app: App,
  where: { vault: VaultPort; data: DataFolder; outputFolder: string },
  opts: { open: boolean },
): Promise<DomainsBaseOutcome> {
  const path = domainsBasePath(where.outputFolder);
  const outcome = await new GeneratedNotes(where.vault, where.data, where.outputFolder).writeUnlessEdited(path, renderDomainsBase(where.outputFolder));
  if (opts.open) {
    new Notice(
      outcome === 'kept-edited'
        ? `Groundwork: ${path} is yours since you edited it; it was left as it is. Delete it to get a fresh one.`
        : `Groundwork: ${outcome === 'unchanged' ? `${path} is up to date` : `wrote ${path}`}. Edit confidence, critical and autonomy across domains there; the autonomy map has the final word on modes.`,
      10_000,
    );
    await app.workspace.openLinkText(path, '', false);
  }
  return outcome;
}
