import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import type { DataFolder, LockIdentity } from '../vault/port';
import { atomicWrite } from './atomic-write';
import type { NodeVault } from './node-vault';

/** True when a process with this pid runs here (EPERM: it runs, under another user). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The plugin's data folder on disk, for the CLI and tests: `<vault>/<configDir>/plugins/groundwork/`. */
export class NodeDataFolder implements DataFolder {
  readonly lockIdentity: LockIdentity;

  /** `app` names this process in lock files ('cli', 'mcp', 'hook'): what a person reads when one is stuck. */
  constructor(
    readonly root: string,
    app = 'cli',
  ) {
    this.lockIdentity = { app, pid: process.pid, host: hostname() };
  }

  get lockKey(): string {
    return this.root;
  }

  private resolve(name: string): string {
    const abs = path.resolve(this.root, name);
    if (abs !== this.root && !abs.startsWith(this.root + path.sep)) {
      throw new Error(`Refused data path outside the plugin folder: ${name}`);
    }
    return abs;
  }

  async read(name: string): Promise<string | null> {
    try {
      return await fs.readFile(this.resolve(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async write(name: string, data: string): Promise<void> {
    await atomicWrite(this.resolve(name), data);
  }

  async createExclusive(name: string, data: string): Promise<boolean> {
    try {
      await atomicWrite(this.resolve(name), data, { exclusive: true });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  }

  holderGone(holder: LockIdentity): boolean {
    if (holder.host !== this.lockIdentity.host || holder.pid === undefined) return false;
    if (holder.pid === process.pid) return false;
    return !processRuns(holder.pid);
  }

  async remove(name: string): Promise<void> {
    await fs.rm(this.resolve(name), { force: true });
  }

  async list(prefix = ''): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) await walk(abs);
        else if (!e.name.endsWith('.tmp')) {
          const rel = path.relative(this.root, abs).split(path.sep).join('/');
          if (rel.startsWith(prefix)) out.push(rel);
        }
      }
    };
    // Only the prefix's folder can hold names with that prefix: the rest (the digest cache, the
    // index parts) is not walked.
    const slash = prefix.lastIndexOf('/');
    await walk(slash < 0 ? this.root : this.resolve(prefix.slice(0, slash)));
    return out.sort();
  }
}

/** The plugin's data folder of a vault opened by the CLI. */
export function cliDataFolder(vault: NodeVault): NodeDataFolder {
  return new NodeDataFolder(path.join(vault.root, vault.configDir, 'plugins', 'groundwork'));
}
