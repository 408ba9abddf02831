import type { NumberedSource } from '../sources/types';
import type { DataFolder } from '../vault/port';

/**
 * What the last research run of a domain gathered (ids, refs, fingerprints; no text), so the
 * critic and the mapper can run later on the same sources without gathering them again.
 */
export interface RunManifest {
  domainPath: string;
  generated: string;
  sources: Omit<NumberedSource, 'text'>[];
}

/** Keyed by the domain's folder name (VaultModel.folderOf): unique per domain note, like the folder. */
function name(folder: string): string {
  return `runs/${folder}.json`;
}

export async function saveManifest(data: DataFolder, folder: string, m: RunManifest): Promise<void> {
  await data.write(name(folder), JSON.stringify(m, null, 1));
}

/**
 * The folder names that have a manifest, from one listing: the map asks for every domain's, and
 * most domains were never researched, so one read per domain would mostly find nothing.
 */
export async function manifestFolders(data: DataFolder): Promise<Set<string>> {
  const out = new Set<string>();
  for (const n of await data.list('runs/')) if (n.endsWith('.json') && !n.slice(5).includes('/')) out.add(n.slice(5, -5));
  return out;
}

export async function loadManifest(data: DataFolder, folder: string): Promise<RunManifest | null> {
  const raw = await data.read(name(folder));
  if (!raw) return null;
  try {
    return JSON.parse(raw) as RunManifest;
  } catch {
    return null;
  }
}
