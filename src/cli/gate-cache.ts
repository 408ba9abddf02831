import type { Stats } from 'node:fs';
import { GENERATED_KINDS } from '../core/layout';
import { unreadableRecord, type NoteRecord } from '../core/note-record';
import { VaultModel } from '../core/vault-model';
import { readRecord } from '../vault/load-model';
import type { NodeDataFolder } from './node-data-folder';
import type { NodeVault } from './node-vault';

/**
 * What the Claude Code hook needs of the vault, kept between its runs in the plugin's data folder
 * (`cache/agent-gate.json`), so a decision costs a listing of the vault and a few reads instead
 * of reading every note. Only notes with a role (domain notes, generated notes) are kept whole;
 * every other note is kept as a path, because the map's modes depend on the former only.
 *
 * The cache is never trusted as it is: every run re-reads the notes with a role whose size,
 * time or inode changed, and reads every note it has not seen. A note without a role that
 * became a domain note in place is caught by `verifyAll`, which the hook runs before it allows
 * anything: it re-reads each note changed since the cache last looked at them all. A stale
 * cache can therefore make the hook ask or deny, never allow what the frontmatter forbids.
 * No lock: the file is only a cache; whoever writes last leaves a state that is checked again.
 */

const CACHE = 'cache/agent-gate.json';
const VERSION = 1;
/** File times are not exact across file systems: look back a little further than the last scan. */
const SLACK_MS = 2000;

interface CacheFile {
  version: number;
  configDir: string;
  outputFolder: string;
  /** Every note without a role was seen without one at this time (ms) or later. */
  scannedAt: number;
  plain: string[];
  roles: Record<string, { sig: string; record: NoteRecord }>;
}

/** The lowercase name a link or a path is found by (LinkResolver's key). */
function nameKey(target: string): string {
  const t = target.replace(/\.md$/i, '').toLowerCase();
  return t.slice(t.lastIndexOf('/') + 1);
}

function sigOf(st: Stats | null): string {
  return st ? `${st.mtimeMs}:${st.size}:${st.ino}` : 'gone';
}

function stub(p: string): NoteRecord {
  return { ...unreadableRecord(p, ''), problems: [] };
}

