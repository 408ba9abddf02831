import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { DataFolder } from '../vault/port';
import { DEFAULT_CACHE_LIMITS, type CacheLimits } from './presets';

const DIR = 'cache/';
const INDEX = `${DIR}index.json`;

/** What identifies a response; the API key and base URL are deliberately not part of it. */
export interface CacheKeyParts {
  model: string;
  messages: ReadonlyArray<{ role: string; content: string }>;
  /** 'json_schema' for structured calls, 'text' for plain ones. */
  responseFormat: string;
  schemaName?: string;
  jsonSchema?: unknown;
}

export function cacheKey(parts: CacheKeyParts): string {
  const canonical = JSON.stringify([
    parts.model,
    parts.messages.map((m) => [m.role, m.content]),
    parts.responseFormat,
    parts.schemaName ?? null,
    parts.jsonSchema ?? null,
  ]);
  return bytesToHex(sha256(utf8ToBytes(canonical)));
}

export interface CachedResponse {
  content: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

interface IndexEntry {
  key: string;
  bytes: number;
  at: number;
}

/**
 * Responses on disk through the DataFolder port, so an identical call is never paid twice. The
 * index keeps entries oldest first; past either limit the oldest go.
 */
export class ResponseCache {
  private index: IndexEntry[] | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<string, Promise<CachedResponse | null>>();

  constructor(
    private readonly folder: DataFolder,
    private readonly limits: CacheLimits = DEFAULT_CACHE_LIMITS,
  ) {}

  async get(key: string): Promise<CachedResponse | null> {
    const raw = await this.folder.read(fileOf(key));
    if (raw === null) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<CachedResponse>;
      if (typeof parsed.content !== 'string') return null;
      return {
        content: parsed.content,
        model: String(parsed.model ?? ''),
        promptTokens: Number(parsed.promptTokens ?? 0),
        completionTokens: Number(parsed.completionTokens ?? 0),
      };
    } catch {
      // A damaged entry is a miss, not a failure: the call is simply made again.
      return null;
    }
  }

  /**
   * Looks the key up and, on a miss, claims it: identical calls made meanwhile (parallel agents
   * asking the same thing) wait for this one instead of paying for their own. The caller must
   * `settle` with the response, or with null when it failed so a waiter makes the call itself.
   */
  async begin(key: string): Promise<{ hit: CachedResponse | null; settle: (entry: CachedResponse | null) => void }> {
    const noop = (): void => undefined;
    const existing = this.pending.get(key);
    if (existing) {
      const shared = await existing;
      if (shared) return { hit: shared, settle: noop };
      return this.begin(key);
    }
    let resolve!: (entry: CachedResponse | null) => void;
    const claim = new Promise<CachedResponse | null>((r) => (resolve = r));
    this.pending.set(key, claim);
    let settled = false;
    const settle = (entry: CachedResponse | null): void => {
      if (settled) return;
      settled = true;
      if (this.pending.get(key) === claim) this.pending.delete(key);
      resolve(entry);
    };
    try {
      const hit = await this.get(key);
      if (hit) {
        settle(hit);
        return { hit, settle: noop };
      }
    } catch (err) {
      settle(null);
      throw err;
    }
    return { hit: null, settle };
  }

  put(key: string, value: CachedResponse): Promise<void> {
    return this.serial(async () => {
      const data = JSON.stringify({ ...value, at: new Date().toISOString() });
      await this.folder.write(fileOf(key), data);
      const index = await this.loadIndex();
      const existing = index.findIndex((e) => e.key === key);
      if (existing >= 0) index.splice(existing, 1);
      index.push({ key, bytes: data.length, at: Date.now() });
      await this.evict(index);
      await this.folder.write(INDEX, JSON.stringify(index));
    });
  }

  async clear(): Promise<void> {
    await this.serial(async () => {
      for (const name of await this.folder.list(DIR)) await this.folder.remove(name);
      this.index = [];
    });
  }

  /** Entries and bytes currently held, for the settings tab. */
  async stats(): Promise<{ entries: number; bytes: number }> {
    const index = await this.serial(() => this.loadIndex());
    return { entries: index.length, bytes: index.reduce((n, e) => n + e.bytes, 0) };
  }

  private async evict(index: IndexEntry[]): Promise<void> {
    let bytes = index.reduce((n, e) => n + e.bytes, 0);
    while (index.length > 0 && (index.length > this.limits.maxEntries || bytes > this.limits.maxBytes)) {
      const oldest = index.shift();
      if (!oldest) break;
      bytes -= oldest.bytes;
      await this.folder.remove(fileOf(oldest.key));
    }
  }

  private async loadIndex(): Promise<IndexEntry[]> {
    if (this.index) return this.index;
    let index: IndexEntry[] = [];
    const raw = await this.folder.read(INDEX);
    if (raw !== null) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (Array.isArray(parsed)) index = parsed.filter(isIndexEntry);
      } catch {
        index = [];
      }
    }
    // Entries the index does not know (a lost index, an interrupted write) count as the oldest,
    // so the size bound holds even then.
    const known = new Set(index.map((e) => e.key));
    const orphans: IndexEntry[] = [];
    for (const name of await this.folder.list(DIR)) {
      const key = keyOf(name);
      if (!key || known.has(key)) continue;
      const data = await this.folder.read(name);
      orphans.push({ key, bytes: data?.length ?? 0, at: 0 });
    }
    this.index = [...orphans, ...index];
    return this.index;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function fileOf(key: string): string {
  return `${DIR}${key}.json`;
}

function keyOf(name: string): string | null {
  const m = /^cache\/([0-9a-f]{64})\.json$/.exec(name);
  return m?.[1] ?? null;
}

function isIndexEntry(e: unknown): e is IndexEntry {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  return typeof r.key === 'string' && typeof r.bytes === 'number' && typeof r.at === 'number';
}
