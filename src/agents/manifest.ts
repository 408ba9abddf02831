import { safeName } from '../core/layout';
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

function name(domainName: string): string {
  return `runs/${safeName(domainName)}.json`;
}

export async function saveManifest(data: DataFolder, domainName: string, m: RunManifest): Promise<void> {
  await data.write(name(domainName), JSON.stringify(m, null, 1));
}

export async function loadManifest(data: DataFolder, domainName: string): Promise<RunManifest | null> {
  const raw = await data.read(name(domainName));
  if (!raw) return null;
  try {
    return JSON.parse(raw) as RunManifest;
  } catch {
    return null;
  }
}