async function eachLimited<T>(items: T[], fn: (item: T) => Promise<void>, limit = 32): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class GateModel {
  /**
   * The notes with a role, and of the others only those whose name a `domain` link could
   * resolve to: a link resolves among the notes of its name, so it resolves here exactly as in
   * the whole vault, without indexing 10,000 paths on every run.
   */
  readonly model: VaultModel;
  private dirty = false;
  private readonly names = new Set<string>();

  private constructor(
    private readonly vault: NodeVault,
    private readonly data: NodeDataFolder,
    private readonly outputFolder: string,
    private scannedAt: number,
    private readonly plain: Set<string>,
    private readonly roles: Map<string, { sig: string; record: NoteRecord }>,
    linkTargets: string[],
  ) {
    this.model = new VaultModel(outputFolder);
    for (const t of linkTargets) this.names.add(nameKey(t));
    for (const { record } of roles.values()) for (const t of record.domainLinks) this.names.add(nameKey(t));
    for (const p of plain) if (this.names.has(nameKey(p))) this.model.set(stub(p));
    for (const { record } of roles.values()) this.model.set(record);
  }

  /** A note with a role came in: the names its links may resolve to join the model. */
  private needLinks(record: NoteRecord): void {
    const fresh = record.domainLinks.map(nameKey).filter((n) => !this.names.has(n));
    if (fresh.length === 0) return;
    for (const n of fresh) this.names.add(n);
    for (const p of this.plain) if (fresh.includes(nameKey(p))) this.model.set(stub(p));
  }

  /** Reads one note and files it as plain or with a role; true when it has a role. */
  private async take(p: string): Promise<boolean> {
    const st = this.vault.statNow(p);
    const record = await readRecord(this.vault, p);
    const sig = sigOf(st);
    if (record.role === null) {
      if (!this.plain.has(p)) this.dirty = true;
      this.roles.delete(p);
      this.plain.add(p);
      if (this.names.has(nameKey(p))) this.model.set(stub(p));
      else this.model.delete(p);
      return false;
    }
    if (this.roles.get(p)?.sig !== sig) this.dirty = true;
    this.plain.delete(p);
    // Outgoing links are not kept: no decision reads them, and they are most of a record's size.
    this.roles.set(p, { sig, record: { ...record, links: [] } });
    this.model.set(record);
    this.needLinks(record);
    return true;
  }

  /** `linkTargets`: the links the caller will resolve (the written note's `domain` links). */
  static async load(vault: NodeVault, data: NodeDataFolder, outputFolder: string, linkTargets: string[]): Promise<GateModel> {
    const started = Date.now();
    const [listed, raw] = await Promise.all([vault.listNotes(), data.read(CACHE).catch(() => null)]);
    let cache: CacheFile | null = null;
    try {
      const parsed = raw === null ? null : (JSON.parse(raw) as CacheFile);
      if (parsed?.version === VERSION && parsed.configDir === vault.configDir && parsed.outputFolder === outputFolder && Array.isArray(parsed.plain)) cache = parsed;
    } catch {
      cache = null; // a damaged cache is rebuilt
    }
    const paths = listed.map((f) => f.path);
    const present = new Set(paths);
    const plain = new Set((cache?.plain ?? []).filter((p) => present.has(p)));
    const roles = new Map(Object.entries(cache?.roles ?? {}).filter(([p]) => present.has(p)));
    const g = new GateModel(vault, data, outputFolder, cache?.scannedAt ?? started, plain, roles, linkTargets);
    if (!cache || plain.size + roles.size !== (cache.plain.length + Object.keys(cache.roles).length)) g.dirty = true;
    // New to the cache (or no cache at all): read them.
    await eachLimited(
      paths.filter((p) => !plain.has(p) && !roles.has(p)),
      async (p) => void (await g.take(p)),
    );
    // Notes with a role that changed on disk: read them again.
    for (const p of [...roles.keys()]) if (sigOf(g.vault.statNow(p)) !== roles.get(p)!.sig) await g.take(p);
    return g;
  }

  /**
   * Re-reads every note without a role that changed since the last full look, so a note that
   * became a domain note in place is known. Returns the paths that now have a role.
   */
  async verifyAll(): Promise<string[]> {
    const started = Date.now();
    const since = this.scannedAt - SLACK_MS;
    const found: string[] = [];
    let reread = 0;
    const changed = [...this.plain].filter((p) => {
      const st = this.vault.statNow(p);
      return !st || st.mtimeMs >= since || st.ctimeMs >= since;
    });
    for (const p of changed) {
      reread++;
      if (await this.take(p)) found.push(p);
    }
    if (reread > 0) {
      this.scannedAt = started;
      this.dirty = true;
    }
    return found;
  }

  /** Reads a domain note and its generated notes again, whatever the cache says: trust is read live. */
  async refreshDomain(domainPath: string): Promise<void> {
    await this.take(domainPath);
    const rec = this.model.get(domainPath);
    if (!rec || rec.role !== 'domain') return;
    for (const k of GENERATED_KINDS) {
      const p = this.model.generatedPath(domainPath, k);
      if (this.vault.statNow(p)?.isFile()) await this.take(p);
      else if (this.model.get(p)) {
        this.model.delete(p);
        this.roles.delete(p);
        this.plain.delete(p);
      }
    }
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const file: CacheFile = {
      version: VERSION,
      configDir: this.vault.configDir,
      outputFolder: this.outputFolder,
      scannedAt: this.scannedAt,
      plain: [...this.plain],
      roles: Object.fromEntries(this.roles),
    };
    await this.data.write(CACHE, JSON.stringify(file));
    this.dirty = false;
  }
}
