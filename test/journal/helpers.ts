import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { normalizeVaultPath } from '../../src/core/layout';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { NodeVault } from '../../src/cli/node-vault';
import { Journal, type JournalOptions } from '../../src/journal';
import type { DataFolder, VaultPort } from '../../src/vault/port';
import { tempVault } from '../support/temp-vault';

/**
 * NodeVault with a read that keeps a leading byte-order mark. NodeVault's TextDecoder drops it
 * (TextDecoder's default ignoreBOM: false), so through NodeVault itself a BOM note loses its BOM
 * at the agent's first read, before the journal sees any text. The journal is tested over this
 * vault so that its own byte-for-byte promise is what is measured.
 */
export class BomKeepingVault extends NodeVault {
  override async read(rel: string): Promise<string> {
    const text = await super.read(rel); // NodeVault's errors and checks, unchanged
    const head = await readFile(path.join(this.root, ...normalizeVaultPath(rel, this.configDir).split('/')));
    const bom = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
    return bom && !text.startsWith('\uFEFF') ? `\uFEFF${text}` : text;
  }
}

export interface JournalFixture {
  dir: string;
  vault: NodeVault;
  /** NodeVault exactly as the CLI uses it. */
  plainVault: NodeVault;
  data: NodeDataFolder;
  problems: string[];
  journal: (over?: { vault?: VaultPort; data?: DataFolder; opts?: Partial<JournalOptions> }) => Journal;
  /** Writes raw bytes, so the test controls every byte (BOM, CRLF) rather than an encoder. */
  put: (rel: string, content: string | Buffer) => void;
  bytes: (rel: string) => Buffer;
  exists: (rel: string) => boolean;
  trashed: () => Buffer[];
  cleanup: () => void;
}

export function journalFixture(): JournalFixture {
  const { dir, cleanup } = tempVault();
  const vault = new BomKeepingVault(dir);
  const data = new NodeDataFolder(path.join(dir, '.obsidian', 'plugins', 'groundwork'));
  const problems: string[] = [];
  const abs = (rel: string): string => path.join(dir, ...rel.split('/'));
  return {
    dir,
    vault,
    plainVault: new NodeVault(dir),
    data,
    problems,
    journal: (over = {}) =>
      new Journal(over.vault ?? vault, over.data ?? data, {
        outputFolder: 'Groundwork',
        onProblem: (m) => problems.push(m),
        ...over.opts,
      }),
    put: (rel, content) => {
      mkdirSync(path.dirname(abs(rel)), { recursive: true });
      writeFileSync(abs(rel), typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    },
    bytes: (rel) => readFileSync(abs(rel)),
    exists: (rel) => existsSync(abs(rel)),
    trashed: () => {
      const t = path.join(dir, '.trash');
      return existsSync(t) ? readdirSync(t).map((f) => readFileSync(path.join(t, f))) : [];
    },
    cleanup,
  };
}

/** A data folder that fails its index writes after `allowed` of them: a crash at that point. */
export class CrashingDataFolder implements DataFolder {
  indexWrites = 0;

  constructor(
    private readonly inner: DataFolder,
    private readonly allowed: number,
  ) {}

  read(name: string): Promise<string | null> {
    return this.inner.read(name);
  }

  async write(name: string, data: string): Promise<void> {
    if (name === 'journal/index.json' && this.indexWrites++ >= this.allowed) throw new Error('simulated crash');
    await this.inner.write(name, data);
  }

  remove(name: string): Promise<void> {
    return this.inner.remove(name);
  }

  list(prefix?: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  createExclusive(name: string, data: string): Promise<boolean> {
    return this.inner.createExclusive(name, data);
  }

  get lockKey(): string {
    return this.inner.lockKey;
  }

  get lockIdentity() {
    return this.inner.lockIdentity;
  }

  holderGone(holder: Parameters<DataFolder['holderGone']>[0]): boolean {
    return this.inner.holderGone(holder);
  }
}
